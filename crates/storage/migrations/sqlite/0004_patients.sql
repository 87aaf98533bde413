-- Patients: candidates for the possible-duplicate warning (same birth date).
CREATE INDEX patient_birth_date ON patient(birth_date);
