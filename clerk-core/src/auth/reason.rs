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
}

impl AuthStatus {
    /// `signed-in`, `signed-out`, `interstitial` or `unknown`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::SignedIn => "signed-in",
            Self::SignedOut => "signed-out",
            Self::Interstitial => "interstitial",
            Self::Unknown => "unknown",
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
