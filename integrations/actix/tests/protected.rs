//! `#[clerk_protected]` with the real framework: handlers of every shape the macro must accept,
//! served over a real socket on 127.0.0.1, called with tokens minted by `clerk-testing` (v1 and
//! v2 session-token claims).

use actix_web::{App, HttpResponse, HttpServer, get, post, web};
use clerk_actix::{ClerkConfig, ClerkMiddleware, clerk_protected};
use clerk_testing::{ClaimsVersion, TestInstance};

// ---------------------------------------------------------------- handlers

/// Signed in, nothing more; the route attribute below the macro.
#[clerk_protected]
#[get("/signed-in")]
async fn signed_in() -> &'static str {
    "signed-in"
}

/// A `pub` handler, routed with `web::get().to(..)` (actix-web's route attributes nest the
/// function, where `pub` would trip `unreachable_pub`).
#[clerk_protected(roles = ["org:admin"])]
pub async fn admin() -> &'static str {
    "admin"
}

#[clerk_protected(roles = ["org:admin", "org:billing"])]
#[get("/any-role")]
async fn any_role() -> &'static str {
    "any-role"
}

#[clerk_protected(permissions = ["org:invoices:read", "org:invoices:write"])]
#[get("/all-permissions")]
async fn all_permissions() -> &'static str {
    "all-permissions"
}

/// Roles and permissions together: both must hold.
#[clerk_protected(roles = ["org:admin"], permissions = ["org:invoices:read"])]
#[get("/role-and-permission")]
async fn role_and_permission() -> HttpResponse {
    HttpResponse::Ok().body("role-and-permission")
}

/// Another extractor (the body) after the injected guard.
#[clerk_protected(permissions = ["org:invoices:write"])]
#[post("/echo")]
async fn echo(body: String) -> String {
    body
}

/// Two protected handlers in one module, and `crate = "..."` through re-exports.
mod billing {
    /// The integration under another path, as in an application's own `auth` module.
    pub(crate) mod auth {
        pub(crate) use clerk_actix::*;
    }

    use actix_web::get;
    use clerk_actix as renamed;
    // The attribute is in scope through the re-export too.
    use self::auth::clerk_protected;

    #[clerk_protected(permissions = ["org:invoices:read"], crate = "self::auth")]
    #[get("/billing/view")]
    pub(crate) async fn view() -> &'static str {
        "view"
    }

    #[clerk_protected(roles = ["org:billing"], crate = "renamed")]
    #[get("/billing/manage")]
    pub(crate) async fn manage() -> &'static str {
        "manage"
    }
}

async fn serve(config: ClerkConfig) -> String {
    let clerk = ClerkMiddleware::new(config);
    let server = HttpServer::new(move || {
        App::new()
            .wrap(clerk.clone())
            .service(signed_in)
            .route("/admin", web::get().to(admin))
            .service(any_role)
            .service(all_permissions)
            .service(role_and_permission)
            .service(echo)
            .service(billing::view)
            .service(billing::manage)
    })
    .workers(1)
    .disable_signals()
    .bind(("127.0.0.1", 0))
    .expect("bind");
    let addr = server.addrs()[0];
    actix_web::rt::spawn(server.run());
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

#[actix_web::test]
async fn v1_session_tokens() {
    run_cases(ClaimsVersion::V1).await;
}

#[actix_web::test]
async fn v2_session_tokens() {
    run_cases(ClaimsVersion::V2).await;
}
