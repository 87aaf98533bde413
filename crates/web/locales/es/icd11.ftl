# icd11 messages
icd-title = CIE-11
icd-sub = Clasificación Internacional de Enfermedades, 11.ª revisión (MMS)
icd-search = Buscar
icd-search-label = Código o palabras del título
icd-search-placeholder = Código (BA00) o palabras (diab mell)
icd-search-button = Buscar
icd-results = { $count ->
    [one] { $count } resultado
   *[other] { $count } resultados
}
icd-no-results = Sin resultados
icd-loading = Buscando…
icd-col-code = Código
icd-col-title = Título
icd-col-chapter = Capítulo
icd-col-status = Uso
icd-chapters = Capítulos
icd-kind-chapter = Capítulo
icd-kind-block = Bloque
icd-kind-category = Categoría
icd-residual = Residual
icd-selectable = seleccionable
icd-not-selectable = no seleccionable
icd-retired = retirado
icd-children = Contenido
icd-no-children = Sin subdivisiones.
icd-breadcrumbs = Ruta en la clasificación
icd-release = Versión
icd-empty-title = Catálogo vacío
icd-empty-text = Importe el archivo de la OMS con «medops icd11 import».
icd-attribution = CIE-11 MMS © Organización Mundial de la Salud, CC BY-ND 3.0 IGO
err-icd11-file = Archivo CIE-11 rechazado; el catálogo no cambió: { $detail }
