//! [`ClerkFairing`]: authenticates every request, answers the interstitial / 401 outcomes
//! without running the application's handler, and adds the `x-clerk-auth-*` headers.

use std::sync::atomic::{AtomicBool, Ordering};

use clerk_core::integration::{log_answer, response_headers};
use clerk_core::{ClerkConfig, ConfigError};
use rocket::catcher::{self, Catcher};
use rocket::fairing::{self, Fairing, Info, Kind};
use rocket::http::uri::Origin;
use rocket::http::{Method, Status};
use rocket::response::{Responder, Response};
use rocket::route::{self, Route};
use rocket::{Build, Data, Request, Rocket};

use crate::rejection::answer_response;
use crate::request::{CachedAuth, cached_auth};
use crate::state::{ClerkState, RecordedRejection, RefusalLogged};

/// The internal route that answers the outcomes where the application's handler must not run.
/// `on_request` rewrites such requests to it.
const OUTCOME_PATH: &str = "/__clerk/outcome";

/// The outcome route's rank: tried before any application route.
const OUTCOME_RANK: isize = isize::MIN;

/// Clerk authentication for a Rocket application.
///
/// Attach it once (see [one per application](#one-per-application)). It then:
///
/// - **on ignite**, checks the wiring (refusing to launch, with a message naming the problem,
///   when a route already uses its internal path `/__clerk/outcome`), manages the
///   configuration for the [`ClerkUser`](crate::ClerkUser) and [`Protected`](crate::Protected)
///   guards, mounts its outcome route and registers `401`, `403` and `503` catchers that answer
///   the guards' [`ClerkRejection`](crate::ClerkRejection) as JSON (an application catcher for
///   the same status at `/` is left in charge);
/// - **on each request**, computes the auth state once (cached on the request, shared by every
///   guard). Signed-in and signed-out requests go on to the handler. When the signing keys
///   cannot be fetched (a Clerk outage), the request goes on **signed out** with the failure's
///   reason (`jwk-remote-failed-to-load`, ...) in the headers: public routes and
///   `Option<ClerkUser>` keep serving, and the `ClerkUser` and `Protected<P>` guards fail with
///   `503` and `retry-after: 5` instead of `401`. The interstitial (`401` HTML for browser page
///   navigations) and `401` JSON for API clients are answered by the fairing's outcome route:
///   the request is rewritten to it (ranked before every application route), so **the
///   application's handler does not run**;
/// - **on each response**, for such a refused request, replaces the whole response (status,
///   headers, body) with the fairing's answer, whatever produced it: a `HEAD` route, an
///   application catcher, a route reached because a later fairing rewrote the request again.
///   A refused request never gets the application's response. It then adds
///   `x-clerk-auth-status`, `x-clerk-auth-reason` and `x-clerk-auth-message` to every response.
///
/// One [`ClerkConfig`] (one JWKS cache, one HTTP client) serves every request of the process.
///
/// # One per application
///
/// Rocket fairings apply to the whole application, not to a mount point, and `ClerkFairing` is
/// a singleton fairing: **one per application, the last attached wins**. Attaching a second
/// one before launch replaces the first entirely: only the last one's configuration verifies
/// tokens, answers refused requests and serves the [`ClerkUser`](crate::ClerkUser) and
/// [`Protected`](crate::Protected) guards; the first one's tokens are signed out. A
/// `ClerkFairing` attached while the application ignites (from another fairing's `on_ignite`)
/// after the first one already ran makes launch fail with the failed fairing `Clerk`.
///
/// To serve two Clerk instances, run two Rocket applications (each with its own fairing, on its
/// own port or behind a proxy that routes by host or path), or keep one application and verify
/// the second instance's tokens in your own request guard, with a second [`ClerkConfig`] and
/// [`clerk_core::get_auth_state`] over your [`RequestView`](clerk_core::integration::RequestView) of the
/// request.
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
    /// let config = ClerkConfig::builder()
    ///     .secret_key("sk_test_xxx")
    ///     .publishable_key("pk_test_Y2xlcmsuZXhhbXBsZS5jb20k")
    ///     .build()?;
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
        // Rocket keeps one singleton fairing, so this cannot normally happen; if it ever did,
        // two configurations would serve requests and `manage` would panic: refuse instead.
        if rocket.state::<ClerkState>().is_some() {
            tracing::error!(
                "clerk: another ClerkFairing already configured this Rocket: attach one \
                 ClerkFairing per application"
            );
            return Err(rocket);
        }
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
        let catchers: Vec<Catcher> = [401, 403, 503]
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
            log_refusal(request, auth);
            *response = answer_response(answer.clone()).unwrap_or_else(|_| {
                Response::build()
                    .status(Status::new(answer.status()))
                    .finalize()
            });
            // The `Server` header Rocket adds to every response, as on the outcome route's.
            if let Some(ident) = request.rocket().config().ident.as_str() {
                response.set_raw_header("Server", ident.to_owned());
            }
        }
        for (name, value) in response_headers(&auth.state) {
            if name == "set-cookie" {
                response.adjoin_raw_header(name, value);
            } else {
                response.set_raw_header(name, value);
            }
        }
    }
}

/// Logs the fairing's refusal of `request` once, whichever of the outcome route and the response
/// hook gets there first: clerk-core's event, the same in every integration (status and reason,
/// never token contents).
fn log_refusal(request: &Request<'_>, auth: &CachedAuth) {
    let logged = request.local_cache(|| RefusalLogged(AtomicBool::new(false)));
    if let Some(answer) = &auth.answer
        && !logged.0.swap(true, Ordering::Relaxed)
    {
        log_answer(&auth.state, answer);
    }
}

/// The handler of the outcome route: answers the interstitial or `401` from the cached
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
        log_refusal(request, auth);
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

#[cfg(test)]
mod tests {
    use std::fmt::{self, Write as _};
    use std::sync::{Arc, Mutex};

    use clerk_testing::TestInstance;
    use rocket::http::Header;
    use rocket::local::blocking::Client;
    use tracing::field::Field;
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    use super::*;

    /// Records every event's fields as one line.
    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<String>>>);

    impl Capture {
        fn lines(&self) -> Vec<String> {
            self.0.lock().map(|l| l.clone()).unwrap_or_default()
        }
    }

    impl Subscriber for Capture {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &Attributes<'_>) -> Id {
            Id::from_u64(1)
        }
        fn record(&self, _: &Id, _: &Record<'_>) {}
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            let mut line = String::new();
            event.record(&mut |field: &Field, value: &dyn fmt::Debug| {
                let _ = write!(line, "{}={value:?} ", field.name());
            });
            if let Ok(mut lines) = self.0.lock() {
                lines.push(line);
            }
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }

    #[rocket::head("/<_..>")]
    fn head_all() -> &'static str {
        "shadow"
    }

    /// Sends one request with an expired token (a `401` from the fairing) and returns the status
    /// and the captured refusal lines, plus whether any captured line holds the token.
    fn refused_once(method: Method, routes: Vec<Route>) -> (Status, Vec<String>, bool) {
        let instance = TestInstance::new();
        let config = instance
            .config_builder()
            .secret_key("sk_live_x")
            .build()
            .expect("config");
        let mut rocket_config = rocket::Config::debug_default();
        rocket_config.log_level = rocket::config::LogLevel::Off;
        let rocket = rocket::custom(rocket_config)
            .attach(ClerkFairing::new(config))
            .mount("/", routes);
        let expired = instance.token().issued_at(1_000_000_000).sign();
        let capture = Capture::default();
        let status = tracing::subscriber::with_default(capture.clone(), || {
            let client = Client::tracked(rocket).expect("client");
            client
                .req(method, "/anything")
                .header(Header::new("authorization", format!("Bearer {expired}")))
                .dispatch()
                .status()
        });
        let lines = capture.lines();
        let leaked = lines.iter().any(|l| l.contains(&expired));
        let refusals = lines
            .into_iter()
            .filter(|l| l.contains("clerk: answered by the integration"))
            .collect();
        (status, refusals, leaked)
    }

    #[test]
    fn a_refusal_answered_by_the_outcome_route_is_logged_once() {
        let (status, refusals, leaked) = refused_once(Method::Get, Vec::new());
        assert_eq!(status, Status::Unauthorized);
        assert_eq!(refusals.len(), 1, "{refusals:?}");
        assert!(refusals[0].contains("token-expired"), "{refusals:?}");
        assert!(!leaked, "the token must not be logged");
    }

    #[test]
    fn a_refusal_answered_by_an_application_route_is_logged_once() {
        let (status, refusals, leaked) = refused_once(Method::Head, rocket::routes![head_all]);
        assert_eq!(status, Status::Unauthorized);
        assert_eq!(refusals.len(), 1, "{refusals:?}");
        assert!(refusals[0].contains("token-expired"), "{refusals:?}");
        assert!(!leaked, "the token must not be logged");
    }
}
