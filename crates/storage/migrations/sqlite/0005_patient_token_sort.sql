-- Patient search: each token row carries its patient's sort key and archived flag
-- (kept in step by storage::patient), so a search ranks and sorts its hits from the
-- covering index `patient_token_rank` alone and reads only the rows of the page.
ALTER TABLE patient_token ADD COLUMN sort_key TEXT NOT NULL DEFAULT '';
ALTER TABLE patient_token ADD COLUMN archived BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE patient_token
   SET sort_key = (SELECT p.sort_key FROM patient p WHERE p.id = patient_token.patient_id),
       archived = (SELECT p.archived FROM patient p WHERE p.id = patient_token.patient_id);
CREATE INDEX patient_token_rank ON patient_token(token, archived, sort_key, patient_id);
