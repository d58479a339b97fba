//! The example's binary end to end, over real sockets on 127.0.0.1: offline, users created,
//! updated and deleted through the embedded emulator's Backend API reach the table through its
//! signed webhooks; with a signing secret, deliveries signed as Clerk signs them are applied
//! once, and bad ones change nothing.

use std::path::PathBuf;
use std::time::Duration;

use clerk_core::ClerkClient;
use clerk_core::api::Patch;
use clerk_testing::WebhookSigner;
use clerk_testing::webhook_cases::user_created;
use example_support::testing::{Example, command, free_port};
use serde_json::{Value, json};

struct App {
    example: Example,
    dir: PathBuf,
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Starts the binary with `env` (and none of the runner's Clerk variables), a database in a
/// fresh directory, and waits until it answers.
async fn start(name: &str, env: &[(&str, &str)]) -> App {
    let port = free_port();
    let dir = std::env::temp_dir().join(format!("example-webhooks-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let mut command = command(env!("CARGO_BIN_EXE_example-webhooks"), port);
    command
        .env("DATABASE_PATH", dir.join("users.sqlite3"))
        .envs(env.iter().copied());
    App {
        example: Example::start(&mut command, port).await,
        dir,
    }
}

impl App {
    async fn users(&self) -> Vec<Value> {
        let response = reqwest::get(format!("{}/users", self.example.base()))
            .await
            .expect("GET /users");
        assert_eq!(response.status(), 200);
        serde_json::from_str(&response.text().await.expect("a body")).expect("a JSON array")
    }

    /// Waits (up to 10 s) until the table satisfies `done`; the deliveries are asynchronous.
    async fn users_until(&self, what: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        for _ in 0..100 {
            let users = self.users().await;
            if done(&users) {
                return users;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the table never showed {what}: {:?}", self.users().await);
    }

    /// The value printed after `prefix` (up to the next space or line end).
    async fn printed(&self, prefix: &str) -> String {
        let out = self.example.printed(prefix).await;
        let start = out
            .find(prefix)
            .unwrap_or_else(|| panic!("{prefix} not printed:\n{out}"))
            + prefix.len();
        out[start..]
            .split([' ', '\n'])
            .next()
            .unwrap_or_default()
            .to_owned()
    }

    async fn post(&self, headers: &[(&'static str, String)], body: &[u8]) -> u16 {
        let mut request = reqwest::Client::new()
            .post(format!("{}/webhooks/clerk", self.example.base()))
            .body(body.to_vec());
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        request.send().await.expect("POST").status().as_u16()
    }
}

#[tokio::test]
async fn offline_the_table_follows_the_emulators_users() {
    let app = start("offline", &[]).await;
    let client = ClerkClient::builder()
        .api_url(app.printed("export CLERK_API_URL=").await)
        .secret_key(app.printed("CLERK_SECRET_KEY=").await)
        .build()
        .expect("a Backend API client of the emulator");
    assert!(app.users().await.is_empty(), "the demo users are not sent");

    let user = client
        .users()
        .create()
        .email_address("grace@example.com")
        .first_name("Grace")
        .send()
        .await
        .expect("create a user");
    let users = app
        .users_until("the new user", |users| users.len() == 1)
        .await;
    assert_eq!(users[0]["id"], user.id.as_str());
    assert_eq!(users[0]["email"], "grace@example.com");
    assert_eq!(users[0]["first_name"], "Grace");
    assert_eq!(users[0]["last_name"], Value::Null);

    client
        .users()
        .update(&user.id)
        .last_name("Hopper")
        .send()
        .await
        .expect("update the user");
    app.users_until("the new last name", |users| {
        users.first().is_some_and(|u| u["last_name"] == "Hopper")
    })
    .await;
    client
        .users()
        .update(&user.id)
        .first_name(Patch::Null)
        .send()
        .await
        .expect("clear the first name");
    app.users_until("the cleared first name", |users| {
        users.first().is_some_and(|u| u["first_name"].is_null())
    })
    .await;

    client
        .users()
        .delete(&user.id)
        .send()
        .await
        .expect("delete the user");
    app.users_until("no user", <[Value]>::is_empty).await;
}

#[tokio::test]
async fn each_delivery_is_applied_once_and_bad_ones_change_nothing() {
    let signer = WebhookSigner::generate();
    let app = start(
        "signed",
        &[("CLERK_WEBHOOK_SIGNING_SECRET", signer.secret())],
    )
    .await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);

    let created = user_created(0);
    assert_eq!(
        app.post(&signer.headers_at("msg_1", now, &created), &created)
            .await,
        204
    );
    let users = app.users().await;
    assert_eq!(
        users,
        [
            json!({"id": "user_1", "email": "ada@example.com", "first_name": "Ada",
                "last_name": "Lovelace", "updated_at": 1_654_012_591_835_i64})
        ]
    );

    // The same message id again, whatever the body: applied already, nothing changes.
    let mut update: Value = serde_json::from_slice(&created).expect("JSON");
    update["type"] = json!("user.updated");
    update["data"]["first_name"] = json!("Augusta");
    update["data"]["updated_at"] = json!(1_754_012_591_835_i64);
    let update = update.to_string().into_bytes();
    assert_eq!(
        app.post(&signer.headers_at("msg_1", now, &update), &update)
            .await,
        204
    );
    assert_eq!(app.users().await, users);

    // A bad signature: 400, nothing changes; the same body correctly signed is applied.
    let wrong = WebhookSigner::generate();
    assert_eq!(
        app.post(&wrong.headers_at("msg_2", now, &update), &update)
            .await,
        400
    );
    assert_eq!(app.users().await, users);
    assert_eq!(
        app.post(&signer.headers_at("msg_2", now, &update), &update)
            .await,
        204
    );
    assert_eq!(app.users().await[0]["first_name"], "Augusta");

    // Event types the app does not keep are acknowledged.
    let other = json!({"type": "session.created", "object": "event", "data": {"id": "sess_1"}})
        .to_string()
        .into_bytes();
    assert_eq!(
        app.post(&signer.headers_at("msg_3", now, &other), &other)
            .await,
        204
    );
    let unknown = json!({"type": "user.teleported", "object": "event", "data": {}})
        .to_string()
        .into_bytes();
    assert_eq!(
        app.post(&signer.headers_at("msg_4", now, &unknown), &unknown)
            .await,
        204
    );

    let deleted = json!({"type": "user.deleted", "object": "event",
                         "data": {"object": "user", "id": "user_1", "deleted": true}})
    .to_string()
    .into_bytes();
    assert_eq!(
        app.post(&signer.headers_at("msg_5", now, &deleted), &deleted)
            .await,
        204
    );
    assert!(app.users().await.is_empty());
}
