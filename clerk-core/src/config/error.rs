//! [`ConfigError`]: what is wrong with a Clerk configuration.

use std::fmt;

/// What went wrong in a [`ConfigError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConfigErrorKind {
    /// The secret key is missing or empty.
    MissingSecretKey,
    /// The publishable key does not parse.
    InvalidPublishableKey,
    /// The API URL is not an absolute `https` URL (`http` is accepted for loopback hosts only).
    InvalidApiUrl,
    /// A development satellite has no sign-in URL.
    MissingSignInUrl,
    /// A satellite's sign-in URL is not absolute.
    SignInUrlNotAbsolute,
    /// A satellite's sign-in URL is on the satellite's own domain.
    SignInUrlSameOrigin,
    /// A satellite has neither a domain nor a proxy URL.
    MissingDomainOrProxyUrl,
    /// An environment variable has a value that cannot be used.
    InvalidEnvValue,
    /// The JWT key is not a usable RSA public key (PEM, at least 2048 bits).
    InvalidJwtKey,
    /// The proxy URL is not an absolute `https` URL (`http` is accepted for loopback hosts only).
    InvalidProxyUrl,
    /// The handshake protocol needs the publishable key, and it is missing.
    MissingPublishableKey,
    /// An organization sync pattern does not compile.
    InvalidOrganizationPattern,
    /// Machine tokens are accepted with the interstitial protocol.
    MachineTokensNeedHandshake,
}

/// An invalid Clerk configuration. It names the environment variable at fault and the fix, and
/// never contains key material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    kind: ConfigErrorKind,
    variable: &'static str,
    message: String,
    fix: &'static str,
}

impl ConfigError {
    pub(crate) fn new(
        kind: ConfigErrorKind,
        variable: &'static str,
        message: String,
        fix: &'static str,
    ) -> Self {
        ConfigError {
            kind,
            variable,
            message,
            fix,
        }
    }

    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> ConfigErrorKind {
        self.kind
    }

    /// The environment variable at fault, e.g. `CLERK_SECRET_KEY`.
    #[must_use]
    pub fn variable(&self) -> &'static str {
        self.variable
    }

    /// The problem, in Clerk's words where Clerk has a text for it.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// How to fix it.
    #[must_use]
    pub fn fix(&self) -> &'static str {
        self.fix
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}: {})", self.message, self.variable, self.fix)
    }
}

impl std::error::Error for ConfigError {}
