//! Starts the example binary on a free port of 127.0.0.1 with a test instance's keys
//! (`CLERK_JWT_KEY`: no network) and talks to it over a real socket.

use std::process::Stdio;
use std::time::Duration;

use clerk_testing::TestInstance;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const BIN: &str = env!("CARGO_BIN_EXE_example-axum");

fn command() -> Command {
    let mut command = Command::new(BIN);
    for (name, _) in std::env::vars() {
        if name.starts_with("CLERK_") {
            command.env_remove(name);
        }
    }
    command
        .env("NO_COLOR", "1")
        .env("RUST_LOG", "info")
        .env("PORT", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

/// Starts the example and returns it with its base URL, read from its "listening on" log line.
async fn start(instance: &TestInstance) -> (Child, String) {
    let mut child = command()
        .env("CLERK_SECRET_KEY", instance.secret_key())
        .env("CLERK_PUBLISHABLE_KEY", instance.publishable_key())
        .env("CLERK_JWT_KEY", instance.jwt_key())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let url = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(at) = line.find("http://") {
                let url = line[at..].split_whitespace().next().unwrap_or_default();
                return url
                    .trim_end_matches(|c: char| !c.is_ascii_digit())
                    .to_owned();
            }
        }
        panic!("the example exited before listening");
    })
    .await
    .expect("the example logs its URL");
    // Keep draining its log so that it never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, url)
}

#[tokio::test]
async fn serves_the_routes() {
    let instance = TestInstance::new();
    let (mut child, base) = start(&instance).await;
    let client = reqwest::Client::new();
    let get = |path: &str, token: Option<&str>| {
        let mut request = client.get(format!("{base}{path}"));
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        request.send()
    };

    let response = get("/health", None).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ok");

    let response = get("/", None).await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(response.headers()["x-clerk-auth-status"], "signed-out");
    let page = response.text().await.unwrap();
    assert!(page.contains("Signed out."), "{page}");
    assert!(page.contains("/invoices"), "{page}");

    let admin = instance
        .token()
        .user_id("user_admin")
        .session_id(Some("sess_1"))
        .org_id("org_1")
        .org_role("org:admin")
        .org_slug("acme")
        .sign();
    let reader = instance
        .token()
        .user_id("user_reader")
        .org_id("org_1")
        .org_role("org:member")
        .org_permissions(["org:invoices:read"])
        .sign();

    let response = get("/", Some(&admin)).await.unwrap();
    assert_eq!(response.headers()["x-clerk-auth-status"], "signed-in");
    let page = response.text().await.unwrap();
    assert!(
        page.contains("Signed in as <code>user_admin</code>"),
        "{page}"
    );

    let response = get("/me", None).await.unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");

    let response = get("/me", Some(&admin)).await.unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({
            "user_id": "user_admin",
            "session_id": "sess_1",
            "org_id": "org_1",
            "org_role": "org:admin",
            "org_slug": "acme",
            "org_permissions": [],
        })
    );

    let response = get("/admin", Some(&admin)).await.unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({ "user_id": "user_admin", "org_role": "org:admin" })
    );
    assert_eq!(get("/admin", Some(&reader)).await.unwrap().status(), 403);
    assert_eq!(get("/admin", None).await.unwrap().status(), 401);

    let response = get("/invoices", Some(&reader)).await.unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({ "user_id": "user_reader", "org_permissions": ["org:invoices:read"] })
    );
    assert_eq!(get("/invoices", Some(&admin)).await.unwrap().status(), 403);

    child.kill().await.unwrap();
}

#[tokio::test]
async fn exits_with_the_fix_when_the_secret_key_is_missing() {
    let output = command().output().await.unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("CLERK_SECRET_KEY"), "{stderr}");
}
