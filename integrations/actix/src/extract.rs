//! The extractors: [`ClerkUser`] (the signed-in user) and [`Protected`] (a signed-in user who
//! satisfies a [`Policy`]).

use std::fmt;
use std::future::{Ready, ready};
use std::marker::PhantomData;
use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use clerk_core::{Auth, AuthState, Policy};

use crate::rejection::ClerkRejection;

/// The signed-in user of a request: an extractor over the [`Auth`] that
/// [`ClerkMiddleware`](crate::ClerkMiddleware) computed.
///
/// Always signed in: a handler that takes `ClerkUser` answers `401` with
/// `WWW-Authenticate: Bearer` ([`ClerkRejection::Unauthenticated`]) when the request is not, and
/// `500` ([`ClerkRejection::MissingSetup`]) when the middleware does not wrap the route. Take
/// `Option<ClerkUser>` for routes open to everyone (`None` when signed out), or
/// `Result<ClerkUser, ClerkRejection>` to answer rejections your own way.
///
/// The extractor is synchronous: it reads the state the middleware stored, so any number of
/// extractors in one handler verify the session once.
///
/// It dereferences to [`Auth`] for the session id, organization, permissions (`has`), claims,
/// actor and `get_token`.
///
/// ```
/// use actix_web::{HttpResponse, Responder};
/// use clerk_actix::ClerkUser;
///
/// async fn me(user: ClerkUser) -> impl Responder {
///     let org = user.org_id().unwrap_or("none");
///     HttpResponse::Ok().body(format!("{} in {org}", user.user_id()))
/// }
///
/// async fn home(user: Option<ClerkUser>) -> impl Responder {
///     match user {
///         Some(user) => format!("hello {}", user.user_id()),
///         None => "hello stranger".to_owned(),
///     }
/// }
/// ```
#[derive(Debug, Clone)]
pub struct ClerkUser(Auth);

impl ClerkUser {
    /// The signed-in [`Auth`].
    ///
    /// ```
    /// # fn f(user: clerk_actix::ClerkUser) {
    /// let is_admin = user.auth().has("org:admin");
    /// # }
    /// ```
    #[must_use]
    pub fn auth(&self) -> &Auth {
        &self.0
    }

    /// The signed-in [`Auth`], by value.
    ///
    /// ```
    /// # fn f(user: clerk_actix::ClerkUser) {
    /// let auth: clerk_actix::Auth = user.into_auth();
    /// # }
    /// ```
    #[must_use]
    pub fn into_auth(self) -> Auth {
        self.0
    }

    /// The user id (`sub`), always present for a signed-in user.
    ///
    /// ```
    /// # fn f(user: clerk_actix::ClerkUser) {
    /// let id: &str = user.user_id();
    /// # }
    /// ```
    #[must_use]
    pub fn user_id(&self) -> &str {
        self.0.user_id().unwrap_or_default()
    }

    /// The signed-in user of a request, read from the state the middleware stored.
    fn from_http_request(req: &HttpRequest) -> Result<Self, ClerkRejection> {
        let extensions = req.extensions();
        let Some(state) = extensions.get::<AuthState>() else {
            return Err(ClerkRejection::missing_setup());
        };
        match state.to_auth() {
            Some(auth) if auth.is_signed_in() => Ok(Self(auth)),
            _ => Err(ClerkRejection::unauthenticated(
                state.reason().map(|r| r.as_str()),
            )),
        }
    }
}

impl Deref for ClerkUser {
    type Target = Auth;

    fn deref(&self) -> &Auth {
        &self.0
    }
}

impl FromRequest for ClerkUser {
    type Error = ClerkRejection;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Self::from_http_request(req))
    }
}

/// A signed-in user whose session satisfies the policy `P`: any of its roles and all of its
/// permissions.
///
/// Rejects with `401` ([`ClerkRejection::Unauthenticated`]) when the request is not signed in
/// and `403` ([`ClerkRejection::Forbidden`]) when the policy fails. It dereferences to
/// [`ClerkUser`]. `#[clerk_protected(...)]` generates the policy and injects this extractor as
/// the first parameter; it can also be written by hand:
///
/// ```
/// use actix_web::{HttpResponse, Responder};
/// use clerk_actix::{Policy, Protected};
///
/// struct InvoicesRead;
///
/// impl Policy for InvoicesRead {
///     fn permissions() -> &'static [&'static str] {
///         &["org:invoices:read"]
///     }
/// }
///
/// async fn invoices(user: Protected<InvoicesRead>) -> impl Responder {
///     HttpResponse::Ok().body(format!("invoices of {}", user.org_id().unwrap_or_default()))
/// }
/// ```
pub struct Protected<P: Policy> {
    user: ClerkUser,
    policy: PhantomData<fn() -> P>,
}

impl<P: Policy> Protected<P> {
    /// The signed-in user.
    ///
    /// ```
    /// # fn f(user: clerk_actix::Protected<clerk_actix::SignedIn>) {
    /// let user: clerk_actix::ClerkUser = user.into_user();
    /// # }
    /// ```
    #[must_use]
    pub fn into_user(self) -> ClerkUser {
        self.user
    }
}

impl<P: Policy> Deref for Protected<P> {
    type Target = ClerkUser;

    fn deref(&self) -> &ClerkUser {
        &self.user
    }
}

impl<P: Policy> Clone for Protected<P> {
    fn clone(&self) -> Self {
        Self {
            user: self.user.clone(),
            policy: PhantomData,
        }
    }
}

impl<P: Policy> fmt::Debug for Protected<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Protected")
            .field("policy", &std::any::type_name::<P>())
            .field("user", &self.user)
            .finish()
    }
}

impl<P: Policy> FromRequest for Protected<P> {
    type Error = ClerkRejection;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(ClerkUser::from_http_request(req).and_then(|user| {
            if user.satisfies::<P>() {
                Ok(Self {
                    user,
                    policy: PhantomData,
                })
            } else {
                Err(ClerkRejection::forbidden(std::any::type_name::<P>()))
            }
        }))
    }
}
