//! Starts the example binary on a free port with a fixture `CLERK_JWT_KEY` and checks its routes
//! over a real socket.

use std::net::TcpListener;
use std::process::Stdio;
use std::time::Duration;

use clerk_testing::TestInstance;
use tokio::process::{Child, Command};

/// The example process, killed when dropped.
struct Example {
    child: Child,
    base: String,
}

impl Example {
    async fn start(instance: &TestInstance) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_example-actix"))
            .env_clear()
            .env("CLERK_SECRET_KEY", "sk_live_fixture")
            .env("CLERK_PUBLISHABLE_KEY", instance.publishable_key())
            .env("CLERK_JWT_KEY", instance.jwt_key())
            .env("PORT", port.to_string())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn example-actix");
        let example = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        example.wait_ready().await;
        example
    }

    async fn wait_ready(&self) {
        for _ in 0..200 {
            let ready = reqwest::get(format!("{}/health", self.base)).await;
            if ready.is_ok_and(|r| r.status().is_success()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("example-actix did not start on {}", self.base);
    }

    async fn get(&self, path: &str, token: Option<&str>) -> (u16, String, Option<String>) {
        let mut request = reqwest::Client::new().get(format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let auth_status = response
            .headers()
            .get("x-clerk-auth-status")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        (status, response.text().await.expect("body"), auth_status)
    }
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

#[tokio::test(flavor = "current_thread")]
async fn example_serves_its_routes() {
    let instance = TestInstance::new();
    let mut example = Example::start(&instance).await;

    let (status, body, auth) = example.get("/health", None).await;
    assert_eq!((status, body.as_str()), (200, "ok"));
    assert_eq!(auth.as_deref(), Some("signed-out"));

    let (status, body, _) = example.get("/", None).await;
    assert_eq!(status, 200);
    assert!(body.contains("Not signed in"), "{body}");
    assert!(body.contains("/invoices"), "{body}");

    let (status, _, _) = example.get("/me", None).await;
    assert_eq!(status, 401);

    let member = instance
        .token()
        .user_id("user_42")
        .org_id("org_1")
        .org_role("org:member")
        .org_permissions(["org:invoices:read"])
        .sign();
    let (status, body, auth) = example.get("/", Some(&member)).await;
    assert_eq!(status, 200);
    assert!(body.contains("user_42"), "{body}");
    assert_eq!(auth.as_deref(), Some("signed-in"));

    let (status, body, _) = example.get("/me", Some(&member)).await;
    assert_eq!(status, 200);
    assert_eq!(
        json(&body),
        serde_json::json!({
            "user_id": "user_42",
            "session_id": "sess_test",
            "org_id": "org_1",
            "org_role": "org:member",
            "org_permissions": ["org:invoices:read"],
        })
    );

    let (status, _, _) = example.get("/admin", Some(&member)).await;
    assert_eq!(status, 403);
    let (status, body, _) = example.get("/invoices", Some(&member)).await;
    assert_eq!(status, 200);
    assert_eq!(
        json(&body),
        serde_json::json!({"user_id": "user_42", "org_permissions": ["org:invoices:read"]})
    );

    let admin = instance
        .token()
        .org_id("org_1")
        .org_role("org:admin")
        .sign();
    let (status, body, _) = example.get("/admin", Some(&admin)).await;
    assert_eq!(status, 200);
    assert_eq!(
        json(&body),
        serde_json::json!({"user_id": "user_test", "org_role": "org:admin"})
    );

    example.child.start_kill().ok();
    example.child.wait().await.ok();
}

#[tokio::test(flavor = "current_thread")]
async fn example_without_a_secret_key_exits_with_the_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_example-actix"))
        .env_clear()
        .env("PORT", "0")
        .output()
        .await
        .expect("run example-actix");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("CLERK_SECRET_KEY"), "{stderr}");
}
