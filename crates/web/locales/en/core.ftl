app-name = MedOps
demo-banner = DEMO — fictitious demonstration data. Do not enter real patient information.
nav-home = Home
nav-patients = Patients
nav-waiting-room = Waiting room
nav-icd11 = ICD-11
nav-users = Users
nav-settings = Settings
nav-audit = Audit
nav-menu = Menu
nav-logout = Log out
nav-account = My account
nav-skip = Skip to content
lang-es = Español
lang-en = English
action-save = Save
action-cancel = Cancel
action-search = Search
action-edit = Edit
action-back = Back
action-create = Create
action-delete = Delete
action-confirm = Confirm
page-prev = Previous
page-next = Next
page-of = Page { $page } of { $pages }
results-total = { $total ->
    [one] 1 result
   *[other] { $total } results
}
empty-generic = Nothing to show yet.
yes = Yes
no = No

login-title = Log in
login-username = Username
login-password = Password
login-submit = Log in
login-failed = Wrong username or password.
login-throttled = Too many failed attempts. Try again in { $minutes } min.
login-ended = Your session ended. Please log in again.
logout-done = You have logged out.
password-title = Change password
password-must-change = You must change your password before continuing.
password-current = Current password
password-new = New password
password-confirm = Repeat the new password
password-changed = Password changed.
password-mismatch = The passwords do not match.
account-language = Language
account-saved = Preferences saved.

home-title = Home
home-welcome = Hello, { $name }
home-today = { $weekday }, { $date }

error-title = Something went wrong
error-not-found = We could not find what you are looking for.
error-forbidden = You are not allowed to do this.
error-internal = An unexpected error occurred. Reference: { $id }
error-back-home = Back to home
flash-saved = Changes saved.

err-required = This field is required.
err-too-long = Must be at most { $max } characters.
err-too-short = Must be at least { $min } characters.
err-range = Must be between { $min } and { $max }.
err-choice = Value not allowed.
err-email = Invalid email address.
err-rif = Invalid RIF (example: J-12345678-9).
err-file-too-large = The file exceeds the maximum of { $max }.
err-image-type = The file must be a PNG or JPEG image.
err-language = Unsupported language (es, en).
err-role-unknown = Unknown role: { $value }.
err-username-taken = That username already exists.
err-own-roles = You cannot change your own roles.
err-disable-self = You cannot disable your own user.
err-last-admin = At least one active administrator must remain.
err-password-wrong = The current password is not correct.
err-password-same = The new password must differ from the current one.
err-conflict = The record conflicts with an existing one.
err-malformed = The request is malformed (invalid JSON or wrong content type).
err-type = Wrong data type or format.
err-bad-path = Invalid identifier in the address.
err-unauthenticated = You must log in.
err-bad-credentials = Wrong username or password.
err-forbidden = You are not allowed to perform this operation.
err-not-found = Not found.
err-throttled = Too many attempts. Try again in { $seconds } seconds.
err-internal = Internal error. Reference: { $id }
err-csrf = The form expired or is invalid. Reload the page and try again.
err-validation = Check the highlighted fields.
err-too-large = The request is too large.
err-password-change-required = You must change your password before continuing (POST /api/v1/auth/password).
err-method = Method not allowed on this address.
err-unsupported-media = Unsupported content type.
flash-password-changed = Password changed.
role-admin = Administration
role-doctor = Doctor
role-nurse = Nursing
role-receptionist = Reception
role-cashier = Cashier

# Home page (landing)
home-areas = Work areas
home-desc-waiting-room = Today's arrivals, walk-ins and consultations in progress.
home-desc-patients = Find, register and review patient records.
home-desc-icd11 = Browse and search ICD-11 diagnosis codes.
home-desc-users = Staff accounts, roles and passwords.
home-desc-settings = Clinic details, logo and doctor profiles.
home-desc-audit = Who did what and when; who viewed each chart.
home-desc-account = Application language and password.
home-waiting-now = { $count ->
    [0] Nobody waiting right now
    [one] 1 patient waiting
   *[other] { $count } patients waiting
}
home-in-consultation-now = { $count ->
    [one] 1 in consultation
   *[other] { $count } in consultation
}
weekday-1 = Monday
weekday-2 = Tuesday
weekday-3 = Wednesday
weekday-4 = Thursday
weekday-5 = Friday
weekday-6 = Saturday
weekday-7 = Sunday
breadcrumbs = Breadcrumbs
