//! [`AuthStatus`] and [`AuthReason`]: the codes of an auth state.

use std::fmt;

use crate::jwt::TokenVerificationErrorReason;

/// The status of a request's authentication (Clerk's `AuthStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthStatus {
    /// A valid session token: the request is signed in.
    SignedIn,
    /// No session, or a token that was rejected.
    SignedOut,
    /// The browser must run Clerk's script to refresh its session first (development, satellites,
    /// an outdated or expired session cookie).
    Interstitial,
    /// An expired or not-yet-valid `Authorization` token: the client should refresh it.
    Unknown,
    /// The handshake protocol: the browser must go through Clerk's Frontend API handshake (a
    /// `307` to `/v1/client/handshake`, which sends it back with fresh cookies) first.
    Handshake,
}

impl AuthStatus {
    /// `signed-in`, `signed-out`, `interstitial`, `unknown` or `handshake`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::SignedIn => "signed-in",
            Self::SignedOut => "signed-out",
            Self::Interstitial => "interstitial",
            Self::Unknown => "unknown",
            Self::Handshake => "handshake",
        }
    }
}

impl fmt::Display for AuthStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a request is not signed in: Clerk's `AuthErrorReason` codes, or the reason a token was
/// rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthReason {
    /// `cookie-and-uat-missing`: a production request with neither cookie (first visit).
    CookieAndUatMissing,
    /// `cookie-missing`: `__client_uat` says signed in, but there is no `__session` cookie.
    CookieMissing,
    /// `cookie-outdated`: the session cookie is older than `__client_uat`.
    CookieOutdated,
    /// `uat-missing`: a development request without `__client_uat`.
    UatMissing,
    /// `cross-origin-referrer`: a development request coming back from another origin.
    CrossOriginReferrer,
    /// `header-missing-cors`: a cross-origin request without an `Authorization` header.
    HeaderMissingCors,
    /// `header-missing-non-browser`: a non-browser development request without a header token.
    HeaderMissingNonBrowser,
    /// `satellite-needs-syncing`: a satellite without a synced session.
    SatelliteNeedsSyncing,
    /// `primary-responds-to-syncing`: a development primary asked to sync a satellite.
    PrimaryRespondsToSyncing,
    /// `standard-signed-out`: `__client_uat` is `0`.
    StandardSignedOut,
    /// `unexpected-error`: a malformed request value or an unexpected failure.
    UnexpectedError,
    /// `session-token-and-uat-missing`: neither a session cookie nor an active `__client_uat`
    /// (handshake protocol).
    SessionTokenAndUatMissing,
    /// `session-token-missing`: a handshake resolved to no session (handshake protocol).
    SessionTokenMissing,
    /// `client-uat-but-no-session-token`: `__client_uat` says signed in, but there is no session
    /// cookie (handshake protocol).
    ClientUatButNoSessionToken,
    /// `session-token-but-no-client-uat`: a session cookie while `__client_uat` says signed out
    /// (handshake protocol).
    SessionTokenButNoClientUat,
    /// `session-token-iat-before-client-uat`: the session cookie is older than `__client_uat`
    /// (handshake protocol).
    SessionTokenIatBeforeClientUat,
    /// `session-token-nbf`: the session token is not active yet (handshake protocol).
    SessionTokenNbf,
    /// `session-token-iat-in-the-future`: the session token was issued in the future (handshake
    /// protocol).
    SessionTokenIatInTheFuture,
    /// `session-token-expired-refresh-<why>`: the session token expired and was not refreshed,
    /// with why (`non-eligible-no-refresh-cookie`, `non-eligible-non-get`, `fetch-error`, a
    /// Backend API error code, …) (handshake protocol).
    SessionTokenExpiredRefresh(&'static str),
    /// `dev-browser-missing`: a development request without a dev browser token (handshake
    /// protocol).
    DevBrowserMissing,
    /// `dev-browser-sync`: a development request bringing a dev browser token in its URL
    /// (handshake protocol).
    DevBrowserSync,
    /// `primary-domain-cross-origin-sync`: a page navigation coming from another site (handshake
    /// protocol).
    PrimaryDomainCrossOriginSync,
    /// `active-organization-mismatch`: the URL names another organization than the session's
    /// active one (organization sync, handshake protocol).
    ActiveOrganizationMismatch,
    /// `token-type-mismatch`: a token of another kind (machine token, JWT template) where a
    /// session token is expected.
    TokenTypeMismatch,
    /// `No token in header` (Clerk's literal text): only machine tokens are accepted, and the
    /// request has no `Authorization` token.
    NoTokenInHeader,
    /// The session token was rejected for this reason.
    Token(TokenVerificationErrorReason),
}

impl AuthReason {
    /// The code exactly as Clerk spells it.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::CookieAndUatMissing => "cookie-and-uat-missing",
            Self::CookieMissing => "cookie-missing",
            Self::CookieOutdated => "cookie-outdated",
            Self::UatMissing => "uat-missing",
            Self::CrossOriginReferrer => "cross-origin-referrer",
            Self::HeaderMissingCors => "header-missing-cors",
            Self::HeaderMissingNonBrowser => "header-missing-non-browser",
            Self::SatelliteNeedsSyncing => "satellite-needs-syncing",
            Self::PrimaryRespondsToSyncing => "primary-responds-to-syncing",
            Self::StandardSignedOut => "standard-signed-out",
            Self::UnexpectedError => "unexpected-error",
            Self::SessionTokenAndUatMissing => "session-token-and-uat-missing",
            Self::SessionTokenMissing => "session-token-missing",
            Self::ClientUatButNoSessionToken => "client-uat-but-no-session-token",
            Self::SessionTokenButNoClientUat => "session-token-but-no-client-uat",
            Self::SessionTokenIatBeforeClientUat => "session-token-iat-before-client-uat",
            Self::SessionTokenNbf => "session-token-nbf",
            Self::SessionTokenIatInTheFuture => "session-token-iat-in-the-future",
            Self::SessionTokenExpiredRefresh(code) => code,
            Self::DevBrowserMissing => "dev-browser-missing",
            Self::DevBrowserSync => "dev-browser-sync",
            Self::PrimaryDomainCrossOriginSync => "primary-domain-cross-origin-sync",
            Self::ActiveOrganizationMismatch => "active-organization-mismatch",
            Self::TokenTypeMismatch => "token-type-mismatch",
            Self::NoTokenInHeader => "No token in header",
            Self::Token(reason) => reason.as_str(),
        }
    }
}

impl From<TokenVerificationErrorReason> for AuthReason {
    fn from(reason: TokenVerificationErrorReason) -> Self {
        match reason {
            TokenVerificationErrorReason::UnexpectedError => Self::UnexpectedError,
            other => Self::Token(other),
        }
    }
}

impl fmt::Display for AuthReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
