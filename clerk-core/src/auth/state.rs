//! [`get_auth_state`]: the authentication state of a request (Clerk's `authenticateRequest`).

use std::borrow::Cow;
use std::fmt;

use serde_json::json;

use super::origin::{is_browser_user_agent, is_cross_origin, js_parse_int};
use super::reason::{AuthReason, AuthStatus};
use super::request::{RequestValues, RequestView, header_token};
use super::response::{HTML, HttpAnswer, JSON, auth_header_pairs, is_browser_navigation};
use super::session::Auth;
use crate::config::ClerkConfig;
use crate::interstitial::{InterstitialOptions, load_interstitial_from_local};
use crate::jwt::{
    SessionClaims, TokenVerificationError, TokenVerificationErrorReason as TokenReason,
    verify_token,
};
use crate::keys::InstanceType;

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
    signed_in: Option<(SessionClaims, String)>,
    config: ClerkConfig,
}

/// What an integration answers for an [`AuthState`] (see [`AuthState::outcome`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthOutcome {
    /// Signed in or signed out: the request goes on to the handler, which decides.
    Continue,
    /// `401` with `content-type: text/html` and [`AuthState::interstitial_html`]: a browser page
    /// navigation that must run Clerk's script first.
    Interstitial,
    /// `401` with the small JSON body of [`AuthState::json_body`]: an interstitial or unknown state
    /// for an API or non-browser client, which never gets HTML.
    Unauthorized,
    /// `503`: the signing keys could not be loaded and no usable cached key existed.
    ServiceUnavailable,
}

impl AuthOutcome {
    /// The HTTP status code of the answer (`None` for [`Continue`](Self::Continue)).
    #[must_use]
    pub fn status_code(self) -> Option<u16> {
        match self {
            Self::Continue => None,
            Self::Interstitial | Self::Unauthorized => Some(401),
            Self::ServiceUnavailable => Some(503),
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
        }
    }

    fn signed_in(config: &ClerkConfig, claims: SessionClaims, token: String) -> Self {
        Self {
            status: AuthStatus::SignedIn,
            reason: None,
            message: None,
            key_fetch_failure: false,
            signed_in: Some((claims, token)),
            config: config.clone(),
        }
    }

    fn rule(config: &ClerkConfig, status: AuthStatus, reason: AuthReason) -> Self {
        Self::new(config, status, reason, String::new())
    }

    /// Spec §2.5: a token error becomes a state, with the carrier in the message.
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

    /// Whether the signing keys could not be loaded (integrations answer `503`).
    #[must_use]
    pub fn is_key_fetch_failure(&self) -> bool {
        self.key_fetch_failure
    }

    /// The auth object: signed in, signed out (every field `None`), or `None` for the interstitial
    /// and unknown states.
    #[must_use]
    pub fn to_auth(&self) -> Option<Auth> {
        match (self.status, &self.signed_in) {
            (AuthStatus::SignedIn, Some((claims, token))) => Some(Auth::signed_in(
                self.config.clone(),
                claims.clone(),
                token.clone(),
            )),
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

    /// The observability headers `x-clerk-auth-status`, `x-clerk-auth-reason` and
    /// `x-clerk-auth-message`, their values URI-encoded; reason and message only when non-empty.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, Cow<'_, str>)> {
        auth_header_pairs(
            self.status.as_str(),
            self.reason.map(AuthReason::as_str),
            self.message.as_deref(),
        )
    }

    /// What an integration answers for this state and request: browser page navigations get the
    /// interstitial page (when enabled), other clients a 401 JSON body; a key-loading failure is a
    /// 503; signed-in and signed-out requests continue to the handler.
    #[must_use]
    pub fn outcome<R: RequestView + ?Sized>(&self, request: &R) -> AuthOutcome {
        if self.key_fetch_failure {
            return AuthOutcome::ServiceUnavailable;
        }
        match self.status {
            AuthStatus::SignedIn | AuthStatus::SignedOut => AuthOutcome::Continue,
            AuthStatus::Interstitial
                if self.config.interstitial_enabled() && is_browser_navigation(request) =>
            {
                AuthOutcome::Interstitial
            }
            AuthStatus::Interstitial | AuthStatus::Unknown => AuthOutcome::Unauthorized,
        }
    }

    /// The answer an integration sends instead of calling the handler, `None` to continue:
    ///
    /// | outcome | status | headers | body |
    /// |---|---|---|---|
    /// | interstitial | `401` | `content-type: text/html; charset=utf-8`, `cache-control: no-store` | [`interstitial_html`](Self::interstitial_html) |
    /// | unauthorized | `401` | `content-type: application/json`, `www-authenticate: Bearer` | [`json_body`](Self::json_body) |
    /// | service unavailable | `503` | `content-type: application/json`, `retry-after: 5` | [`json_body`](Self::json_body) |
    ///
    /// Add [`headers`](Self::headers) to it (and to every other response).
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
            AuthOutcome::ServiceUnavailable => Some(HttpAnswer::new(
                503,
                vec![("content-type", JSON), ("retry-after", "5")],
                self.json_body(),
            )),
        }
    }

    /// The interstitial page for this state (spec §5.1), with the state's debug data.
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
                &self.signed_in.as_ref().map(|(c, _)| c.user_id()),
            )
            .finish_non_exhaustive()
    }
}

/// Computes the authentication state of a request: Clerk's `authenticateRequest` rules, in their
/// order (spec `auth-state.md` §2).
///
/// A non-empty `Authorization` token is verified alone (cookies and `Origin` are then ignored).
/// Otherwise the cookie rules run: cross-origin requests, non-browser development requests,
/// satellite syncing, first production requests, missing `__client_uat`, cross-origin referrers,
/// a positive `__client_uat` without a session cookie, the signed-out `__client_uat=0`, and
/// finally the `__session` cookie's verification and the outdated-cookie check.
///
/// Never fails and never panics: malformed headers, cookies and URLs give the spec's outcome.
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
    if let Some(token) = header_token(request) {
        return match verify_token(&token, &config.inner.verifier).await {
            Ok(claims) => AuthState::signed_in(config, claims, token.into_owned()),
            Err(e) => AuthState::from_token_error(config, &e, "header"),
        };
    }
    cookie_path(config, &RequestValues::from_request(request)).await
}

async fn cookie_path(config: &ClerkConfig, v: &RequestValues<'_>) -> AuthState {
    use AuthReason as R;
    use AuthStatus as S;

    let instance = config.instance_type();
    let dev = instance == Some(InstanceType::Development);
    let prod = instance == Some(InstanceType::Production);
    let uat = v.client_uat.as_deref();
    let cookie = v.session_cookie.as_deref();
    let browser = is_browser_user_agent(v.user_agent.as_deref().unwrap_or(""));
    let cross_origin = |url: &str| {
        is_cross_origin(
            url,
            v.host.as_deref(),
            v.forwarded_host.as_deref(),
            v.forwarded_proto.as_deref(),
        )
    };
    let invalid_url = |e: crate::InvalidUrl| {
        AuthState::new(config, S::SignedOut, R::UnexpectedError, e.to_string())
    };

    // C1: a cross-origin request must carry its token in a header.
    if let Some(origin) = v.origin.as_deref() {
        match cross_origin(origin) {
            Ok(true) => return AuthState::rule(config, S::SignedOut, R::HeaderMissingCors),
            Ok(false) => {}
            Err(e) => return invalid_url(e),
        }
    }
    // C2
    if dev && !browser {
        return AuthState::rule(config, S::SignedOut, R::HeaderMissingNonBrowser);
    }
    // C3
    let uat_signed_out = uat.is_none_or(|u| u == "0");
    if config.is_satellite() && uat_signed_out {
        if !browser {
            return AuthState::rule(config, S::SignedOut, R::SatelliteNeedsSyncing);
        }
        if !v.clerk_synced {
            return AuthState::rule(config, S::Interstitial, R::SatelliteNeedsSyncing);
        }
    }
    // C4
    if dev && !config.is_satellite() && v.clerk_satellite_url.is_some() {
        return AuthState::rule(config, S::Interstitial, R::PrimaryRespondsToSyncing);
    }
    // C5
    if prod && uat.is_none() && cookie.is_none() {
        return AuthState::rule(config, S::SignedOut, R::CookieAndUatMissing);
    }
    // C6
    if dev && uat.is_none() {
        return AuthState::rule(config, S::Interstitial, R::UatMissing);
    }
    // C7: evaluated whenever a referrer is present, whatever the key type.
    if let Some(referrer) = v.referrer.as_deref() {
        match cross_origin(referrer) {
            Ok(true) if dev => {
                return AuthState::rule(config, S::Interstitial, R::CrossOriginReferrer);
            }
            Ok(_) => {}
            Err(e) => return invalid_url(e),
        }
    }
    // C8
    let uat_value = uat.and_then(js_parse_int);
    if uat_value.is_some_and(|n| n > 0.0) && cookie.is_none() {
        return AuthState::rule(config, S::Interstitial, R::CookieMissing);
    }
    // C9
    if uat == Some("0") {
        return AuthState::rule(config, S::SignedOut, R::StandardSignedOut);
    }
    // C10: verify the cookie (even an absent one), then the outdated check.
    let token = cookie.unwrap_or("");
    match verify_token(token, &config.inner.verifier).await {
        Ok(claims) => {
            let outdated = uat.is_none()
                || matches!((claims.issued_at(), uat_value), (Some(iat), Some(n)) if (iat as f64) < n);
            if outdated {
                AuthState::rule(config, S::Interstitial, R::CookieOutdated)
            } else {
                AuthState::signed_in(config, claims, token.to_owned())
            }
        }
        Err(e) => AuthState::from_token_error(config, &e, "cookie"),
    }
}
