# Domain validation messages (crates/domain/MESSAGES.md). English.
# err-required, err-too-long and err-too-short live in core.ftl (same text); a key may exist only once.
err-invalid-chars = Contains characters that are not allowed.
err-invalid-choice = Choose one of: { $allowed }.
err-number = Enter a number.
err-out-of-range = Must be between { $min } and { $max }.
err-duplicate = This entry is repeated.
err-name-chars = Use only letters, spaces, apostrophes and hyphens.
err-cedula-format = Enter a cédula like V-12.345.678 or E-81.234.567 (5 to 9 digits).
err-passport-format = Enter a passport number of up to 20 letters and digits.
err-phone-format = Enter a Venezuelan number like 0414-123.45.67 or a foreign one starting with + and its country code.
err-email-format = Enter a valid email address, like nombre@ejemplo.com.
err-date-format = Enter a valid date.
err-date-future = The date cannot be in the future.
err-date-too-early = The date cannot be before { $min }.
err-allergies-conflict = "No known allergies" cannot be marked while allergies are listed.
err-packs-without-tobacco = Packs per year only apply to current or former smokers.
err-username-chars = Use only lowercase letters, digits, dots, underscores and hyphens.
err-password-is-username = The password cannot be the same as the username.
err-transition = This appointment is { $from }: it cannot be changed that way ({ $event }).
err-not-appointment-day = This can only be done on the day of the appointment.
err-no-show-too-early = An appointment can only be marked as no-show on or after its date.
age-years = { $n ->
    [one] { $n } year
   *[other] { $n } years
}
age-months = { $n ->
    [one] { $n } month
   *[other] { $n } months
}
age-days = { $n ->
    [one] { $n } day
   *[other] { $n } days
}
