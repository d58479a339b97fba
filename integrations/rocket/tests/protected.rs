//! `#[clerk_protected]` with the real framework: routes of every shape the macro must accept,
//! served over a real socket on 127.0.0.1, called with tokens minted by `clerk-testing` (v1 and
//! v2 session-token claims).

use clerk_rocket::{ClerkConfig, ClerkFairing, clerk_protected};
use clerk_testing::protected;
use rocket::fairing::AdHoc;
use rocket::{get, post, routes};

// ---------------------------------------------------------------- handlers

/// Signed in, nothing more; a sync route.
#[clerk_protected]
#[get("/signed-in")]
fn signed_in() -> &'static str {
    "signed-in"
}

/// A `pub` route.
#[clerk_protected(roles = ["org:admin"])]
#[get("/admin")]
pub async fn admin() -> &'static str {
    "admin"
}

#[clerk_protected(roles = ["org:admin", "org:billing"])]
#[get("/any-role")]
fn any_role() -> &'static str {
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
fn role_and_permission() -> String {
    "role-and-permission".to_owned()
}

/// Another guard and the body (data) after the injected guard.
#[clerk_protected(permissions = ["org:invoices:write"])]
#[post("/echo", data = "<body>")]
fn echo(body: String) -> String {
    body
}

/// Two protected routes in one module, and `crate = "..."` through re-exports.
mod billing {
    /// The integration under another path, as in an application's own `auth` module.
    pub(crate) mod auth {
        pub(crate) use clerk_rocket::*;
    }

    use clerk_rocket as renamed;
    use rocket::get;

    // The attribute is in scope through the re-export too.
    use self::auth::clerk_protected;

    #[clerk_protected(permissions = ["org:invoices:read"], crate = "self::auth")]
    #[get("/billing/view")]
    pub(crate) async fn view() -> &'static str {
        "view"
    }

    #[clerk_protected(roles = ["org:billing"], crate = "renamed")]
    #[get("/billing/manage")]
    pub(crate) fn manage() -> &'static str {
        "manage"
    }
}

/// One permission per route, for callers whose v2 tokens scope organization features `uo:`/`ou:`.
mod features {
    use clerk_rocket::clerk_protected;
    use rocket::get;

    clerk_testing::feature_routes!();
}

/// Features, plans and reverification levels.
mod billing_and_reverification {
    use clerk_rocket::clerk_protected;
    use rocket::get;

    clerk_testing::billing_routes!();
}

async fn serve(config: ClerkConfig) -> String {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let figment = rocket::Config::figment()
        .merge(("address", "127.0.0.1"))
        .merge(("port", 0))
        .merge(("log_level", "off"));
    let rocket = rocket::custom(figment)
        .attach(ClerkFairing::new(config))
        .attach(AdHoc::on_liftoff("port", move |r| {
            Box::pin(async move {
                let _ = tx.send(r.config().port);
            })
        }))
        .mount(
            "/",
            routes![
                signed_in,
                admin,
                any_role,
                all_permissions,
                role_and_permission,
                echo,
                billing::view,
                billing::manage,
                features::reports_read,
                features::billing_manage,
                features::members_manage,
                features::memberships_manage,
                features::impersonation_read,
                features::projects_revoke,
                features::repositories_delete,
                billing_and_reverification::dashboard,
                billing_and_reverification::org_dashboard,
                billing_and_reverification::pro,
                billing_and_reverification::admin_pro,
                billing_and_reverification::strict,
                billing_and_reverification::strict_mfa,
                billing_and_reverification::moderate,
                billing_and_reverification::lax,
            ],
        );
    tokio::spawn(rocket.launch());
    let port = rx.await.expect("rocket launched");
    format!("http://127.0.0.1:{port}")
}

// ---------------------------------------------------------------- the cases

#[tokio::test(flavor = "multi_thread")]
async fn v1_and_v2_session_tokens() {
    if let Err(failures) = protected::replay_versions(serve).await {
        panic!("{failures}");
    }
}
