//! [`get_auth_state`]: the authentication state of a request (Clerk's `authenticateRequest`).

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll, Waker};

use serde_json::json;

use super::origin::{is_browser_user_agent, is_cross_origin, js_parse_int};
use super::reason::{AuthReason, AuthStatus};
use super::request::{
    RequestView, clerk_satellite_url, clerk_synced, forwarded_proto, header_token, header_value,
    host, non_empty_cookie,
};
use super::response::{HTML, HttpAnswer, JSON, auth_header_pairs, is_browser_navigation};
use super::session::Auth;
use crate::config::ClerkConfig;
use crate::handshake::{self, Io, NeedsIo};
use crate::interstitial::{InterstitialOptions, load_interstitial_from_local};
use crate::jwt::{
    Attempt, TokenVerificationError, TokenVerificationErrorReason as TokenReason, Verified,
    verify_token_now, verify_token_shared,
};
use crate::keys::InstanceType;
use crate::machine::{MachineToken, TokenType};

/// The authentication state of one request.
///
/// "Not signed in" is a state, not an error: every request gets one. `Debug` never shows the
/// session token.
#[derive(Clone)]
pub struct AuthState {
    status: AuthStatus,
    reason: Option<AuthReason>,
    message: Option<String>,
    key_fetch_failure: bool,
    signed_in: Option<Arc<Verified>>,
    config: ClerkConfig,
    /// The headers of the state itself (handshake protocol): `Location`, `Set-Cookie`,
    /// `Cache-Control`, … in Clerk's order. Empty otherwise.
    headers: Vec<(&'static str, String)>,
    /// The kind of token the state is about (handshake protocol; `None` otherwise, and for the
    /// invalid-token state of a token type the configuration does not accept).
    token_type: Option<TokenType>,
    /// The verified machine token of a signed-in machine state.
    machine: Option<Arc<MachineToken>>,
}

/// What an integration answers for an [`AuthState`] (see [`AuthState::outcome`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthOutcome {
    /// Signed in or signed out: the request goes on to the handler, which decides. This includes
    /// a request signed out because the signing keys could not be loaded
    /// ([`AuthState::is_key_fetch_failure`]): public routes keep serving through a Clerk outage,
    /// and a route requiring authentication answers `503` (see
    /// [`RequestAuth::signed_in`](crate::integration::RequestAuth::signed_in)).
    Continue,
    /// `401` with `content-type: text/html` and [`AuthState::interstitial_html`]: a browser page
    /// navigation that must run Clerk's script first.
    Interstitial,
    /// `401` with the small JSON body of [`AuthState::json_body`]: an interstitial or unknown state
    /// for an API or non-browser client, which never gets HTML.
    Unauthorized,
    /// `307` to the state's `Location` with an empty body (handshake protocol): the Frontend API
    /// handshake, or the page itself after a development handshake.
    Redirect,
}

impl AuthOutcome {
    /// The HTTP status code of the answer (`None` for [`Continue`](Self::Continue)).
    #[must_use]
    pub fn status_code(self) -> Option<u16> {
        match self {
            Self::Continue => None,
            Self::Interstitial | Self::Unauthorized => Some(401),
            Self::Redirect => Some(307),
        }
    }
}

impl AuthState {
    fn new(config: &ClerkConfig, status: AuthStatus, reason: AuthReason, message: String) -> Self {
        Self {
            status,
            reason: Some(reason),
            message: Some(message),
            key_fetch_failure: false,
            signed_in: None,
            config: config.clone(),
            headers: Vec::new(),
            token_type: None,
            machine: None,
        }
    }

    /// A state of the handshake protocol, with its own headers.
    pub(crate) fn from_parts(
        config: &ClerkConfig,
        status: AuthStatus,
        reason: Option<AuthReason>,
        message: Option<String>,
        signed_in: Option<Arc<Verified>>,
        headers: Vec<(&'static str, String)>,
    ) -> Self {
        Self {
            status,
            reason,
            message,
            key_fetch_failure: false,
            signed_in,
            config: config.clone(),
            headers,
            token_type: Some(TokenType::SessionToken),
            machine: None,
        }
    }

    /// The same state about another kind of token (`None`: the invalid-token state).
    pub(crate) fn with_token_type(mut self, token_type: Option<TokenType>) -> Self {
        self.token_type = token_type;
        self
    }

    /// A signed-in machine state (handshake protocol).
    pub(crate) fn signed_in_machine(config: &ClerkConfig, token: MachineToken) -> Self {
        let token_type = token.token_type();
        Self {
            machine: Some(Arc::new(token)),
            ..Self::from_parts(config, AuthStatus::SignedIn, None, None, None, Vec::new())
        }
        .with_token_type(Some(token_type))
    }

    pub(crate) fn set_key_fetch_failure(&mut self, failure: bool) {
        self.key_fetch_failure = failure;
    }

    fn signed_in(config: &ClerkConfig, verified: Arc<Verified>) -> Self {
        Self {
            status: AuthStatus::SignedIn,
            reason: None,
            message: None,
            key_fetch_failure: false,
            signed_in: Some(verified),
            config: config.clone(),
            headers: Vec::new(),
            token_type: None,
            machine: None,
        }
    }

    fn rule(config: &ClerkConfig, status: AuthStatus, reason: AuthReason) -> Self {
        Self::new(config, status, reason, String::new())
    }

    /// A token error becomes a state, with the carrier in the message (auth-rules §3.4).
    fn from_token_error(config: &ClerkConfig, e: &TokenVerificationError, carrier: &str) -> Self {
        let mut state = if e.reason() == TokenReason::UnexpectedError {
            Self::new(
                config,
                AuthStatus::SignedOut,
                AuthReason::UnexpectedError,
                e.message().to_owned(),
            )
        } else {
            let status = match (e.reason(), carrier) {
                (TokenReason::TokenExpired | TokenReason::TokenNotActiveYet, "header") => {
                    AuthStatus::Unknown
                }
                (TokenReason::TokenExpired | TokenReason::TokenNotActiveYet, _) => {
                    AuthStatus::Interstitial
                }
                _ => AuthStatus::SignedOut,
            };
            Self::new(config, status, e.reason().into(), e.full_message(carrier))
        };
        state.key_fetch_failure = e.is_key_fetch_failure();
        state
    }

    /// The status.
    #[must_use]
    pub fn status(&self) -> AuthStatus {
        self.status
    }

    /// Why the request is not signed in (`None` when signed in).
    #[must_use]
    pub fn reason(&self) -> Option<AuthReason> {
        self.reason
    }

    /// Clerk's message: `""` for rule outcomes, the full message for token errors, `None` when
    /// signed in. It names claim values, never the token.
    #[must_use]
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// Whether the request is signed in.
    #[must_use]
    pub fn is_signed_in(&self) -> bool {
        self.status == AuthStatus::SignedIn
    }

    /// Whether the request needs the interstitial.
    #[must_use]
    pub fn is_interstitial(&self) -> bool {
        self.status == AuthStatus::Interstitial
    }

    /// Whether the state is unknown (an expired header token).
    #[must_use]
    pub fn is_unknown(&self) -> bool {
        self.status == AuthStatus::Unknown
    }

    /// Whether the signing keys could not be loaded (the JWKS endpoint is down, answers an error,
    /// non-JSON or an empty key set, and no usable cached key exists). The state is then
    /// signed out with the failure's reason: the request goes on, and integrations answer `503`
    /// with `retry-after` only where authentication is required.
    #[must_use]
    pub fn is_key_fetch_failure(&self) -> bool {
        self.key_fetch_failure
    }

    /// The auth object: signed in, signed out (every field `None`), or `None` for the interstitial
    /// and unknown states.
    #[must_use]
    pub fn to_auth(&self) -> Option<Auth> {
        if self.config.handshake().is_some() {
            match (self.token_type, &self.machine) {
                (_, Some(machine)) => {
                    return Some(Auth::for_machine(self.config.clone(), Arc::clone(machine)));
                }
                (None, None) => return Some(Auth::invalid_token(self.config.clone())),
                (Some(TokenType::SessionToken), None) => {}
                (Some(other), None) => {
                    return Some(Auth::machine_signed_out(self.config.clone(), other));
                }
            }
        }
        match (self.status, &self.signed_in) {
            // The handshake protocol treats a pending session as signed out.
            (AuthStatus::SignedIn, Some(session))
                if session.claims.is_pending() && self.config.handshake().is_some() =>
            {
                Some(Auth::pending(self.config.clone(), Arc::clone(session)))
            }
            (AuthStatus::SignedIn, Some(session)) => {
                Some(Auth::signed_in(self.config.clone(), Arc::clone(session)))
            }
            (AuthStatus::SignedOut, _) => Some(Auth::signed_out(self.config.clone())),
            _ => None,
        }
    }

    /// The configuration this state was computed with (the frontend API, publishable key,
    /// domain, proxy URL, satellite flag and URLs it echoes).
    #[must_use]
    pub fn config(&self) -> &ClerkConfig {
        &self.config
    }

    /// The verified session token (the refreshed or handshake one when those produced it), `None`
    /// unless signed in.
    #[must_use]
    pub fn token(&self) -> Option<&str> {
        match &self.machine {
            Some(machine) => Some(machine.token()),
            None => self.signed_in.as_ref().map(|v| &*v.token),
        }
    }

    /// The verified machine token of a signed-in machine request (API key, M2M token, OAuth
    /// access token).
    #[must_use]
    pub fn machine(&self) -> Option<&MachineToken> {
        self.machine.as_deref()
    }

    /// The kind of token the state is about (`session_token`, `api_key`, `m2m_token`,
    /// `oauth_token`) with the handshake protocol; `None` with the interstitial protocol (which
    /// knows session tokens only) and for a token of a type the configuration does not accept.
    #[must_use]
    pub fn token_type(&self) -> Option<&'static str> {
        self.token_type.map(TokenType::as_str)
    }

    /// The `Location` of a handshake state (the Frontend API handshake, the development
    /// satellite sync, or the page itself after a development handshake).
    #[must_use]
    pub fn location(&self) -> Option<&str> {
        self.headers
            .iter()
            .find(|(name, _)| *name == "location")
            .map(|(_, value)| value.as_str())
    }

    /// Every header the state puts on its response, in order: with the handshake protocol the
    /// `x-clerk-auth-*` headers of a signed-out or handshake state (raw text), then the state's
    /// own `location`, `cache-control`, `set-cookie`, `access-control-*` headers; with the
    /// interstitial protocol the `x-clerk-auth-*` headers (URI-encoded) of every state.
    #[must_use]
    pub fn response_headers(&self) -> Vec<(&'static str, String)> {
        crate::integration::response_headers(self)
            .map(|(name, value)| (name, value.into_owned()))
            .collect()
    }

    /// The state's own headers (handshake protocol).
    pub(crate) fn own_headers(&self) -> &[(&'static str, String)] {
        &self.headers
    }

    /// The observability headers `x-clerk-auth-status`, `x-clerk-auth-reason` and
    /// `x-clerk-auth-message`, their values URI-encoded; reason and message only when non-empty.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, Cow<'_, str>)> {
        auth_header_pairs(
            self.status.as_str(),
            self.reason.map(AuthReason::as_str),
            self.message.as_deref(),
        )
    }

    /// What an integration answers for this state and request (for adapters, see
    /// [`integration`](crate::integration)): browser page navigations get the
    /// interstitial page (when enabled), other clients a 401 JSON body; signed-in and signed-out
    /// requests (a key-loading failure included) continue to the handler.
    #[must_use]
    pub fn outcome<R: RequestView + ?Sized>(&self, request: &R) -> AuthOutcome {
        if self.location().is_some() {
            return AuthOutcome::Redirect;
        }
        match self.status {
            AuthStatus::SignedIn | AuthStatus::SignedOut => AuthOutcome::Continue,
            AuthStatus::Interstitial
                if self.config.interstitial_enabled() && is_browser_navigation(request) =>
            {
                AuthOutcome::Interstitial
            }
            AuthStatus::Interstitial | AuthStatus::Unknown => AuthOutcome::Unauthorized,
            // Every handshake state has a Location; without one the request goes on signed out.
            AuthStatus::Handshake => AuthOutcome::Continue,
        }
    }

    /// The answer an integration sends instead of calling the handler, `None` to continue:
    ///
    /// | outcome | status | headers | body |
    /// |---|---|---|---|
    /// | interstitial | `401` | `content-type: text/html; charset=utf-8`, `cache-control: no-store` | [`interstitial_html`](Self::interstitial_html) |
    /// | unauthorized | `401` | `content-type: application/json`, `www-authenticate: Bearer` | [`json_body`](Self::json_body) |
    /// | redirect (handshake protocol) | `307` | (the state's own, in [`response_headers`](Self::response_headers)) | empty |
    ///
    /// Add [`response_headers`](Self::response_headers) to it (and to every other response). Part of
    /// [`integration`](crate::integration): only adapters need it.
    #[must_use]
    pub fn answer<R: RequestView + ?Sized>(&self, request: &R) -> Option<HttpAnswer> {
        match self.outcome(request) {
            AuthOutcome::Continue => None,
            AuthOutcome::Interstitial => Some(HttpAnswer::new(
                401,
                vec![("content-type", HTML), ("cache-control", "no-store")],
                self.interstitial_html(),
            )),
            AuthOutcome::Unauthorized => Some(HttpAnswer::new(
                401,
                vec![("content-type", JSON), ("www-authenticate", "Bearer")],
                self.json_body(),
            )),
            // The Location and the rest come with the state's headers.
            AuthOutcome::Redirect => Some(HttpAnswer::new(307, Vec::new(), String::new())),
        }
    }

    /// The interstitial page for this state (auth-rules §6.1), with the state's debug data.
    #[must_use]
    pub fn interstitial_html(&self) -> String {
        let mut options = InterstitialOptions::from_config(&self.config);
        if let serde_json::Value::Object(map) = json!({
            "frontendApi": self.config.frontend_api(),
            "isSignedIn": self.is_signed_in(),
            "proxyUrl": self.config.proxy_url(),
            "isInterstitial": self.is_interstitial(),
            "reason": self.reason.map(AuthReason::as_str),
            "message": self.message,
            "publishableKey": self.config.publishable_key(),
            "isSatellite": self.config.is_satellite(),
            "domain": self.config.domain(),
        }) {
            options.debug_data = map;
        }
        load_interstitial_from_local(&options)
    }

    /// The JSON body of a 401 for API and non-browser clients: `{"status": ..., "reason": ...}`.
    #[must_use]
    pub fn json_body(&self) -> String {
        json!({
            "status": self.status.as_str(),
            "reason": self.reason.map(AuthReason::as_str),
        })
        .to_string()
    }
}

impl fmt::Debug for AuthState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthState")
            .field("status", &self.status)
            .field("reason", &self.reason)
            .field("message", &self.message)
            .field(
                "user_id",
                &self.signed_in.as_ref().map(|s| s.claims.user_id()),
            )
            .finish_non_exhaustive()
    }
}

/// Computes the authentication state of a request: Clerk's `authenticateRequest` rules, in their
/// order (docs/auth-rules.md §3).
///
/// A non-empty `Authorization` token is verified alone (cookies and `Origin` are then ignored).
/// Otherwise the cookie rules run: cross-origin requests, non-browser development requests,
/// satellite syncing, first production requests, missing `__client_uat`, cross-origin referrers,
/// a positive `__client_uat` without a session cookie, the signed-out `__client_uat=0`, and
/// finally the `__session` cookie's verification and the outdated-cookie check.
///
/// Never fails and never panics: malformed headers, cookies and URLs give the rules' outcome.
///
/// # Example
///
/// ```no_run
/// use clerk_core::{get_auth_state, ClerkConfig};
///
/// # async fn run(request: http::Request<()>) -> Result<(), Box<dyn std::error::Error>> {
/// let config = ClerkConfig::from_env()?; // build once, share everywhere
/// let state = get_auth_state(&config, &request).await;
/// if let Some(user_id) = state.to_auth().and_then(|a| a.user_id().map(str::to_owned)) {
///     println!("signed in as {user_id}");
/// }
/// # Ok(()) }
/// ```
pub async fn get_auth_state<R: RequestView + ?Sized>(
    config: &ClerkConfig,
    request: &R,
) -> AuthState {
    if let Some(settings) = config.handshake() {
        return handshake::authenticate(config, settings, request, Io::Allowed)
            .await
            .unwrap_or_else(|NeedsIo| {
                // Unreachable: the network is allowed here.
                AuthState::rule(config, AuthStatus::SignedOut, AuthReason::UnexpectedError)
            });
    }
    match plan(config, request) {
        Plan::Decided(state) => state,
        Plan::Verify { token, carrier } => {
            let verified = verify_token_shared(&token, &config.inner.verifier).await;
            conclude(config, verified, carrier)
        }
    }
}

/// [`get_auth_state`] without I/O: the state of `request` when it can be computed from what is
/// cached, `None` when it needs the network first (the instance's JWKS is not loaded yet, or lacks
/// the token's key id).
///
/// A signed-out request, a token in the verified-token cache, and a token whose key is in the
/// JWKS cache (or a local `CLERK_JWT_KEY`) all complete here, synchronously. The integrations
/// call it first and fall back to [`get_auth_state`] only on `None`, so the common request never
/// allocates a future. The result is always the one [`get_auth_state`] gives at the same moment.
///
/// ```
/// use clerk_core::{ClerkConfig, get_auth_state, try_get_auth_state};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let config = ClerkConfig::builder()
///     .secret_key("sk_test_xxx")
///     .publishable_key("pk_test_Y2xlcmsuZXhhbXBsZS5jb20k")
///     .build()?;
/// let request = http::Request::builder().uri("/").body(())?;
/// let state = match try_get_auth_state(&config, &request) {
///     Some(state) => state,
///     None => get_auth_state(&config, &request).await,
/// };
/// assert!(!state.is_signed_in());
/// # Ok(()) }
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(run()).unwrap();
/// ```
#[must_use]
pub fn try_get_auth_state<R: RequestView + ?Sized>(
    config: &ClerkConfig,
    request: &R,
) -> Option<AuthState> {
    if let Some(settings) = config.handshake() {
        // The same decision as `get_auth_state`, stopped at the first network need: with
        // `Io::Forbidden` it never awaits anything, so one poll completes it.
        let decision = pin!(handshake::authenticate(
            config,
            settings,
            request,
            Io::Forbidden
        ));
        return match decision.poll(&mut TaskContext::from_waker(Waker::noop())) {
            Poll::Ready(Ok(state)) => Some(state),
            Poll::Ready(Err(NeedsIo)) | Poll::Pending => None,
        };
    }
    match plan(config, request) {
        Plan::Decided(state) => Some(state),
        Plan::Verify { token, carrier } => match verify_token_now(&token, &config.inner.verifier) {
            Attempt::Done(verified) => Some(conclude(config, verified, carrier)),
            Attempt::NeedsKeys { .. } => None,
        },
    }
}

/// What the request rules decide before any signature is checked.
enum Plan<'a> {
    /// The state, without verifying a token.
    Decided(AuthState),
    /// The state depends on this token's verification.
    Verify {
        token: Cow<'a, str>,
        carrier: Carrier,
    },
}

/// Where the token to verify came from, and what its verdict is then checked against.
enum Carrier {
    /// The `Authorization` header.
    Header,
    /// The `__session` cookie, with the `__client_uat` cookie for the outdated-cookie check.
    Cookie {
        uat_present: bool,
        uat_value: Option<f64>,
    },
}

/// The state from a token's verification (auth-rules §3.4 and rule C10's outdated-cookie check).
fn conclude(
    config: &ClerkConfig,
    verified: Result<Arc<Verified>, TokenVerificationError>,
    carrier: Carrier,
) -> AuthState {
    match (verified, carrier) {
        (Ok(verified), Carrier::Header) => AuthState::signed_in(config, verified),
        (
            Ok(verified),
            Carrier::Cookie {
                uat_present,
                uat_value,
            },
        ) => {
            let outdated = !uat_present
                || matches!((verified.claims.issued_at(), uat_value), (Some(iat), Some(n)) if (iat as f64) < n);
            if outdated {
                AuthState::rule(config, AuthStatus::Interstitial, AuthReason::CookieOutdated)
            } else {
                AuthState::signed_in(config, verified)
            }
        }
        (Err(e), Carrier::Header) => AuthState::from_token_error(config, &e, "header"),
        (Err(e), Carrier::Cookie { .. }) => AuthState::from_token_error(config, &e, "cookie"),
    }
}

/// The request rules, in their order. Reads only the values a rule needs, when it needs them.
fn plan<'a, Q: RequestView + ?Sized>(config: &ClerkConfig, request: &'a Q) -> Plan<'a> {
    use AuthReason as R;
    use AuthStatus as S;
    let decided = |status, reason| Plan::Decided(AuthState::rule(config, status, reason));

    // A non-empty `Authorization` token is verified alone.
    if let Some(token) = header_token(request) {
        return Plan::Verify {
            token,
            carrier: Carrier::Header,
        };
    }

    let instance = config.instance_type();
    let dev = instance == Some(InstanceType::Development);
    let prod = instance == Some(InstanceType::Production);
    let browser =
        || is_browser_user_agent(header_value(request, "user-agent").as_deref().unwrap_or(""));
    let cross_origin = |url: &str| {
        let forwarded_host = header_value(request, "x-forwarded-host");
        let forwarded_proto = forwarded_proto(request);
        is_cross_origin(
            url,
            host(request).as_deref(),
            forwarded_host.as_deref(),
            forwarded_proto.as_deref(),
        )
    };
    let invalid_url = |e: crate::integration::InvalidUrl| {
        Plan::Decided(AuthState::new(
            config,
            S::SignedOut,
            R::UnexpectedError,
            e.to_string(),
        ))
    };

    // C1: a cross-origin request must carry its token in a header.
    if let Some(origin) = header_value(request, "origin") {
        match cross_origin(&origin) {
            Ok(true) => return decided(S::SignedOut, R::HeaderMissingCors),
            Ok(false) => {}
            Err(e) => return invalid_url(e),
        }
    }
    // C2
    if dev && !browser() {
        return decided(S::SignedOut, R::HeaderMissingNonBrowser);
    }
    let uat_cookie = non_empty_cookie(request, "__client_uat");
    let uat = uat_cookie.as_deref();
    let cookie = non_empty_cookie(request, "__session");
    // C3
    let uat_signed_out = uat.is_none_or(|u| u == "0");
    if config.is_satellite() && uat_signed_out {
        if !browser() {
            return decided(S::SignedOut, R::SatelliteNeedsSyncing);
        }
        if !clerk_synced(request.uri_query()) {
            return decided(S::Interstitial, R::SatelliteNeedsSyncing);
        }
    }
    // C4
    if dev && !config.is_satellite() && clerk_satellite_url(request.uri_query()).is_some() {
        return decided(S::Interstitial, R::PrimaryRespondsToSyncing);
    }
    // C5
    if prod && uat.is_none() && cookie.is_none() {
        return decided(S::SignedOut, R::CookieAndUatMissing);
    }
    // C6
    if dev && uat.is_none() {
        return decided(S::Interstitial, R::UatMissing);
    }
    // C7: evaluated whenever a referrer is present, whatever the key type.
    if let Some(referrer) = header_value(request, "referer") {
        match cross_origin(&referrer) {
            Ok(true) if dev => return decided(S::Interstitial, R::CrossOriginReferrer),
            Ok(_) => {}
            Err(e) => return invalid_url(e),
        }
    }
    // C8
    let uat_value = uat.and_then(js_parse_int);
    if uat_value.is_some_and(|n| n > 0.0) && cookie.is_none() {
        return decided(S::Interstitial, R::CookieMissing);
    }
    // C9
    if uat == Some("0") {
        return decided(S::SignedOut, R::StandardSignedOut);
    }
    // C10: verify the cookie (even an absent one), then the outdated check.
    Plan::Verify {
        token: cookie.unwrap_or(Cow::Borrowed("")),
        carrier: Carrier::Cookie {
            uat_present: uat.is_some(),
            uat_value,
        },
    }
}
