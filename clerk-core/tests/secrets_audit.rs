//! Secrets audit: every configuration, client, error and auth type that holds a secret key, a JWT
//! key or a session token is formatted (`Debug`, `Display`) and every tracing event is captured at
//! TRACE while they are used; no secret may appear anywhere.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use clerk_core::{
    ClerkClient, ClerkConfig, FixedClock, InterstitialOptions, VerifyTokenOptions,
    create_backend_api_client, decode_jwt, get_auth_state, verify_token,
};
use common::*;

const SECRET: &str = "sk_test_AUDITsecretVALUE0123456789";

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn secrets(token: &str) -> Vec<String> {
    let pem_body: String = CLERK_PUBLIC_PEM
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let signature = token.rsplit('.').next().unwrap().to_owned();
    vec![
        SECRET.to_owned(),
        SECRET["sk_test_".len()..].to_owned(),
        pem_body[20..60].to_owned(),
        token.to_owned(),
        signature[..40].to_owned(),
    ]
}

fn assert_clean(what: &str, text: &str, secrets: &[String]) {
    for s in secrets {
        assert!(
            !text.contains(s.as_str()),
            "{what} leaks {}…: {text}",
            &s[..12.min(s.len())]
        );
    }
}

#[tokio::test]
async fn no_secret_in_debug_display_or_trace_output() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let token = token();
    let secrets = secrets(&token);
    let mut texts: Vec<(String, String)> = Vec::new();
    let mut record = |what: &str, text: String| texts.push((what.to_owned(), text));

    // Configuration with a secret key and a JWT key.
    // The interstitial protocol: its page and options are audited too.
    let builder = ClerkConfig::builder()
        .protocol(clerk_core::AuthProtocol::Interstitial)
        .secret_key(SECRET)
        .jwt_key(CLERK_PUBLIC_PEM)
        .clock(Arc::new(FixedClock::from_unix_seconds(NOW)));
    record("ClerkConfigBuilder", format!("{builder:?}"));
    let config = builder.build().unwrap();
    record("ClerkConfig", format!("{config:?}"));
    record(
        "InterstitialOptions",
        format!("{:?}", InterstitialOptions::from_config(&config)),
    );
    record(
        "interstitial page",
        clerk_core::load_interstitial_from_local(&InterstitialOptions::from_config(&config)),
    );

    // Verification options and their errors.
    let vopts = VerifyTokenOptions::builder()
        .secret_key(SECRET)
        .jwt_key(CLERK_PUBLIC_PEM)
        .build()
        .unwrap();
    record("VerifyTokenOptions", format!("{vopts:?}"));
    let bad_key = VerifyTokenOptions::builder()
        .jwt_key(format!("{}x", &CLERK_PUBLIC_PEM[..80]))
        .build()
        .unwrap_err();
    record("VerifyOptionsError", format!("{bad_key} {bad_key:?}"));
    record("Jwt", format!("{:?}", decode_jwt(&token).unwrap()));
    let tampered = format!("{}A", &token[..token.len() - 1]);
    let e = verify_token(&tampered, &vopts).await.unwrap_err();
    record(
        "TokenVerificationError",
        format!("{e} {e:?} {}", e.full_message("header")),
    );

    // Auth state and auth object, signed in by header and by cookie, and failing.
    for headers in [
        vec![("authorization".to_owned(), format!("Bearer {token}"))],
        vec![
            (
                "cookie".to_owned(),
                format!("__session={token}; __client_uat=1"),
            ),
            ("user-agent".to_owned(), "Mozilla/5.0".to_owned()),
        ],
        vec![("authorization".to_owned(), format!("Bearer {tampered}"))],
    ] {
        let mut b = http::Request::builder().uri("https://example.com/");
        for (k, v) in &headers {
            b = b.header(k, v);
        }
        let request = b.body(()).unwrap();
        let state = get_auth_state(&config, &request).await;
        record("AuthState", format!("{state:?} {}", state.json_body()));
        record(
            "auth headers",
            state
                .headers()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect::<Vec<_>>()
                .join("\n"),
        );
        if let Some(auth) = state.to_auth() {
            record(
                "Auth",
                format!("{auth:?} {}", serde_json::Value::Object(auth.debug())),
            );
            if let Some(claims) = auth.session_claims() {
                record("SessionClaims", format!("{claims:?}"));
            }
        }
    }

    // Backend API client and its errors, against a server that refuses the key.
    let server = TestServer::start(Reply::Json(401, r#"{"errors":[{"code":"authentication_invalid","message":"Unauthorized request","long_message":"You are not authorized"}],"clerk_trace_id":"t1"}"#.to_owned())).await;
    let client_builder = ClerkClient::builder()
        .secret_key(SECRET)
        .api_url(&server.url);
    record("ClerkClientBuilder", format!("{client_builder:?}"));
    let client = client_builder.build().unwrap();
    record("ClerkClient", format!("{client:?}"));
    let e = client.users().list().send().await.unwrap_err();
    record("Error (api)", format!("{e} {e:?}"));
    let mut options = clerk_core::api::ClerkClientOptions::default();
    options.secret_key = Some(SECRET.to_owned());
    record("ClerkClientOptions", format!("{options:?}"));
    options.api_url = Some("http://127.0.0.1:1".to_owned());
    let offline = create_backend_api_client(options).unwrap();
    let e = offline.users().get("user_1").send().await.unwrap_err();
    record("Error (transport)", format!("{e} {e:?}"));

    // The JWKS path with the secret key, failing.
    let jwks_opts = VerifyTokenOptions::builder()
        .secret_key(SECRET)
        .api_url(&server.url)
        .build()
        .unwrap();
    let e = verify_token(&token, &jwks_opts).await.unwrap_err();
    record("TokenVerificationError (jwks)", format!("{e} {e:?}"));
    record("VerifyTokenOptions (jwks)", format!("{jwks_opts:?}"));

    drop(_guard);
    let trace = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        trace.contains("clerk"),
        "tracing captured nothing: the audit would be vacuous"
    );
    texts.push(("tracing output".to_owned(), trace));
    for (what, text) in &texts {
        assert_clean(what, text, &secrets);
    }
    assert!(texts.len() >= 20, "{} texts audited", texts.len());
}
