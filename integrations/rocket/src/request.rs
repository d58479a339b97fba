//! The borrowing [`RequestView`] of a Rocket request, and the per-request cache of its auth state.

use clerk_core::integration::{HttpAnswer, RequestAuth, RequestView};
use clerk_core::{AuthState, ClerkConfig, get_auth_state, try_get_auth_state};
use rocket::Request;

/// A read-only, borrowing view of a Rocket [`Request`] for clerk-core. Nothing is cloned.
pub(crate) struct RocketRequest<'a, 'r>(pub(crate) &'a Request<'r>);

/// The `host[:port]` of an HTTP/2 request without a `Host` header, formatted once per request.
struct AuthorityString(String);

impl RequestView for RocketRequest<'_, '_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.0.headers().get_one(name)
    }

    fn for_each_header<'a>(&'a self, name: &str, f: &mut dyn FnMut(&'a str)) {
        for value in self.0.headers().get(name) {
            f(value);
        }
    }

    fn method(&self) -> &str {
        self.0.method().as_str()
    }

    fn path(&self) -> &str {
        self.0.uri().path().as_str()
    }

    fn uri_query(&self) -> Option<&str> {
        self.0.uri().query().map(|q| q.as_str())
    }

    fn authority(&self) -> Option<&str> {
        // Only read when the request has no `Host` header (HTTP/2 `:authority`). Rocket keeps the
        // host parsed, so its text is formatted once and cached on the request.
        let host = self.0.host()?;
        Some(
            self.0
                .local_cache(|| AuthorityString(host.to_string()))
                .0
                .as_str(),
        )
    }

    fn for_each_header_pair(&self, f: &mut dyn FnMut(&str, &str)) {
        for header in self.0.headers().iter() {
            f(header.name().as_str(), header.value());
        }
    }
}

/// What Clerk decided for one request, computed once and cached on the request
/// (`Request::local_cache_async`).
pub(crate) struct CachedAuth {
    pub(crate) state: AuthState,
    /// The answer for the request as it arrived (before any rewrite to the outcome route);
    /// `None` when the request goes on to its handler.
    pub(crate) answer: Option<HttpAnswer>,
    /// What the guards decide on, the same per-request state as the other integrations'.
    pub(crate) auth: RequestAuth,
}

/// Computes the auth state of `request` once; later calls return the cached value.
pub(crate) async fn cached_auth<'r>(
    config: &ClerkConfig,
    request: &'r Request<'_>,
) -> &'r CachedAuth {
    request
        .local_cache_async(async {
            let view = RocketRequest(request);
            // The synchronous rules answer unless the keys must be fetched. The asynchronous
            // ones are boxed: inline, their future (the JWKS fetch) would make every request's
            // fairing, guard and response futures many kilobytes larger.
            let state = match try_get_auth_state(config, &view) {
                Some(state) => state,
                None => Box::pin(get_auth_state(config, &view)).await,
            };
            let answer = state.answer(&view);
            let auth = RequestAuth::new(&state);
            CachedAuth {
                state,
                answer,
                auth,
            }
        })
        .await
}

/// The auth state [`ClerkFairing`](crate::ClerkFairing) stored for `request` (what axum and
/// actix-web handlers read from the request extensions): the auth object, signed out included
/// (with a pending session's status), the reason, and whether the signing keys could not be
/// loaded. `None` when no `ClerkFairing` is attached. Computed once per request and cached, like
/// the guards' state.
///
/// ```
/// use clerk_rocket::clerk_core::integration::RequestAuth;
/// use rocket::Request;
/// use rocket::request::{FromRequest, Outcome};
///
/// /// A guard with the request's auth object, signed in or not.
/// struct SessionStatus(Option<String>);
///
/// #[rocket::async_trait]
/// impl<'r> FromRequest<'r> for SessionStatus {
///     type Error = ();
///
///     async fn from_request(request: &'r Request<'_>) -> Outcome<Self, ()> {
///         let stored: Option<&RequestAuth> = clerk_rocket::request_auth(request).await;
///         let status = stored
///             .and_then(RequestAuth::auth)
///             .and_then(|auth| auth.session_status().map(str::to_owned));
///         Outcome::Success(SessionStatus(status))
///     }
/// }
/// ```
pub async fn request_auth<'r>(request: &'r Request<'_>) -> Option<&'r RequestAuth> {
    let clerk = request.rocket().state::<crate::state::ClerkState>()?;
    Some(&cached_auth(&clerk.config, request).await.auth)
}
