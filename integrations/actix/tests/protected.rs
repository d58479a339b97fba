//! `#[clerk_protected]` with the real framework: handlers of every shape the macro must accept,
//! served over a real socket on 127.0.0.1, called with tokens minted by `clerk-testing` (v1 and
//! v2 session-token claims).

use actix_web::{App, HttpResponse, HttpServer, get, post, web};
use clerk_actix::{ClerkConfig, ClerkMiddleware, clerk_protected};
use clerk_testing::protected;

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

/// One permission per route, for callers whose v2 tokens scope organization features `uo:`/`ou:`.
mod features {
    use actix_web::get;
    use clerk_actix::clerk_protected;

    clerk_testing::feature_routes!();
}

/// Features, plans and reverification levels.
mod billing_and_reverification {
    use actix_web::get;
    use clerk_actix::clerk_protected;

    clerk_testing::billing_routes!();
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
            .service(features::reports_read)
            .service(features::billing_manage)
            .service(features::members_manage)
            .service(features::memberships_manage)
            .service(features::impersonation_read)
            .service(features::projects_revoke)
            .service(features::repositories_delete)
            .service(billing_and_reverification::dashboard)
            .service(billing_and_reverification::org_dashboard)
            .service(billing_and_reverification::pro)
            .service(billing_and_reverification::admin_pro)
            .service(billing_and_reverification::strict)
            .service(billing_and_reverification::strict_mfa)
            .service(billing_and_reverification::moderate)
            .service(billing_and_reverification::lax)
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

#[actix_web::test]
async fn v1_and_v2_session_tokens() {
    if let Err(failures) = protected::replay_versions(serve).await {
        panic!("{failures}");
    }
}
