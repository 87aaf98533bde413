# Domain validation messages (crates/domain/MESSAGES.md). Spanish.
# err-required, err-too-long and err-too-short live in core.ftl (same text); a key may exist only once.
err-invalid-chars = Contiene caracteres no permitidos.
err-invalid-choice = Elija una de estas opciones: { $allowed }.
err-number = Introduzca un número.
err-out-of-range = Debe estar entre { $min } y { $max }.
err-duplicate = Este dato está repetido.
err-name-chars = Use solo letras, espacios, apóstrofos y guiones.
err-cedula-format = Introduzca una cédula como V-12.345.678 o E-81.234.567 (de 5 a 9 dígitos).
err-passport-format = Introduzca un número de pasaporte de hasta 20 letras y dígitos.
err-phone-format = Introduzca un número venezolano como 0414-123.45.67 o uno extranjero que empiece por + y el código del país.
err-email-format = Introduzca un correo electrónico válido, como nombre@ejemplo.com.
err-date-format = Introduzca una fecha válida.
err-date-future = La fecha no puede ser futura.
err-date-too-early = La fecha no puede ser anterior al { $min }.
err-allergies-conflict = No se puede marcar «sin alergias conocidas» si hay alergias registradas.
err-packs-without-tobacco = Los paquetes por año solo aplican a fumadores actuales o antiguos.
err-username-chars = Use solo letras minúsculas, dígitos, puntos, guiones bajos y guiones.
err-password-is-username = La contraseña no puede ser igual al nombre de usuario.
err-transition = Esta cita está en estado { $from }: no admite esa acción ({ $event }).
err-not-appointment-day = Solo se puede hacer el día de la cita.
err-no-show-too-early = Solo se puede marcar inasistencia el día de la cita o después.
age-years = { $n ->
    [one] { $n } año
   *[other] { $n } años
}
age-months = { $n ->
    [one] { $n } mes
   *[other] { $n } meses
}
age-days = { $n ->
    [one] { $n } día
   *[other] { $n } días
}
