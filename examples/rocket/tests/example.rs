//! Starts the example binary on a free port of 127.0.0.1 with a fixture `CLERK_JWT_KEY` and checks
//! its routes over a real socket.

use std::net::{Ipv4Addr, TcpListener};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use clerk_testing::TestInstance;
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_example-rocket");

/// Kills the example when the test ends, even on failure.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn command() -> Command {
    let mut command = Command::new(BIN);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("CLERK_") {
            command.env_remove(name);
        }
    }
    command.env_remove("PORT").env_remove("HOST");
    command
}

async fn start(instance: &TestInstance) -> (Running, String) {
    let port = free_port();
    let child = command()
        .env("CLERK_SECRET_KEY", "sk_live_example")
        .env("CLERK_PUBLISHABLE_KEY", instance.publishable_key())
        .env("CLERK_JWT_KEY", instance.jwt_key())
        .env("PORT", port.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn example-rocket");
    let running = Running(child);
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if let Ok(res) = client.get(format!("{base}/health")).send().await
            && res.status() == 200
        {
            return (running, base);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("example-rocket did not start on {base}");
}

async fn get(base: &str, path: &str, token: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(format!("{base}{path}"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("request")
}

async fn json_body(res: reqwest::Response) -> Value {
    serde_json::from_str(&res.text().await.expect("body")).expect("JSON")
}

#[tokio::test(flavor = "multi_thread")]
async fn example_serves_its_routes() {
    let instance = TestInstance::new();
    let (_running, base) = start(&instance).await;
    let token = instance
        .token()
        .user_id("user_1")
        .org_id("org_1")
        .org_role("org:admin")
        .org_permissions(["org:invoices:read"])
        .sign();
    let member = instance
        .token()
        .org_id("org_1")
        .org_role("org:member")
        .sign();

    let res = get(&base, "/health", None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.expect("body"), "ok");

    let res = get(&base, "/", None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()
            .get("x-clerk-auth-status")
            .map(|v| v.as_bytes()),
        Some(&b"signed-out"[..])
    );
    let html = res.text().await.expect("body");
    assert!(
        html.contains("Signed out") && html.contains("/invoices"),
        "{html}"
    );

    let res = get(&base, "/", Some(&token)).await;
    assert!(res.text().await.expect("body").contains("user_1"));

    let res = get(&base, "/me", None).await;
    assert_eq!(res.status(), 401);
    assert_eq!(
        res.headers().get("www-authenticate").map(|v| v.as_bytes()),
        Some(&b"Bearer"[..])
    );

    let res = get(&base, "/me", Some(&token)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        json_body(res).await,
        json!({
            "user_id": "user_1",
            "session_id": "sess_test",
            "org_id": "org_1",
            "org_role": "org:admin",
            "org_permissions": ["org:invoices:read"],
        })
    );

    let res = get(&base, "/admin", Some(&token)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        json_body(res).await,
        json!({ "user_id": "user_1", "org_role": "org:admin" })
    );
    assert_eq!(get(&base, "/admin", Some(&member)).await.status(), 403);

    let res = get(&base, "/invoices", Some(&token)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        json_body(res).await,
        json!({ "user_id": "user_1", "org_permissions": ["org:invoices:read"] })
    );
    assert_eq!(get(&base, "/invoices", Some(&member)).await.status(), 403);
}

#[test]
fn missing_secret_key_exits_with_a_clear_message() {
    let output = command().output().expect("run example-rocket");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("CLERK_SECRET_KEY"), "{stderr}");
}
