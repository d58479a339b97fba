//! The `#[clerk_protected]` attribute of Clerk's actix-web, axum and Rocket integrations.
//!
//! Do not depend on this crate directly: each integration re-exports its entry point as
//! `clerk_protected`, so you write `use clerk_axum::clerk_protected;` (or `clerk_actix`,
//! `clerk_rocket`).
//!
//! | attribute | the request needs |
//! |---|---|
//! | `#[clerk_protected]` | a signed-in user (401 otherwise) |
//! | `#[clerk_protected(roles = ["org:admin", "org:billing"])]` | **any** of these organisation roles (403 otherwise) |
//! | `#[clerk_protected(permissions = ["org:invoices:read", "org:invoices:write"])]` | **all** of these permissions (403 otherwise) |
//! | `#[clerk_protected(roles = [...], permissions = [...])]` | both |
//! | `#[clerk_protected(features = ["dashboard", "o:reports"])]` | **all** of these features (the session's `fea` claim; 403 otherwise) |
//! | `#[clerk_protected(plans = ["pro"])]` | **all** of these plans (the `pla` claim; 403 otherwise) |
//! | `#[clerk_protected(reverification = "strict")]` | the factors verified recently enough (the `fva` claim): `"strict_mfa"` (both factors, 10 minutes), `"strict"` (10 minutes), `"moderate"` (60), `"lax"` (a day); otherwise 403 with Clerk's reverification hint |
//! | `#[clerk_protected(roles = [...], features = [...], plans = [...], reverification = "...")]` | every one of them |
//! | `#[clerk_protected(token = ["api_key", "m2m_token"])]` | a token of **any** of these types: `"session_token"` (a user; the default), `"api_key"`, `"m2m_token"`, `"oauth_token"` (401 `token-type-mismatch` otherwise) |
//! | `#[clerk_protected(token = ["api_key"], scopes = ["invoices:write"])]` | a machine token carrying **all** of these scopes (403 otherwise) |
//! | `#[clerk_protected(..., crate = "my_app::auth")]` | the same, with the integration crate renamed or re-exported at that path |
//!
//! The semantics are exactly those of `clerk_core::Policy::evaluate` (Clerk's `has()`): the
//! `org:` prefix is normalised on both sides, and without an active organisation any role or
//! permission requirement fails. A role is `org:<key>`, a permission `org:<feature>:<action>`,
//! each key ASCII letters, digits, `_` or `-` (the rules of `clerk_core::Requirement`); anything
//! else is a compile error.
//!
//! A feature or plan is `<name>` (either scope) or `<scope>:<name>`, the scope `o` / `org` /
//! `organization` (the active organization's) or `u` / `user` (the user's), the name ASCII
//! letters, digits, `_` or `-`; any other scope, a second `:`, whitespace or an empty string is a
//! compile error, and so is a reverification level other than the four above.
//!
//! # Machine callers
//!
//! `token = [...]` lists the token types the route accepts, as Clerk's `acceptsToken`; without
//! it, session tokens only. A route that lists a machine type takes a `ProtectedCaller<P>`
//! (a user or a machine) instead of `Protected<P>`, and the decision is
//! `clerk_core::integration::RequestAuth::authorize`:
//!
//! * a token of a type the route does not accept, or none when it accepts machine tokens only:
//!   `401` with the reason `token-type-mismatch`; an invalid token of an accepted type: `401`
//!   with its reason (`token-invalid`, …);
//! * a machine token lacking a scope of `scopes = [...]`: `403`; users are not asked for scopes
//!   (session tokens carry none), they are held to the other arguments;
//! * the configuration must verify every type listed
//!   (`ClerkConfigBuilder::accepts_token`, e.g. `AcceptsToken::Any`): otherwise the route
//!   answers `500` naming the fix (Rocket refuses to launch).
//!
//! Two combinations could never admit anyone and are compile errors: `scopes` on a route that
//! accepts no machine token, and `roles`, `permissions`, `features`, `plans` or
//! `reverification` on a route that accepts one (Clerk's `has()` is false for machine tokens:
//! serve those users on a route of their own). A token type or scope listed twice is an error
//! too.
//!
//! Features, plans and reverification are decided by `clerk_core::Policy::decide`, the same in
//! every framework: a missing role, permission, feature or plan answers `403`
//! `{"error":"forbidden"}`; when only the factors' freshness is lacking (or the token has no
//! `fva`), the answer is `403` with Clerk's reverification hint (`reverificationError` of
//! `@clerk/shared`), which clerk-js's `useReverification()` reads to ask the user to verify
//! again and retry:
//!
//! ```text
//! {"clerk_error":{"type":"forbidden","reason":"reverification-error",
//!  "metadata":{"reverification":{"level":"second_factor","afterMinutes":10}}}}
//! ```
//!
//! (`strict`; `strict_mfa` is `{"level":"multi_factor","afterMinutes":10}`, `moderate`
//! `{"level":"second_factor","afterMinutes":60}`, `lax`
//! `{"level":"second_factor","afterMinutes":1440}`).
//!
//! # Expansion
//!
//! ```text
//! #[clerk_protected(roles = ["org:admin"], permissions = ["org:invoices:read"])]
//! #[get("/admin")]
//! pub async fn admin(x: X) -> R { body }
//! ```
//!
//! becomes (with `<crate>` the integration crate, `::clerk_axum` by default for axum)
//!
//! ```text
//! #[doc(hidden)]
//! #[allow(non_camel_case_types, dead_code)]
//! #[derive(Debug, Clone, Copy)]
//! pub struct __clerk_protected_policy_admin;
//!
//! impl <crate>::__private::Policy for __clerk_protected_policy_admin {
//!     fn roles() -> &'static [&'static str] { &["org:admin"] }
//!     fn permissions() -> &'static [&'static str] { &["org:invoices:read"] }
//! }
//!
//! #[get("/admin")]
//! pub async fn admin(
//!     __clerk_protected: <crate>::Protected<__clerk_protected_policy_admin>,
//!     x: X,
//! ) -> R { body }
//! ```
//!
//! The policy type has the handler's visibility and is named after it, so several protected
//! handlers in one module do not collide. The body, return type, generics, other attributes and
//! doc comments stay as written; `async` and plain `fn` handlers both work.
//!
//! # Rules
//!
//! * Put `#[clerk_protected]` **above** the route attribute (`#[get(...)]`) and above
//!   `#[debug_handler]`: attributes expand top-down, and the route macro must see the injected
//!   parameter (Rocket requires it; it is the one rule for all three frameworks).
//! * Handlers are free functions: methods with a `self` receiver are rejected. Associated
//!   functions inside an `impl` block are not supported either (the policy type cannot be
//!   declared there).
//! * Every mistake is a spanned compile error saying how to fix it; all of them are reported at
//!   once, and the function is still emitted as written so no other error follows from it.
#![forbid(unsafe_code)]

use proc_macro::TokenStream;

mod args;
mod expand;
mod validate;

use expand::Framework;

/// Every mistake found so far, combined into one `syn::Error` at the end.
#[derive(Debug, Default)]
pub(crate) struct Errors {
    combined: Option<syn::Error>,
}

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.combined {
            Some(combined) => combined.combine(error),
            None => self.combined = Some(error),
        }
    }

    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.combined.is_none()
    }

    /// The combined error, if any.
    pub(crate) fn into_error(self) -> Option<syn::Error> {
        self.combined
    }

    /// The messages, in order (for tests).
    #[cfg(test)]
    pub(crate) fn messages(&self) -> Vec<String> {
        self.combined
            .iter()
            .flat_map(|e| e.clone().into_iter().map(|e| e.to_string()))
            .collect()
    }
}

/// `#[clerk_protected]` for axum handlers; re-exported as `clerk_axum::clerk_protected`.
///
/// Injects `clerk_axum::Protected<_>` as the handler's first extractor. See the
/// [crate docs](crate) for the syntax and the expansion.
///
/// The example is not compiled here (clerk-axum depends on this crate):
///
/// ```ignore
/// use axum::{Json, Router, routing::get};
/// use clerk_axum::{ClerkLayer, clerk_protected};
///
/// #[clerk_protected(roles = ["org:admin"])]
/// async fn admin() -> &'static str {
///     "hello, admin"
/// }
///
/// #[clerk_protected(permissions = ["org:invoices:read"])]
/// async fn invoices(Json(query): Json<serde_json::Value>) -> String {
///     query.to_string()
/// }
///
/// #[clerk_protected(features = ["o:reports"], plans = ["pro"])]
/// async fn reports() -> &'static str {
///     "the reports"
/// }
///
/// #[clerk_protected(reverification = "strict")] // factors verified within 10 minutes
/// async fn delete_account() -> &'static str {
///     "deleted"
/// }
///
/// // Scripts with an API key and services with an M2M token, allowed to write.
/// #[clerk_protected(token = ["api_key", "m2m_token"], scopes = ["invoices:write"])]
/// async fn import_invoices(body: String) -> String {
///     format!("imported {} bytes", body.len())
/// }
///
/// let app: Router = Router::new()
///     .route("/admin", get(admin))
///     .route("/invoices", get(invoices))
///     .route("/reports", get(reports))
///     .route("/account", axum::routing::delete(delete_account))
///     .route("/invoices/import", axum::routing::post(import_invoices))
///     .layer(ClerkLayer::from_env()?);
/// ```
#[proc_macro_attribute]
pub fn clerk_protected_axum(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::clerk_protected(Framework::Axum, args.into(), item.into()).into()
}

/// `#[clerk_protected]` for actix-web handlers; re-exported as `clerk_actix::clerk_protected`.
///
/// Injects `clerk_actix::Protected<_>` as the handler's first extractor. See the
/// [crate docs](crate) for the syntax and the expansion.
///
/// The example is not compiled here (clerk-actix depends on this crate):
///
/// ```ignore
/// use actix_web::{App, HttpResponse, get};
/// use clerk_actix::{ClerkMiddleware, clerk_protected};
///
/// #[clerk_protected(roles = ["org:admin"])] // above the route attribute
/// #[get("/admin")]
/// async fn admin() -> HttpResponse {
///     HttpResponse::Ok().body("hello, admin")
/// }
///
/// #[clerk_protected(plans = ["pro"], reverification = "moderate")]
/// #[get("/billing/export")]
/// async fn export() -> HttpResponse {
///     HttpResponse::Ok().body("the export")
/// }
///
/// let app = App::new().wrap(ClerkMiddleware::from_env()?).service(admin).service(export);
/// ```
#[proc_macro_attribute]
pub fn clerk_protected_actix(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::clerk_protected(Framework::Actix, args.into(), item.into()).into()
}

/// `#[clerk_protected]` for Rocket routes; re-exported as `clerk_rocket::clerk_protected`.
///
/// Injects `clerk_rocket::Protected<_>` as the route's first request guard. Sync routes work
/// too. See the [crate docs](crate) for the syntax and the expansion.
///
/// The example is not compiled here (clerk-rocket depends on this crate):
///
/// ```ignore
/// use clerk_rocket::{ClerkFairing, clerk_protected};
/// use rocket::{get, routes};
///
/// #[clerk_protected(permissions = ["org:invoices:read"])] // above the route attribute
/// #[get("/invoices")]
/// fn invoices() -> &'static str {
///     "the invoices"
/// }
///
/// #[clerk_protected(features = ["dashboard"], reverification = "lax")]
/// #[get("/dashboard")]
/// fn dashboard() -> &'static str {
///     "the dashboard"
/// }
///
/// let rocket = rocket::build()
///     .attach(ClerkFairing::from_env()?)
///     .mount("/", routes![invoices, dashboard]);
/// ```
#[proc_macro_attribute]
pub fn clerk_protected_rocket(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::clerk_protected(Framework::Rocket, args.into(), item.into()).into()
}
