//! Browser tests in real headless Chromium (through chromedriver): login, the
//! receptionist's and the doctor's first-visit path on a desktop window, and the
//! same path on a phone-sized window (menu button, no horizontal overflow).
//!
//! Each test starts its own chromedriver on a free port with its own profile
//! directory, so the tests run in parallel safely. Without Chromium the tests are
//! skipped with a loud message, unless `MEDOPS_CI` is set (then they fail).
//! Set `MEDOPS_SCREENSHOTS=/some/dir` to get a full-page PNG at each key step.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::FutureExt;
use medops_domain::Role;
use medops_testkit::{Backend, PASSWORD, TestApp};
use serde_json::{Value, json};
use thirtyfour::prelude::*;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const WAIT: Duration = Duration::from_secs(15);

// ---------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Viewport {
    Desktop,
    Phone,
}

impl Viewport {
    fn size(self) -> (u32, u32) {
        match self {
            Viewport::Desktop => (1280, 900),
            Viewport::Phone => (375, 812),
        }
    }
}

/// A chromedriver process of our own; killed (and reaped) on drop.
struct Chromedriver {
    child: Child,
    url: String,
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Whether the browser binaries exist; prints the skip notice (or panics under CI) when not.
fn browser_available() -> bool {
    let ok = Path::new(CHROMIUM).is_file() && Path::new(CHROMEDRIVER).is_file();
    if !ok {
        let msg = "SKIPPED: chromium/chromedriver not found — install Debian chromium and chromium-driver";
        if std::env::var_os("MEDOPS_CI").is_some() {
            panic!("{msg} (MEDOPS_CI is set, so this is a failure)");
        }
        eprintln!(
            "\n**************************************************************\n{msg}\n**************************************************************\n"
        );
    }
    ok
}

async fn start_chromedriver() -> Chromedriver {
    let http = reqwest::Client::new();
    for _attempt in 0..5 {
        let port = free_port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            // The browser shows times (autosave status) in its own zone: use the clinic's.
            .env("TZ", "America/Caracas")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {CHROMEDRIVER}: {e}"));
        let mut driver = Chromedriver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = driver.child.try_wait() {
                break; // exited: port taken by someone else between bind and spawn; try another
            }
            if let Ok(res) = http.get(format!("{}/status", driver.url)).send().await
                && let Ok(v) = res.json::<Value>().await
                && v["value"]["ready"].as_bool() == Some(true)
            {
                return driver;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        drop(driver);
    }
    panic!("chromedriver did not become ready");
}

/// One browser session against one test app.
struct Ui {
    d: WebDriver,
    base: String,
    test: &'static str,
    viewport: Viewport,
    shots: Option<PathBuf>,
    step: AtomicUsize,
    // Dropped after `d` (declaration order): the session is gone before chromedriver dies.
    _profile: tempfile::TempDir,
    _driver: Chromedriver,
}

impl Ui {
    /// Starts chromedriver + Chromium, or `None` when they are not installed.
    async fn start(app: &TestApp, test: &'static str, viewport: Viewport) -> Option<Ui> {
        if !browser_available() {
            return None;
        }
        let driver = start_chromedriver().await;
        let profile = tempfile::tempdir().unwrap();
        let (w, h) = viewport.size();
        let mut caps = DesiredCapabilities::chrome();
        caps.set_binary(CHROMIUM).unwrap();
        for arg in [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--disable-quic",
            "--hide-scrollbars",
            &format!("--user-data-dir={}", profile.path().display()),
            &format!("--window-size={w},{h}"),
        ] {
            caps.add_arg(arg).unwrap();
        }
        let d = WebDriver::new(driver.url.clone(), caps)
            .await
            .unwrap_or_else(|e| panic!("cannot create a Chromium session: {e}"));
        d.set_window_rect(0, 0, w, h).await.unwrap();
        let shots = std::env::var_os("MEDOPS_SCREENSHOTS").filter(|v| !v.is_empty()).map(PathBuf::from);
        if let Some(dir) = &shots {
            std::fs::create_dir_all(dir).unwrap();
        }
        Some(Ui {
            d,
            base: format!("http://{}", app.addr),
            test,
            viewport,
            shots,
            step: AtomicUsize::new(0),
            _profile: profile,
            _driver: driver,
        })
    }

    /// Runs the test body; always quits the browser, with a `FAILED` screenshot and
    /// the page's URL and text in the output when the body panics.
    async fn run(&self, body: impl std::future::Future<Output = ()>) {
        let res = AssertUnwindSafe(body).catch_unwind().await;
        if res.is_err() {
            let url = self.d.current_url().await.map(|u| u.to_string()).unwrap_or_default();
            // Never panic here: the original failure is what matters.
            let text = self
                .d
                .execute("return document.body ? document.body.innerText : ''", vec![])
                .await
                .map(|r| r.json().clone())
                .unwrap_or_default();
            eprintln!(
                "browser test `{}` failed at {url}\n--- page text ---\n{}\n---",
                self.test,
                text.as_str().unwrap_or("")
            );
            self.shot("FAILED").await;
        }
        let _ = self.d.clone().quit().await;
        if let Err(p) = res {
            std::panic::resume_unwind(p);
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.d
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
            .json()
            .clone()
    }

    /// Current path + query.
    async fn path(&self) -> String {
        let u = self.d.current_url().await.unwrap();
        match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_owned(),
        }
    }

    /// Polls `script` (a function body returning a value) until it is truthy.
    async fn wait_js(&self, what: &str, script: &str, args: Vec<Value>) -> Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let v = self
                .d
                .execute(script, args.clone())
                .await
                .map(|r| r.json().clone())
                .unwrap_or(Value::Null);
            let truthy = match &v {
                Value::Null => false,
                Value::Bool(b) => *b,
                Value::String(s) => !s.is_empty(),
                Value::Number(n) => n.as_f64() != Some(0.0),
                _ => true,
            };
            if truthy {
                return v;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what} (at {})", self.path().await);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until `css` matches a visible element and returns it.
    async fn el(&self, css: &str) -> WebElement {
        self.wait_js(
            &format!("a visible `{css}`"),
            "const e = document.querySelector(arguments[0]); return !!e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';",
            vec![json!(css)],
        )
        .await;
        self.d.find(By::Css(css)).await.unwrap()
    }

    async fn text(&self, css: &str) -> String {
        self.el(css).await.text().await.unwrap()
    }

    /// Waits until the page's visible text contains `needle`.
    async fn wait_text(&self, needle: &str) {
        self.wait_js(
            &format!("the text {needle:?}"),
            "return document.body && document.body.innerText.includes(arguments[0]);",
            vec![json!(needle)],
        )
        .await;
    }

    /// Replaces the value of a text field by typing (so app.js sees real key events).
    async fn fill(&self, css: &str, value: &str) {
        let e = self.el(css).await;
        e.clear().await.unwrap();
        if !value.is_empty() {
            e.send_keys(value).await.unwrap();
        }
    }

    async fn select(&self, css: &str, value: &str) {
        self.el(css).await;
        let ok = self
            .js(
                "const s = document.querySelector(arguments[0]); if (![...s.options].some(o => o.value === arguments[1])) return false; s.value = arguments[1]; s.dispatchEvent(new Event('change', {bubbles: true})); return true;",
                vec![json!(css), json!(value)],
            )
            .await;
        assert_eq!(ok, json!(true), "option {value:?} missing in {css}");
    }

    /// Loads `path` and waits until the document (and deferred app.js) finished.
    async fn goto(&self, path: &str) {
        self.d.goto(self.url(path)).await.unwrap();
        self.loaded().await;
    }

    async fn loaded(&self) {
        self.wait_js(
            "the page to load",
            "return document.readyState === 'complete' && !document.documentElement.classList.contains('no-js');",
            vec![],
        )
        .await;
    }

    /// Marks the current document, runs `action` (a click that navigates), then waits for a new, loaded document.
    async fn navigating<F: std::future::Future<Output = ()>>(&self, action: F) {
        self.js("window.__medopsOld = true;", vec![]).await;
        action.await;
        self.wait_js(
            "a new page",
            "return !window.__medopsOld && document.readyState === 'complete';",
            vec![],
        )
        .await;
        self.loaded().await;
    }

    async fn click(&self, css: &str) {
        let e = self.el(css).await;
        e.scroll_into_view().await.unwrap();
        e.click().await.unwrap();
    }

    /// Clicks something that leads to another page.
    async fn click_nav(&self, css: &str) {
        self.navigating(self.click(css)).await;
    }

    /// Confirms the app.js confirm dialog, which must show `message` (part).
    async fn confirm_dialog(&self, message: &str) {
        let dlg = self.el("dialog.dialog[open]").await;
        let text = dlg.text().await.unwrap();
        assert!(text.contains(message), "confirm dialog says {text:?}, expected {message:?}");
        self.navigating(async {
            dlg.find(By::Css("button[value=yes]")).await.unwrap().click().await.unwrap();
        })
        .await;
    }

    /// Asserts the page does not scroll sideways (phone layouts).
    async fn assert_no_overflow(&self) {
        let v = self
            .js(
                "const de = document.documentElement; const wide = [...document.querySelectorAll('body *')].filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > window.innerWidth + 1; }).slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '') + ' right=' + Math.round(e.getBoundingClientRect().right)); return {scroll: de.scrollWidth, inner: window.innerWidth, wide};",
                vec![],
            )
            .await;
        let (scroll, inner) = (v["scroll"].as_i64().unwrap(), v["inner"].as_i64().unwrap());
        assert!(
            scroll <= inner,
            "horizontal overflow on {}: scrollWidth {scroll} > innerWidth {inner}; widest: {}",
            self.path().await,
            v["wide"]
        );
    }

    /// Saves a full-page PNG `<test>-<nn>-<name>.png` when `MEDOPS_SCREENSHOTS` is set.
    async fn shot(&self, name: &str) {
        let Some(dir) = &self.shots else { return };
        let n = self.step.fetch_add(1, Ordering::Relaxed) + 1;
        let file = dir.join(format!("{}-{n:02}-{name}.png", self.test));
        let (w, h) = self.viewport.size();
        // Grow the window to the document height so the picture shows the whole page.
        let full = self
            .d
            .execute("return Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0) + Math.max(0, window.outerHeight - window.innerHeight);", vec![])
            .await
            .map(|r| r.json().clone())
            .unwrap_or_default();
        let full = (full.as_u64().unwrap_or(u64::from(h)) as u32).clamp(h, 6000);
        if full > h {
            let _ = self.d.set_window_rect(0, 0, w, full).await;
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
        if let Err(e) = self.d.screenshot(&file).await {
            eprintln!("screenshot {} failed: {e}", file.display());
        }
        if full > h {
            let _ = self.d.set_window_rect(0, 0, w, h).await;
        }
    }

    /// Checks the page as a person would see it: a screenshot, no catalogue keys
    /// shown instead of text, and (on a phone) no sideways scrolling.
    async fn check_page(&self, name: &str) {
        self.shot(name).await;
        let keys = self
            .js(
                r"const re = /\b(?:nav|pt|wr|cons|pc|adm|admin|icd|icd11|err|flash|action|role|visit|login|page|results|demo|password|account|home|audit|users|settings)-[a-z0-9]+(?:-[a-z0-9]+)*\b/g;
                  const texts = [document.body.innerText, ...[...document.querySelectorAll('[placeholder],[aria-label],[title],[data-i18n-confirm]')].map(e => [e.getAttribute('placeholder'), e.getAttribute('aria-label'), e.getAttribute('title')].join(' '))];
                  return [...new Set(texts.join(' ').match(re) || [])];",
                vec![],
            )
            .await;
        assert_eq!(keys, json!([]), "untranslated catalogue keys on {}", self.path().await);
        if self.viewport == Viewport::Phone {
            self.assert_no_overflow().await;
        }
    }

    /// Opens the phone menu (when collapsed) and follows the nav link to `href`.
    async fn nav_to(&self, href: &str) {
        let link = format!(".topbar .nav a[href=\"{href}\"]");
        if self.viewport == Viewport::Phone {
            let toggle = self.el(".nav-toggle").await;
            let hidden = self
                .js(
                    "const e = document.querySelector(arguments[0]); return e.getClientRects().length === 0;",
                    vec![json!(link)],
                )
                .await;
            assert_eq!(
                hidden,
                json!(true),
                "on a phone the nav links must be collapsed behind the menu button"
            );
            toggle.click().await.unwrap();
            assert_eq!(toggle.attr("aria-expanded").await.unwrap().as_deref(), Some("true"));
            self.el(&link).await;
            self.shot("menu-open").await;
        }
        self.click_nav(&link).await;
    }

    async fn login(&self, username: &str, password: &str) {
        self.goto("/login").await;
        self.fill("#username", username).await;
        self.fill("#password", password).await;
        self.click_nav("form[action=\"/login\"] button[type=submit]").await;
    }

    async fn logout(&self) {
        if self.viewport == Viewport::Phone {
            self.click(".nav-toggle").await;
        }
        self.click_nav("form[action=\"/logout\"] button").await;
    }
}

// ---------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------

/// ICD-11 rows for the diagnosis type-ahead (chapter 01 of the WHO file).
async fn load_icd11(app: &TestApp) {
    let rows = [
        ("c01", None, "Certain infectious or parasitic diseases", "chapter", false),
        ("b1a0", None, "Intestinal infectious diseases", "block", false),
        ("1a00", Some("1A00"), "Cholera", "category", true),
        (
            "1a03",
            Some("1A03"),
            "Intestinal infections due to Escherichia coli",
            "category",
            true,
        ),
        ("1a11z", Some("1A11.Z"), "Shigellosis, unspecified", "category", true),
    ];
    for (i, (uri, code, title, kind, sel)) in rows.iter().enumerate() {
        let code = code.map(|c| format!("'{c}'")).unwrap_or("NULL".into());
        app.exec_sql(&format!(
            "INSERT INTO icd11_entity (uri, code, block_id, title, class_kind, chapter_no, depth, position, is_leaf, is_residual, selectable, release)
             VALUES ('http://id.who.int/icd/release/11/mms/{uri}', {code}, NULL, '{title}', '{kind}', '01', 0, {i}, TRUE, FALSE, {sel}, '2025-01')"
        ))
        .await;
    }
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_logout_and_redirect() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    app.user("recep.ana", &[Role::Receptionist]).await;
    let Some(ui) = Ui::start(&app, "login", Viewport::Desktop).await else {
        return;
    };
    ui.run(async {
        // Unauthenticated: a protected page sends to the login form, remembering where to go.
        ui.goto("/patients").await;
        let p = ui.path().await;
        assert!(p.starts_with("/login"), "unauthenticated /patients should land on /login, got {p}");
        assert!(p.contains("next=%2Fpatients"), "{p}");
        ui.check_page("login-form").await;

        // Wrong password: the Spanish error, the typed username kept, still on /login.
        ui.fill("#username", "recep.ana").await;
        ui.fill("#password", "wrong-password-1").await;
        ui.click_nav("form[action=\"/login\"] button[type=submit]").await;
        assert_eq!(ui.text(".alert--danger").await, "Usuario o contraseña incorrectos.");
        assert_eq!(ui.el("#username").await.value().await.unwrap().as_deref(), Some("recep.ana"));
        assert!(ui.path().await.starts_with("/login"));
        ui.check_page("login-wrong-password").await;

        // Right password: back to where we were going.
        ui.fill("#password", PASSWORD).await;
        ui.click_nav("form[action=\"/login\"] button[type=submit]").await;
        assert_eq!(ui.path().await, "/patients");

        // Home page with the user's name in the top bar.
        ui.goto("/").await;
        assert_eq!(ui.path().await, "/");
        assert!(ui.text(".usermenu__name").await.contains("Test recep.ana"));
        ui.check_page("home").await;

        // Logout returns to /login, and the session is gone.
        ui.logout().await;
        assert!(ui.path().await.starts_with("/login"), "{}", ui.path().await);
        ui.goto("/").await;
        assert!(ui.path().await.starts_with("/login"), "after logout / must ask to log in again");
    })
    .await;
}

/// A patient made through the API; returns its id.
async fn api_patient(app: &TestApp, token: &str, first: &str, last: &str, cedula: &str) -> i64 {
    let (st, p) = app
        .post(
            Some(token),
            "/api/v1/patients",
            &json!({"first_name": first, "last_name": last, "cedula": cedula, "birth_date": "1985-03-02", "sex": "male"}),
        )
        .await;
    assert!(st.is_success(), "create patient: {st} {p}");
    p["id"].as_i64().unwrap()
}

/// The doctor's first visit on a desktop window: start from the waiting room,
/// ICD-11 type-ahead by keyboard, autosaved SOAP note, complete, patient history.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_first_visit_desktop() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    load_icd11(&app).await;
    let doctor = app.user("dra.rivas", &[Role::Doctor]).await;
    let recep = app.receptionist().await;
    let pid = api_patient(&app, &recep.token, "Luis Alberto", "Gómez Ñáñez", "V-20.111.222").await;
    let (st, a) = app
        .post(
            Some(&recep.token),
            "/api/v1/waiting-room/walk-ins",
            &json!({"patient_id": pid, "doctor_id": doctor.id, "reason": "Diarrea y fiebre"}),
        )
        .await;
    assert!(st.is_success(), "walk-in: {st} {a}");
    let Some(ui) = Ui::start(&app, "doctor", Viewport::Desktop).await else {
        return;
    };
    ui.run(async {
        ui.login("dra.rivas", PASSWORD).await;
        assert_eq!(ui.path().await, "/");
        ui.nav_to("/waiting-room").await;
        ui.wait_text("Luis Alberto Gómez Ñáñez").await;
        ui.check_page("waiting-room").await;

        // Start the consultation from the patient's row.
        ui.click_nav("form[action$=\"/start\"] button[type=submit]").await;
        let path = ui.path().await;
        assert!(path.starts_with("/consultations/"), "start should open the consultation, got {path}");
        let cid: i64 = path.trim_start_matches("/consultations/").split('?').next().unwrap().parse().unwrap();
        assert_eq!(ui.text(".flashes").await, "Consulta iniciada.");
        assert!(ui.text(".patient-header__name").await.contains("Luis Alberto Gómez Ñáñez"));
        ui.check_page("consultation-start").await;

        // ICD-11 type-ahead, keyboard only: type, ArrowDown, Enter.
        let dx = ui.el("#dx").await;
        dx.click().await.unwrap();
        dx.send_keys("choler").await.unwrap();
        ui.wait_js(
            "type-ahead options",
            "return [...document.querySelectorAll('.typeahead__list [role=option]')].some(o => o.textContent.includes('Cholera'));",
            vec![],
        )
        .await;
        assert_eq!(dx.attr("aria-expanded").await.unwrap().as_deref(), Some("true"));
        ui.check_page("dx-typeahead-open").await;
        dx.send_keys(Key::Down).await.unwrap();
        let active = dx.attr("aria-activedescendant").await.unwrap();
        assert!(active.is_some(), "ArrowDown must mark an active option");
        dx.send_keys(Key::Enter).await.unwrap();
        let picked = ui.js("return [document.querySelector('#dx-code').value, document.querySelector('#dx').value];", vec![]).await;
        assert_eq!(picked[0], "1A00", "the hidden code after picking: {picked}");
        assert!(picked[1].as_str().unwrap().contains("Cholera"), "{picked}");
        let primary = ui.js("return document.querySelector('#dx-primary').checked;", vec![]).await;
        assert_eq!(primary, json!(true), "the first diagnosis defaults to primary");
        ui.check_page("dx-picked").await;
        ui.click_nav("form[action$=\"/diagnoses\"] button[type=submit]").await;
        assert_eq!(ui.text(".flashes").await, "Diagnóstico agregado.");
        let dx_list = ui.text("section[aria-labelledby=dx-title] .list").await;
        assert!(dx_list.contains("1A00") && dx_list.contains("Cholera"), "diagnosis list: {dx_list}");
        assert!(dx_list.contains("Principal"), "primary badge missing: {dx_list}");

        // SOAP note with autosave.
        ui.fill("#subjective", "Tres días con diarrea acuosa y fiebre de 38,5 °C.").await;
        ui.fill("#objective", "Mucosas secas. FC 98.").await;
        ui.fill("#assessment", "Sospecha de cólera.").await;
        ui.fill("#plan", "Rehidratación oral; control en 48 h.").await;
        ui.wait_js("the autosave status to say saved", "const s = document.querySelector('[data-autosave-status]'); return s.dataset.state === 'saved' && s.textContent.startsWith('Guardado');", vec![]).await;
        ui.check_page("note-saved").await;
        let (st, c) = app.get(Some(&doctor.token), &format!("/api/v1/consultations/{cid}")).await;
        assert!(st.is_success(), "{c}");
        assert_eq!(c["note"]["plan"], "Rehidratación oral; control en 48 h.", "autosave must store the note: {c}");

        // Complete (confirm dialog), then the page is read-only.
        ui.click("form[action$=\"/complete\"] button[type=submit]").await;
        ui.check_page("complete-confirm").await;
        ui.confirm_dialog("¿Completar la consulta?").await;
        assert_eq!(ui.text(".flashes").await, "Consulta completada.");
        assert!(!ui.js("return !!document.querySelector('#subjective');", vec![]).await.as_bool().unwrap(), "a completed consultation is read-only");
        ui.wait_text("Rehidratación oral; control en 48 h.").await;
        ui.check_page("consultation-completed").await;

        // The patient's page lists the visit with its diagnosis.
        ui.click_nav(".patient-header__name a").await;
        assert_eq!(ui.path().await, format!("/patients/{pid}"));
        let history = ui.text("section[aria-labelledby=pc-title]").await;
        assert!(history.contains("1A00") && history.contains("Cholera"), "patient history: {history}");
        ui.check_page("patient-history").await;
    })
    .await;
}

/// Picks the first option of a type-ahead by keyboard after typing `query`; waits for an option containing `expect`.
async fn typeahead_pick(ui: &Ui, css: &str, query: &str, expect: &str) {
    let input = ui.el(css).await;
    input.click().await.unwrap();
    input.send_keys(query).await.unwrap();
    ui.wait_js(
        &format!("a type-ahead option with {expect:?}"),
        "const i = document.querySelector(arguments[0]); const l = document.getElementById(i.getAttribute('aria-controls') || ''); return !!l && !l.hidden && [...l.querySelectorAll('[role=option]')].some(o => o.textContent.includes(arguments[1]));",
        vec![json!(css), json!(expect)],
    )
    .await;
    input.send_keys(Key::Down).await.unwrap();
    assert!(
        input.attr("aria-activedescendant").await.unwrap().is_some(),
        "ArrowDown must mark an active option in {css}"
    );
    input.send_keys(Key::Enter).await.unwrap();
}

/// Reception on a desktop window: new patient with accents, accent-insensitive
/// search, walk-in for a doctor.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receptionist_flow_desktop() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    load_icd11(&app).await;
    let doctor = app.user("dra.rivas", &[Role::Doctor]).await;
    app.user("recep.ana", &[Role::Receptionist]).await;
    let Some(ui) = Ui::start(&app, "reception", Viewport::Desktop).await else {
        return;
    };
    ui.run(async {
        ui.login("recep.ana", PASSWORD).await;
        ui.nav_to("/patients").await;
        ui.check_page("patients-empty").await;
        ui.click_nav(".page-header__actions a[href=\"/patients/new\"]").await;
        assert_eq!(ui.path().await, "/patients/new");

        // Submitting an empty form shows the errors next to the fields, in Spanish.
        ui.click_nav("form[action=\"/patients/new\"] button[type=submit]").await;
        ui.el(".alert--danger").await;
        assert!(ui.el("#first_name").await.attr("aria-invalid").await.unwrap().as_deref() == Some("true"), "first name must be marked invalid");
        ui.check_page("patient-new-errors").await;

        ui.fill("#first_name", "María").await;
        ui.fill("#middle_name", "José").await;
        ui.fill("#last_name", "Pérez").await;
        ui.fill("#second_last_name", "Gómez").await;
        ui.fill("#cedula", "V-12.345.678").await;
        ui.js("const d = document.querySelector('#birth_date'); d.value = '1990-03-15'; d.dispatchEvent(new Event('change', {bubbles: true}));", vec![]).await;
        ui.select("#sex", "female").await;
        ui.fill("#phone", "0412-555-1234").await;
        ui.check_page("patient-new-filled").await;
        ui.click_nav("form[action=\"/patients/new\"] button[type=submit]").await;
        let path = ui.path().await;
        assert!(path.starts_with("/patients/") && path.contains("flash=flash-patient-created"), "after saving: {path}");
        let pid: i64 = path.trim_start_matches("/patients/").split('?').next().unwrap().parse().unwrap();
        assert_eq!(ui.text(".flashes").await, "Paciente registrado.");
        assert_eq!(ui.text(".patient-header__name").await, "María José Pérez Gómez");
        assert!(ui.text(".patient-header__facts").await.contains("V-12.345.678"));
        ui.check_page("patient-show").await;

        // Accent- and case-insensitive search.
        ui.nav_to("/patients").await;
        ui.fill("#patient-q", "maria perez").await;
        ui.click_nav("form.searchbar button[type=submit]").await;
        assert!(ui.path().await.contains("q=maria+perez"), "{}", ui.path().await);
        let table = ui.text("table.table tbody").await;
        assert!(table.contains("María José Pérez Gómez") && table.contains("V-12.345.678"), "search results: {table}");
        ui.check_page("patients-search").await;
        let href = ui.el("table.table tbody a.table__primary").await.attr("href").await.unwrap();
        assert_eq!(href.as_deref(), Some(format!("/patients/{pid}").as_str()));

        // Walk-in: patient by type-ahead (keyboard), doctor from the list.
        ui.nav_to("/waiting-room").await;
        ui.check_page("waiting-room-empty").await;
        typeahead_pick(&ui, "#walkin-patient", "maria perez", "María José Pérez Gómez").await;
        let picked = ui.js("return document.querySelector('#walkin-patient-id').value;", vec![]).await;
        assert_eq!(picked, json!(pid.to_string()));
        ui.select("#walkin-doctor", &doctor.id.to_string()).await;
        ui.fill("#walkin-reason", "Control de tensión arterial").await;
        ui.check_page("walk-in-filled").await;
        ui.click_nav("form[action=\"/waiting-room/walk-in\"] button[type=submit]").await;
        assert_eq!(ui.text(".flashes").await, "Llegada registrada.");
        let row = ui.text("table.table tbody tr").await;
        assert!(row.contains("María José Pérez Gómez") && row.contains("Test dra.rivas") && row.contains("En espera"), "waiting-room row: {row}");
        ui.check_page("waiting-room-with-patient").await;
    })
    .await;
}

/// A phone-sized window (375 px): reception registers a walk-in, the doctor
/// runs the consultation; the menu button opens the navigation and no page
/// scrolls sideways.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_visit_on_a_phone() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    load_icd11(&app).await;
    let doctor = app.user("dra.rivas", &[Role::Doctor]).await;
    let recep = app.user("recep.ana", &[Role::Receptionist]).await;
    let pid = api_patient(&app, &recep.token, "María José", "Pérez Gómez", "V-12.345.678").await;
    let Some(ui) = Ui::start(&app, "phone", Viewport::Phone).await else {
        return;
    };
    ui.run(async {
        let inner = ui.js("return window.innerWidth;", vec![]).await.as_i64().unwrap();
        assert!(inner <= 400, "the phone window must be phone-sized, innerWidth = {inner}");

        ui.goto("/login").await;
        ui.check_page("login").await;
        ui.login("recep.ana", PASSWORD).await;
        assert_eq!(ui.path().await, "/");
        ui.check_page("home").await;
        ui.nav_to("/patients").await;
        ui.check_page("patients").await;
        ui.click_nav("table.table tbody a.table__primary").await;
        ui.check_page("patient-show").await;
        ui.nav_to("/waiting-room").await;
        ui.check_page("waiting-room-empty").await;
        typeahead_pick(&ui, "#walkin-patient", "maria", "María José Pérez Gómez").await;
        ui.check_page("walk-in-picked").await;
        ui.select("#walkin-doctor", &doctor.id.to_string()).await;
        ui.click_nav("form[action=\"/waiting-room/walk-in\"] button[type=submit]").await;
        assert_eq!(ui.text(".flashes").await, "Llegada registrada.");
        ui.check_page("waiting-room-row").await;
        ui.logout().await;

        ui.login("dra.rivas", PASSWORD).await;
        ui.nav_to("/waiting-room").await;
        ui.wait_text("María José Pérez Gómez").await;
        ui.check_page("waiting-room-doctor").await;
        ui.click_nav("form[action$=\"/start\"] button[type=submit]").await;
        assert!(ui.path().await.starts_with("/consultations/"));
        ui.check_page("consultation").await;
        typeahead_pick(&ui, "#dx", "cholera", "Cholera").await;
        ui.check_page("dx-picked").await;
        ui.click_nav("form[action$=\"/diagnoses\"] button[type=submit]").await;
        assert_eq!(ui.text(".flashes").await, "Diagnóstico agregado.");
        ui.fill("#subjective", "Diarrea acuosa desde hace tres días.").await;
        ui.wait_js(
            "the note to be saved",
            "return document.querySelector('[data-autosave-status]').dataset.state === 'saved';",
            vec![],
        )
        .await;
        ui.check_page("note-saved").await;
        ui.click("form[action$=\"/complete\"] button[type=submit]").await;
        ui.check_page("complete-confirm").await;
        ui.confirm_dialog("¿Completar la consulta?").await;
        assert_eq!(ui.text(".flashes").await, "Consulta completada.");
        ui.check_page("consultation-completed").await;
        ui.goto(&format!("/patients/{pid}")).await;
        assert!(ui.text("section[aria-labelledby=pc-title]").await.contains("1A00"));
        ui.check_page("patient-history").await;
    })
    .await;
}

/// The remaining pages (ICD-11 browser, admin) render without untranslated keys;
/// screenshots for the visual review.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_and_catalogue_pages_render() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    load_icd11(&app).await;
    app.user("dra.rivas", &[Role::Doctor]).await;
    app.user("jefe", &[Role::Admin, Role::Doctor]).await;
    let Some(ui) = Ui::start(&app, "admin", Viewport::Desktop).await else {
        return;
    };
    ui.run(async {
        ui.login("jefe", PASSWORD).await;
        for (href, name) in [
            ("/icd11", "icd11"),
            ("/admin/users", "users"),
            ("/admin/settings", "settings"),
            ("/admin/audit", "audit"),
        ] {
            ui.nav_to(href).await;
            assert_eq!(ui.path().await, href);
            ui.check_page(name).await;
        }
        ui.goto("/icd11?q=cholera").await;
        ui.wait_text("1A00").await;
        ui.check_page("icd11-search").await;
        ui.goto("/account").await;
        ui.check_page("account").await;
    })
    .await;
}
