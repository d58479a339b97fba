//! The end-to-end test of the example apps, run by each example's `tests/example.rs` against
//! its own binary (`env!("CARGO_BIN_EXE_example-…")`): starts the binary on a free port of
//! 127.0.0.1 and checks its routes over a real socket, with a fixture instance's keys
//! (`CLERK_JWT_KEY`: no network), and with no Clerk keys at all (the embedded emulator).
//!
//! Test support: the checks panic.

use std::net::TcpListener;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clerk_testing::{ClaimsVersion, TestInstance};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The example binary `bin` without any of the test runner's Clerk, `HOST` or `PORT` variables.
fn command(bin: &str, port: u16) -> Command {
    let mut command = Command::new(bin);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("CLERK_") {
            command.env_remove(name);
        }
    }
    command
        .env_remove("HOST")
        .env("PORT", port.to_string())
        .env("RUST_LOG", "warn")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port")
}

/// The running example (killed when dropped) and what it printed so far.
struct Example {
    _child: Child,
    base: String,
    stdout: Arc<Mutex<String>>,
}

impl Example {
    async fn start(command: &mut Command, port: u16) -> Self {
        let mut child = command.spawn().expect("spawn the example");
        let stdout = Arc::new(Mutex::new(String::new()));
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let sink = Arc::clone(&stdout);
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                let mut out = sink.lock().unwrap_or_else(|e| e.into_inner());
                out.push_str(&line);
                out.push('\n');
            }
        });
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..600 {
            if let Ok(response) = reqwest::get(format!("{base}/health")).await
                && response.status() == 200
            {
                return Self {
                    _child: child,
                    base,
                    stdout,
                };
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("the example exited ({status}) before listening on {base}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the example did not start on {base}");
    }

    /// Waits (a little) until the example printed `needle`, and returns everything it printed.
    async fn printed(&self, needle: &str) -> String {
        for _ in 0..100 {
            let out = self
                .stdout
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone();
            if out.contains(needle) {
                return out;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let out = self
            .stdout
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        panic!("the example never printed {needle:?}; it printed:\n{out}");
    }

    async fn get(&self, path: &str, token: Option<&str>, accept: Option<&str>) -> Answer {
        let mut request = reqwest::Client::new().get(format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(accept) = accept {
            request = request.header("accept", accept);
        }
        let response = request.send().await.expect("request");
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        Answer {
            status: response.status().as_u16(),
            content_type: header("content-type"),
            auth_status: header("x-clerk-auth-status"),
            auth_reason: header("x-clerk-auth-reason"),
            www_authenticate: header("www-authenticate"),
            body: response.text().await.expect("body"),
        }
    }
}

#[derive(Debug)]
struct Answer {
    status: u16,
    content_type: String,
    auth_status: String,
    auth_reason: String,
    www_authenticate: String,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        assert!(
            self.content_type.starts_with("application/json"),
            "not JSON: {self:?}"
        );
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {self:?}"))
    }

    fn html(&self) -> &str {
        assert!(
            self.content_type.starts_with("text/html"),
            "not HTML: {self:?}"
        );
        &self.body
    }
}

const HTML: Option<&str> = Some("text/html,application/xhtml+xml,*/*;q=0.8");

/// The routes with a fixture instance's keys (`CLERK_SECRET_KEY`, `CLERK_PUBLISHABLE_KEY`,
/// `CLERK_JWT_KEY`): JSON and HTML at `/` (escaped), `/me`, `/admin` by role, `/invoices` by
/// permission (v1 and v2 session tokens), `401` and `403`.
pub async fn serves_the_routes_with_fixture_keys(bin: &str) {
    let instance = TestInstance::new();
    let port = free_port();
    let example = Example::start(
        command(bin, port)
            // A production-like secret key: no development browser rules.
            .env("CLERK_SECRET_KEY", "sk_live_example")
            .env("CLERK_PUBLISHABLE_KEY", instance.publishable_key())
            .env("CLERK_JWT_KEY", instance.jwt_key()),
        port,
    )
    .await;
    let org_token = |user: &str, role: &str, permissions: &[&str]| {
        instance
            .token()
            .user_id(user)
            .session_id(Some("sess_1"))
            .org_id("org_1")
            .org_slug("acme")
            .org_role(role)
            .org_permissions(permissions.iter().copied())
            .sign()
    };
    let admin = org_token("user_admin", "org:admin", &[]);
    let member = org_token("user_member", "org:member", &["org:invoices:read"]);

    // GET /: JSON for API clients, HTML for browsers.
    let answer = example.get("/", None, None).await;
    assert_eq!(
        (answer.status, answer.auth_status.as_str()),
        (200, "signed-out")
    );
    assert_eq!(
        answer.json(),
        json!({ "status": "signed-out", "user_id": null })
    );
    let answer = example
        .get("/", Some(&admin), Some("application/json"))
        .await;
    assert_eq!(
        (answer.status, answer.auth_status.as_str()),
        (200, "signed-in")
    );
    assert_eq!(
        answer.json(),
        json!({ "status": "signed-in", "user_id": "user_admin" })
    );

    let answer = example.get("/", None, HTML).await;
    assert_eq!(answer.status, 200);
    let page = answer.html();
    assert!(page.contains("Signed out."), "{page}");
    for link in ["href=\"/me\"", "href=\"/admin\"", "href=\"/invoices\""] {
        assert!(page.contains(link), "{link}: {page}");
    }
    assert!(
        !page.contains("Sign in"),
        "no emulator, no sign-in link: {page}"
    );
    let answer = example.get("/", Some(&admin), HTML).await;
    let page = answer.html();
    assert!(
        page.contains("Signed in as <code>user_admin</code>."),
        "{page}"
    );
    // Everything the page shows is escaped.
    let hostile = instance.token().user_id("user_<b>\"x\"&'").sign();
    let answer = example.get("/", Some(&hostile), HTML).await;
    let page = answer.html();
    assert!(
        page.contains("<code>user_&lt;b&gt;&quot;x&quot;&amp;&#39;</code>"),
        "{page}"
    );
    assert!(!page.contains("<b>"), "{page}");

    // GET /me
    let answer = example.get("/me", None, None).await;
    assert_eq!(
        (answer.status, answer.www_authenticate.as_str()),
        (401, "Bearer")
    );
    assert_eq!(answer.auth_status, "signed-out");
    let answer = example.get("/me", Some(&member), None).await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.json(),
        json!({
            "user_id": "user_member",
            "session_id": "sess_1",
            "org_id": "org_1",
            "org_role": "org:member",
            "org_slug": "acme",
            "org_permissions": ["org:invoices:read"],
        })
    );

    // GET /admin: #[clerk_protected(roles = ["org:admin"])]
    let answer = example.get("/admin", Some(&admin), None).await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.json(),
        json!({ "user_id": "user_admin", "org_role": "org:admin" })
    );
    let answer = example.get("/admin", Some(&member), None).await;
    assert_eq!(answer.status, 403);
    assert_eq!(answer.json(), json!({ "error": "forbidden" }));
    let answer = example.get("/admin", None, None).await;
    assert_eq!(
        (answer.status, answer.www_authenticate.as_str()),
        (401, "Bearer")
    );

    // GET /invoices: #[clerk_protected(permissions = ["org:invoices:read"])]
    let answer = example.get("/invoices", Some(&member), None).await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.json(),
        json!({ "user_id": "user_member", "org_permissions": ["org:invoices:read"] })
    );
    assert_eq!(
        example.get("/invoices", Some(&admin), None).await.status,
        403
    );
    assert_eq!(example.get("/invoices", None, None).await.status, 401);

    // GET /invoices with v2 tokens: `uo:reports` is an organization feature too, so it takes
    // the first mask and `o:invoices` the second; only a set bit there grants
    // `org:invoices:read`.
    let v2_member = |fpm: &str| {
        instance
            .token()
            .version(ClaimsVersion::V2)
            .user_id("user_member")
            .session_id(Some("sess_1"))
            .org_id("org_1")
            .org_slug("acme")
            .org_role("org:member")
            .compact_permissions("uo:reports,o:invoices", "read", fpm)
            .sign()
    };
    let reports_only = v2_member("1,0");
    let answer = example.get("/invoices", Some(&reports_only), None).await;
    assert_eq!(answer.status, 403, "{answer:?}");
    assert_eq!(answer.json(), json!({ "error": "forbidden" }));
    let answer = example.get("/me", Some(&reports_only), None).await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.json()["org_permissions"],
        json!(["org:reports:read"])
    );
    let answer = example
        .get("/invoices", Some(&v2_member("1,1")), None)
        .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(
        answer.json(),
        json!({
            "user_id": "user_member",
            "org_permissions": ["org:reports:read", "org:invoices:read"],
        })
    );
}

/// Without Clerk keys: the embedded emulator, the sign-in instructions printed, a development
/// instance's answers.
pub async fn runs_offline_on_the_emulator_without_clerk_keys(bin: &str) {
    let port = free_port();
    let example = Example::start(
        command(bin, port).env("CLERK_EMULATOR_TOKEN_LIFETIME", "5"),
        port,
    )
    .await;

    // Where to click: the app, the emulator's sign-in page back to the app, the demo users.
    let app = format!("http://127.0.0.1:{port}/");
    let back = format!("/sign-in?redirect_url=http%3A%2F%2F127.0.0.1%3A{port}%2F");
    let out = example.printed(&back).await;
    assert!(out.contains(&app), "{out}");
    for needle in [
        "user_admin",
        "user_member",
        "127.0.0.1, not localhost",
        "5 s",
    ] {
        assert!(out.contains(needle), "{needle}: {out}");
    }

    // A development instance: a non-browser client without a token is signed out.
    let answer = example.get("/", None, None).await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        (answer.auth_status.as_str(), answer.auth_reason.as_str()),
        ("signed-out", "header-missing-non-browser")
    );
    assert_eq!(
        answer.json(),
        json!({ "status": "signed-out", "user_id": null })
    );

    let answer = example.get("/", None, HTML).await;
    assert_eq!(answer.status, 200);
    let page = answer.html();
    assert!(page.contains("Signed out."), "{page}");
    assert!(page.contains(&back), "a sign-in link: {page}");

    let answer = example.get("/me", None, None).await;
    assert_eq!(
        (answer.status, answer.www_authenticate.as_str()),
        (401, "Bearer")
    );
}

/// A bad `CLERK_EMULATOR_TOKEN_LIFETIME`: exit status 1, the variable named on stderr.
pub async fn exits_on_a_bad_token_lifetime(bin: &str) {
    let output = command(bin, free_port())
        .env("CLERK_EMULATOR_TOKEN_LIFETIME", "soon")
        .output()
        .await
        .expect("run the example");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("CLERK_EMULATOR_TOKEN_LIFETIME"), "{stderr}");
}
