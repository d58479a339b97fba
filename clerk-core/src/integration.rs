//! For integration authors: what only framework adapters (clerk-axum, clerk-actix, clerk-rocket,
//! or your own) need.
//!
//! An adapter computes a request's [`AuthState`] once ([`get_auth_state`](crate::get_auth_state)
//! over its [`RequestView`] of the request), answers the outcomes the handler must not see
//! ([`AuthState::answer`]), stores a [`RequestAuth`] for its extractors or guards, and adds
//! [`response_headers`] to every response. The extractors then ask the stored [`RequestAuth`]
//! for a decision ([`RequestAuth::signed_in`], [`RequestAuth::satisfies`]) and translate the
//! [`Rejection`] into their framework's response: the rule is decided here, once.
//!
//! ```
//! use clerk_core::integration::{Rejection, RequestAuth};
//! use clerk_core::{ClerkConfig, SignedIn, get_auth_state};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let config = ClerkConfig::builder()
//!     .secret_key("sk_live_xxx")
//!     .publishable_key("pk_live_Y2xlcmsuZXhhbXBsZS5jb20k")
//!     .build()?;
//! let request = http::Request::get("https://example.com/me").body(())?;
//! let state = get_auth_state(&config, &request).await;
//! assert!(state.answer(&request).is_none()); // signed out: the request goes on
//! let stored = RequestAuth::new(&state);
//! let rejection = stored.satisfies::<SignedIn>().unwrap_err();
//! assert_eq!(rejection.status(), 401);
//! assert_eq!(rejection.reason(), Some("session-token-and-uat-missing"));
//! rejection.log(); // the same tracing event in every framework
//! let answer = rejection.answer();
//! assert_eq!(answer.headers()[1], ("www-authenticate", "Bearer"));
//! # Ok(()) }
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(run()).unwrap();
//! ```

use std::borrow::Cow;
use std::fmt;

pub use crate::auth::cookies::{cookie_pairs, get_cookie, get_cookie_from_fields};
pub use crate::auth::origin::{InvalidUrl, is_browser_user_agent, is_cross_origin, js_parse_int};
pub use crate::auth::request::{RequestValues, RequestView, header_value, request_cookie};
pub use crate::auth::response::{
    AUTH_MESSAGE_HEADER, AUTH_REASON_HEADER, AUTH_STATUS_HEADER, HttpAnswer, MAX_AUTH_MESSAGE_LEN,
    auth_header_pairs, encode_auth_message, encode_uri_component, forbidden_answer, is_api_request,
    is_browser_navigation, missing_setup_answer, unauthenticated_answer, unavailable_answer,
};
pub use crate::auth::state::AuthOutcome;
pub use crate::authz::{evaluate_policy, has_permission, has_role};
pub use crate::config::ConfigId;
pub use crate::webhooks::reception::{WebhookRejection, receive_webhook};

use crate::auth::reason::{AuthReason, AuthStatus};
use crate::auth::session::Auth;
use crate::auth::state::AuthState;
use crate::authz::{Policy, PolicyDenial};
use crate::check::Reverification;
use crate::config::ClerkConfig;
use crate::machine::{MACHINE_TOKEN_TYPES, MachineToken, TokenType};

/// What an adapter stores on a request that goes on to its handler (request extensions, Rocket's
/// `local_cache`), for its extractors and guards: the auth object, the reason, whether the
/// signing keys could not be loaded, and the configuration that computed it.
///
/// Cheap to clone.
#[derive(Clone)]
pub struct RequestAuth {
    auth: Option<Auth>,
    reason: Option<AuthReason>,
    key_fetch_failure: bool,
    config: ConfigId,
    verified: VerifiedTypes,
}

/// The token types a configuration verifies (one bit per [`TokenType`]): a route's policy may
/// only accept those.
#[derive(Clone, Copy, PartialEq, Eq)]
struct VerifiedTypes(u8);

impl VerifiedTypes {
    fn of(config: &ClerkConfig) -> Self {
        let accepts = config.accepts_token();
        let all = [TokenType::SessionToken]
            .into_iter()
            .chain(MACHINE_TOKEN_TYPES);
        Self(
            all.filter(|t| accepts.accepts(*t))
                .fold(0, |set, t| set | Self::bit(t)),
        )
    }

    fn bit(token_type: TokenType) -> u8 {
        match token_type {
            TokenType::SessionToken => 1,
            TokenType::ApiKey => 2,
            TokenType::M2mToken => 4,
            TokenType::OauthToken => 8,
        }
    }

    fn contains_all(self, types: &[TokenType]) -> bool {
        types.iter().all(|t| self.0 & Self::bit(*t) != 0)
    }
}

/// What a `500` says when a route's policy accepts a token type its configuration does not
/// verify: such a route could never admit that caller, so it fails loudly instead.
pub const UNVERIFIED_TOKEN_TYPE_FIX: &str = "This route accepts a token type that the Clerk \
     configuration does not verify. Accept it in the configuration: \
     `ClerkConfigBuilder::accepts_token(AcceptsToken::Any)` or a list of the types (machine tokens \
     need the handshake protocol).";

impl RequestAuth {
    /// The stored form of `state`.
    #[must_use]
    pub fn new(state: &AuthState) -> Self {
        Self {
            auth: state.to_auth(),
            reason: state.reason(),
            key_fetch_failure: state.is_key_fetch_failure(),
            config: state.config().id(),
            verified: VerifiedTypes::of(state.config()),
        }
    }

    /// Whether `config` computed this state. A nested layer or middleware reuses a stored state
    /// only when it is its own: one with another configuration never vouches for it.
    #[must_use]
    pub fn is_computed_with(&self, config: &ClerkConfig) -> bool {
        self.config == config.id()
    }

    /// The identity of the configuration that computed this state.
    #[must_use]
    pub fn config_id(&self) -> ConfigId {
        self.config
    }

    /// The auth object: signed in, signed out (every field `None`), or `None` for a state that
    /// never reaches a handler (interstitial, unknown).
    #[must_use]
    pub fn auth(&self) -> Option<&Auth> {
        self.auth.as_ref()
    }

    /// Why the request is not signed in (`None` when signed in).
    #[must_use]
    pub fn reason(&self) -> Option<AuthReason> {
        self.reason
    }

    /// Whether the signing keys could not be loaded: the request is signed out, and a route
    /// requiring authentication answers `503` rather than `401`.
    #[must_use]
    pub fn is_key_fetch_failure(&self) -> bool {
        self.key_fetch_failure
    }

    /// The signed-in auth object, or `None` (what `Option<ClerkUser>` gives: never a rejection).
    #[must_use]
    pub fn user(&self) -> Option<Auth> {
        self.auth.as_ref().filter(|a| a.is_signed_in()).cloned()
    }

    /// The decision for a route requiring a signed-in user: the auth object, or
    /// [`Rejection::Unavailable`] (`503`) when the signing keys could not be loaded, else
    /// [`Rejection::Unauthenticated`] (`401`) with the reason.
    ///
    /// # Errors
    ///
    /// The rejection when the request is not signed in.
    pub fn signed_in(&self) -> Result<Auth, Rejection> {
        match self.user() {
            Some(auth) => Ok(auth),
            None if self.key_fetch_failure => Err(Rejection::Unavailable {
                reason: self.reason,
            }),
            None => Err(Rejection::Unauthenticated {
                reason: self.reason,
            }),
        }
    }

    /// The decision for a route served to machines (handshake protocol): the verified machine
    /// token when it is of an `accepted` type, else [`Rejection::Unauthenticated`] (`401`) with
    /// the state's reason when the request carried a token of an accepted type that failed
    /// (`token-invalid`, `secret-key-invalid`, …) and `token-type-mismatch` otherwise (no token,
    /// a session, another machine type) — as Clerk's `acceptsToken` with that list.
    ///
    /// # Errors
    ///
    /// The rejection when the request is not a verified machine token of an accepted type.
    pub fn machine(&self, accepted: &[TokenType]) -> Result<MachineToken, Rejection> {
        let auth = self.auth.as_ref();
        if let Some(machine) = auth.and_then(Auth::machine)
            && accepted.contains(&machine.token_type())
        {
            return Ok(machine.clone());
        }
        let type_accepted = auth
            .and_then(Auth::token_type)
            .is_some_and(|t| t != TokenType::SessionToken && accepted.contains(&t));
        let reason = if type_accepted {
            self.reason
        } else {
            Some(AuthReason::TokenTypeMismatch)
        };
        Err(Rejection::Unauthenticated { reason })
    }

    /// The decision for a route served to users and machines alike: a verified machine token
    /// (any machine type), else the signed-in user, else [`signed_in`](Self::signed_in)'s
    /// rejection (`401` with the state's reason, `503` when the signing keys could not be
    /// loaded).
    ///
    /// # Errors
    ///
    /// The rejection when the request is neither a signed-in user nor a verified machine token.
    pub fn caller(&self) -> Result<Caller, Rejection> {
        if let Ok(machine) = self.machine(&MACHINE_TOKEN_TYPES) {
            return Ok(Caller::Machine(machine));
        }
        self.signed_in().map(Caller::User)
    }

    /// The decision for a route requiring the policy `P` (the one decision of
    /// `#[clerk_protected]` in every framework), for users and machines alike:
    ///
    /// 1. [`Rejection::MissingSetup`] (`500`, [`UNVERIFIED_TOKEN_TYPE_FIX`]) when `P` accepts a
    ///    token type ([`Policy::tokens`]) the configuration does not verify;
    /// 2. a verified machine token: `401` `token-type-mismatch` when `P` does not accept its
    ///    type, else [`Policy::decide_machine`] (`403` when a scope is missing or `P` asks what
    ///    only users have);
    /// 3. a user or no token, when `P` accepts session tokens: [`signed_in`](Self::signed_in),
    ///    then [`Policy::decide`]: [`Rejection::Forbidden`] (`403`) when a role, permission,
    ///    feature or plan is missing, [`Rejection::Reverification`] (`403` with Clerk's
    ///    reverification hint) when only the factors' freshness is lacking;
    /// 4. otherwise [`machine`](Self::machine)'s rejection (`401`, the failed token's reason or
    ///    `token-type-mismatch`).
    ///
    /// # Errors
    ///
    /// The rejection, as above.
    pub fn authorize<P: Policy>(&self) -> Result<Caller, Rejection> {
        let accepted = P::tokens();
        if !self.verified.contains_all(accepted) {
            return Err(Rejection::MissingSetup {
                fix: UNVERIFIED_TOKEN_TYPE_FIX,
            });
        }
        let policy = std::any::type_name::<P>();
        let auth = self.auth.as_ref();
        if let Some(machine) = auth.and_then(Auth::machine) {
            if !accepted.contains(&machine.token_type()) {
                return Err(Rejection::Unauthenticated {
                    reason: Some(AuthReason::TokenTypeMismatch),
                });
            }
            return match P::decide_machine(machine) {
                Ok(()) => Ok(Caller::Machine(machine.clone())),
                Err(_) => Err(Rejection::Forbidden { policy }),
            };
        }
        let presented_machine = auth
            .and_then(Auth::token_type)
            .is_some_and(|t| t != TokenType::SessionToken);
        if accepted.contains(&TokenType::SessionToken) && !presented_machine {
            let auth = self.signed_in()?;
            return match P::decide(&auth) {
                Ok(()) => Ok(Caller::User(auth)),
                Err(PolicyDenial::Forbidden) => Err(Rejection::Forbidden { policy }),
                Err(PolicyDenial::Reverification(level)) => {
                    Err(Rejection::Reverification { policy, level })
                }
            };
        }
        self.machine(accepted).map(Caller::Machine)
    }

    /// The decision for a route requiring the policy `P` of a signed-in user (what
    /// `Protected<P>` asks): [`authorize`](Self::authorize), and `401` `token-type-mismatch`
    /// for a machine caller.
    ///
    /// # Errors
    ///
    /// The rejection when the request is not a signed-in user satisfying `P`.
    pub fn satisfies<P: Policy>(&self) -> Result<Auth, Rejection> {
        match self.authorize::<P>()? {
            Caller::User(auth) => Ok(auth),
            Caller::Machine(_) => Err(Rejection::Unauthenticated {
                reason: Some(AuthReason::TokenTypeMismatch),
            }),
        }
    }
}

impl fmt::Debug for RequestAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestAuth")
            .field("auth", &self.auth)
            .field("reason", &self.reason)
            .field("key_fetch_failure", &self.key_fetch_failure)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// Who made a request: a signed-in user or a machine (what [`RequestAuth::caller`] decides).
#[derive(Clone, Debug)]
pub enum Caller {
    /// A signed-in user's session.
    User(Auth),
    /// A verified machine token (API key, M2M token, OAuth access token).
    Machine(MachineToken),
}

/// Why an extractor or guard refused a request, and the answer it becomes. Each integration wraps
/// it in its `ClerkRejection`, which implements the framework's response trait.
///
/// | variant | status | headers | body |
/// |---|---|---|---|
/// | [`Unauthenticated`](Self::Unauthenticated) | `401` | `www-authenticate: Bearer` | `{"error":"unauthenticated","reason":<reason or null>}` |
/// | [`Unavailable`](Self::Unavailable) | `503` | `retry-after: 5` | `{"status":"signed-out","reason":<reason>}` |
/// | [`Forbidden`](Self::Forbidden) | `403` | | `{"error":"forbidden"}` |
/// | [`Reverification`](Self::Reverification) | `403` | | `{"clerk_error":{"type":"forbidden","reason":"reverification-error","metadata":{"reverification":{"level":<level>,"afterMinutes":<minutes>}}}}` ([`reverification_answer`]) |
/// | [`MissingSetup`](Self::MissingSetup) | `500` | | `{"error":"clerk_not_configured","message":<fix>}` |
///
/// Every body is `application/json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// The request is not signed in.
    Unauthenticated {
        /// Clerk's reason, e.g. `token-expired`; `None` when there is none.
        reason: Option<AuthReason>,
    },
    /// The instance's signing keys could not be loaded (the JWKS endpoint is down, answers an
    /// error or an empty key set), so whether the request is signed in is not known.
    Unavailable {
        /// The key-loading failure's reason, e.g. `jwk-remote-failed-to-load`.
        reason: Option<AuthReason>,
    },
    /// Signed in, but the session does not satisfy the route's policy.
    Forbidden {
        /// The policy's type name (logged, never sent).
        policy: &'static str,
    },
    /// Signed in with every role, permission, feature and plan the route's policy asks, but the
    /// factors were not verified recently enough for its reverification level (or the token
    /// carries no `fva`). The answer is Clerk's reverification hint, which clerk-js's
    /// `useReverification()` reads to ask the user to verify again and retry.
    Reverification {
        /// The policy's type name (logged, never sent).
        policy: &'static str,
        /// The level the route asks (sent in the body).
        level: Reverification,
    },
    /// The integration does not run in front of this route, or its configuration cannot serve
    /// the route (it does not verify a token type the route's policy accepts).
    MissingSetup {
        /// What to add, in the framework's words (sent in the body).
        fix: &'static str,
    },
}

impl Rejection {
    /// The missing-setup rejection naming `fix`.
    #[must_use]
    pub fn missing_setup(fix: &'static str) -> Self {
        Self::MissingSetup { fix }
    }

    /// The HTTP status code: `401`, `503`, `403` or `500`.
    #[must_use]
    pub fn status(&self) -> u16 {
        match self {
            Self::Unauthenticated { .. } => 401,
            Self::Unavailable { .. } => 503,
            Self::Forbidden { .. } | Self::Reverification { .. } => 403,
            Self::MissingSetup { .. } => 500,
        }
    }

    /// Clerk's reason code of a `401` or `503`, such as `token-expired`; `None` otherwise.
    #[must_use]
    pub fn reason(&self) -> Option<&'static str> {
        match self {
            Self::Unauthenticated { reason } | Self::Unavailable { reason } => {
                reason.map(AuthReason::as_str)
            }
            Self::Forbidden { .. } | Self::Reverification { .. } | Self::MissingSetup { .. } => {
                None
            }
        }
    }

    /// The complete answer (status, headers, body); integrations add the `x-clerk-auth-*`
    /// headers of the request's state where they have it.
    #[must_use]
    pub fn answer(&self) -> HttpAnswer {
        match self {
            Self::Unauthenticated { .. } => unauthenticated_answer(self.reason()),
            Self::Unavailable { .. } => {
                unavailable_answer(AuthStatus::SignedOut.as_str(), self.reason())
            }
            Self::Forbidden { .. } => forbidden_answer(),
            Self::Reverification { level, .. } => reverification_answer(*level),
            Self::MissingSetup { fix } => missing_setup_answer(fix),
        }
    }

    /// Emits this rejection's `tracing` event, the same in every framework: `debug` for `401`
    /// and `403`, `warn` for `503`, `error` for `500`, with the status and the reason or policy.
    /// Never token contents.
    pub fn log(&self) {
        let status = self.status();
        let reason = self.reason();
        match self {
            Self::Unauthenticated { .. } => {
                tracing::debug!(status, reason, "clerk: rejected, not signed in");
            }
            Self::Unavailable { .. } => tracing::warn!(
                status,
                reason,
                "clerk: rejected, the instance's signing keys cannot be loaded"
            ),
            Self::Forbidden { policy } => tracing::debug!(
                status,
                policy,
                "clerk: rejected, the session does not satisfy the policy"
            ),
            Self::Reverification { policy, level } => tracing::debug!(
                status,
                policy,
                level = level.name().unwrap_or("custom"),
                after_minutes = level.after_minutes(),
                "clerk: rejected, the session needs reverification"
            ),
            Self::MissingSetup { fix } => tracing::error!(status, "clerk: rejected: {fix}"),
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self, self.reason()) {
            (Self::Unauthenticated { .. }, Some(reason)) => write!(f, "not signed in ({reason})"),
            (Self::Unauthenticated { .. }, None) => f.write_str("not signed in"),
            (Self::Unavailable { .. }, Some(reason)) => {
                write!(f, "Clerk's signing keys cannot be loaded ({reason})")
            }
            (Self::Unavailable { .. }, None) => {
                f.write_str("Clerk's signing keys cannot be loaded")
            }
            (Self::Forbidden { .. }, _) => f.write_str("forbidden by the route's policy"),
            (Self::Reverification { level, .. }, _) => write!(
                f,
                "the route's policy needs the factors verified within {} minutes (reverification)",
                level.after_minutes()
            ),
            (Self::MissingSetup { fix }, _) => f.write_str(fix),
        }
    }
}

impl std::error::Error for Rejection {}

/// `403` for a signed-in session whose factors were not verified recently enough for `level`:
/// Clerk's reverification hint (`reverificationError` of `@clerk/shared`), with the level as its
/// `{level, afterMinutes}` object, `application/json`, no `www-authenticate`. clerk-js's
/// `useReverification()` recognises it (`clerk_error.type` `forbidden`, `clerk_error.reason`
/// `reverification-error`), asks the user to verify again at `metadata.reverification`'s level
/// and retries the request.
///
/// ```
/// use clerk_core::Reverification;
///
/// let answer = clerk_core::integration::reverification_answer(Reverification::Strict);
/// assert_eq!(answer.status(), 403);
/// assert_eq!(
///     answer.body(),
///     r#"{"clerk_error":{"type":"forbidden","reason":"reverification-error","metadata":{"reverification":{"level":"second_factor","afterMinutes":10}}}}"#
/// );
/// ```
#[must_use]
pub fn reverification_answer(level: Reverification) -> HttpAnswer {
    let factors = level.factor_level().as_str();
    let minutes = level.after_minutes();
    HttpAnswer::new(
        403,
        vec![("content-type", "application/json")],
        format!(
            r#"{{"clerk_error":{{"type":"forbidden","reason":"reverification-error","metadata":{{"reverification":{{"level":"{factors}","afterMinutes":{minutes}}}}}}}}}"#
        ),
    )
}

/// Emits the `tracing` event of an answer an adapter sends instead of calling the handler
/// ([`AuthState::answer`]), the same in every framework: status and reason, never token
/// contents.
pub fn log_answer(state: &AuthState, answer: &HttpAnswer) {
    tracing::debug!(
        status = answer.status(),
        auth_status = state.status().as_str(),
        reason = state.reason().map(AuthReason::as_str),
        "clerk: answered by the integration, the request needs a fresh session"
    );
}

/// The `x-clerk-auth-*` headers of `state` for its response: `(name, value)`, the value
/// URI-encoded. The status and reason codes are `Cow::Borrowed` static strings (a framework can
/// use them without allocating), the message `Cow::Owned`.
///
/// ```
/// use std::borrow::Cow;
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let config = clerk_core::ClerkConfig::builder()
///     .secret_key("sk_live_xxx")
///     .publishable_key("pk_live_Y2xlcmsuZXhhbXBsZS5jb20k")
///     .build()?;
/// let request = http::Request::get("https://example.com/").body(())?;
/// let state = clerk_core::get_auth_state(&config, &request).await;
/// let headers: Vec<_> = clerk_core::integration::response_headers(&state).collect();
/// assert_eq!(headers[0], ("x-clerk-auth-status", Cow::Borrowed("signed-out")));
/// # Ok(()) }
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(run()).unwrap();
/// ```
pub fn response_headers(
    state: &AuthState,
) -> impl Iterator<Item = (&'static str, Cow<'static, str>)> {
    let code = |name: &'static str, code: &'static str| match encode_uri_component(code) {
        Cow::Borrowed(_) => (name, Cow::Borrowed(code)),
        Cow::Owned(encoded) => (name, Cow::Owned(encoded)),
    };
    let handshake = state.config().protocol() == crate::AuthProtocol::Handshake;
    // The handshake protocol: raw values, and none on a signed-in state.
    let debug = !handshake || !state.is_signed_in();
    let status = debug.then(|| {
        if handshake {
            (AUTH_STATUS_HEADER, Cow::Borrowed(state.status().as_str()))
        } else {
            code(AUTH_STATUS_HEADER, state.status().as_str())
        }
    });
    let reason = state
        .reason()
        .map(AuthReason::as_str)
        .filter(|r| debug && !r.is_empty())
        .map(|r| {
            if handshake {
                (AUTH_REASON_HEADER, Cow::Borrowed(r))
            } else {
                code(AUTH_REASON_HEADER, r)
            }
        });
    let message = state
        .message()
        .filter(|m| debug && !m.is_empty())
        .and_then(|m| {
            if handshake {
                raw_message(m).map(|m| (AUTH_MESSAGE_HEADER, Cow::Owned(m.to_owned())))
            } else {
                Some((
                    AUTH_MESSAGE_HEADER,
                    Cow::Owned(encode_auth_message(m).into_owned()),
                ))
            }
        });
    let own: Vec<(&'static str, Cow<'static, str>)> = state
        .own_headers()
        .iter()
        .map(|(name, value)| (*name, Cow::Owned(value.clone())))
        .collect();
    status.into_iter().chain(reason).chain(message).chain(own)
}

/// The handshake protocol's `x-clerk-auth-message`: the text itself, cut to
/// [`MAX_AUTH_MESSAGE_LEN`] bytes; `None` when it holds anything but printable ASCII (Clerk's
/// runtime drops such a header too).
fn raw_message(message: &str) -> Option<&str> {
    if !message.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return None;
    }
    Some(&message[..message.len().min(MAX_AUTH_MESSAGE_LEN)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SignedIn;

    #[test]
    fn answers_and_display() {
        let r = Rejection::Unauthenticated { reason: None };
        assert_eq!((r.status(), r.reason()), (401, None));
        assert_eq!(r.to_string(), "not signed in");
        assert_eq!(
            r.answer().body(),
            r#"{"error":"unauthenticated","reason":null}"#
        );
        let r = Rejection::Unauthenticated {
            reason: Some(AuthReason::CookieAndUatMissing),
        };
        assert_eq!(r.to_string(), "not signed in (cookie-and-uat-missing)");
        assert_eq!(r.reason(), Some("cookie-and-uat-missing"));
        let r = Rejection::Forbidden { policy: "P" };
        assert_eq!((r.status(), r.reason()), (403, None));
        assert_eq!(r.answer().body(), r#"{"error":"forbidden"}"#);
        assert_eq!(r.to_string(), "forbidden by the route's policy");
        let r = Rejection::missing_setup("add it");
        assert_eq!((r.status(), r.to_string().as_str()), (500, "add it"));
        let r = Rejection::Unavailable {
            reason: Some(AuthReason::Token(
                crate::TokenVerificationErrorReason::JwkRemoteFailedToLoad,
            )),
        };
        let answer = r.answer();
        assert_eq!(answer.status(), 503);
        assert_eq!(
            answer.headers(),
            &[("content-type", "application/json"), ("retry-after", "5")]
        );
        let body: serde_json::Value = serde_json::from_str(answer.body()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"status": "signed-out", "reason": "jwk-remote-failed-to-load"})
        );
        assert_eq!(
            r.to_string(),
            "Clerk's signing keys cannot be loaded (jwk-remote-failed-to-load)"
        );
    }

    #[test]
    fn reverification_answers_carry_the_level() {
        let body = |level| {
            let r = Rejection::Reverification { policy: "P", level };
            assert_eq!((r.status(), r.reason()), (403, None));
            let answer = r.answer();
            assert_eq!(answer.headers(), &[("content-type", "application/json")]);
            answer.body().to_owned()
        };
        let hint = |config: &str| {
            format!(
                r#"{{"clerk_error":{{"type":"forbidden","reason":"reverification-error","metadata":{{"reverification":{config}}}}}}}"#
            )
        };
        assert_eq!(
            body(Reverification::Strict),
            hint(r#"{"level":"second_factor","afterMinutes":10}"#)
        );
        assert_eq!(
            body(Reverification::StrictMfa),
            hint(r#"{"level":"multi_factor","afterMinutes":10}"#)
        );
        assert_eq!(
            body(Reverification::Moderate),
            hint(r#"{"level":"second_factor","afterMinutes":60}"#)
        );
        assert_eq!(
            body(Reverification::Lax),
            hint(r#"{"level":"second_factor","afterMinutes":1440}"#)
        );
        let custom = Reverification::Custom {
            level: crate::FactorLevel::FirstFactor,
            after_minutes: 5,
        };
        assert_eq!(
            body(custom),
            hint(r#"{"level":"first_factor","afterMinutes":5}"#)
        );
        let json: serde_json::Value = serde_json::from_str(&body(Reverification::Lax)).unwrap();
        assert_eq!(
            json["clerk_error"]["metadata"]["reverification"]["afterMinutes"],
            1440
        );
        let r = Rejection::Reverification {
            policy: "P",
            level: Reverification::Strict,
        };
        assert_eq!(
            r.to_string(),
            "the route's policy needs the factors verified within 10 minutes (reverification)"
        );
    }

    #[tokio::test]
    async fn signed_out_is_401() {
        let config = ClerkConfig::builder()
            .secret_key("sk_live_x")
            .publishable_key("pk_live_Y2xlcmsuZXhhbXBsZS5jb20k")
            .build()
            .unwrap();
        let request = http::Request::get("https://example.com/").body(()).unwrap();
        let state = crate::get_auth_state(&config, &request).await;
        let stored = RequestAuth::new(&state);
        assert!(stored.is_computed_with(&config));
        let other = ClerkConfig::builder()
            .secret_key("sk_live_x")
            .publishable_key("pk_live_Y2xlcmsuZXhhbXBsZS5jb20k")
            .build()
            .unwrap();
        assert!(!stored.is_computed_with(&other));
        assert!(stored.user().is_none());
        assert_eq!(
            stored.satisfies::<SignedIn>().err().map(|r| r.status()),
            Some(401)
        );
    }
}
