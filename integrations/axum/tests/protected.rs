//! `#[clerk_protected]` with the real framework: handlers of every shape the macro must accept,
//! served over a real socket on 127.0.0.1, called with tokens minted by `clerk-testing` (v1 and
//! v2 session-token claims).

use axum::Router;
use axum::routing::{get, post};
use clerk_axum::{ClerkConfig, ClerkLayer, clerk_protected};
use clerk_testing::{ClaimsVersion, TestInstance};
use tokio::net::TcpListener;

// ---------------------------------------------------------------- handlers

/// Signed in, nothing more.
#[clerk_protected]
async fn signed_in() -> &'static str {
    "signed-in"
}

/// A `pub` handler, reading the injected guard's user.
#[clerk_protected(roles = ["org:admin"])]
pub async fn admin() -> &'static str {
    "admin"
}

#[clerk_protected(roles = ["org:admin", "org:billing"])]
async fn any_role() -> &'static str {
    "any-role"
}

#[clerk_protected(permissions = ["org:invoices:read", "org:invoices:write"])]
async fn all_permissions() -> &'static str {
    "all-permissions"
}

/// Roles and permissions together: both must hold.
#[clerk_protected(roles = ["org:admin"], permissions = ["org:invoices:read"])]
async fn role_and_permission() -> &'static str {
    "role-and-permission"
}

/// A body extractor last, and `#[debug_handler]` below the macro.
#[clerk_protected(permissions = ["org:invoices:write"])]
#[axum::debug_handler]
async fn echo(body: String) -> String {
    body
}

/// Two protected handlers in one module, and `crate = "..."` through re-exports.
mod billing {
    /// The integration under another path, as in an application's own `auth` module.
    pub(crate) mod auth {
        pub(crate) use clerk_axum::*;
    }

    use clerk_axum as renamed;
    // The attribute is in scope through the re-export too.
    use self::auth::clerk_protected;

    #[clerk_protected(permissions = ["org:invoices:read"], crate = "self::auth")]
    pub(crate) async fn view() -> &'static str {
        "view"
    }

    #[clerk_protected(roles = ["org:billing"], crate = "renamed")]
    pub(crate) async fn manage() -> &'static str {
        "manage"
    }
}

async fn serve(config: ClerkConfig) -> String {
    let app = Router::new()
        .route("/signed-in", get(signed_in))
        .route("/admin", get(admin))
        .route("/any-role", get(any_role))
        .route("/all-permissions", get(all_permissions))
        .route("/role-and-permission", get(role_and_permission))
        .route("/echo", post(echo))
        .route("/billing/view", get(billing::view))
        .route("/billing/manage", get(billing::manage))
        .layer(ClerkLayer::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

// ---------------------------------------------------------------- the cases

/// A production-like configuration (`sk_live_…`): a request without a token is plainly signed
/// out, with no development browser rules.
fn config(instance: &TestInstance) -> ClerkConfig {
    instance
        .config_builder()
        .secret_key("sk_live_protected")
        .build()
        .expect("config")
}

/// Who calls, as session-token claims.
#[derive(Clone, Copy, Debug)]
enum Caller {
    SignedOut,
    /// `org:admin`, no permissions.
    Admin,
    /// `org:admin` with `org:invoices:read`.
    AdminReader,
    /// `org:member` with `org:invoices:read`.
    MemberReader,
    /// `org:member` with `org:invoices:read` and `org:invoices:write`.
    MemberWriter,
    /// `org:billing`, no permissions.
    Billing,
    /// Signed in without an active organization.
    NoOrganization,
}

fn token(instance: &TestInstance, caller: Caller, version: ClaimsVersion) -> Option<String> {
    let member = |role: &str, permissions: &[&str]| {
        instance
            .token()
            .version(version)
            .user_id("user_1")
            .org_id("org_1")
            .org_slug("acme")
            .org_role(role)
            .org_permissions(permissions.iter().copied())
            .sign()
    };
    Some(match caller {
        Caller::SignedOut => return None,
        Caller::Admin => member("org:admin", &[]),
        Caller::AdminReader => member("org:admin", &["org:invoices:read"]),
        Caller::MemberReader => member("org:member", &["org:invoices:read"]),
        Caller::MemberWriter => member("org:member", &["org:invoices:read", "org:invoices:write"]),
        Caller::Billing => member("org:billing", &[]),
        Caller::NoOrganization => instance.token().version(version).user_id("user_1").sign(),
    })
}

/// `(method, path, caller, expected status)`.
const CASES: &[(&str, &str, Caller, u16)] = {
    use Caller::*;
    &[
        // signed out: 401 everywhere
        ("GET", "/signed-in", SignedOut, 401),
        ("GET", "/admin", SignedOut, 401),
        ("GET", "/all-permissions", SignedOut, 401),
        ("POST", "/echo", SignedOut, 401),
        ("GET", "/billing/view", SignedOut, 401),
        // signed in
        ("GET", "/signed-in", MemberReader, 200),
        ("GET", "/signed-in", NoOrganization, 200),
        // roles: any of them
        ("GET", "/admin", Admin, 200),
        ("GET", "/admin", MemberReader, 403),
        ("GET", "/admin", Billing, 403),
        ("GET", "/any-role", Admin, 200),
        ("GET", "/any-role", Billing, 200),
        ("GET", "/any-role", MemberWriter, 403),
        // permissions: all of them
        ("GET", "/all-permissions", MemberWriter, 200),
        ("GET", "/all-permissions", MemberReader, 403),
        ("GET", "/all-permissions", Admin, 403),
        // role + permission: both must hold
        ("GET", "/role-and-permission", AdminReader, 200),
        ("GET", "/role-and-permission", Admin, 403),
        ("GET", "/role-and-permission", MemberReader, 403),
        // no active organization fails closed
        ("GET", "/admin", NoOrganization, 403),
        ("GET", "/any-role", NoOrganization, 403),
        ("GET", "/all-permissions", NoOrganization, 403),
        ("GET", "/role-and-permission", NoOrganization, 403),
        // body extractor last
        ("POST", "/echo", MemberWriter, 200),
        ("POST", "/echo", MemberReader, 403),
        // two handlers in one module, `crate = "..."`
        ("GET", "/billing/view", MemberReader, 200),
        ("GET", "/billing/view", Billing, 403),
        ("GET", "/billing/manage", Billing, 200),
        ("GET", "/billing/manage", Admin, 403),
        ("GET", "/billing/manage", NoOrganization, 403),
    ]
};

async fn run_cases(version: ClaimsVersion) {
    let instance = TestInstance::new();
    let base = serve(config(&instance)).await;
    let client = reqwest::Client::new();
    for &(method, path, caller, expected) in CASES {
        let mut request = match method {
            "POST" => client.post(format!("{base}{path}")).body("an invoice"),
            _ => client.get(format!("{base}{path}")),
        };
        if let Some(token) = token(&instance, caller, version) {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let auth_status = response
            .headers()
            .get("x-clerk-auth-status")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let www = response.headers().contains_key("www-authenticate");
        let body = response.text().await.unwrap_or_default();
        let case = format!("{method} {path} as {caller:?} ({version:?}): {status} {body}");
        assert_eq!(status, expected, "{case}");
        let want = match caller {
            Caller::SignedOut => "signed-out",
            _ => "signed-in",
        };
        assert_eq!(auth_status.as_deref(), Some(want), "{case}");
        match expected {
            200 if path == "/echo" => assert_eq!(body, "an invoice", "{case}"),
            200 => assert_eq!(body, path.rsplit('/').next().unwrap_or_default(), "{case}"),
            401 => {
                assert!(www, "{case}");
                assert!(body.contains(r#""error":"unauthenticated""#), "{case}");
            }
            _ => assert_eq!(body, r#"{"error":"forbidden"}"#, "{case}"),
        }
    }
}

#[tokio::test]
async fn v1_session_tokens() {
    run_cases(ClaimsVersion::V1).await;
}

#[tokio::test]
async fn v2_session_tokens() {
    run_cases(ClaimsVersion::V2).await;
}
