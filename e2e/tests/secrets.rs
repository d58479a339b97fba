//! Secrets audit of the integrations' own types: the setup types (`ClerkLayer`,
//! `ClerkMiddleware`, `ClerkFairing`) hold the whole configuration (secret key, JWT key), and
//! their `Debug` output, like the rejections', must not show it. (clerk-core's types, the auth
//! state and the tracing output are audited in `clerk-core/tests/secrets_audit.rs`.)

use clerk_core::integration::Rejection;
use clerk_core::{AuthReason, TokenVerificationErrorReason};
use clerk_testing::TestInstance;

const SECRET: &str = "sk_live_INTEGRATIONsecret0123456789";

#[test]
fn setup_types_and_rejections_hide_secrets() {
    let instance = TestInstance::new();
    let config = instance
        .config_builder()
        .secret_key(SECRET)
        .build()
        .expect("config");
    let pem_body: String = instance
        .jwt_key()
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let texts = [
        format!("{:?}", clerk_axum::ClerkLayer::new(config.clone())),
        format!("{:?}", clerk_actix::ClerkMiddleware::new(config.clone())),
        format!("{:?}", clerk_rocket::ClerkFairing::new(config.clone())),
        format!("{config:?}"),
        format!(
            "{} {:?} {} {:?}",
            clerk_axum::ClerkRejection::from(Rejection::missing_setup("add the layer")),
            clerk_actix::ClerkRejection::from(Rejection::Unavailable { reason: None }),
            clerk_rocket::ClerkRejection::from(Rejection::Forbidden { policy: "Admins" }),
            clerk_rocket::ClerkRejection::from(Rejection::Unauthenticated {
                reason: Some(AuthReason::Token(
                    TokenVerificationErrorReason::TokenExpired
                ))
            }),
        ),
    ];
    for text in &texts {
        assert!(!text.is_empty());
        assert!(!text.contains(SECRET), "secret key in {text}");
        assert!(
            !text.contains(&SECRET["sk_live_".len()..]),
            "secret key in {text}"
        );
        assert!(!text.contains(&pem_body[20..60]), "JWT key in {text}");
    }
}
