//! The extractors: [`ClerkUser`] (the signed-in user) and [`Protected`] (a signed-in user who
//! satisfies a [`Policy`]).

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use clerk_core::integration::{Rejection, RequestAuth};
use clerk_core::{MACHINE_TOKEN_TYPES, Policy};

use crate::rejection::ClerkRejection;

clerk_core::__define_user! {
    crate = "clerk_actix";
    /// The signed-in user of a request: an extractor over the [`Auth`](crate::Auth) that
    /// [`ClerkMiddleware`](crate::ClerkMiddleware) computed.
    ///
    /// - `ClerkUser` rejects a request that is not signed in with a [`ClerkRejection`] (`401`,
    ///   `WWW-Authenticate: Bearer`; `503` with `Retry-After` when Clerk's signing keys cannot be
    ///   loaded).
    /// - `Option<ClerkUser>` is `None` for a signed-out request and never rejects it (public
    ///   routes keep serving during a Clerk outage).
    /// - `Result<ClerkUser, ClerkRejection>` lets the handler answer in its own shape.
    ///
    /// All three answer `500` when the middleware does not wrap the route. The extractor is
    /// synchronous: it reads the state the middleware stored, so any number of extractors in
    /// one handler verify the session once.
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
    pub struct ClerkUser;

    /// A signed-in user whose session satisfies the policy `P`: an extractor that rejects like
    /// [`ClerkUser`] when not signed in, and with `403` when the policy fails.
    /// `#[clerk_protected(...)]` generates the policy and injects this extractor as the first
    /// parameter; it can also be written by hand:
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
    pub struct Protected;
}

clerk_core::__define_machine! {
    crate = "clerk_actix";
    /// The machine caller of a request: an extractor for routes served to machines (an API
    /// key, an M2M token or an OAuth access token in the `Authorization` header), rejecting
    /// anything else with `401` (`Option<ClerkMachine>` never rejects).
    ///
    /// ```
    /// use actix_web::{HttpResponse, Responder};
    /// use clerk_actix::ClerkMachine;
    ///
    /// async fn machine(caller: ClerkMachine) -> impl Responder {
    ///     HttpResponse::Ok().body(format!("{} {}", caller.token_type(), caller.subject()))
    /// }
    /// ```
    pub struct ClerkMachine;
}

/// The decision `decide` takes on the state the middleware stored, or the missing-setup
/// rejection; logged when it rejects.
fn with_stored<T>(
    req: &HttpRequest,
    decide: impl FnOnce(&RequestAuth) -> Result<T, Rejection>,
) -> Result<T, ClerkRejection> {
    match req.extensions().get::<RequestAuth>() {
        Some(stored) => decide(stored).map_err(ClerkRejection::logged),
        None => Err(ClerkRejection::missing_setup()),
    }
}

impl FromRequest for ClerkUser {
    type Error = ClerkRejection;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(with_stored(req, |stored| {
            stored.signed_in().map(ClerkUser::new)
        }))
    }
}

impl FromRequest for ClerkMachine {
    type Error = ClerkRejection;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(with_stored(req, |stored| {
            stored.machine(&MACHINE_TOKEN_TYPES).map(ClerkMachine::new)
        }))
    }
}

impl FromRequest for ClerkCaller {
    type Error = ClerkRejection;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(with_stored(req, |stored| {
            stored.caller().map(ClerkCaller::from)
        }))
    }
}

impl<P: Policy> FromRequest for Protected<P> {
    type Error = ClerkRejection;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(with_stored(req, Self::from_request_auth))
    }
}

impl<P: Policy> FromRequest for ProtectedCaller<P> {
    type Error = ClerkRejection;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(with_stored(req, Self::from_request_auth))
    }
}
