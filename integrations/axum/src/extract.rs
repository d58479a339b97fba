//! The extractors: [`ClerkUser`] (and `Option<ClerkUser>`) and [`Protected<P>`].

use std::fmt;
use std::future::{Future, ready};
use std::marker::PhantomData;
use std::ops::Deref;

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use clerk_core::{Auth, AuthReason, AuthState, Policy, integration::ConfigId};
use http::request::Parts;

use crate::rejection::ClerkRejection;

/// What [`ClerkLayer`](crate::ClerkLayer) stores in the request extensions for the extractors:
/// the auth object of a request that went on to the handler (signed in or signed out).
#[derive(Clone)]
pub(crate) struct RequestAuth {
    auth: Option<Auth>,
    reason: Option<AuthReason>,
    /// The configuration that computed it: a nested layer reuses it only when it is its own.
    config: ConfigId,
}

impl RequestAuth {
    pub(crate) fn new(state: &AuthState) -> Self {
        Self {
            auth: state.to_auth(),
            reason: state.reason(),
            config: state.config().id(),
        }
    }

    /// Whether `config` computed the auth stored on this request.
    pub(crate) fn computed_with(extensions: &http::Extensions, config: ConfigId) -> bool {
        extensions
            .get::<Self>()
            .is_some_and(|stored| stored.config == config)
    }

    /// The signed-in user, `Ok(None)` when signed out, or the missing-setup rejection.
    fn user(parts: &Parts) -> Result<Result<ClerkUser, ClerkRejection>, ClerkRejection> {
        let Some(this) = parts.extensions.get::<Self>() else {
            return Err(ClerkRejection::missing_setup());
        };
        Ok(match &this.auth {
            Some(auth) if auth.is_signed_in() => Ok(ClerkUser(auth.clone())),
            _ => Err(ClerkRejection::Unauthenticated {
                reason: this.reason.map(AuthReason::as_str),
            }),
        })
    }
}

/// The signed-in user of a request: an extractor that rejects with `401` when not signed in.
///
/// A newtype over [`Auth`] that is always signed in: it dereferences to [`Auth`] (session id,
/// organization id, role, slug and permissions, claims, actor, [`has`](Auth::has),
/// [`get_token`](Auth::get_token), ...), and its [`user_id`](Self::user_id) is always present.
///
/// - `ClerkUser` rejects a request that is not signed in with
///   [`ClerkRejection::Unauthenticated`] (`401`, `WWW-Authenticate: Bearer`).
/// - `Option<ClerkUser>` is `None` for a signed-out request and never rejects it.
/// - `Result<ClerkUser, ClerkRejection>` lets the handler answer in its own shape.
///
/// All three answer `500` ([`ClerkRejection::MissingSetup`]) when no
/// [`ClerkLayer`](crate::ClerkLayer) runs in front of the route. Extracting is cheap: the layer
/// verified the request once, the extractor only reads the result.
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
#[derive(Clone)]
pub struct ClerkUser(Auth);

impl ClerkUser {
    /// The auth object (always signed in).
    ///
    /// ```
    /// # fn f(user: clerk_axum::ClerkUser) {
    /// assert!(user.auth().is_signed_in());
    /// # }
    /// ```
    #[must_use]
    pub fn auth(&self) -> &Auth {
        &self.0
    }

    /// The auth object, by value.
    ///
    /// ```
    /// # fn f(user: clerk_axum::ClerkUser) {
    /// let auth: clerk_axum::Auth = user.into_auth();
    /// # }
    /// ```
    #[must_use]
    pub fn into_auth(self) -> Auth {
        self.0
    }

    /// The user id (`sub`), always present for a signed-in user.
    ///
    /// ```
    /// # fn f(user: clerk_axum::ClerkUser) {
    /// println!("signed in as {}", user.user_id());
    /// # }
    /// ```
    #[must_use]
    pub fn user_id(&self) -> &str {
        self.0.user_id().unwrap_or_default()
    }
}

impl ClerkUser {
    fn from_parts(parts: &Parts) -> Result<Self, ClerkRejection> {
        match RequestAuth::user(parts)? {
            Ok(user) => Ok(user),
            Err(ClerkRejection::Unauthenticated { reason }) => {
                Err(ClerkRejection::unauthenticated(reason))
            }
            Err(rejection) => Err(rejection),
        }
    }
}

impl Deref for ClerkUser {
    type Target = Auth;

    fn deref(&self) -> &Auth {
        &self.0
    }
}

impl fmt::Debug for ClerkUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ClerkUser").field(&self.0).finish()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClerkUser {
    type Rejection = ClerkRejection;

    fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> impl Future<Output = Result<Self, Self::Rejection>> + Send {
        ready(Self::from_parts(parts))
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for ClerkUser {
    type Rejection = ClerkRejection;

    fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> impl Future<Output = Result<Option<Self>, Self::Rejection>> + Send {
        ready(RequestAuth::user(parts).map(Result::ok))
    }
}

/// A signed-in user whose session satisfies the policy `P`: an extractor that rejects with `401`
/// when not signed in and `403` ([`ClerkRejection::Forbidden`]) when the policy fails.
///
/// `P` is a [`Policy`]: any of its roles and all of its permissions, in the active organization
/// (Clerk's `has()` semantics). Write one by hand, or let `#[clerk_protected(...)]` generate it.
/// `Protected<P>` dereferences to [`ClerkUser`], and can be any parameter of a handler, the
/// first included.
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
pub struct Protected<P> {
    user: ClerkUser,
    _policy: PhantomData<fn() -> P>,
}

impl<P> Protected<P> {
    /// The signed-in user.
    ///
    /// ```
    /// # fn f(admin: clerk_axum::Protected<clerk_axum::SignedIn>) {
    /// let user: clerk_axum::ClerkUser = admin.into_user();
    /// # }
    /// ```
    #[must_use]
    pub fn into_user(self) -> ClerkUser {
        self.user
    }
}

impl<P: Policy> Protected<P> {
    fn from_parts(parts: &Parts) -> Result<Self, ClerkRejection> {
        let user = ClerkUser::from_parts(parts)?;
        if user.satisfies::<P>() {
            Ok(Self {
                user,
                _policy: PhantomData,
            })
        } else {
            Err(ClerkRejection::forbidden(
                std::any::type_name::<P>(),
                user.user_id(),
            ))
        }
    }
}

impl<P> Deref for Protected<P> {
    type Target = ClerkUser;

    fn deref(&self) -> &ClerkUser {
        &self.user
    }
}

impl<P> Clone for Protected<P> {
    fn clone(&self) -> Self {
        Self {
            user: self.user.clone(),
            _policy: PhantomData,
        }
    }
}

impl<P> fmt::Debug for Protected<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Protected")
            .field("policy", &std::any::type_name::<P>())
            .field("user", &self.user)
            .finish()
    }
}

impl<S, P> FromRequestParts<S> for Protected<P>
where
    S: Send + Sync,
    P: Policy,
{
    type Rejection = ClerkRejection;

    fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> impl Future<Output = Result<Self, Self::Rejection>> + Send {
        ready(Self::from_parts(parts))
    }
}
