# visits: walk-ins, waiting room, consultations
visit-err-transition = Esta cita está { $from ->
    [scheduled] programada
    [waiting] en espera
    [in_consultation] en consulta
    [completed] completada
    [canceled] cancelada
    [no_show] marcada como inasistencia
   *[other] en otro estado
}: no se puede { $event ->
    [arrive] registrar su llegada
    [start] iniciar
    [complete] completar
    [cancel] cancelar
    [no_show] marcar como inasistencia
   *[other] cambiar así
}.
visit-err-not-today = Solo se puede hacer el día de la cita.
err-already-in-room = El paciente ya está en la sala de espera o en consulta.
err-patient-unknown = Paciente desconocido o archivado.
err-doctor-unknown = Elija un médico activo.
err-doctor-busy = El médico ya tiene una consulta en curso. Complétela antes de iniciar otra.
err-consultation-closed = La consulta está cerrada: ya no admite cambios.
err-icd-not-selectable = Ese código no es un diagnóstico CIE-11 seleccionable.
err-diagnosis-duplicate = Ese diagnóstico ya está registrado en esta consulta.
err-primary-required = Marque un diagnóstico como principal antes de completar la consulta.
flash-walk-in = Llegada registrada.
flash-consultation-started = Consulta iniciada.
flash-consultation-completed = Consulta completada.
flash-appointment-canceled = Cita cancelada.
flash-note-saved = Nota guardada.
flash-diagnosis-added = Diagnóstico agregado.
flash-diagnosis-removed = Diagnóstico eliminado.
visit-status-scheduled = Esperado
visit-status-waiting = En espera
visit-status-in_consultation = En consulta
visit-status-completed = Completada
visit-status-canceled = Cancelada
visit-status-no_show = No asistió
visit-status-in_progress = En curso
visit-priority-emergency = Emergencia
visit-priority-normal = Normal
visit-sex-female = Femenino
visit-sex-male = Masculino
visit-sex-intersex = Intersexual
visit-sex-unknown = No indicado
visit-certainty-confirmed = Confirmado
visit-certainty-presumptive = Presuntivo
visit-certainty-ruled_out = Descartado
wr-title = Sala de espera
wr-today = Hoy, { $date }
wr-empty-title = No hay pacientes en la sala de espera
wr-empty-text = Registre una llegada sin cita con el formulario.
wr-col-patient = Paciente
wr-col-doctor = Médico
wr-col-reason = Motivo
wr-col-status = Estado
wr-col-arrived = Llegada
wr-col-waited = Espera
wr-col-actions = Acciones
wr-waited-format = { "{" }m{ "}" } min
wr-start = Iniciar consulta
wr-open = Abrir consulta
wr-cancel = Cancelar cita
wr-cancel-reason = Motivo de la cancelación
wr-cancel-confirm = ¿Cancelar esta cita?
wr-walkin-title = Registrar llegada sin cita
wr-walkin-patient = Paciente
wr-walkin-patient-help = Escriba el nombre o la cédula y elija de la lista.
wr-walkin-search = Buscar paciente
wr-walkin-search-results = Resultados de la búsqueda
wr-walkin-choose = Elegir
wr-walkin-doctor = Médico
wr-walkin-doctor-choose = Elija un médico
wr-walkin-reason = Motivo de la consulta
wr-walkin-emergency = Emergencia
wr-walkin-submit = Registrar llegada
wr-walkin-new = Paciente nuevo
wr-walkin-new-help = Si el paciente no está registrado, complete estos datos: se crea y se registra su llegada en un solo paso.
wr-new-first-name = Nombre
wr-new-last-name = Apellido
wr-new-cedula = Cédula
wr-new-birth-date = Fecha de nacimiento
wr-new-sex = Sexo
wr-new-phone = Teléfono
wr-form-errors = Revise los campos marcados.
wr-typeahead-empty = Sin resultados
wr-typeahead-loading = Buscando…
wr-optional = (opcional)
cons-title = Consulta
cons-age = Edad
cons-sex = Sexo
cons-cedula = Cédula
cons-doctor = Médico
cons-reason = Motivo
cons-allergies = Alergias
cons-nka = Sin alergias conocidas
cons-allergies-unknown = Alergias no registradas
cons-note = Nota SOAP
cons-subjective = Subjetivo
cons-subjective-help = Motivo de consulta y enfermedad actual.
cons-objective = Objetivo
cons-objective-help = Examen físico.
cons-assessment = Evaluación
cons-plan = Plan
cons-note-save = Guardar nota
cons-autosave-saving = Guardando…
cons-autosave-saved = Guardado a las { "{" }time{ "}" }
cons-autosave-error = No se pudo guardar. Se reintentará.
cons-autosave-dirty = Cambios sin guardar
cons-autosave-restore = Hay una copia local más reciente ({ "{" }time{ "}" }). ¿Recuperarla?
cons-autosave-restore-yes = Recuperar
cons-autosave-restore-no = Descartar
cons-diagnoses = Diagnósticos
cons-no-diagnoses = Aún no hay diagnósticos.
cons-primary = Principal
cons-secondary = Secundario
cons-dx-add = Agregar diagnóstico
cons-dx-search = Diagnóstico (CIE-11)
cons-dx-search-help = Escriba un código o palabras del título y elija de la lista.
cons-dx-not-selectable = no seleccionable
cons-dx-primary = Diagnóstico principal
cons-dx-certainty = Certeza
cons-dx-notes = Notas
cons-dx-delete = Quitar
cons-dx-delete-confirm = ¿Quitar este diagnóstico?
cons-complete = Completar consulta
cons-complete-confirm = ¿Completar la consulta? Después ya no se podrá modificar.
cons-readonly = Consulta cerrada: solo lectura.
cons-started = Iniciada { $time }
cons-empty-part = Sin registrar.
pc-title = Consultas
pc-empty = Sin consultas registradas.
pc-date = Fecha
pc-doctor = Médico
pc-status = Estado
pc-diagnoses = Diagnósticos
pc-open = Ver
wr-in-room = En sala y en consulta
wr-walkin-plain-search = ¿No aparece en la lista? Buscar paciente
pc-restricted = El contenido de las consultas solo lo ven médicos y enfermería.
