//! The emulator's machine authentication over real sockets: API keys, M2M tokens (opaque and
//! JWT) and OAuth access tokens, created, verified (with and without the `/v1` segment, as
//! `@clerk/backend` calls them), revoked; Bearer checks; JWT-format tokens against the JWKS.

use clerk_core::jwt::Jwk;
use clerk_core::{decode_jwt, has_valid_signature};
use clerk_testing::Emulator;
use serde_json::{Value, json};

struct Api {
    http: reqwest::Client,
    url: String,
    key: String,
}

impl Api {
    async fn new() -> (Emulator, Self) {
        let emulator = Emulator::start().await.unwrap();
        let api = Self {
            http: reqwest::Client::new(),
            url: emulator.url().to_owned(),
            key: emulator.secret_key().to_owned(),
        };
        (emulator, api)
    }

    /// `POST <url><path>` with `bearer` and a JSON body: the status and the JSON answer.
    async fn post_as(&self, bearer: &str, path: &str, body: &Value) -> (u16, Value) {
        let resp = self
            .http
            .post(format!("{}{path}", self.url))
            .bearer_auth(bearer)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        (status, json_of(resp).await)
    }

    async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.post_as(&self.key, path, body).await
    }

    async fn jwk(&self) -> Jwk {
        let resp = self
            .http
            .get(format!("{}/v1/jwks", self.url))
            .bearer_auth(&self.key)
            .send()
            .await
            .unwrap();
        let jwks = json_of(resp).await;
        serde_json::from_value(jwks["keys"][0].clone()).unwrap()
    }
}

async fn json_of(resp: reqwest::Response) -> Value {
    serde_json::from_str(&resp.text().await.unwrap_or_default()).unwrap_or(Value::Null)
}

fn error_code(body: &Value) -> &str {
    body["errors"][0]["code"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn api_keys_create_verify_revoke() {
    let (emulator, api) = Api::new().await;
    let (status, created) = api
        .post(
            "/v1/api_keys",
            &json!({
                "name": "ci-key",
                "subject": "user_member",
                "scopes": ["read"],
                "claims": {"team": "billing"},
                "seconds_until_expiration": 3600,
            }),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["object"], "api_key");
    assert_eq!(created["type"], "api_key");
    assert_eq!(created["subject"], "user_member");
    let id = created["id"].as_str().unwrap();
    assert!(id.starts_with("ak_") && id.len() == 35, "{id}");
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("ak_") && secret != id);
    assert!(created["expiration"].as_i64().unwrap() > created["created_at"].as_i64().unwrap());

    // Verify, both with and without /v1.
    for path in ["/api_keys/verify", "/v1/api_keys/verify"] {
        let (status, v) = api.post(path, &json!({"secret": secret})).await;
        assert_eq!(status, 200, "{path}: {v}");
        assert_eq!(v["id"], id);
        assert_eq!(v["scopes"], json!(["read"]));
        assert_eq!(v["claims"], json!({"team": "billing"}));
        assert_eq!(
            (v["revoked"].clone(), v["expired"].clone()),
            (json!(false), json!(false))
        );
        assert!(v.get("secret").is_none(), "the secret is shown once: {v}");
        assert!(v["last_used_at"].is_i64());
    }

    // Unknown: 404, Clerk's error shape.
    let (status, v) = api
        .post("/api_keys/verify", &json!({"secret": "ak_nope"}))
        .await;
    assert_eq!((status, error_code(&v)), (404, "resource_not_found"), "{v}");
    assert_eq!(v["errors"][0]["message"], "API key not found");

    // Revoke, then the key no longer verifies.
    let (status, v) = api
        .post(
            &format!("/v1/api_keys/{id}/revoke"),
            &json!({"revocation_reason": "leaked"}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (v["revoked"].clone(), v["revocation_reason"].clone()),
        (json!(true), json!("leaked"))
    );
    let (status, _) = api
        .post("/api_keys/verify", &json!({"secret": secret}))
        .await;
    assert_eq!(status, 404, "a revoked key is not found");
    let (status, _) = api
        .post(
            "/v1/api_keys/ak_00000000000000000000000000000000/revoke",
            &json!({}),
        )
        .await;
    assert_eq!(status, 404);

    // The demo key of user_admin.
    let demo = emulator.demo_api_key().unwrap();
    let (status, v) = api.post("/api_keys/verify", &json!({"secret": demo})).await;
    assert_eq!(
        (status, v["subject"].as_str()),
        (200, Some("user_admin")),
        "{v}"
    );
}

#[tokio::test]
async fn api_keys_bad_input_answers_4xx() {
    let (_emulator, api) = Api::new().await;
    for body in [
        json!({"subject": "user_admin"}),
        json!({"name": "k", "subject": "user_nobody"}),
        json!({"name": "k", "subject": "sess_x"}),
        json!({"name": "k", "subject": "user_admin", "scopes": [1]}),
        json!({"name": "k", "subject": "user_admin", "seconds_until_expiration": -5}),
        json!({"name": "k", "subject": "user_admin", "seconds_until_expiration": "soon"}),
        json!({"name": "k", "subject": "user_admin", "seconds_until_expiration": 1e300}),
        json!(["not", "an", "object"]),
    ] {
        let (status, v) = api.post("/v1/api_keys", &body).await;
        assert_eq!(status, 400, "{body}: {v}");
        assert!(v["errors"][0]["code"].is_string(), "{v}");
    }
    let (status, _) = api.post("/api_keys/verify", &json!({})).await;
    assert_eq!(status, 400);
    let (status, _) = api.post("/api_keys/verify", &json!({"secret": 42})).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn short_lived_api_keys_expire() {
    let (_emulator, api) = Api::new().await;
    let (_, created) = api
        .post(
            "/v1/api_keys",
            &json!({"name": "brief", "subject": "org_demo", "seconds_until_expiration": 0.05}),
        )
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(120)).await;
    let (status, _) = api
        .post("/api_keys/verify", &json!({"secret": created["secret"]}))
        .await;
    assert_eq!(status, 404, "an expired key is not found");
}

#[tokio::test]
async fn bad_bearer_is_401() {
    let (emulator, api) = Api::new().await;
    let machine_key = emulator.machine_secret_key().unwrap();
    for path in [
        "/api_keys/verify",
        "/m2m_tokens/verify",
        "/oauth_applications/access_tokens/verify",
    ] {
        let (status, v) = api
            .post_as(
                "sk_test_wrong",
                path,
                &json!({"secret": "x", "token": "x", "access_token": "x"}),
            )
            .await;
        assert_eq!(
            (status, error_code(&v)),
            (401, "clerk_key_invalid"),
            "{path}: {v}"
        );
    }
    let resp = reqwest::Client::new()
        .post(format!("{}/m2m_tokens/verify", api.url))
        .body(json!({"token": "mt_x"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401, "no Authorization header");
    // A machine secret key is no instance secret key: only the M2M routes accept it.
    for path in [
        "/api_keys/verify",
        "/v1/users",
        "/oauth_applications/access_tokens/verify",
    ] {
        let (status, _) = api.post_as(&machine_key, path, &json!({})).await;
        assert_eq!(status, 401, "{path}");
    }
}

#[tokio::test]
async fn m2m_tokens_opaque_with_machine_secret_key() {
    let (emulator, api) = Api::new().await;
    let machine_key = emulator.machine_secret_key().unwrap();
    assert!(machine_key.starts_with("ak_"));
    let (status, created) = api
        .post_as(
            &machine_key,
            "/v1/m2m_tokens",
            &json!({"claims": {"job": "nightly"}, "seconds_until_expiration": 600}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["object"], "machine_to_machine_token");
    assert_eq!(created["subject"], "mch_demo");
    assert_eq!(created["scopes"], json!(["mch_demo"]));
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("mt_") && id.len() == 35);
    let token = created["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("mt_") && token != id);

    // Verified with the machine secret key, or the instance secret key; with or without /v1.
    for (bearer, path) in [
        (machine_key.as_str(), "/m2m_tokens/verify"),
        (api.key.as_str(), "/m2m_tokens/verify"),
        (api.key.as_str(), "/v1/m2m_tokens/verify"),
    ] {
        let (status, v) = api.post_as(bearer, path, &json!({"token": token})).await;
        assert_eq!(status, 200, "{path}: {v}");
        assert_eq!(v["id"], id.as_str());
        assert_eq!(v["claims"], json!({"job": "nightly"}));
        assert!(v.get("token").is_none());
    }

    let (status, v) = api
        .post("/m2m_tokens/verify", &json!({"token": "mt_unknown"}))
        .await;
    assert_eq!(status, 404, "{v}");
    assert_eq!(v["errors"][0]["message"], "Machine token not found");

    let (status, v) = api
        .post(&format!("/v1/m2m_tokens/{id}/revoke"), &json!({}))
        .await;
    assert_eq!((status, v["revoked"].clone()), (200, json!(true)), "{v}");
    let (status, _) = api
        .post("/m2m_tokens/verify", &json!({"token": token}))
        .await;
    assert_eq!(status, 404, "a revoked token is not found");

    // The instance secret key creates tokens for a machine named in `machine_id`.
    let (status, v) = api
        .post("/v1/m2m_tokens", &json!({"machine_id": "mch_demo"}))
        .await;
    assert_eq!(
        (status, v["subject"].as_str()),
        (201, Some("mch_demo")),
        "{v}"
    );
    let (status, _) = api.post("/v1/m2m_tokens", &json!({})).await;
    assert_eq!(status, 400, "the instance key must name the machine");
    let (status, _) = api
        .post_as(
            &machine_key,
            "/v1/m2m_tokens",
            &json!({"token_format": "paper"}),
        )
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn m2m_jwt_tokens_verify_with_the_jwks() {
    let (emulator, api) = Api::new().await;
    let machine_key = emulator.machine_secret_key().unwrap();
    // A second machine, allowed to call the demo machine.
    let (status, worker) = api
        .post(
            "/v1/machines",
            &json!({"name": "worker", "scoped_machines": ["mch_demo"]}),
        )
        .await;
    assert_eq!(status, 200, "{worker}");
    let worker_id = worker["id"].as_str().unwrap();
    let worker_key = worker["secret_key"].as_str().unwrap();
    assert_eq!(worker["scoped_machines"][0]["id"], "mch_demo");
    let (status, v) = api
        .http
        .get(format!("{}/v1/machines/{worker_id}/secret_key", api.url))
        .bearer_auth(&api.key)
        .send()
        .await
        .map(|r| (r.status().as_u16(), r))
        .unwrap();
    assert_eq!(status, 200);
    assert_eq!(json_of(v).await["secret"], worker_key);

    let (status, created) = api
        .post_as(
            worker_key,
            "/v1/m2m_tokens",
            &json!({"token_format": "jwt", "claims": {"job": "sync"}}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let token = created["token"].as_str().unwrap();
    let jwt = decode_jwt(token).unwrap();
    assert_eq!(jwt.header().alg(), Some("RS256"));
    let header: Value = serde_json::from_slice(
        &base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            jwt.raw_header(),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(header["cat"], "cl_B7d4PD333AAA");
    let p = jwt.payload();
    assert_eq!(p["sub"], worker_id);
    assert_eq!(p["scopes"], "mch_demo");
    assert_eq!(p["jti"], created["id"]);
    assert_eq!(p["job"], "sync");
    assert!(p["exp"].as_i64().unwrap() > p["iat"].as_i64().unwrap());
    assert!(has_valid_signature(&jwt, &api.jwk().await).unwrap());
    // The verify endpoint knows JWT-format tokens too (the demo machine verifies).
    let (status, v) = api
        .post_as(&machine_key, "/m2m_tokens/verify", &json!({"token": token}))
        .await;
    assert_eq!(
        (status, v["subject"].as_str()),
        (200, Some(worker_id)),
        "{v}"
    );
}

#[tokio::test]
async fn oauth_access_tokens_opaque_and_jwt() {
    let (emulator, api) = Api::new().await;
    let opaque =
        emulator.issue_oauth_access_token("user_admin", "client_app", &["email", "profile"]);
    assert!(opaque.starts_with("oat_"));
    for path in [
        "/oauth_applications/access_tokens/verify",
        "/v1/oauth_applications/access_tokens/verify",
    ] {
        let (status, v) = api.post(path, &json!({"access_token": opaque})).await;
        assert_eq!(status, 200, "{path}: {v}");
        assert_eq!(v["object"], "clerk_idp_oauth_access_token");
        assert_eq!(v["subject"], "user_admin");
        assert_eq!(v["client_id"], "client_app");
        assert_eq!(v["scopes"], json!(["email", "profile"]));
        assert!(v["id"].as_str().unwrap().starts_with("oat_"));
    }
    let (status, v) = api
        .post(
            "/oauth_applications/access_tokens/verify",
            &json!({"access_token": "oat_nope"}),
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(v["errors"][0]["message"], "OAuth token not found");
    let (status, _) = api
        .post("/oauth_applications/access_tokens/verify", &json!({}))
        .await;
    assert_eq!(status, 400);

    let token = emulator.issue_oauth_access_token_jwt("user_admin", "client_app", &["email"]);
    let jwt = decode_jwt(&token).unwrap();
    assert_eq!(jwt.header().typ(), Some("at+jwt"));
    assert_eq!(jwt.payload()["sub"], "user_admin");
    assert_eq!(jwt.payload()["client_id"], "client_app");
    assert_eq!(jwt.payload()["scp"], json!(["email"]));
    assert!(has_valid_signature(&jwt, &api.jwk().await).unwrap());
    let (status, _) = api
        .post(
            "/oauth_applications/access_tokens/verify",
            &json!({"access_token": token}),
        )
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn secrets_stay_out_of_the_debug_output() {
    let (emulator, _api) = Api::new().await;
    let debug = format!("{emulator:?}");
    assert!(!debug.contains(&emulator.machine_secret_key().unwrap()));
    assert!(!debug.contains(&emulator.demo_api_key().unwrap()));
}

#[tokio::test]
async fn no_demo_data_no_machine() {
    let emulator = Emulator::builder()
        .seed_demo_data(false)
        .start()
        .await
        .unwrap();
    assert_eq!(emulator.machine_secret_key(), None);
    assert_eq!(emulator.demo_api_key(), None);
}
