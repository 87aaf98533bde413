# icd11 messages
icd-title = ICD-11
icd-sub = International Classification of Diseases, 11th revision (MMS)
icd-search = Search
icd-search-label = Code or title words
icd-search-placeholder = Code (BA00) or words (diab mell)
icd-search-button = Search
icd-results = { $count ->
    [one] { $count } result
   *[other] { $count } results
}
icd-no-results = No results
icd-loading = Searching…
icd-col-code = Code
icd-col-title = Title
icd-col-chapter = Chapter
icd-col-status = Use
icd-chapters = Chapters
icd-kind-chapter = Chapter
icd-kind-block = Block
icd-kind-category = Category
icd-residual = Residual
icd-selectable = selectable
icd-not-selectable = not selectable
icd-retired = retired
icd-children = Contents
icd-no-children = No subdivisions.
icd-breadcrumbs = Path in the classification
icd-release = Release
icd-empty-title = Empty catalogue
icd-empty-text = Import WHO's file with "medops icd11 import".
icd-attribution = ICD-11 MMS © World Health Organization, CC BY-ND 3.0 IGO
err-icd11-file = ICD-11 file refused, catalogue unchanged: { $detail }
