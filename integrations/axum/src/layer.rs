//! [`ClerkLayer`]: the tower layer that authenticates every request once.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use axum::response::{IntoResponse, Response};
use clerk_core::integration::{RequestAuth, log_answer};
use clerk_core::{AuthState, ClerkConfig, ConfigError, get_auth_state, try_get_auth_state};
use http::request::Parts;
use http::{HeaderName, HeaderValue, Request, StatusCode};
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;

use crate::rejection::answer_response;

/// The tower [`Layer`] that authenticates requests with Clerk.
///
/// For every request, its [`ClerkService`] computes the request's [`AuthState`] once
/// ([`get_auth_state`]), and then:
///
/// - signed in or signed out: stores the result in the request extensions for
///   [`ClerkUser`](crate::ClerkUser), `Option<ClerkUser>` and [`Protected`](crate::Protected),
///   and calls the inner service (the layer annotates, the extractors decide);
/// - interstitial, for a browser page navigation: answers `401` with Clerk's interstitial page
///   (`text/html`, `cache-control: no-store`);
/// - interstitial or unknown for any other client, or with the interstitial turned off
///   (`ClerkConfig::builder().interstitial(false)`): answers `401` with
///   `{"status": ..., "reason": ...}` and `WWW-Authenticate: Bearer`, never HTML;
/// - the signing keys cannot be fetched and no usable cached key exists (a Clerk outage): the
///   request goes on **signed out**, with the failure's reason (`jwk-remote-failed-to-load`, ...)
///   in the headers, so public routes and `Option<ClerkUser>` keep serving; `ClerkUser` and
///   `Protected<P>` answer `503` with `retry-after: 5` instead of `401`.
///
/// Every response, the handler's and the layer's own, carries the `x-clerk-auth-status`,
/// `x-clerk-auth-reason` and `x-clerk-auth-message` headers (URI-encoded).
///
/// The layer holds a [`ClerkConfig`], and with it the instance's verifier, JWKS cache and HTTP
/// client: build it once; every clone (axum clones the layer for every route and connection)
/// shares them.
///
/// Nested layers: when a request already went through a `ClerkLayer` with the **same**
/// configuration (a clone of this layer, or a layer built from a clone of its config), the inner
/// layer reuses that result instead of verifying again. A layer with another configuration (another
/// instance, other authorized parties, ...) computes the state again: its state is what the
/// extractors behind it see, and its `x-clerk-auth-*` headers are the ones the response carries.
///
/// ```no_run
/// use axum::{Router, routing::get};
/// use clerk_axum::{ClerkLayer, ClerkUser};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let app = Router::new()
///     .route("/me", get(|user: ClerkUser| async move { user.user_id().to_owned() }))
///     .layer(ClerkLayer::from_env()?);
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
/// axum::serve(listener, app).await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct ClerkLayer {
    config: ClerkConfig,
}

impl ClerkLayer {
    /// A layer authenticating requests against the instance of `config`.
    ///
    /// ```
    /// use clerk_axum::{ClerkConfig, ClerkLayer};
    ///
    /// let config = ClerkConfig::builder()
    ///     .secret_key("sk_test_xxx")
    ///     .publishable_key("pk_test_Y2xlcmsuZXhhbXBsZS5jb20k")
    ///     .build()?;
    /// let layer = ClerkLayer::new(config);
    /// # Ok::<(), clerk_axum::ConfigError>(())
    /// ```
    #[must_use]
    pub fn new(config: ClerkConfig) -> Self {
        Self { config }
    }

    /// A layer configured from Clerk's environment variables (`CLERK_SECRET_KEY`,
    /// `CLERK_PUBLISHABLE_KEY`, `CLERK_JWT_KEY`, ...; see [`ClerkConfig::from_env`]).
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] naming the variable at fault and the fix, e.g. when
    /// `CLERK_SECRET_KEY` is not set.
    ///
    /// ```no_run
    /// let layer = clerk_axum::ClerkLayer::from_env()?;
    /// # Ok::<(), clerk_axum::ConfigError>(())
    /// ```
    pub fn from_env() -> Result<Self, ConfigError> {
        ClerkConfig::from_env().map(Self::new)
    }

    /// The configuration of the layer.
    ///
    /// ```
    /// # let config = clerk_axum::ClerkConfig::builder()
    /// #     .secret_key("sk_test_xxx")
    /// #     .publishable_key("pk_test_Y2xlcmsuZXhhbXBsZS5jb20k")
    /// #     .build()?;
    /// let layer = clerk_axum::ClerkLayer::new(config);
    /// assert_eq!(layer.config().api_url(), "https://api.clerk.com");
    /// # Ok::<(), clerk_axum::ConfigError>(())
    /// ```
    #[must_use]
    pub fn config(&self) -> &ClerkConfig {
        &self.config
    }
}

impl<S> Layer<S> for ClerkLayer {
    type Service = ClerkService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ClerkService {
            inner,
            config: self.config.clone(),
        }
    }
}

/// The service of [`ClerkLayer`]: authenticates the request, then calls `S` (see
/// [`ClerkLayer`] for what it answers).
#[derive(Clone, Debug)]
pub struct ClerkService<S> {
    inner: S,
    config: ClerkConfig,
}

impl<S, B> Service<Request<B>> for ClerkService<S>
where
    S: Service<Request<B>> + Clone,
    S::Response: IntoResponse,
    B: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = ResponseFuture<S, B>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let computed_here = request
            .extensions()
            .get::<RequestAuth>()
            .is_some_and(|stored| stored.is_computed_with(&self.config));
        if computed_here {
            // An outer layer with this same configuration authenticated the request and adds the
            // headers. A layer with another configuration never vouches for this one.
            return ResponseFuture::calling(self.inner.call(request), AuthHeaders::default());
        }
        let (parts, body) = request.into_parts();
        // The common case completes here, without I/O and without boxing a future: a signed-out
        // request, a cached token, or a token whose key is cached. The inner service, polled
        // ready, is called at once.
        match try_get_auth_state(&self.config, &parts) {
            Some(state) => match decide(&state, parts, body) {
                Decision::Continue(request, headers) => {
                    ResponseFuture::calling(self.inner.call(request), headers)
                }
                Decision::Answer(answer) => ResponseFuture {
                    state: State::Answered {
                        answer: Some(answer),
                    },
                    inner: None,
                },
            },
            // The signing keys must be fetched first: the inner service is called afterwards, so
            // take the instance that was polled ready and leave a fresh clone in its place.
            None => {
                let clone = self.inner.clone();
                let inner = std::mem::replace(&mut self.inner, clone);
                ResponseFuture {
                    state: State::Authenticating {
                        future: Box::pin(authenticate(self.config.clone(), parts, body)),
                    },
                    inner: Some(inner),
                }
            }
        }
    }
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// What the layer does with a request once its state is known.
#[allow(
    clippy::large_enum_variant,
    reason = "moved once from `decide` to its caller, never stored: boxing would cost an allocation per request"
)]
enum Decision<B> {
    /// The request goes on, with the auth headers for its response.
    Continue(Request<B>, AuthHeaders),
    /// The layer answers it.
    Answer(Response),
}

pin_project! {
    /// The response future of [`ClerkService`].
    pub struct ResponseFuture<S, B>
    where
        S: Service<Request<B>>,
    {
        #[pin]
        state: State<S, B>,
        inner: Option<S>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<S, B>
    where
        S: Service<Request<B>>,
    {
        Authenticating { future: BoxFuture<Decision<B>> },
        Calling { #[pin] future: S::Future, headers: AuthHeaders },
        Answered { answer: Option<Response> },
    }
}

impl<S, B> ResponseFuture<S, B>
where
    S: Service<Request<B>>,
{
    fn calling(future: S::Future, headers: AuthHeaders) -> Self {
        Self {
            state: State::Calling { future, headers },
            inner: None,
        }
    }
}

impl<S, B> fmt::Debug for ResponseFuture<S, B>
where
    S: Service<Request<B>>,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

impl<S, B> Future for ResponseFuture<S, B>
where
    S: Service<Request<B>>,
    S::Response: IntoResponse,
{
    type Output = Result<Response, S::Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        loop {
            let mut this = self.as_mut().project();
            let next = match this.state.as_mut().project() {
                StateProj::Authenticating { future } => match ready!(future.as_mut().poll(cx)) {
                    Decision::Answer(answer) => return Poll::Ready(Ok(answer)),
                    Decision::Continue(request, headers) => {
                        let Some(mut inner) = this.inner.take() else {
                            // Only reachable when polled after completion.
                            return Poll::Ready(Ok(
                                StatusCode::INTERNAL_SERVER_ERROR.into_response()
                            ));
                        };
                        State::Calling {
                            future: inner.call(request),
                            headers,
                        }
                    }
                },
                StateProj::Calling { future, headers } => {
                    let response = ready!(future.poll(cx))?;
                    let mut response = response.into_response();
                    std::mem::take(headers).apply(&mut response);
                    return Poll::Ready(Ok(response));
                }
                StateProj::Answered { answer } => {
                    // `None` only when polled after completion.
                    return Poll::Ready(Ok(answer
                        .take()
                        .unwrap_or_else(|| StatusCode::INTERNAL_SERVER_ERROR.into_response())));
                }
            };
            this.state.set(next);
        }
    }
}

clerk_core::__define_auth_headers!(fn apply<>(response: &mut Response));

/// The request goes on, annotated with its auth, or the layer answers it.
fn decide<B>(state: &AuthState, mut parts: Parts, body: B) -> Decision<B> {
    let headers = AuthHeaders::new(state);
    let Some(answer) = state.answer(&parts) else {
        parts.extensions.insert(RequestAuth::new(state));
        return Decision::Continue(Request::from_parts(parts, body), headers);
    };
    log_answer(state, &answer);
    let mut answer = answer_response(answer);
    headers.apply(&mut answer);
    Decision::Answer(answer)
}

/// The slow path: the signing keys are fetched first.
async fn authenticate<B>(config: ClerkConfig, parts: Parts, body: B) -> Decision<B> {
    let state = get_auth_state(&config, &parts).await;
    decide(&state, parts, body)
}
