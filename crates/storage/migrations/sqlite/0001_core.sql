-- Core schema (SQLite twin of postgres/0001_core.sql; keep the two in step).
-- Instants are BIGINT unix microseconds UTC; calendar dates are TEXT 'YYYY-MM-DD' in the clinic's zone.

CREATE TABLE app_user (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    language TEXT CHECK (language IN ('es', 'en')),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE user_role (
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    role TEXT NOT NULL CHECK (role IN ('admin', 'doctor', 'nurse', 'receptionist', 'cashier')),
    PRIMARY KEY (user_id, role)
);

CREATE TABLE user_session (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    kind TEXT NOT NULL CHECK (kind IN ('web', 'api')),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX user_session_user ON user_session(user_id);

CREATE TABLE login_attempt (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    at BIGINT NOT NULL,
    success BOOLEAN NOT NULL
);
CREATE INDEX login_attempt_user_at ON login_attempt(username, at);

CREATE TABLE institution (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    legal_name TEXT NOT NULL DEFAULT '',
    rif TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    footer TEXT NOT NULL DEFAULT '',
    paper_size TEXT NOT NULL DEFAULT 'letter' CHECK (paper_size IN ('a4', 'letter', 'half_letter')),
    chart_access TEXT NOT NULL DEFAULT 'clinic' CHECK (chart_access IN ('clinic', 'assigned')),
    base_currency TEXT NOT NULL DEFAULT 'USD' CHECK (base_currency IN ('USD', 'VES', 'EUR')),
    logo BLOB,
    logo_mime TEXT,
    is_demo BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at BIGINT NOT NULL
);

CREATE TABLE specialty (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name_es TEXT NOT NULL,
    name_en TEXT NOT NULL
);

CREATE TABLE doctor_profile (
    user_id BIGINT PRIMARY KEY REFERENCES app_user(id),
    cedula TEXT,
    colegiado TEXT NOT NULL DEFAULT '',
    mpps TEXT NOT NULL DEFAULT '',
    consulting_room TEXT NOT NULL DEFAULT '',
    default_minutes INTEGER NOT NULL DEFAULT 30 CHECK (default_minutes BETWEEN 5 AND 480),
    updated_at BIGINT NOT NULL
);

CREATE TABLE doctor_specialty (
    user_id BIGINT NOT NULL REFERENCES doctor_profile(user_id),
    specialty_id BIGINT NOT NULL REFERENCES specialty(id),
    PRIMARY KEY (user_id, specialty_id)
);

CREATE TABLE patient (
    id INTEGER PRIMARY KEY,
    first_name TEXT NOT NULL,
    middle_name TEXT,
    last_name TEXT NOT NULL,
    second_last_name TEXT,
    cedula TEXT,
    passport TEXT,
    birth_date TEXT,
    sex TEXT NOT NULL DEFAULT 'unknown' CHECK (sex IN ('female', 'male', 'intersex', 'unknown')),
    phone TEXT,
    phone2 TEXT,
    email TEXT,
    address TEXT,
    occupation TEXT,
    marital_status TEXT,
    blood_type TEXT,
    guardian_name TEXT,
    guardian_cedula TEXT,
    guardian_relationship TEXT,
    guardian_phone TEXT,
    emergency_name TEXT,
    emergency_relationship TEXT,
    emergency_phone TEXT,
    no_known_allergies BOOLEAN NOT NULL DEFAULT FALSE,
    habits TEXT NOT NULL DEFAULT '{}',
    sort_key TEXT NOT NULL,
    archived BOOLEAN NOT NULL DEFAULT FALSE,
    created_by BIGINT REFERENCES app_user(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- Unique across all patients, archived ones included.
CREATE UNIQUE INDEX patient_cedula_unique ON patient(cedula) WHERE cedula IS NOT NULL;
CREATE INDEX patient_list ON patient(archived, sort_key, id);

-- Folded name words and cédula forms, for indexed any-order prefix search.
CREATE TABLE patient_token (
    token TEXT NOT NULL,
    patient_id BIGINT NOT NULL REFERENCES patient(id),
    PRIMARY KEY (token, patient_id)
);
CREATE INDEX patient_token_patient ON patient_token(patient_id);

CREATE TABLE patient_allergy (
    id INTEGER PRIMARY KEY,
    patient_id BIGINT NOT NULL REFERENCES patient(id),
    position INTEGER NOT NULL,
    substance TEXT NOT NULL,
    reaction TEXT,
    severity TEXT CHECK (severity IN ('mild', 'moderate', 'severe'))
);
CREATE INDEX patient_allergy_patient ON patient_allergy(patient_id);

CREATE TABLE patient_history (
    id INTEGER PRIMARY KEY,
    patient_id BIGINT NOT NULL REFERENCES patient(id),
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('past_condition', 'surgery', 'family', 'genetic')),
    description TEXT NOT NULL
);
CREATE INDEX patient_history_patient ON patient_history(patient_id);

CREATE TABLE icd11_entity (
    id INTEGER PRIMARY KEY,
    uri TEXT NOT NULL UNIQUE,
    foundation_uri TEXT NOT NULL DEFAULT '',
    code TEXT,
    block_id TEXT,
    title TEXT NOT NULL,
    title_es TEXT,
    class_kind TEXT NOT NULL CHECK (class_kind IN ('chapter', 'block', 'category')),
    chapter_no TEXT NOT NULL,
    parent_uri TEXT,
    depth INTEGER NOT NULL,
    position INTEGER NOT NULL,
    is_leaf BOOLEAN NOT NULL,
    is_residual BOOLEAN NOT NULL,
    selectable BOOLEAN NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    release TEXT NOT NULL
);
CREATE INDEX icd11_entity_code ON icd11_entity(code);
CREATE INDEX icd11_entity_parent ON icd11_entity(parent_uri);

-- One row: bumped by every import that changes something, so servers reload their search index.
CREATE TABLE icd11_meta (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL,
    release TEXT NOT NULL,
    imported_at BIGINT NOT NULL
);

CREATE TABLE appointment (
    id INTEGER PRIMARY KEY,
    patient_id BIGINT NOT NULL REFERENCES patient(id),
    doctor_id BIGINT NOT NULL REFERENCES app_user(id),
    date TEXT NOT NULL,
    start_time TEXT,
    duration_minutes INTEGER NOT NULL DEFAULT 30,
    kind TEXT NOT NULL DEFAULT 'general' CHECK (kind IN ('general', 'specialized', 'follow_up', 'procedure')),
    source TEXT NOT NULL CHECK (source IN ('scheduled', 'walk_in')),
    reason TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('normal', 'emergency')),
    status TEXT NOT NULL CHECK (status IN ('scheduled', 'waiting', 'in_consultation', 'completed', 'canceled', 'no_show')),
    cancel_reason TEXT,
    arrived_at BIGINT,
    started_at BIGINT,
    completed_at BIGINT,
    canceled_at BIGINT,
    wait_seconds BIGINT,
    created_by BIGINT REFERENCES app_user(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- Spec §4 invariants, enforced by the database so concurrent requests cannot break them.
CREATE UNIQUE INDEX appointment_one_active_per_patient ON appointment(patient_id) WHERE status IN ('waiting', 'in_consultation');
CREATE UNIQUE INDEX appointment_one_in_consultation_per_doctor ON appointment(doctor_id) WHERE status = 'in_consultation';
CREATE INDEX appointment_date ON appointment(date, status);
CREATE INDEX appointment_patient ON appointment(patient_id, date);

CREATE TABLE consultation (
    id INTEGER PRIMARY KEY,
    appointment_id BIGINT NOT NULL UNIQUE REFERENCES appointment(id),
    patient_id BIGINT NOT NULL REFERENCES patient(id),
    doctor_id BIGINT NOT NULL REFERENCES app_user(id),
    status TEXT NOT NULL CHECK (status IN ('in_progress', 'completed', 'canceled')),
    subjective TEXT NOT NULL DEFAULT '',
    objective TEXT NOT NULL DEFAULT '',
    assessment TEXT NOT NULL DEFAULT '',
    plan TEXT NOT NULL DEFAULT '',
    started_at BIGINT NOT NULL,
    completed_at BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX consultation_one_in_progress_per_doctor ON consultation(doctor_id) WHERE status = 'in_progress';
CREATE INDEX consultation_patient ON consultation(patient_id, started_at);

CREATE TABLE diagnosis (
    id INTEGER PRIMARY KEY,
    consultation_id BIGINT NOT NULL REFERENCES consultation(id),
    icd11_id BIGINT NOT NULL REFERENCES icd11_entity(id),
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    is_primary BOOLEAN NOT NULL,
    certainty TEXT NOT NULL CHECK (certainty IN ('confirmed', 'presumptive', 'ruled_out')),
    notes TEXT NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL REFERENCES app_user(id),
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX diagnosis_one_primary ON diagnosis(consultation_id) WHERE is_primary;
CREATE UNIQUE INDEX diagnosis_code_once ON diagnosis(consultation_id, code);

-- Tamper-evident, append-only log (spec §9). seq is assigned by the writer under a lock.
CREATE TABLE audit_event (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_id BIGINT,
    actor_username TEXT NOT NULL,
    actor_roles TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT,
    patient_id BIGINT,
    outcome TEXT NOT NULL CHECK (outcome IN ('success', 'denied')),
    severity TEXT NOT NULL DEFAULT 'normal',
    request_id TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    changes TEXT NOT NULL DEFAULT '{}',
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_event_patient ON audit_event(patient_id, seq);
CREATE INDEX audit_event_entity ON audit_event(entity, entity_id);
CREATE INDEX audit_event_actor ON audit_event(actor_id, seq);
CREATE INDEX audit_event_at ON audit_event(at);
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;
