//! The extractors: [`ClerkUser`] (and `Option<ClerkUser>`), [`Protected<P>`] and
//! [`ClerkMachine`].

use std::future::{Future, ready};

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use clerk_core::integration::{Rejection, RequestAuth};
use clerk_core::{MACHINE_TOKEN_TYPES, Policy};
use http::request::Parts;

use crate::rejection::ClerkRejection;

clerk_core::__define_user! {
    crate = "clerk_axum";
    /// The signed-in user of a request: an extractor that rejects with `401` when not signed in.
    ///
    /// - `ClerkUser` rejects a request that is not signed in with a [`ClerkRejection`] (`401`,
    ///   `WWW-Authenticate: Bearer`; `503` with `Retry-After` when Clerk's signing keys cannot be
    ///   loaded).
    /// - `Option<ClerkUser>` is `None` for a signed-out request and never rejects it (public
    ///   routes keep serving during a Clerk outage).
    /// - `Result<ClerkUser, ClerkRejection>` lets the handler answer in its own shape.
    ///
    /// All three answer `500` when no [`ClerkLayer`](crate::ClerkLayer) runs in front of the
    /// route. Extracting is cheap: the layer verified the request once, the extractor only reads
    /// the result.
    ///
    /// ```
    /// use axum::{Json, Router, routing::get};
    /// use clerk_axum::{ClerkLayer, ClerkUser};
    /// use serde_json::{Value, json};
    ///
    /// async fn me(user: ClerkUser) -> Json<Value> {
    ///     Json(json!({ "user_id": user.user_id(), "org_id": user.org_id() }))
    /// }
    ///
    /// async fn home(user: Option<ClerkUser>) -> String {
    ///     match user {
    ///         Some(user) => format!("hello {}", user.user_id()),
    ///         None => "hello, stranger".to_owned(),
    ///     }
    /// }
    ///
    /// fn app(layer: ClerkLayer) -> Router {
    ///     Router::new().route("/", get(home)).route("/me", get(me)).layer(layer)
    /// }
    /// ```
    pub struct ClerkUser;

    /// A signed-in user whose session satisfies the policy `P`: an extractor that rejects like
    /// [`ClerkUser`] when not signed in, and with `403` when the policy fails. It can be any
    /// parameter of a handler, the first included.
    ///
    /// ```
    /// use axum::{Router, routing::get};
    /// use clerk_axum::{ClerkLayer, Policy, Protected};
    ///
    /// struct Admins;
    ///
    /// impl Policy for Admins {
    ///     fn roles() -> &'static [&'static str] {
    ///         &["org:admin"]
    ///     }
    /// }
    ///
    /// async fn admin(admin: Protected<Admins>) -> String {
    ///     format!("{} administers {:?}", admin.user_id(), admin.org_id())
    /// }
    ///
    /// fn app(layer: ClerkLayer) -> Router {
    ///     Router::new().route("/admin", get(admin)).layer(layer)
    /// }
    /// ```
    pub struct Protected;
}

clerk_core::__define_machine! {
    crate = "clerk_axum";
    /// The machine caller of a request: an extractor for routes served to machines (an API
    /// key, an M2M token or an OAuth access token in the `Authorization` header), rejecting
    /// anything else with `401` (`Option<ClerkMachine>` never rejects).
    ///
    /// ```
    /// use axum::{Json, Router, routing::get};
    /// use clerk_axum::{ClerkLayer, ClerkMachine};
    /// use serde_json::{Value, json};
    ///
    /// async fn machine(caller: ClerkMachine) -> Json<Value> {
    ///     Json(json!({ "type": caller.token_type().as_str(), "subject": caller.subject() }))
    /// }
    ///
    /// fn app(layer: ClerkLayer) -> Router {
    ///     Router::new().route("/machine", get(machine)).layer(layer)
    /// }
    /// ```
    pub struct ClerkMachine;
}

/// The state the layer stored, or the missing-setup rejection.
fn stored(parts: &Parts) -> Result<&RequestAuth, ClerkRejection> {
    parts
        .extensions
        .get::<RequestAuth>()
        .ok_or_else(ClerkRejection::missing_setup)
}

/// The decision `decide` takes on the state the layer stored, or the missing-setup rejection;
/// logged when it rejects.
fn decided<T>(
    parts: &Parts,
    decide: impl FnOnce(&RequestAuth) -> Result<T, Rejection>,
) -> Result<T, ClerkRejection> {
    stored(parts).and_then(|stored| decide(stored).map_err(ClerkRejection::logged))
}

impl<S: Send + Sync> FromRequestParts<S> for ClerkUser {
    type Rejection = ClerkRejection;

    fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> impl Future<Output = Result<Self, Self::Rejection>> + Send {
        ready(decided(parts, |stored| {
            stored.signed_in().map(ClerkUser::new)
        }))
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for ClerkUser {
    type Rejection = ClerkRejection;

    fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> impl Future<Output = Result<Option<Self>, Self::Rejection>> + Send {
        ready(stored(parts).map(|stored| stored.user().map(ClerkUser::new)))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClerkMachine {
    type Rejection = ClerkRejection;

    fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> impl Future<Output = Result<Self, Self::Rejection>> + Send {
        ready(decided(parts, |stored| {
            stored.machine(&MACHINE_TOKEN_TYPES).map(ClerkMachine::new)
        }))
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for ClerkMachine {
    type Rejection = ClerkRejection;

    fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> impl Future<Output = Result<Option<Self>, Self::Rejection>> + Send {
        ready(stored(parts).map(|stored| {
            stored
                .machine(&MACHINE_TOKEN_TYPES)
                .ok()
                .map(ClerkMachine::new)
        }))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClerkCaller {
    type Rejection = ClerkRejection;

    fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> impl Future<Output = Result<Self, Self::Rejection>> + Send {
        ready(decided(parts, |stored| {
            stored.caller().map(ClerkCaller::from)
        }))
    }
}

impl<S: Send + Sync, P: Policy> FromRequestParts<S> for Protected<P> {
    type Rejection = ClerkRejection;

    fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> impl Future<Output = Result<Self, Self::Rejection>> + Send {
        ready(decided(parts, Self::from_request_auth))
    }
}

impl<S: Send + Sync, P: Policy> FromRequestParts<S> for ProtectedCaller<P> {
    type Rejection = ClerkRejection;

    fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> impl Future<Output = Result<Self, Self::Rejection>> + Send {
        ready(decided(parts, Self::from_request_auth))
    }
}
