//! The shared cases of the `#[clerk_protected]` behaviour tests: an application that serves the
//! routes below, each under the policy named beside it, behind the integration's middleware,
//! must answer every [`CASES`] entry with its status, for v1 and v2 session tokens alike.
//!
//! | route | policy |
//! |---|---|
//! | `GET /signed-in` | `#[clerk_protected]` |
//! | `GET /admin` | `roles = ["org:admin"]` |
//! | `GET /any-role` | `roles = ["org:admin", "org:billing"]` |
//! | `GET /all-permissions` | `permissions = ["org:invoices:read", "org:invoices:write"]` |
//! | `GET /role-and-permission` | `roles = ["org:admin"], permissions = ["org:invoices:read"]` |
//! | `POST /echo` | `permissions = ["org:invoices:write"]`, answers its body |
//! | `GET /billing/view` | `permissions = ["org:invoices:read"]` |
//! | `GET /billing/manage` | `roles = ["org:billing"]` |
//! | `GET /features/reports-read` | `permissions = ["org:reports:read"]` |
//! | `GET /features/billing-manage` | `permissions = ["org:billing:manage"]` |
//! | `GET /features/members-manage` | `permissions = ["org:members:manage"]` |
//! | `GET /features/memberships-manage` | `permissions = ["org:memberships:manage"]` |
//! | `GET /features/impersonation-read` | `permissions = ["org:impersonation:read"]` |
//! | `GET /features/projects-revoke` | `permissions = ["org:projects:revoke"]` |
//! | `GET /features/repositories-delete` | `permissions = ["org:repositories:delete"]` |
//! | `GET /billing/dashboard` | `features = ["dashboard"]` |
//! | `GET /billing/org-dashboard` | `features = ["o:dashboard", "o:reports"]` |
//! | `GET /billing/pro` | `plans = ["pro"]` |
//! | `GET /billing/admin-pro` | `roles = ["org:admin"], features = ["dashboard"], plans = ["o:pro"]` |
//! | `GET /reverify/strict` | `reverification = "strict"` |
//! | `GET /reverify/strict-mfa` | `reverification = "strict_mfa"` |
//! | `GET /reverify/moderate` | `features = ["dashboard"], reverification = "moderate"` |
//! | `GET /reverify/lax` | `reverification = "lax"` |
//!
//! Every other `200` answers the last path segment (`/billing/view` answers `view`).
//!
//! The `Uo…` and `Ou…` [`Caller`]s carry, in v2 tokens, compact permission claims whose
//! organization features have `uo:` and `ou:` scopes, which count as organization features just
//! like `o:`; their v1 tokens carry the same permissions as an `org_permissions` list.
//!
//! ```no_run
//! use clerk_testing::{ClaimsVersion, TestInstance, protected};
//!
//! # async fn run() {
//! let instance = TestInstance::new();
//! let config = protected::config(&instance);
//! let base = "http://127.0.0.1:3000"; // the app above, served with `config`
//! # let _ = config;
//! protected::replay(base, &instance, ClaimsVersion::V2).await.expect("every case");
//! # }
//! ```

use clerk_core::ClerkConfig;

use crate::{ClaimsVersion, TestInstance};

/// A production-like configuration of `instance` (`sk_live_…`): a request without a token is
/// plainly signed out, with no development browser rules.
///
/// # Panics
///
/// Never in practice: the test instance's configuration is always valid.
#[must_use]
pub fn config(instance: &TestInstance) -> ClerkConfig {
    instance
        .config_builder()
        .secret_key("sk_live_protected")
        .build()
        .expect("the test instance's configuration is valid")
}

/// One row of the version 2 organization-permission table: the compact claims `fea`, `o.per`
/// and `o.fpm`, the organization permissions Clerk computes from them, and permissions they must
/// not grant (what a decoder counting only `o:` features would have granted, and neighbours).
#[derive(Clone, Copy, Debug)]
pub struct V2Row {
    /// The `fea` claim.
    pub fea: &'static str,
    /// The `o.per` claim.
    pub per: &'static str,
    /// The `o.fpm` claim.
    pub fpm: &'static str,
    /// The organization permissions, in Clerk's order.
    pub granted: &'static [&'static str],
    /// Permissions the claims must not grant.
    pub denied: &'static [&'static str],
}

/// The rows of [`V2Row`], one per caller `UoReportsReader` … `UoProjectsMaintainer` in order.
pub const V2_ROWS: [V2Row; 5] = [
    V2Row {
        fea: "uo:reports,o:invoices",
        per: "read",
        fpm: "1,0",
        granted: &["org:reports:read"],
        denied: &["org:invoices:read"],
    },
    V2Row {
        fea: "uo:billing,o:members",
        per: "read,manage",
        fpm: "3,1",
        granted: &["org:billing:read", "org:billing:manage", "org:members:read"],
        denied: &["org:members:manage"],
    },
    V2Row {
        fea: "uo:impersonation,o:memberships,uo:feature3",
        per: "read,manage",
        fpm: "1,3,1",
        granted: &[
            "org:impersonation:read",
            "org:memberships:read",
            "org:memberships:manage",
            "org:feature3:read",
        ],
        denied: &["org:impersonation:manage", "org:feature3:manage"],
    },
    V2Row {
        fea: "ou:memberships,u:impersonation",
        per: "read,manage",
        fpm: "3",
        granted: &["org:memberships:read", "org:memberships:manage"],
        denied: &["org:impersonation:read", "org:impersonation:manage"],
    },
    V2Row {
        fea: "o:repositories,uo:projects,u:goldprofileborder",
        per: "read,create,update,delete,revoke",
        fpm: "7,21",
        granted: &[
            "org:repositories:read",
            "org:repositories:create",
            "org:repositories:update",
            "org:projects:read",
            "org:projects:update",
            "org:projects:revoke",
        ],
        denied: &[
            "org:repositories:delete",
            "org:repositories:revoke",
            "org:projects:create",
            "org:projects:delete",
            "org:goldprofileborder:read",
        ],
    },
];

/// Who calls, as session-token claims.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Caller {
    /// No token.
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
    /// `org:member`; v2: `fea = "uo:reports,o:invoices"`, `o.per = "read"`, `o.fpm = "1,0"`:
    /// `org:reports:read` only, never `org:invoices:read`.
    UoReportsReader,
    /// `org:member`; v2: `fea = "uo:billing,o:members"`, `o.per = "read,manage"`,
    /// `o.fpm = "3,1"`: `org:billing:read`, `org:billing:manage` and `org:members:read`, never
    /// `org:members:manage`.
    UoBillingManager,
    /// `org:member`; v2: `fea = "uo:impersonation,o:memberships,uo:feature3"`,
    /// `o.per = "read,manage"`, `o.fpm = "1,3,1"`: `org:impersonation:read`,
    /// `org:memberships:read`, `org:memberships:manage` and `org:feature3:read`.
    UoImpersonationReader,
    /// `org:member`; v2: `fea = "ou:memberships,u:impersonation"`, `o.per = "read,manage"`,
    /// `o.fpm = "3"`: `org:memberships:read` and `org:memberships:manage`, nothing of the user
    /// feature `impersonation`.
    OuMembershipsManager,
    /// `org:member`; v2: `fea = "o:repositories,uo:projects,u:goldprofileborder"`,
    /// `o.per = "read,create,update,delete,revoke"`, `o.fpm = "7,21"`: `read`, `create` and
    /// `update` of `org:repositories`, `read`, `update` and `revoke` of `org:projects`.
    UoProjectsMaintainer,
    /// `org:admin`, no permissions; `fea = "o:dashboard,o:reports,u:profile"`, `pla = "o:pro"`,
    /// factors verified 90 minutes ago (`fva = [90, -1]`).
    ProAdmin,
    /// No organization; `fea = "u:dashboard"`, `pla = "u:free"`, `fva = [45, -1]`.
    FreeUser,
    /// No organization; the first factor verified 3 minutes ago (`fva = [3, -1]`).
    FreshlyVerified,
    /// No organization; the first factor verified 30 minutes ago (`fva = [30, -1]`).
    StaleVerified,
    /// No organization; no factor verified in this session (`fva = [-1, -1]`).
    NeverVerified,
}

impl Caller {
    /// A session token of `instance` for this caller (`None` when signed out).
    #[must_use]
    pub fn token(self, instance: &TestInstance, version: ClaimsVersion) -> Option<String> {
        let member = |role: &str, permissions: &[&str]| {
            instance
                .token()
                .version(version)
                .user_id("user_1")
                .org_id("org_1")
                .org_slug("acme")
                .org_role(role)
                .org_permissions(permissions.iter().copied())
        };
        let user = || instance.token().version(version).user_id("user_1");
        // v1 tokens carry `granted`; v2 tokens the compact claims instead.
        let compact = |row: &V2Row| {
            member("org:member", row.granted).compact_permissions(row.fea, row.per, row.fpm)
        };
        let builder = match self {
            Self::SignedOut => return None,
            Self::Admin => member("org:admin", &[]),
            Self::AdminReader => member("org:admin", &["org:invoices:read"]),
            Self::MemberReader => member("org:member", &["org:invoices:read"]),
            Self::MemberWriter => {
                member("org:member", &["org:invoices:read", "org:invoices:write"])
            }
            Self::Billing => member("org:billing", &[]),
            Self::NoOrganization => user(),
            Self::UoReportsReader => compact(&V2_ROWS[0]),
            Self::UoBillingManager => compact(&V2_ROWS[1]),
            Self::UoImpersonationReader => compact(&V2_ROWS[2]),
            Self::OuMembershipsManager => compact(&V2_ROWS[3]),
            Self::UoProjectsMaintainer => compact(&V2_ROWS[4]),
            Self::ProAdmin => member("org:admin", &[])
                .features("o:dashboard,o:reports,u:profile")
                .plan("o:pro")
                .factor_verification_age([90, -1]),
            Self::FreeUser => user()
                .features("u:dashboard")
                .plan("u:free")
                .factor_verification_age([45, -1]),
            Self::FreshlyVerified => user().factor_verification_age([3, -1]),
            Self::StaleVerified => user().factor_verification_age([30, -1]),
            Self::NeverVerified => user().factor_verification_age([-1, -1]),
        };
        Some(builder.sign())
    }
}

/// How a case must be answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// `200`, the handler's answer.
    Allowed,
    /// `401` with `www-authenticate` and `{"error":"unauthenticated",…}`.
    Unauthenticated,
    /// `403` `{"error":"forbidden"}`, no `www-authenticate`.
    Forbidden,
    /// `403` with Clerk's reverification hint for this `{level, afterMinutes}` object (one of
    /// [`STRICT`], [`STRICT_MFA`], [`MODERATE`], [`LAX`]), no `www-authenticate`.
    Reverification(&'static str),
}

/// `metadata.reverification` of the `strict` hint.
pub const STRICT: &str = r#"{"level":"second_factor","afterMinutes":10}"#;
/// `metadata.reverification` of the `strict_mfa` hint.
pub const STRICT_MFA: &str = r#"{"level":"multi_factor","afterMinutes":10}"#;
/// `metadata.reverification` of the `moderate` hint.
pub const MODERATE: &str = r#"{"level":"second_factor","afterMinutes":60}"#;
/// `metadata.reverification` of the `lax` hint.
pub const LAX: &str = r#"{"level":"second_factor","afterMinutes":1440}"#;

impl Expect {
    /// The status code.
    #[must_use]
    pub fn status(self) -> u16 {
        match self {
            Self::Allowed => 200,
            Self::Unauthenticated => 401,
            Self::Forbidden | Self::Reverification(_) => 403,
        }
    }

    /// The exact body of a `403`: `{"error":"forbidden"}`, or Clerk's reverification hint
    /// (`reverificationError` of `@clerk/shared`) carrying `config`.
    #[must_use]
    pub fn forbidden_body(self) -> Option<String> {
        match self {
            Self::Forbidden => Some(r#"{"error":"forbidden"}"#.to_owned()),
            Self::Reverification(config) => Some(format!(
                r#"{{"clerk_error":{{"type":"forbidden","reason":"reverification-error","metadata":{{"reverification":{config}}}}}}}"#
            )),
            Self::Allowed | Self::Unauthenticated => None,
        }
    }
}

/// `(method, path, caller, expected answer)`.
pub const CASES: &[(&str, &str, Caller, Expect)] = {
    use Caller::*;
    use Expect::{Allowed, Forbidden, Reverification, Unauthenticated};
    &[
        // signed out: 401 everywhere
        ("GET", "/signed-in", SignedOut, Unauthenticated),
        ("GET", "/admin", SignedOut, Unauthenticated),
        ("GET", "/all-permissions", SignedOut, Unauthenticated),
        ("POST", "/echo", SignedOut, Unauthenticated),
        ("GET", "/billing/view", SignedOut, Unauthenticated),
        // signed in
        ("GET", "/signed-in", MemberReader, Allowed),
        ("GET", "/signed-in", NoOrganization, Allowed),
        // roles: any of them
        ("GET", "/admin", Admin, Allowed),
        ("GET", "/admin", MemberReader, Forbidden),
        ("GET", "/admin", Billing, Forbidden),
        ("GET", "/any-role", Admin, Allowed),
        ("GET", "/any-role", Billing, Allowed),
        ("GET", "/any-role", MemberWriter, Forbidden),
        // permissions: all of them
        ("GET", "/all-permissions", MemberWriter, Allowed),
        ("GET", "/all-permissions", MemberReader, Forbidden),
        ("GET", "/all-permissions", Admin, Forbidden),
        // role + permission: both must hold
        ("GET", "/role-and-permission", AdminReader, Allowed),
        ("GET", "/role-and-permission", Admin, Forbidden),
        ("GET", "/role-and-permission", MemberReader, Forbidden),
        // no active organization fails closed
        ("GET", "/admin", NoOrganization, Forbidden),
        ("GET", "/any-role", NoOrganization, Forbidden),
        ("GET", "/all-permissions", NoOrganization, Forbidden),
        ("GET", "/role-and-permission", NoOrganization, Forbidden),
        // body extractor last
        ("POST", "/echo", MemberWriter, Allowed),
        ("POST", "/echo", MemberReader, Forbidden),
        // two handlers in one module, `crate = "..."`
        ("GET", "/billing/view", MemberReader, Allowed),
        ("GET", "/billing/view", Billing, Forbidden),
        ("GET", "/billing/manage", Billing, Allowed),
        ("GET", "/billing/manage", Admin, Forbidden),
        ("GET", "/billing/manage", NoOrganization, Forbidden),
        // v2 organization features scoped `uo:`/`ou:` take their own masks: nothing shifts
        // onto the `o:` feature after them, and `u:` features take none
        ("GET", "/features/reports-read", SignedOut, Unauthenticated),
        ("GET", "/features/reports-read", UoReportsReader, Allowed),
        ("GET", "/billing/view", UoReportsReader, Forbidden),
        ("GET", "/features/reports-read", MemberReader, Forbidden),
        ("GET", "/features/billing-manage", UoBillingManager, Allowed),
        (
            "GET",
            "/features/members-manage",
            UoBillingManager,
            Forbidden,
        ),
        (
            "GET",
            "/features/memberships-manage",
            UoImpersonationReader,
            Allowed,
        ),
        (
            "GET",
            "/features/impersonation-read",
            UoImpersonationReader,
            Allowed,
        ),
        (
            "GET",
            "/features/members-manage",
            UoImpersonationReader,
            Forbidden,
        ),
        (
            "GET",
            "/features/memberships-manage",
            OuMembershipsManager,
            Allowed,
        ),
        (
            "GET",
            "/features/impersonation-read",
            OuMembershipsManager,
            Forbidden,
        ),
        (
            "GET",
            "/features/projects-revoke",
            UoProjectsMaintainer,
            Allowed,
        ),
        (
            "GET",
            "/features/repositories-delete",
            UoProjectsMaintainer,
            Forbidden,
        ),
        // features: all of them, scoped or not
        ("GET", "/billing/dashboard", SignedOut, Unauthenticated),
        ("GET", "/billing/dashboard", ProAdmin, Allowed),
        ("GET", "/billing/dashboard", FreeUser, Allowed),
        ("GET", "/billing/dashboard", MemberReader, Forbidden),
        ("GET", "/billing/dashboard", NoOrganization, Forbidden),
        ("GET", "/billing/org-dashboard", ProAdmin, Allowed),
        // a user feature does not count as the organization's
        ("GET", "/billing/org-dashboard", FreeUser, Forbidden),
        // plans
        ("GET", "/billing/pro", SignedOut, Unauthenticated),
        ("GET", "/billing/pro", ProAdmin, Allowed),
        ("GET", "/billing/pro", FreeUser, Forbidden),
        ("GET", "/billing/pro", MemberReader, Forbidden),
        // role + feature + plan: all must hold
        ("GET", "/billing/admin-pro", ProAdmin, Allowed),
        ("GET", "/billing/admin-pro", Admin, Forbidden),
        ("GET", "/billing/admin-pro", FreeUser, Forbidden),
        // reverification: fresh, stale, never verified, no `fva` at all
        ("GET", "/reverify/strict", SignedOut, Unauthenticated),
        ("GET", "/reverify/strict", FreshlyVerified, Allowed),
        (
            "GET",
            "/reverify/strict",
            StaleVerified,
            Reverification(STRICT),
        ),
        (
            "GET",
            "/reverify/strict",
            NeverVerified,
            Reverification(STRICT),
        ),
        (
            "GET",
            "/reverify/strict",
            MemberReader,
            Reverification(STRICT),
        ),
        ("GET", "/reverify/strict-mfa", FreshlyVerified, Allowed),
        (
            "GET",
            "/reverify/strict-mfa",
            StaleVerified,
            Reverification(STRICT_MFA),
        ),
        ("GET", "/reverify/lax", StaleVerified, Allowed),
        ("GET", "/reverify/lax", NeverVerified, Reverification(LAX)),
        // with a feature: a missing feature is plainly forbidden, even when fresh; the
        // reverification hint only once the feature holds
        ("GET", "/reverify/moderate", FreeUser, Allowed),
        (
            "GET",
            "/reverify/moderate",
            ProAdmin,
            Reverification(MODERATE),
        ),
        ("GET", "/reverify/moderate", FreshlyVerified, Forbidden),
    ]
};

/// Sends every case of [`CASES`] to the application at `base` (`http://host:port`) over a real
/// socket, with tokens of `instance` in `version`'s claims, and checks the status, the
/// `x-clerk-auth-status` header, `WWW-Authenticate` on 401 and the body.
///
/// # Errors
///
/// One line per case that did not answer as expected.
pub async fn replay(
    base: &str,
    instance: &TestInstance,
    version: ClaimsVersion,
) -> Result<(), String> {
    let client = reqwest::Client::new();
    let mut failures = Vec::new();
    for &(method, path, caller, expected) in CASES {
        let mut request = match method {
            "POST" => client.post(format!("{base}{path}")).body("an invoice"),
            _ => client.get(format!("{base}{path}")),
        };
        if let Some(token) = caller.token(instance, version) {
            request = request.bearer_auth(token);
        }
        let case = format!("{method} {path} as {caller:?} ({version:?}), expecting {expected:?}");
        let response = match request.send().await {
            Ok(response) => response,
            Err(e) => {
                failures.push(format!("{case}: {e}"));
                continue;
            }
        };
        let status = response.status().as_u16();
        let auth_status = response
            .headers()
            .get("x-clerk-auth-status")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let www = response.headers().contains_key("www-authenticate");
        let body = response.text().await.unwrap_or_default();
        let want_auth = match caller {
            Caller::SignedOut => "signed-out",
            _ => "signed-in",
        };
        let body_ok = match expected {
            Expect::Allowed if path == "/echo" => body == "an invoice",
            Expect::Allowed => body == path.rsplit('/').next().unwrap_or_default(),
            Expect::Unauthenticated => www && body.contains(r#""error":"unauthenticated""#),
            Expect::Forbidden | Expect::Reverification(_) => {
                !www && expected.forbidden_body().is_some_and(|want| body == want)
            }
        };
        let expected = expected.status();
        if status != expected || auth_status.as_deref() != Some(want_auth) || !body_ok {
            failures.push(format!(
                "{case}: {status} (expected {expected}), x-clerk-auth-status {auth_status:?} (expected {want_auth}), www-authenticate {www}, body {body}"
            ));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} of {} cases failed:\n{}",
            failures.len(),
            CASES.len(),
            failures.join("\n")
        ))
    }
}

/// Serves the routes above with `serve` (which starts the integration's application with the
/// configuration it is given on 127.0.0.1 and returns its base URL), then [`replay`]s every case
/// with v1 and then v2 session tokens.
///
/// # Errors
///
/// The failures of either replay.
pub async fn replay_versions<F, Fut>(serve: F) -> Result<(), String>
where
    F: FnOnce(ClerkConfig) -> Fut,
    Fut: std::future::Future<Output = String>,
{
    let instance = TestInstance::new();
    let base = serve(config(&instance)).await;
    replay(&base, &instance, ClaimsVersion::V1).await?;
    replay(&base, &instance, ClaimsVersion::V2).await
}

/// Defines the `/billing/…` (features, plans) and `/reverify/…` handlers of the table above,
/// for frameworks with route attributes (actix-web, Rocket): invoke it in a module where `get`
/// (the framework's route attribute) and `clerk_protected` (the integration's) are in scope.
#[macro_export]
macro_rules! billing_routes {
    () => {
        #[clerk_protected(features = ["dashboard"])]
        #[get("/billing/dashboard")]
        pub(crate) async fn dashboard() -> &'static str {
            "dashboard"
        }

        #[clerk_protected(features = ["o:dashboard", "o:reports"])]
        #[get("/billing/org-dashboard")]
        pub(crate) async fn org_dashboard() -> &'static str {
            "org-dashboard"
        }

        #[clerk_protected(plans = ["pro"])]
        #[get("/billing/pro")]
        pub(crate) async fn pro() -> &'static str {
            "pro"
        }

        #[clerk_protected(roles = ["org:admin"], features = ["dashboard"], plans = ["o:pro"])]
        #[get("/billing/admin-pro")]
        pub(crate) async fn admin_pro() -> &'static str {
            "admin-pro"
        }

        #[clerk_protected(reverification = "strict")]
        #[get("/reverify/strict")]
        pub(crate) async fn strict() -> &'static str {
            "strict"
        }

        #[clerk_protected(reverification = "strict_mfa")]
        #[get("/reverify/strict-mfa")]
        pub(crate) async fn strict_mfa() -> &'static str {
            "strict-mfa"
        }

        #[clerk_protected(features = ["dashboard"], reverification = "moderate")]
        #[get("/reverify/moderate")]
        pub(crate) async fn moderate() -> &'static str {
            "moderate"
        }

        #[clerk_protected(reverification = "lax")]
        #[get("/reverify/lax")]
        pub(crate) async fn lax() -> &'static str {
            "lax"
        }
    };
}

/// Defines the `/features/…` handlers of the table above, each under its
/// `#[clerk_protected(permissions = [...])]`, for frameworks with route attributes (actix-web,
/// Rocket): invoke it in a module where `get` (the framework's route attribute) and
/// `clerk_protected` (the integration's) are in scope.
#[macro_export]
macro_rules! feature_routes {
    () => {
        $crate::feature_routes! {
            reports_read "/features/reports-read" "org:reports:read" "reports-read",
            billing_manage "/features/billing-manage" "org:billing:manage" "billing-manage",
            members_manage "/features/members-manage" "org:members:manage" "members-manage",
            memberships_manage "/features/memberships-manage" "org:memberships:manage" "memberships-manage",
            impersonation_read "/features/impersonation-read" "org:impersonation:read" "impersonation-read",
            projects_revoke "/features/projects-revoke" "org:projects:revoke" "projects-revoke",
            repositories_delete "/features/repositories-delete" "org:repositories:delete" "repositories-delete",
        }
    };
    ($($name:ident $path:tt $permission:tt $answer:tt,)*) => {
        $(
            #[clerk_protected(permissions = [$permission])]
            #[get($path)]
            pub(crate) async fn $name() -> &'static str {
                $answer
            }
        )*
    };
}
