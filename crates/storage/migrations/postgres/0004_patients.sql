-- Patients: candidates for the possible-duplicate warning (same birth date).
CREATE INDEX patient_birth_date ON patient(birth_date);
-- Prefix range search on tokens compares bytewise ("C") whatever the database collation.
CREATE INDEX patient_token_c ON patient_token ((token COLLATE "C"), patient_id);
