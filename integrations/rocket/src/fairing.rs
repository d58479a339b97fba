//! [`ClerkFairing`]: authenticates every request, answers the interstitial / 401 / 503 outcomes
//! without running the application's handler, and adds the `x-clerk-auth-*` headers.

use std::sync::atomic::{AtomicBool, Ordering};

use clerk_core::{ClerkConfig, ConfigError};
use rocket::catcher::{self, Catcher};
use rocket::fairing::{self, Fairing, Info, Kind};
use rocket::http::uri::Origin;
use rocket::http::{Method, Status};
use rocket::response::{Responder, Response};
use rocket::route::{self, Route};
use rocket::{Build, Data, Request, Rocket};

use crate::guard::RecordedRejection;
use crate::rejection::answer_response;
use crate::request::{RequestAuth, cached_auth};

/// The internal route that answers the outcomes where the application's handler must not run.
/// `on_request` rewrites such requests to it.
const OUTCOME_PATH: &str = "/__clerk/outcome";

/// The outcome route's rank: tried before any application route.
const OUTCOME_RANK: isize = isize::MIN;

/// The state [`ClerkFairing`] manages; its presence is what the guards' `Sentinel` checks.
pub(crate) struct ClerkState {
    pub(crate) config: ClerkConfig,
}

/// Clerk authentication for a Rocket application.
///
/// Attach it once. It then:
///
/// - **on ignite**, checks the wiring (refusing to launch, with a message naming the problem,
///   when a route already uses its internal path `/__clerk/outcome`), manages the
///   configuration for the [`ClerkUser`](crate::ClerkUser) and [`Protected`](crate::Protected)
///   guards, mounts its outcome route and registers `401` and `403` catchers that answer the
///   guards' [`ClerkRejection`](crate::ClerkRejection) as JSON (an application catcher for the
///   same status at `/` is left in charge);
/// - **on each request**, computes the auth state once (cached on the request, shared by every
///   guard). Signed-in and signed-out requests go on to the handler. The interstitial (`401`
///   HTML for browser page navigations), `401` JSON for API clients and `503` when signing keys
///   cannot be fetched are answered by the fairing's outcome route: the request is rewritten to
///   it, so **the application's handler does not run**;
/// - **on each response**, adds `x-clerk-auth-status`, `x-clerk-auth-reason` and
///   `x-clerk-auth-message`.
///
/// One [`ClerkConfig`] (one JWKS cache, one HTTP client) serves every request of the process.
///
/// ```no_run
/// use clerk_rocket::{ClerkConfig, ClerkFairing};
///
/// # fn build() -> Result<rocket::Rocket<rocket::Build>, clerk_rocket::ConfigError> {
/// let config = ClerkConfig::from_env()?;
/// let rocket = rocket::build().attach(ClerkFairing::new(config));
/// # Ok(rocket) }
/// ```
#[derive(Debug, Clone)]
pub struct ClerkFairing {
    config: ClerkConfig,
}

impl ClerkFairing {
    /// A fairing for the Clerk instance of `config`. Build the config once; the fairing shares
    /// it with every request.
    ///
    /// ```
    /// use clerk_rocket::{ClerkConfig, ClerkFairing};
    ///
    /// let config = ClerkConfig::builder().secret_key("sk_test_xxx").build()?;
    /// let rocket = rocket::build().attach(ClerkFairing::new(config));
    /// # Ok::<(), clerk_rocket::ConfigError>(())
    /// ```
    #[must_use]
    pub fn new(config: ClerkConfig) -> Self {
        Self { config }
    }

    /// A fairing configured from Clerk's environment variables (see [`ClerkConfig::from_env`]).
    ///
    /// # Errors
    ///
    /// The [`ConfigError`] of [`ClerkConfig::from_env`], naming the variable at fault.
    ///
    /// ```no_run
    /// let rocket = rocket::build().attach(clerk_rocket::ClerkFairing::from_env()?);
    /// # Ok::<(), clerk_rocket::ConfigError>(())
    /// ```
    pub fn from_env() -> Result<Self, ConfigError> {
        ClerkConfig::from_env().map(Self::new)
    }
}

#[rocket::async_trait]
impl Fairing for ClerkFairing {
    fn info(&self) -> Info {
        Info {
            name: "Clerk",
            kind: Kind::Ignite | Kind::Request | Kind::Response | Kind::Singleton,
        }
    }

    async fn on_ignite(&self, rocket: Rocket<Build>) -> fairing::Result {
        let taken = rocket
            .routes()
            .find(|r| r.uri.path() == OUTCOME_PATH)
            .map(|r| format!("{} {}", r.method, r.uri));
        if let Some(route) = taken {
            tracing::error!(
                "clerk: route {route} uses the path {OUTCOME_PATH} reserved by ClerkFairing: \
                 move that route"
            );
            return Err(rocket);
        }
        let mode = if self.config.jwt_key().is_empty() {
            "JWKS from the Backend API"
        } else {
            "networkless (JWT key)"
        };
        tracing::info!(
            instance = ?self.config.instance_type(),
            interstitial = self.config.interstitial_enabled(),
            "clerk: session tokens verified {mode}"
        );

        let at_root = |c: &&Catcher| c.base.path().as_str() == "/";
        let fallback = rocket
            .catchers()
            .filter(at_root)
            .find(|c| c.code.is_none())
            .cloned();
        let catchers: Vec<Catcher> = [401, 403]
            .into_iter()
            .filter(|code| {
                !rocket
                    .catchers()
                    .filter(at_root)
                    .any(|c| c.code == Some(*code))
            })
            .map(|code| {
                let mut catcher = Catcher::new(
                    code,
                    RejectionCatcher {
                        fallback: fallback.clone(),
                    },
                );
                catcher.name = Some("ClerkRejection".into());
                catcher
            })
            .collect();

        // The lowest rank goes first, so an application route matching every path (even with a
        // negative rank) does not run for a refused request.
        let mut route = Route::ranked(OUTCOME_RANK, Method::Get, OUTCOME_PATH, OutcomeRoute);
        route.name = Some("clerk outcome".into());
        Ok(rocket
            .manage(ClerkState {
                config: self.config.clone(),
            })
            .mount("/", vec![route])
            .register("/", catchers))
    }

    async fn on_request(&self, request: &mut Request<'_>, _: &mut Data<'_>) {
        if cached_auth(&self.config, request).await.answer.is_none() {
            return;
        }
        // A fairing cannot answer a request, so the request is rerouted to the outcome route:
        // the application's handler never runs. HEAD stays HEAD (Rocket answers it with the GET
        // route and strips the body).
        request.set_uri(Origin::path_only(OUTCOME_PATH));
        if request.method() != Method::Head {
            request.set_method(Method::Get);
        }
    }

    async fn on_response<'r>(&self, request: &'r Request<'_>, response: &mut Response<'r>) {
        let auth = cached_auth(&self.config, request).await;
        if let Some(answer) = &auth.answer {
            // The rewrite in `on_request` is not enough on its own: a `HEAD` route, a later
            // fairing that rewrites the request again, or a catcher can still produce the
            // response. Whatever did, the client gets the fairing's answer and nothing of theirs.
            log_refusal(request, auth, "response hook");
            let server = response.headers().get_one("Server").map(str::to_owned);
            *response = answer_response(answer.clone()).unwrap_or_else(|_| {
                Response::build().status(Status::new(answer.status())).finalize()
            });
            if let Some(server) = server {
                response.set_raw_header("Server", server);
            }
        }
        for (name, value) in auth.state.headers() {
            response.set_raw_header(name, value);
        }
    }
}

/// Set once a refused request is logged: the outcome route and the response hook both see it.
struct RefusalLogged(AtomicBool);

/// Logs the fairing's refusal of `request` once, whichever of the outcome route and the response
/// hook gets there first. Status and reason only: never token contents.
fn log_refusal(request: &Request<'_>, auth: &RequestAuth, answered_by: &'static str) {
    let logged = request.local_cache(|| RefusalLogged(AtomicBool::new(false)));
    if logged.0.swap(true, Ordering::Relaxed) {
        return;
    }
    let reason = auth.state.reason().map_or("", |r| r.as_str());
    match &auth.answer {
        Some(answer) if answer.status() == 503 => {
            tracing::error!(reason, answered_by, "clerk: signing keys unavailable (503)");
        }
        Some(_) => tracing::debug!(
            status = %auth.state.status(),
            reason,
            answered_by,
            "clerk: request answered by the fairing (401)"
        ),
        None => {}
    }
}

/// The handler of the outcome route: answers the interstitial, `401` or `503` from the cached
/// state. A request that reaches the path directly (its outcome is `Continue`) is forwarded as
/// `404`.
#[derive(Clone)]
struct OutcomeRoute;

#[rocket::async_trait]
impl route::Handler for OutcomeRoute {
    async fn handle<'r>(&self, request: &'r Request<'_>, data: Data<'r>) -> route::Outcome<'r> {
        let Some(clerk) = request.rocket().state::<ClerkState>() else {
            return route::Outcome::forward(data, Status::NotFound);
        };
        let auth = cached_auth(&clerk.config, request).await;
        let Some(answer) = auth.answer.clone() else {
            return route::Outcome::forward(data, Status::NotFound);
        };
        log_refusal(request, auth, "outcome route");
        match answer_response(answer) {
            Ok(response) => route::Outcome::Success(response),
            Err(status) => route::Outcome::Error(status),
        }
    }
}

/// The `401`/`403` catcher: answers the [`ClerkRejection`](crate::ClerkRejection) a Clerk guard
/// recorded on the request, else defers to the application's default catcher at `/`, else an
/// empty body.
#[derive(Clone)]
struct RejectionCatcher {
    fallback: Option<Catcher>,
}

#[rocket::async_trait]
impl catcher::Handler for RejectionCatcher {
    async fn handle<'r>(&self, status: Status, request: &'r Request<'_>) -> catcher::Result<'r> {
        match request.local_cache(|| RecordedRejection(None)).0 {
            Some(rejection) if rejection.status_code() == status.code => {
                rejection.respond_to(request)
            }
            _ => match &self.fallback {
                Some(fallback) => fallback.handler.handle(status, request).await,
                None => Response::build().status(status).ok(),
            },
        }
    }
}
