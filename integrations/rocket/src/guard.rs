//! The request guards: [`ClerkUser`] (signed in) and [`Protected`] (signed in and satisfying a
//! [`Policy`]).

use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

use clerk_core::{Auth, Policy};
use rocket::http::Status;
use rocket::request::{FromRequest, Outcome, Request};
use rocket::{Ignite, Rocket, Sentinel};

use crate::rejection::ClerkRejection;
use crate::request::cached_auth;
use crate::state::{ClerkState, RecordedRejection};

/// The signed-in user of a request: a request guard over [`Auth`] that is always signed in.
///
/// It reads the auth state [`ClerkFairing`](crate::ClerkFairing) computed for the request
/// (once per request, however many guards ask). When the request is not signed in it fails with
/// [`ClerkRejection::Unauthenticated`] (`401`, `WWW-Authenticate: Bearer`).
///
/// - `Option<ClerkUser>` is `None` when signed out, and the handler runs.
/// - `Result<ClerkUser, ClerkRejection>` hands you the rejection to map into your own response.
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
#[derive(Clone)]
pub struct ClerkUser(Auth);

impl ClerkUser {
    /// The signed-in [`Auth`]: session id, organization, claims, `has()`, `get_token()`.
    ///
    /// ```
    /// # fn f(user: clerk_rocket::ClerkUser) {
    /// let can_read = user.auth().has("org:invoices:read");
    /// # }
    /// ```
    #[must_use]
    pub fn auth(&self) -> &Auth {
        &self.0
    }

    /// Takes the [`Auth`] out.
    ///
    /// ```
    /// # fn f(user: clerk_rocket::ClerkUser) {
    /// let auth: clerk_rocket::Auth = user.into_auth();
    /// assert!(auth.is_signed_in());
    /// # }
    /// ```
    #[must_use]
    pub fn into_auth(self) -> Auth {
        self.0
    }

    /// The user id (`sub`), always present for a signed-in user.
    ///
    /// ```
    /// # fn f(user: clerk_rocket::ClerkUser) {
    /// let id: &str = user.user_id();
    /// # }
    /// ```
    #[must_use]
    pub fn user_id(&self) -> &str {
        self.0.user_id().unwrap_or_default()
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

/// Fails the guard with `rejection`: traced, and recorded on the request for the catchers of
/// [`ClerkFairing`](crate::ClerkFairing).
fn reject<T>(request: &Request<'_>, rejection: ClerkRejection) -> Outcome<T, ClerkRejection> {
    rejection.trace();
    request.local_cache(|| RecordedRejection(Some(rejection)));
    Outcome::Error((Status::new(rejection.status_code()), rejection))
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ClerkUser {
    type Error = ClerkRejection;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, ClerkRejection> {
        let Some(clerk) = request.rocket().state::<ClerkState>() else {
            return reject(request, ClerkRejection::MissingSetup);
        };
        let auth = cached_auth(&clerk.config, request).await;
        match &auth.signed_in {
            Some(signed_in) => Outcome::Success(ClerkUser(signed_in.clone())),
            None => {
                let reason = auth.state.reason().map(clerk_core::AuthReason::as_str);
                reject(request, ClerkRejection::Unauthenticated { reason })
            }
        }
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

impl Sentinel for ClerkUser {
    fn abort(rocket: &Rocket<Ignite>) -> bool {
        abort_without_fairing(rocket, "ClerkUser")
    }
}

/// A signed-in user whose session satisfies the policy `P` (its roles and permissions).
///
/// Fails with `401` like [`ClerkUser`] when not signed in, and with
/// [`ClerkRejection::Forbidden`] (`403`) when `!auth.satisfies::<P>()`. Dereferences to
/// [`ClerkUser`]. As a [`Sentinel`], it aborts launch when [`ClerkFairing`](crate::ClerkFairing)
/// is not attached.
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
pub struct Protected<P: Policy> {
    user: ClerkUser,
    policy: PhantomData<fn() -> P>,
}

impl<P: Policy> Protected<P> {
    /// Takes the [`ClerkUser`] out.
    ///
    /// ```
    /// # fn f(admin: clerk_rocket::Protected<clerk_rocket::SignedIn>) {
    /// let user: clerk_rocket::ClerkUser = admin.into_user();
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

#[rocket::async_trait]
impl<'r, P: Policy> FromRequest<'r> for Protected<P> {
    type Error = ClerkRejection;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, ClerkRejection> {
        let user = match ClerkUser::from_request(request).await {
            Outcome::Success(user) => user,
            Outcome::Error(e) => return Outcome::Error(e),
            Outcome::Forward(status) => return Outcome::Forward(status),
        };
        if user.satisfies::<P>() {
            Outcome::Success(Protected {
                user,
                policy: PhantomData,
            })
        } else {
            reject(request, ClerkRejection::Forbidden)
        }
    }
}

impl<P: Policy> Sentinel for Protected<P> {
    fn abort(rocket: &Rocket<Ignite>) -> bool {
        abort_without_fairing(rocket, "Protected")
    }
}
