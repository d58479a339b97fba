//! `#[clerk_protected]` with the real framework: handlers of every shape the macro must accept,
//! served over a real socket on 127.0.0.1, called with tokens minted by `clerk-testing` (v1 and
//! v2 session-token claims).

use axum::Router;
use axum::routing::{get, post};
use clerk_axum::{ClerkConfig, ClerkLayer, clerk_protected};
use clerk_testing::protected;
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

/// One permission per route, for callers whose v2 tokens scope organization features `uo:`/`ou:`.
mod features {
    use clerk_axum::clerk_protected;

    #[clerk_protected(permissions = ["org:reports:read"])]
    pub(crate) async fn reports_read() -> &'static str {
        "reports-read"
    }

    #[clerk_protected(permissions = ["org:billing:manage"])]
    pub(crate) async fn billing_manage() -> &'static str {
        "billing-manage"
    }

    #[clerk_protected(permissions = ["org:members:manage"])]
    pub(crate) async fn members_manage() -> &'static str {
        "members-manage"
    }

    #[clerk_protected(permissions = ["org:memberships:manage"])]
    pub(crate) async fn memberships_manage() -> &'static str {
        "memberships-manage"
    }

    #[clerk_protected(permissions = ["org:impersonation:read"])]
    pub(crate) async fn impersonation_read() -> &'static str {
        "impersonation-read"
    }

    #[clerk_protected(permissions = ["org:projects:revoke"])]
    pub(crate) async fn projects_revoke() -> &'static str {
        "projects-revoke"
    }

    #[clerk_protected(permissions = ["org:repositories:delete"])]
    pub(crate) async fn repositories_delete() -> &'static str {
        "repositories-delete"
    }
}

/// Features, plans and reverification levels.
mod billing_and_reverification {
    use clerk_axum::clerk_protected;

    #[clerk_protected(features = ["dashboard"])]
    pub(crate) async fn dashboard() -> &'static str {
        "dashboard"
    }

    #[clerk_protected(features = ["o:dashboard", "o:reports"])]
    pub(crate) async fn org_dashboard() -> &'static str {
        "org-dashboard"
    }

    #[clerk_protected(plans = ["pro"])]
    pub(crate) async fn pro() -> &'static str {
        "pro"
    }

    #[clerk_protected(roles = ["org:admin"], features = ["dashboard"], plans = ["o:pro"])]
    pub(crate) async fn admin_pro() -> &'static str {
        "admin-pro"
    }

    #[clerk_protected(reverification = "strict")]
    pub(crate) async fn strict() -> &'static str {
        "strict"
    }

    #[clerk_protected(reverification = "strict_mfa")]
    pub(crate) async fn strict_mfa() -> &'static str {
        "strict-mfa"
    }

    #[clerk_protected(features = ["dashboard"], reverification = "moderate")]
    pub(crate) async fn moderate() -> &'static str {
        "moderate"
    }

    #[clerk_protected(reverification = "lax")]
    pub(crate) async fn lax() -> &'static str {
        "lax"
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
        .route("/features/reports-read", get(features::reports_read))
        .route("/features/billing-manage", get(features::billing_manage))
        .route("/features/members-manage", get(features::members_manage))
        .route(
            "/features/memberships-manage",
            get(features::memberships_manage),
        )
        .route(
            "/features/impersonation-read",
            get(features::impersonation_read),
        )
        .route("/features/projects-revoke", get(features::projects_revoke))
        .route(
            "/features/repositories-delete",
            get(features::repositories_delete),
        )
        .route(
            "/billing/dashboard",
            get(billing_and_reverification::dashboard),
        )
        .route(
            "/billing/org-dashboard",
            get(billing_and_reverification::org_dashboard),
        )
        .route("/billing/pro", get(billing_and_reverification::pro))
        .route(
            "/billing/admin-pro",
            get(billing_and_reverification::admin_pro),
        )
        .route("/reverify/strict", get(billing_and_reverification::strict))
        .route(
            "/reverify/strict-mfa",
            get(billing_and_reverification::strict_mfa),
        )
        .route(
            "/reverify/moderate",
            get(billing_and_reverification::moderate),
        )
        .route("/reverify/lax", get(billing_and_reverification::lax))
        .layer(ClerkLayer::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

// ---------------------------------------------------------------- the cases

#[tokio::test]
async fn v1_and_v2_session_tokens() {
    if let Err(failures) = protected::replay_versions(serve).await {
        panic!("{failures}");
    }
}
