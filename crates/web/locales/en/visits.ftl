# visits: walk-ins, waiting room, consultations
visit-err-transition = This appointment is { $from ->
    [scheduled] scheduled
    [waiting] waiting
    [in_consultation] in consultation
    [completed] completed
    [canceled] canceled
    [no_show] marked as a no-show
   *[other] in another state
}: it cannot be { $event ->
    [arrive] marked as arrived
    [start] started
    [complete] completed
    [cancel] canceled
    [no_show] marked as a no-show
   *[other] changed that way
}.
visit-err-not-today = This can only be done on the day of the appointment.
err-already-in-room = The patient is already in the waiting room or in consultation.
err-patient-unknown = Unknown or archived patient.
err-doctor-unknown = Choose an active doctor.
err-doctor-busy = The doctor already has a consultation in progress. Complete it before starting another.
err-consultation-closed = The consultation is closed: it cannot be changed any more.
err-icd-not-selectable = That code is not a selectable ICD-11 diagnosis.
err-diagnosis-duplicate = That diagnosis is already recorded in this consultation.
err-primary-required = Mark one diagnosis as primary before completing the consultation.
flash-walk-in = Arrival registered.
flash-consultation-started = Consultation started.
flash-consultation-completed = Consultation completed.
flash-appointment-canceled = Appointment canceled.
flash-note-saved = Note saved.
flash-diagnosis-added = Diagnosis added.
flash-diagnosis-removed = Diagnosis removed.
visit-status-scheduled = Expected
visit-status-waiting = Waiting
visit-status-in_consultation = In consultation
visit-status-completed = Completed
visit-status-canceled = Canceled
visit-status-no_show = No-show
visit-status-in_progress = In progress
visit-priority-emergency = Emergency
visit-priority-normal = Normal
visit-sex-female = Female
visit-sex-male = Male
visit-sex-intersex = Intersex
visit-sex-unknown = Not stated
visit-certainty-confirmed = Confirmed
visit-certainty-presumptive = Presumptive
visit-certainty-ruled_out = Ruled out
wr-title = Waiting room
wr-today = Today, { $date }
wr-empty-title = Nobody in the waiting room
wr-empty-text = Register a walk-in with the form.
wr-col-patient = Patient
wr-col-doctor = Doctor
wr-col-reason = Reason
wr-col-status = Status
wr-col-arrived = Arrived
wr-col-waited = Waited
wr-col-actions = Actions
wr-waited-format = { "{" }m{ "}" } min
wr-start = Start consultation
wr-open = Open consultation
wr-cancel = Cancel appointment
wr-cancel-reason = Reason for canceling
wr-cancel-confirm = Cancel this appointment?
wr-walkin-title = Register a walk-in
wr-walkin-patient = Patient
wr-walkin-patient-help = Type the name or cédula and pick from the list.
wr-walkin-search = Search patient
wr-walkin-search-results = Search results
wr-walkin-choose = Choose
wr-walkin-doctor = Doctor
wr-walkin-doctor-choose = Choose a doctor
wr-walkin-reason = Reason for visit
wr-walkin-emergency = Emergency
wr-walkin-submit = Register arrival
wr-walkin-new = New patient
wr-walkin-new-help = If the patient is not registered, fill in these fields: the patient is created and the arrival registered in one step.
wr-new-first-name = First name
wr-new-last-name = Last name
wr-new-cedula = Cédula
wr-new-birth-date = Birth date
wr-new-sex = Sex
wr-new-phone = Phone
wr-form-errors = Please check the marked fields.
wr-typeahead-empty = No results
wr-typeahead-loading = Searching…
wr-optional = (optional)
cons-title = Consultation
cons-age = Age
cons-sex = Sex
cons-cedula = Cédula
cons-doctor = Doctor
cons-reason = Reason
cons-allergies = Allergies
cons-nka = No known allergies
cons-allergies-unknown = Allergies not recorded
cons-note = SOAP note
cons-subjective = Subjective
cons-subjective-help = Reason for visit and history of present illness.
cons-objective = Objective
cons-objective-help = Physical examination.
cons-assessment = Assessment
cons-plan = Plan
cons-note-save = Save note
cons-autosave-saving = Saving…
cons-autosave-saved = Saved at { "{" }time{ "}" }
cons-autosave-error = Could not save. Will retry.
cons-autosave-dirty = Unsaved changes
cons-autosave-restore = There is a newer local copy ({ "{" }time{ "}" }). Restore it?
cons-autosave-restore-yes = Restore
cons-autosave-restore-no = Discard
cons-diagnoses = Diagnoses
cons-no-diagnoses = No diagnoses yet.
cons-primary = Primary
cons-secondary = Secondary
cons-dx-add = Add diagnosis
cons-dx-search = Diagnosis (ICD-11)
cons-dx-search-help = Type a code or words of the title and pick from the list.
cons-dx-not-selectable = not selectable
cons-dx-primary = Primary diagnosis
cons-dx-certainty = Certainty
cons-dx-notes = Notes
cons-dx-delete = Remove
cons-dx-delete-confirm = Remove this diagnosis?
cons-complete = Complete consultation
cons-complete-confirm = Complete the consultation? It cannot be changed afterwards.
cons-readonly = Consultation closed: read only.
cons-started = Started { $time }
cons-empty-part = Not recorded.
pc-title = Consultations
pc-empty = No consultations recorded.
pc-date = Date
pc-doctor = Doctor
pc-status = Status
pc-diagnoses = Diagnoses
pc-open = View
wr-in-room = In the room and in consultation
wr-walkin-plain-search = Not in the list? Search for a patient
pc-restricted = Consultation content is visible to doctors and nurses only.
