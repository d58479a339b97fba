//! The request guards: [`ClerkUser`] (signed in) and [`Protected`] (signed in and satisfying a
//! [`Policy`]).

use clerk_core::Policy;
use clerk_core::integration::{Rejection, RequestAuth};
use rocket::http::Status;
use rocket::request::{FromRequest, Outcome, Request};
use rocket::{Ignite, Rocket, Sentinel};

use crate::rejection::ClerkRejection;
use crate::request::cached_auth;
use crate::state::{ClerkState, RecordedRejection};

clerk_core::__define_user! {
    crate = "clerk_rocket";
    /// The signed-in user of a request: a request guard that fails with `401` when not signed
    /// in.
    ///
    /// It reads the auth state [`ClerkFairing`](crate::ClerkFairing) computed for the request
    /// (once per request, however many guards ask).
    ///
    /// - `ClerkUser` fails a request that is not signed in with a [`ClerkRejection`] (`401`,
    ///   `WWW-Authenticate: Bearer`; `503` with `Retry-After` when Clerk's signing keys cannot be
    ///   loaded).
    /// - `Option<ClerkUser>` is `None` for a signed-out request, and the handler runs (public
    ///   routes keep serving during a Clerk outage).
    /// - `Result<ClerkUser, ClerkRejection>` hands you the rejection to map into your own
    ///   response.
    ///
    /// As a [`Sentinel`], it aborts launch when [`ClerkFairing`](crate::ClerkFairing) is not
    /// attached.
    ///
    /// ```
    /// use clerk_rocket::ClerkUser;
    /// use rocket::get;
    ///
    /// #[get("/me")]
    /// fn me(user: ClerkUser) -> String {
    ///     format!("{} (org {:?})", user.user_id(), user.org_id())
    /// }
    ///
    /// #[get("/")]
    /// fn index(user: Option<ClerkUser>) -> String {
    ///     match user {
    ///         Some(user) => format!("signed in as {}", user.user_id()),
    ///         None => "signed out".to_owned(),
    ///     }
    /// }
    /// ```
    pub struct ClerkUser;

    /// A signed-in user whose session satisfies the policy `P`: a request guard that fails like
    /// [`ClerkUser`] when not signed in, and with `403` when the policy fails. As a
    /// [`Sentinel`], it aborts launch when [`ClerkFairing`](crate::ClerkFairing) is not
    /// attached.
    ///
    /// ```
    /// use clerk_rocket::{Policy, Protected};
    /// use rocket::get;
    ///
    /// struct InvoicesRead;
    ///
    /// impl Policy for InvoicesRead {
    ///     fn permissions() -> &'static [&'static str] {
    ///         &["org:invoices:read"]
    ///     }
    /// }
    ///
    /// #[get("/invoices")]
    /// fn invoices(user: Protected<InvoicesRead>) -> String {
    ///     format!("invoices of {}", user.user_id())
    /// }
    /// ```
    pub struct Protected;
}

/// The decision `decide` takes on the request's cached state. A rejection fails the guard:
/// logged, and recorded on the request for the catchers of
/// [`ClerkFairing`](crate::ClerkFairing).
async fn decide<T>(
    request: &Request<'_>,
    decide: impl FnOnce(&RequestAuth) -> Result<T, Rejection>,
) -> Outcome<T, ClerkRejection> {
    let decision = match request.rocket().state::<ClerkState>() {
        Some(clerk) => {
            decide(&cached_auth(&clerk.config, request).await.auth).map_err(ClerkRejection::logged)
        }
        None => Err(ClerkRejection::missing_setup()),
    };
    match decision {
        Ok(value) => Outcome::Success(value),
        Err(rejection) => {
            request.local_cache(|| RecordedRejection(Some(rejection)));
            Outcome::Error((Status::new(rejection.status_code()), rejection))
        }
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ClerkUser {
    type Error = ClerkRejection;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, ClerkRejection> {
        decide(request, |stored| stored.signed_in().map(ClerkUser::new)).await
    }
}

clerk_core::__define_machine! {
    crate = "clerk_rocket";
    /// The machine caller of a request: a request guard for routes served to machines (an API
    /// key, an M2M token or an OAuth access token in the `Authorization` header), failing with
    /// `401` for anything else (`Option<ClerkMachine>` never fails).
    ///
    /// ```
    /// use clerk_rocket::ClerkMachine;
    /// use rocket::get;
    ///
    /// #[get("/machine")]
    /// fn machine(caller: ClerkMachine) -> String {
    ///     format!("{} {}", caller.token_type(), caller.subject())
    /// }
    /// ```
    pub struct ClerkMachine;
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ClerkMachine {
    type Error = ClerkRejection;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, ClerkRejection> {
        decide(request, |stored| {
            stored
                .machine(&clerk_core::MACHINE_TOKEN_TYPES)
                .map(ClerkMachine::new)
        })
        .await
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ClerkCaller {
    type Error = ClerkRejection;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, ClerkRejection> {
        decide(request, |stored| stored.caller().map(ClerkCaller::from)).await
    }
}

#[rocket::async_trait]
impl<'r, P: Policy> FromRequest<'r> for Protected<P> {
    type Error = ClerkRejection;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, ClerkRejection> {
        decide(request, Self::from_request_auth).await
    }
}

#[rocket::async_trait]
impl<'r, P: Policy> FromRequest<'r> for ProtectedCaller<P> {
    type Error = ClerkRejection;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, ClerkRejection> {
        decide(request, Self::from_request_auth).await
    }
}

/// Aborts launch when a route uses the guard and [`ClerkFairing`](crate::ClerkFairing) is not
/// attached.
fn abort_without_fairing(rocket: &Rocket<Ignite>, guard: &str) -> bool {
    let missing = rocket.state::<ClerkState>().is_none();
    if missing {
        tracing::error!(
            "clerk: a route uses {guard} but ClerkFairing is not attached: \
             add .attach(ClerkFairing::new(config)) to your Rocket"
        );
    }
    missing
}

/// Aborts launch as [`abort_without_fairing`], and when the policy `P` accepts a token type the
/// fairing's configuration does not verify (every request to the route would answer `500`).
fn abort_for_policy<P: Policy>(rocket: &Rocket<Ignite>, guard: &str) -> bool {
    if abort_without_fairing(rocket, guard) {
        return true;
    }
    let unverified = rocket.state::<ClerkState>().is_some_and(|clerk| {
        let accepts = clerk.config.accepts_token();
        !P::tokens().iter().all(|t| accepts.accepts(*t))
    });
    if unverified {
        tracing::error!(
            policy = std::any::type_name::<P>(),
            "clerk: a route uses {guard}: {}",
            clerk_core::integration::UNVERIFIED_TOKEN_TYPE_FIX
        );
    }
    unverified
}

impl Sentinel for ClerkUser {
    fn abort(rocket: &Rocket<Ignite>) -> bool {
        abort_without_fairing(rocket, "ClerkUser")
    }
}

impl Sentinel for ClerkCaller {
    fn abort(rocket: &Rocket<Ignite>) -> bool {
        abort_without_fairing(rocket, "ClerkCaller")
    }
}

impl Sentinel for ClerkMachine {
    fn abort(rocket: &Rocket<Ignite>) -> bool {
        abort_without_fairing(rocket, "ClerkMachine")
    }
}

impl<P: Policy> Sentinel for Protected<P> {
    fn abort(rocket: &Rocket<Ignite>) -> bool {
        abort_for_policy::<P>(rocket, "Protected")
    }
}

impl<P: Policy> Sentinel for ProtectedCaller<P> {
    fn abort(rocket: &Rocket<Ignite>) -> bool {
        abort_for_policy::<P>(rocket, "ProtectedCaller")
    }
}
