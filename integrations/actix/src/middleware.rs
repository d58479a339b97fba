//! [`ClerkMiddleware`]: computes each request's auth state once, answers the outcomes that must
//! not reach a handler, and adds the `x-clerk-auth-*` headers to every response.

use std::fmt;
use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, ready};

use actix_web::HttpResponse;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::error::InternalError;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{Error, HttpMessage};
use clerk_core::integration::{RequestAuth, log_answer};
use clerk_core::{AuthState, ClerkConfig, ConfigError, get_auth_state, try_get_auth_state};
use pin_project_lite::pin_project;

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
///    `req.extensions().get::<clerk_core::integration::RequestAuth>()`);
/// 2. answers without running the handler when the state requires it: `401` with the
///    interstitial page for a browser page navigation, `401` JSON for other clients (and when the
///    interstitial is turned off). When the signing keys cannot be fetched (a Clerk outage), the
///    request goes on **signed out** with the failure's reason (`jwk-remote-failed-to-load`, ...)
///    in the headers: public routes and `Option<ClerkUser>` keep serving, and `ClerkUser` and
///    `Protected<P>` answer `503` with `retry-after: 5` instead of `401`;
/// 3. adds `x-clerk-auth-status`, `x-clerk-auth-reason` and `x-clerk-auth-message` to every
///    response, its own and the handler's (errors included).
///
/// Signed-in and signed-out requests go on to the handler: the middleware annotates, the
/// extractors decide.
///
/// Build the [`ClerkConfig`] once, outside the `HttpServer::new` factory, and clone the
/// middleware into it: every worker then shares one JWKS cache and one HTTP client.
///
/// Nested middlewares (an app-wide one and another on a [`Scope`](actix_web::Scope)): a
/// middleware whose configuration computed the stored state (a clone of it, or one built from a
/// clone of its config) reuses it; one with another configuration (another instance, other
/// authorized parties, ...) computes the state again. The innermost middleware's state is what
/// the extractors behind it see, and its `x-clerk-auth-*` headers are the ones the response
/// carries.
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
    /// let config = ClerkConfig::builder()
    ///     .secret_key("sk_test_xxx")
    ///     .publishable_key("pk_test_Y2xlcmsuZXhhbXBsZS5jb20k")
    ///     .build()?;
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
    type Future = ClerkFuture<S, B>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let computed_here = req
            .extensions()
            .get::<RequestAuth>()
            .is_some_and(|stored| stored.is_computed_with(&self.config));
        if computed_here {
            // An outer middleware with this same configuration authenticated the request and
            // adds the headers. One with another configuration never vouches for this one.
            return ClerkFuture {
                state: FutureState::Calling {
                    future: self.service.call(req),
                    headers: AuthHeaders::default(),
                },
            };
        }
        // The common case completes here, without I/O and without boxing a future: a signed-out
        // request, a cached token, or a token whose key is cached.
        let Some(state) = try_get_auth_state(&self.config, &ActixRequest(req.head())) else {
            // The signing keys must be fetched first.
            let service = Rc::clone(&self.service);
            let config = self.config.clone();
            return ClerkFuture {
                state: FutureState::Authenticating {
                    future: Box::pin(async move {
                        let state = get_auth_state(&config, &ActixRequest(req.head())).await;
                        match decide(state, req) {
                            Decision::Continue(req, headers) => {
                                call_inner(&*service, req, headers).await
                            }
                            Decision::Answer(response) => Ok(response),
                        }
                    }),
                },
            };
        };
        match decide(state, req) {
            Decision::Continue(req, headers) => ClerkFuture {
                state: FutureState::Calling {
                    future: self.service.call(req),
                    headers,
                },
            },
            Decision::Answer(response) => ClerkFuture {
                state: FutureState::Answered {
                    response: Some(response),
                },
            },
        }
    }
}

type Answer<B> = Result<ServiceResponse<EitherBody<B>>, Error>;

pin_project! {
    /// The response future of [`ClerkService`]. Not used directly.
    #[doc(hidden)]
    pub struct ClerkFuture<S, B>
    where
        S: Service<ServiceRequest>,
    {
        #[pin]
        state: FutureState<S, B>,
    }
}

pin_project! {
    #[project = FutureStateProj]
    enum FutureState<S, B>
    where
        S: Service<ServiceRequest>,
    {
        Authenticating { future: LocalBoxFuture<Answer<B>> },
        Calling { #[pin] future: S::Future, headers: AuthHeaders },
        Answered { response: Option<ServiceResponse<EitherBody<B>>> },
    }
}

impl<S, B> fmt::Debug for ClerkFuture<S, B>
where
    S: Service<ServiceRequest>,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClerkFuture").finish_non_exhaustive()
    }
}

impl<S, B> Future for ClerkFuture<S, B>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody,
{
    type Output = Answer<B>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            FutureStateProj::Authenticating { future } => future.as_mut().poll(cx),
            FutureStateProj::Calling { future, headers } => {
                let result = ready!(future.poll(cx));
                Poll::Ready(finish(result, headers))
            }
            FutureStateProj::Answered { response } => match response.take() {
                Some(response) => Poll::Ready(Ok(response)),
                None => Poll::Ready(Err(actix_web::error::ErrorInternalServerError(
                    "clerk: the response was already taken",
                ))),
            },
        }
    }
}

/// What the middleware does with a request once its state is known.
#[allow(
    clippy::large_enum_variant,
    reason = "moved once from `decide` to its caller, never stored: boxing would cost an allocation per request"
)]
enum Decision<B> {
    /// The request goes on (its state stored in its extensions), with the auth headers for its
    /// response.
    Continue(ServiceRequest, AuthHeaders),
    /// The middleware answers it.
    Answer(ServiceResponse<EitherBody<B>>),
}

/// The request goes on, or the middleware answers it.
fn decide<B>(state: AuthState, req: ServiceRequest) -> Decision<B> {
    let headers = AuthHeaders::new(&state);
    let Some(answer) = state.answer(&ActixRequest(req.head())) else {
        req.extensions_mut().insert(RequestAuth::new(&state));
        return Decision::Continue(req, headers);
    };
    log_answer(&state, &answer);
    let mut response = req
        .into_response(answer_response(answer))
        .map_into_right_body();
    headers.apply(response.response_mut());
    Decision::Answer(response)
}

async fn call_inner<S, B>(service: &S, req: ServiceRequest, mut headers: AuthHeaders) -> Answer<B>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody,
{
    let result = service.call(req).await;
    finish(result, &mut headers)
}

/// Adds the auth headers to the inner service's response, or to its error's response.
fn finish<B>(result: Result<ServiceResponse<B>, Error>, headers: &mut AuthHeaders) -> Answer<B>
where
    B: MessageBody,
{
    let headers = std::mem::take(headers);
    match result {
        Ok(response) => {
            let mut response = response.map_into_left_body();
            headers.apply(response.response_mut());
            Ok(response)
        }
        // An inner error becomes its response here, so that it carries the headers too; it stays
        // an error for the middleware outside this one.
        Err(error) => {
            let mut response = error.error_response();
            headers.apply(&mut response);
            Err(InternalError::from_response(error, response).into())
        }
    }
}

clerk_core::__define_auth_headers!(fn apply<B>(response: &mut HttpResponse<B>));
