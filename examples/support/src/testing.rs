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

/// The example binary `bin` without any of the test runner's Clerk, `HOST` or `PORT` variables,
/// on `port`, its stdout piped (for [`Example::printed`]).
pub fn command(bin: &str, port: u16) -> Command {
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

/// A port of 127.0.0.1 that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port")
}

/// The running example (killed when dropped) and what it printed so far.
#[derive(Debug)]
pub struct Example {
    _child: Child,
    base: String,
    stdout: Arc<Mutex<String>>,
}

impl Example {
    /// Spawns `command` (from [`command`]) and waits until it answers `GET /health` on `port`.
    pub async fn start(command: &mut Command, port: u16) -> Self {
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

    /// `http://127.0.0.1:<port>`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Waits (a little) until the example printed `needle`, and returns everything it printed.
    pub async fn printed(&self, needle: &str) -> String {
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
        self.send("GET", path, token, accept, &[]).await
    }

    async fn post(&self, path: &str, token: Option<&str>) -> Answer {
        self.send("POST", path, token, None, &[]).await
    }

    /// One request, redirects not followed.
    async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        accept: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        };
        send(method, &url, token, accept, headers).await
    }
}

/// One request to `url`, redirects not followed.
async fn send(
    method: &str,
    url: &str,
    token: Option<&str>,
    accept: Option<&str>,
    headers: &[(&str, &str)],
) -> Answer {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut request = client.request(method, url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
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
        location: header("location"),
        set_cookies: response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect(),
        body: response.text().await.expect("body"),
    }
}

#[derive(Debug)]
struct Answer {
    status: u16,
    content_type: String,
    auth_status: String,
    auth_reason: String,
    www_authenticate: String,
    location: String,
    set_cookies: Vec<String>,
    body: String,
}

impl Answer {
    /// The `name=value` pairs its `Set-Cookie` headers set (an empty value clears).
    fn cookies(&self) -> Vec<(String, String)> {
        self.set_cookies
            .iter()
            .filter_map(|c| {
                let pair = c.split(';').next()?;
                let (name, value) = pair.split_once('=')?;
                Some((name.trim().to_owned(), value.trim().to_owned()))
            })
            .collect()
    }

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

/// The two values of `CLERK_AUTH_PROTOCOL`.
const PROTOCOLS: [&str; 2] = ["handshake", "interstitial"];

/// The routes with a fixture instance's keys (`CLERK_SECRET_KEY`, `CLERK_PUBLISHABLE_KEY`,
/// `CLERK_JWT_KEY`), with each protocol: JSON and HTML at `/` (escaped), `/me`, `/admin` by
/// role, `/invoices` by permission (v1 and v2 session tokens), `401` and `403`, `POST` as
/// `GET`; with the handshake protocol, the `307` of a page navigation that needs a handshake.
pub async fn serves_the_routes_with_fixture_keys(bin: &str) {
    for protocol in PROTOCOLS {
        serves_the_routes(bin, protocol).await;
    }
}

async fn serves_the_routes(bin: &str, protocol: &str) {
    // A production instance (publishable and secret key): no development browser rules.
    let instance = TestInstance::with_frontend_api("clerk.example.com");
    let handshake = protocol == "handshake";
    // The handshake protocol sends no `x-clerk-auth-status` on signed-in answers.
    let signed_in = if handshake { "" } else { "signed-in" };
    let port = free_port();
    let example = Example::start(
        command(bin, port)
            .env("CLERK_AUTH_PROTOCOL", protocol)
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
        (200, signed_in)
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

    // POST is answered like GET.
    let answer = example.post("/me", Some(&member)).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.json()["user_id"], "user_member");
    assert_eq!(example.post("/me", None).await.status, 401);
    assert_eq!(example.post("/admin", Some(&member)).await.status, 403);
    assert_eq!(example.post("/invoices", Some(&member)).await.status, 200);
    let answer = example.post("/", Some(&admin)).await;
    assert_eq!(
        answer.json(),
        json!({ "status": "signed-in", "user_id": "user_admin" })
    );

    if handshake {
        handshake_answers(&example, port).await;
    }
}

/// The handshake protocol's answers: `__client_uat` says signed in but there is no session
/// cookie. A page navigation is sent (`307`, empty body) to the Frontend API handshake on every
/// route, with the loop counter's `Set-Cookie`; a `POST` or an API call goes on signed out.
async fn handshake_answers(example: &Example, port: u16) {
    let navigation = [
        ("sec-fetch-dest", "document"),
        ("cookie", "__client_uat=1700000000"),
    ];
    for path in ["/", "/me", "/admin", "/invoices"] {
        let answer = example.send("GET", path, None, HTML, &navigation).await;
        assert_eq!(answer.status, 307, "{path}: {answer:?}");
        assert_eq!(answer.body, "", "{path}");
        let redirect = format!(
            "http%3A%2F%2F127.0.0.1%3A{port}{}",
            path.replace('/', "%2F")
        );
        assert!(
            answer.location.starts_with(&format!(
                "https://clerk.example.com/v1/client/handshake?redirect_url={redirect}&"
            )),
            "{path}: {}",
            answer.location
        );
        assert!(
            answer
                .location
                .contains("&__clerk_hs_reason=client-uat-but-no-session-token&"),
            "{}",
            answer.location
        );
        assert_eq!(
            answer.set_cookies,
            ["__clerk_redirect_count=1; SameSite=Lax; HttpOnly; Max-Age=2"]
        );
        assert_eq!(
            (answer.auth_status.as_str(), answer.auth_reason.as_str()),
            ("handshake", "client-uat-but-no-session-token")
        );
    }
    let answer = example.send("POST", "/me", None, HTML, &navigation).await;
    assert_eq!(
        (
            answer.status,
            answer.auth_status.as_str(),
            answer.auth_reason.as_str()
        ),
        (401, "signed-out", "client-uat-but-no-session-token")
    );
    let answer = example.send("GET", "/", None, None, &[navigation[1]]).await;
    assert_eq!(answer.status, 200, "an API call is not redirected");
    assert_eq!(answer.json()["status"], "signed-out");
}

/// Without Clerk keys: the embedded emulator, the sign-in instructions printed, a development
/// instance's answers with each protocol (with the handshake, a whole handshake with the
/// emulator's Frontend API and Backend API, over HTTP).
pub async fn runs_offline_on_the_emulator_without_clerk_keys(bin: &str) {
    for protocol in PROTOCOLS {
        runs_offline(bin, protocol).await;
    }
}

async fn runs_offline(bin: &str, protocol: &str) {
    let port = free_port();
    let example = Example::start(
        command(bin, port)
            .env("CLERK_EMULATOR_TOKEN_LIFETIME", "5")
            .env("CLERK_AUTH_PROTOCOL", protocol),
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
        &format!("Protocol: {protocol}"),
    ] {
        assert!(out.contains(needle), "{needle}: {out}");
    }

    // A development instance: a non-browser client without a token is signed out.
    let answer = example.get("/", None, None).await;
    assert_eq!(answer.status, 200);
    let reason = if protocol == "handshake" {
        "dev-browser-missing"
    } else {
        "header-missing-non-browser"
    };
    assert_eq!(
        (answer.auth_status.as_str(), answer.auth_reason.as_str()),
        ("signed-out", reason)
    );
    assert_eq!(
        answer.json(),
        json!({ "status": "signed-out", "user_id": null })
    );

    let mut answer = example.get("/", None, HTML).await;
    if protocol == "handshake" {
        answer = offline_handshake(&example, &answer, port).await;
    }
    assert_eq!(answer.status, 200);
    let page = answer.html();
    assert!(page.contains("Signed out."), "{page}");
    assert!(page.contains(&back), "a sign-in link: {page}");

    let answer = example.get("/me", None, None).await;
    assert_eq!(
        (answer.status, answer.www_authenticate.as_str()),
        (401, "Bearer")
    );
    if protocol == "handshake" {
        machine_callers(&example, &out).await;
    }
}

/// `/machine` with the emulator's demo API key (printed with a `curl` line): `200` with the
/// key's subject and scopes, `GET` and `POST` alike; `401` with Clerk's reason otherwise.
async fn machine_callers(example: &Example, printed: &str) {
    let api_key = printed
        .split("Authorization: Bearer ")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_else(|| panic!("a curl line with the demo API key: {printed}"));
    for method in ["GET", "POST"] {
        let answer = example
            .send(method, "/machine", Some(api_key), None, &[])
            .await;
        assert_eq!(answer.status, 200, "{method}: {answer:?}");
        let body = answer.json();
        assert_eq!(body["token_type"], "api_key");
        assert_eq!(body["subject"], "user_admin");
        assert!(
            body["id"].as_str().is_some_and(|id| id.starts_with("ak_")),
            "{body}"
        );
        assert!(
            body["scopes"].is_array() && body.get("claims").is_some(),
            "{body}"
        );
    }
    let reason = |answer: &Answer| answer.json()["reason"].as_str().map(str::to_owned);
    for (token, header, want) in [
        (None, None, "token-type-mismatch"),
        (None, Some("Basic dXNlcjpwYXNz"), "token-type-mismatch"),
        (Some("ak_not_a_key"), None, "token-invalid"),
    ] {
        let headers: Vec<(&str, &str)> = header.map(|h| ("authorization", h)).into_iter().collect();
        let answer = example.send("GET", "/machine", token, None, &headers).await;
        assert_eq!(answer.status, 401, "{answer:?}");
        assert_eq!(reason(&answer).as_deref(), Some(want), "{answer:?}");
    }
}

/// A browser's first page on the emulator, handshake protocol: the app sends it to the
/// emulator's Frontend API, which sends it back with a nonce; the app exchanges the nonce with
/// the Backend API, sets the cookies and sends it to the clean URL, where it is signed out
/// with its development browser. Returns that last answer.
async fn offline_handshake(example: &Example, first: &Answer, port: u16) -> Answer {
    assert_eq!(first.status, 307, "{first:?}");
    assert_eq!(first.auth_reason, "dev-browser-missing");
    assert!(
        first.location.starts_with("http://127.0.0.1:")
            && first.location.contains(&format!(
                "/v1/client/handshake?redirect_url=http%3A%2F%2F127.0.0.1%3A{port}%2F&"
            )),
        "to the emulator's Frontend API: {}",
        first.location
    );
    let mut cookies: Vec<(String, String)> = first.cookies();
    let jar = |cookies: &[(String, String)]| {
        cookies
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let fapi = send("GET", &first.location, None, HTML, &[]).await;
    assert_eq!(fapi.status, 307, "{fapi:?}");
    assert!(
        fapi.location.starts_with(&format!(
            "http://127.0.0.1:{port}/?__clerk_handshake_nonce="
        )),
        "back to the app with a nonce: {}",
        fapi.location
    );
    let back = example
        .send(
            "GET",
            &fapi.location,
            None,
            HTML,
            &[("sec-fetch-dest", "document"), ("cookie", &jar(&cookies))],
        )
        .await;
    // Development: the cookies, then the page itself without the handshake parameters.
    assert_eq!(back.status, 307, "{back:?}");
    assert_eq!(back.location, format!("http://127.0.0.1:{port}/"));
    let set = back.cookies();
    assert!(
        set.iter()
            .any(|(n, v)| n == "__clerk_db_jwt" && v.starts_with("dvb_")),
        "a dev browser: {set:?}"
    );
    assert!(
        set.iter().any(|(n, v)| n == "__client_uat" && v == "0"),
        "{set:?}"
    );
    cookies.retain(|(n, _)| !set.iter().any(|(m, _)| m == n));
    cookies.extend(set);
    example
        .send(
            "GET",
            "/",
            None,
            HTML,
            &[("sec-fetch-dest", "document"), ("cookie", &jar(&cookies))],
        )
        .await
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
