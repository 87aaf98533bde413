app-name = MedOps
demo-banner = DEMO — datos ficticios de demostración. No use información real de pacientes.
nav-home = Inicio
nav-patients = Pacientes
nav-waiting-room = Sala de espera
nav-icd11 = CIE-11
nav-users = Usuarios
nav-settings = Configuración
nav-audit = Auditoría
nav-menu = Menú
nav-logout = Cerrar sesión
nav-account = Mi cuenta
nav-skip = Saltar al contenido
lang-es = Español
lang-en = English
action-save = Guardar
action-cancel = Cancelar
action-search = Buscar
action-edit = Editar
action-back = Volver
action-create = Crear
action-delete = Eliminar
action-confirm = Confirmar
page-prev = Anterior
page-next = Siguiente
page-of = Página { $page } de { $pages }
results-total = { $total ->
    [one] 1 resultado
   *[other] { $total } resultados
}
empty-generic = No hay nada que mostrar todavía.
yes = Sí
no = No

login-title = Iniciar sesión
login-username = Usuario
login-password = Contraseña
login-submit = Entrar
login-failed = Usuario o contraseña incorrectos.
login-throttled = Demasiados intentos fallidos. Intente de nuevo en { $minutes } min.
login-ended = Su sesión terminó. Inicie sesión de nuevo.
logout-done = Sesión cerrada.
password-title = Cambiar contraseña
password-must-change = Debe cambiar su contraseña antes de continuar.
password-current = Contraseña actual
password-new = Contraseña nueva
password-confirm = Repita la contraseña nueva
password-changed = Contraseña cambiada.
password-mismatch = Las contraseñas no coinciden.
account-language = Idioma
account-saved = Preferencias guardadas.

home-title = Inicio
home-welcome = Hola, { $name }
home-today = { $weekday }, { $date }

error-title = Algo salió mal
error-not-found = No encontramos lo que busca.
error-forbidden = No tiene permiso para hacer esto.
error-internal = Ocurrió un error inesperado. Código de referencia: { $id }
error-back-home = Volver al inicio
flash-saved = Cambios guardados.

err-required = Este campo es obligatorio.
err-too-long = Debe tener como máximo { $max } caracteres.
err-too-short = Debe tener al menos { $min } caracteres.
err-range = Debe estar entre { $min } y { $max }.
err-choice = Valor no permitido.
err-email = Correo electrónico no válido.
err-rif = RIF no válido (ejemplo: J-12345678-9).
err-file-too-large = El archivo supera el máximo de { $max }.
err-image-type = El archivo debe ser una imagen PNG o JPEG.
err-language = Idioma no soportado (es, en).
err-role-unknown = Rol desconocido: { $value }.
err-username-taken = Ese nombre de usuario ya existe.
err-own-roles = No puede cambiar sus propios roles.
err-disable-self = No puede desactivar su propio usuario.
err-last-admin = Debe quedar al menos un administrador activo.
err-password-wrong = La contraseña actual no es correcta.
err-password-same = La contraseña nueva debe ser distinta de la actual.
err-conflict = El registro entra en conflicto con otro existente.
err-malformed = La solicitud está mal formada (JSON no válido o tipo de contenido incorrecto).
err-type = Tipo de dato o formato incorrecto.
err-bad-path = Identificador no válido en la dirección.
err-unauthenticated = Debe iniciar sesión.
err-bad-credentials = Usuario o contraseña incorrectos.
err-forbidden = No tiene permiso para esta operación.
err-not-found = No encontrado.
err-throttled = Demasiados intentos. Intente de nuevo en { $seconds } segundos.
err-internal = Error interno. Código de referencia: { $id }
err-csrf = El formulario caducó o no es válido. Recargue la página e intente de nuevo.
err-validation = Revise los campos marcados.
err-too-large = La solicitud es demasiado grande.
err-password-change-required = Debe cambiar su contraseña antes de continuar (POST /api/v1/auth/password).
err-method = Método no permitido en esta dirección.
err-unsupported-media = Tipo de contenido no soportado.
flash-password-changed = Contraseña cambiada.
role-admin = Administración
role-doctor = Médico
role-nurse = Enfermería
role-receptionist = Recepción
role-cashier = Caja

# Home page (landing)
home-areas = Áreas de trabajo
home-desc-waiting-room = Llegadas de hoy, registro sin cita y consultas en curso.
home-desc-patients = Buscar, registrar y consultar historias de pacientes.
home-desc-icd11 = Explorar y buscar códigos de diagnóstico CIE-11.
home-desc-users = Cuentas del personal, roles y contraseñas.
home-desc-settings = Datos de la clínica, logotipo y perfiles de los médicos.
home-desc-audit = Quién hizo qué y cuándo; quién consultó cada historia.
home-desc-account = Idioma de la aplicación y contraseña.
home-waiting-now = { $count ->
    [0] Nadie en espera ahora
    [one] 1 paciente en espera
   *[other] { $count } pacientes en espera
}
home-in-consultation-now = { $count ->
    [one] 1 en consulta
   *[other] { $count } en consulta
}
weekday-1 = Lunes
weekday-2 = Martes
weekday-3 = Miércoles
weekday-4 = Jueves
weekday-5 = Viernes
weekday-6 = Sábado
weekday-7 = Domingo
breadcrumbs = Ruta de navegación
