//! [`ClerkMiddleware`]: computes each request's auth state once, answers the outcomes that must
//! not reach a handler, and adds the `x-clerk-auth-*` headers to every response.

use std::fmt;
use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::rc::Rc;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::error::InternalError;
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::{Error, HttpMessage};
use clerk_core::{AuthState, ClerkConfig, ConfigError, get_auth_state};

use crate::rejection::answer_response;
use crate::request::ActixRequest;

/// The actix-web middleware that authenticates every request with Clerk.
///
/// Wrap an [`App`](actix_web::App), a [`Scope`](actix_web::Scope) or a
/// [`Resource`](actix_web::Resource) with it. For each request it:
///
/// 1. computes the [`AuthState`] once (clerk-core's `get_auth_state`) and stores it in the
///    request extensions, where [`ClerkUser`](crate::ClerkUser) and
///    [`Protected`](crate::Protected) read it (handlers may also read
///    `req.extensions().get::<AuthState>()`);
/// 2. answers without running the handler when the state requires it: `401` with the
///    interstitial page for a browser page navigation, `401` JSON for other clients (and when the
///    interstitial is turned off), `503` when the signing keys cannot be fetched;
/// 3. adds `x-clerk-auth-status`, `x-clerk-auth-reason` and `x-clerk-auth-message` to every
///    response, its own and the handler's (errors included).
///
/// Signed-in and signed-out requests go on to the handler: the middleware annotates, the
/// extractors decide.
///
/// Build the [`ClerkConfig`] once, outside the `HttpServer::new` factory, and clone the
/// middleware into it: every worker then shares one JWKS cache and one HTTP client.
///
/// ```no_run
/// use actix_web::{App, HttpServer, web};
/// use clerk_actix::{ClerkMiddleware, ClerkUser};
///
/// async fn me(user: ClerkUser) -> String {
///     user.user_id().to_owned()
/// }
///
/// #[actix_web::main]
/// async fn main() -> std::io::Result<()> {
///     let clerk = ClerkMiddleware::from_env().expect("CLERK_SECRET_KEY is set");
///     HttpServer::new(move || App::new().wrap(clerk.clone()).route("/me", web::get().to(me)))
///         .bind(("127.0.0.1", 3000))?
///         .run()
///         .await
/// }
/// ```
#[derive(Debug, Clone)]
pub struct ClerkMiddleware {
    config: ClerkConfig,
}

impl ClerkMiddleware {
    /// The middleware for the Clerk instance of `config`.
    ///
    /// `ClerkConfig` is an `Arc` inside: clones of the middleware share its JWKS cache.
    ///
    /// ```
    /// use clerk_actix::{ClerkConfig, ClerkMiddleware};
    ///
    /// let config = ClerkConfig::builder().secret_key("sk_test_xxx").build()?;
    /// let middleware = ClerkMiddleware::new(config);
    /// # let _ = middleware;
    /// # Ok::<(), clerk_actix::ConfigError>(())
    /// ```
    #[must_use]
    pub fn new(config: ClerkConfig) -> Self {
        Self { config }
    }

    /// The middleware configured from Clerk's environment variables (`CLERK_SECRET_KEY`,
    /// `CLERK_PUBLISHABLE_KEY`, `CLERK_JWT_KEY`, ...; see [`ClerkConfig::from_env`]).
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] naming the variable when one is missing or malformed.
    ///
    /// ```no_run
    /// let middleware = clerk_actix::ClerkMiddleware::from_env()?;
    /// # let _ = middleware;
    /// # Ok::<(), clerk_actix::ConfigError>(())
    /// ```
    pub fn from_env() -> Result<Self, ConfigError> {
        ClerkConfig::from_env().map(Self::new)
    }
}

impl<S, B> Transform<S, ServiceRequest> for ClerkMiddleware
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = ClerkService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(ClerkService {
            service: Rc::new(service),
            config: self.config.clone(),
        }))
    }
}

/// The service [`ClerkMiddleware`] wraps around the inner service. Not used directly.
#[doc(hidden)]
pub struct ClerkService<S> {
    service: Rc<S>,
    config: ClerkConfig,
}

impl<S> fmt::Debug for ClerkService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClerkService")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

type LocalBoxFuture<T> = Pin<Box<dyn Future<Output = T>>>;

impl<S, B> Service<ServiceRequest> for ClerkService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = LocalBoxFuture<Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let service = Rc::clone(&self.service);
        let config = self.config.clone();
        Box::pin(async move {
            let view = ActixRequest(req.head());
            let state = get_auth_state(&config, &view).await;
            let answer = state.answer(&view);
            let headers = auth_headers(&state);

            if let Some(answer) = answer {
                tracing::debug!(
                    status = %state.status(),
                    reason = state.reason().map_or("", |r| r.as_str()),
                    answer = answer.status(),
                    "clerk: request answered by the middleware"
                );
                let mut response = req
                    .into_response(answer_response(answer))
                    .map_into_right_body();
                set_headers(response.headers_mut(), &headers);
                return Ok(response);
            }

            // Moved, not cloned: the headers were computed above.
            req.extensions_mut().insert(state);
            match service.call(req).await {
                Ok(response) => {
                    let mut response = response.map_into_left_body();
                    set_headers(response.headers_mut(), &headers);
                    Ok(response)
                }
                // An inner error becomes its response here, so that it carries the headers too;
                // it stays an error for the middleware outside this one.
                Err(error) => {
                    let mut response = error.error_response();
                    set_headers(response.headers_mut(), &headers);
                    Err(InternalError::from_response(error, response).into())
                }
            }
        })
    }
}

/// The `x-clerk-auth-*` headers of `state` (values already URI-encoded by clerk-core).
fn auth_headers(state: &AuthState) -> Vec<(HeaderName, HeaderValue)> {
    state
        .headers()
        .filter_map(|(name, value)| {
            let value = HeaderValue::from_str(&value).ok()?;
            Some((HeaderName::from_static(name), value))
        })
        .collect()
}

fn set_headers(map: &mut HeaderMap, headers: &[(HeaderName, HeaderValue)]) {
    for (name, value) in headers {
        map.insert(name.clone(), value.clone());
    }
}
