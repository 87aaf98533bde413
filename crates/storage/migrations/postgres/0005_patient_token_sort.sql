-- Patient search: each token row carries its patient's sort key and archived flag
-- (kept in step by storage::patient), so a search ranks and sorts its hits from the
-- covering index `patient_token_rank` alone and reads only the rows of the page.
-- Prefix range search on tokens compares bytewise ("C"), as in patient_token_c (0004).
ALTER TABLE patient_token ADD COLUMN sort_key TEXT NOT NULL DEFAULT '';
ALTER TABLE patient_token ADD COLUMN archived BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE patient_token t SET sort_key = p.sort_key, archived = p.archived FROM patient p WHERE p.id = t.patient_id;
CREATE INDEX patient_token_rank ON patient_token ((token COLLATE "C"), archived, sort_key, patient_id);
