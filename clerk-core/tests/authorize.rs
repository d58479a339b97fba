//! `RequestAuth::authorize` (what `ProtectedCaller<P>` and `#[clerk_protected(token = [...])]`
//! ask) and `RequestAuth::satisfies` (what `Protected<P>` asks) for users and machines, with
//! tokens the emulator issued on 127.0.0.1.
#![allow(missing_docs)]

use clerk_core::integration::{Caller, Rejection, RequestAuth, UNVERIFIED_TOKEN_TYPE_FIX};
use clerk_core::{AuthReason, ClerkConfig, Policy, TokenType, get_auth_state};
use clerk_testing::protected_machines::{Caller as Who, Fixture};

struct ApiKeysWriting;

impl Policy for ApiKeysWriting {
    fn tokens() -> &'static [TokenType] {
        &[TokenType::ApiKey]
    }
    fn scopes() -> &'static [&'static str] {
        &["write"]
    }
}

struct UsersOrApiKeys;

impl Policy for UsersOrApiKeys {
    fn tokens() -> &'static [TokenType] {
        &[TokenType::SessionToken, TokenType::ApiKey]
    }
}

/// A hand-written policy may ask what a machine never has: it then never admits one.
struct AdminsOrApiKeys;

impl Policy for AdminsOrApiKeys {
    fn tokens() -> &'static [TokenType] {
        &[TokenType::SessionToken, TokenType::ApiKey]
    }
    fn roles() -> &'static [&'static str] {
        &["org:admin"]
    }
}

async fn stored(config: &ClerkConfig, token: Option<&str>) -> RequestAuth {
    let mut request = http::Request::get("http://localhost:3000/api");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let request = request.body(()).unwrap();
    RequestAuth::new(&get_auth_state(config, &request).await)
}

fn mismatch() -> Rejection {
    Rejection::Unauthenticated {
        reason: Some(AuthReason::TokenTypeMismatch),
    }
}

#[tokio::test]
async fn machines_and_users_under_one_policy() {
    let fixture = Fixture::start();
    let config = fixture.config();
    let writer = stored(&config, fixture.token(Who::ApiKeyWriter)).await;
    let reader = stored(&config, fixture.token(Who::ApiKeyReader)).await;
    let user = stored(&config, fixture.token(Who::User)).await;

    match writer.authorize::<ApiKeysWriting>() {
        Ok(Caller::Machine(token)) => assert_eq!(token.subject(), "user_admin"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        reader.authorize::<ApiKeysWriting>(),
        Err(Rejection::Forbidden { .. })
    ));
    assert_eq!(user.authorize::<ApiKeysWriting>().unwrap_err(), mismatch());

    assert!(matches!(
        user.authorize::<UsersOrApiKeys>(),
        Ok(Caller::User(_))
    ));
    assert!(matches!(
        reader.authorize::<UsersOrApiKeys>(),
        Ok(Caller::Machine(_))
    ));
    // `Protected<P>` holds a user: a machine the policy admits is still refused there.
    assert!(user.satisfies::<UsersOrApiKeys>().is_ok());
    assert_eq!(
        reader.satisfies::<UsersOrApiKeys>().unwrap_err(),
        mismatch()
    );
    // Roles are for users: no machine passes them.
    assert!(matches!(
        writer.authorize::<AdminsOrApiKeys>(),
        Err(Rejection::Forbidden { .. })
    ));
}

#[tokio::test]
async fn a_type_the_configuration_does_not_verify_is_a_setup_error() {
    let fixture = Fixture::start();
    let config = fixture.session_only_config();
    for who in [Who::User, Who::ApiKeyWriter, Who::SignedOut] {
        let stored = stored(&config, fixture.token(who)).await;
        let rejection = stored.authorize::<UsersOrApiKeys>().unwrap_err();
        assert_eq!(
            rejection,
            Rejection::missing_setup(UNVERIFIED_TOKEN_TYPE_FIX)
        );
        assert_eq!(rejection.status(), 500);
        // Session tokens only (the default policy) is fine under this configuration.
        let status = stored
            .satisfies::<clerk_core::SignedIn>()
            .err()
            .map(|r| r.status());
        assert_ne!(status, Some(500));
    }
}
