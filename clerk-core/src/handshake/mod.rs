//! The handshake protocol of `@clerk/backend` 3.x (docs/auth-rules.md §9): the request rules of
//! Clerk's current SDKs and clerk-js 5, next to the interstitial protocol of `crate::auth`.
//!
//! A request is signed in, signed out, or must go through the Frontend API handshake: a `307`
//! to `<frontend API>/v1/client/handshake`, which sends the browser back with fresh cookies
//! (through a one-time nonce the SDK exchanges with the Backend API, or a signed handshake token).

mod context;
mod org_sync;
mod redirect;
mod refresh;
mod resolve;
mod rules;

use std::fmt;

pub use org_sync::OrganizationSync;
pub(crate) use redirect::CLERK_API_VERSION;
pub(crate) use rules::{Io, NeedsIo, authenticate};

use crate::config::{ConfigError, ConfigErrorKind};
use crate::keys::{InstanceType, PublishableKey, cookie_suffix};

/// The request protocol of a [`ClerkConfig`](crate::ClerkConfig): which of Clerk's two browser
/// protocols the integrations speak.
///
/// ```
/// use clerk_core::AuthProtocol;
///
/// assert_eq!(AuthProtocol::parse("handshake"), Some(AuthProtocol::Handshake));
/// assert_eq!(AuthProtocol::parse(" Interstitial "), Some(AuthProtocol::Interstitial));
/// assert_eq!(AuthProtocol::parse("other"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthProtocol {
    /// Clerk's current protocol (`@clerk/backend` 3.x, clerk-js 5): statuses signed-in,
    /// signed-out and handshake; a page navigation without a fresh session is redirected (`307`)
    /// to the Frontend API handshake, which sends the browser back with fresh cookies; suffixed
    /// cookies, the development browser token, `__refresh` tokens, satellite and organization
    /// sync.
    Handshake,
    /// The 2023 protocol (`@clerk/backend` 0.31, clerk-js 4): statuses signed-in, signed-out,
    /// interstitial and unknown; a page navigation without a fresh session gets a `401` page
    /// that runs clerk-js and reloads.
    Interstitial,
}

impl AuthProtocol {
    /// The protocol of a configuration that does not choose one.
    pub const DEFAULT: Self = Self::Handshake;

    /// `handshake` or `interstitial` (any case, surrounding spaces ignored).
    #[must_use]
    pub fn parse(value: &str) -> Option<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "handshake" => Some(Self::Handshake),
            "interstitial" => Some(Self::Interstitial),
            _ => None,
        }
    }

    /// `handshake` or `interstitial`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Handshake => "handshake",
            Self::Interstitial => "interstitial",
        }
    }
}

impl Default for AuthProtocol {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl fmt::Display for AuthProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The handshake protocol's values of one instance, computed once when the configuration is
/// built.
#[derive(Debug)]
pub(crate) struct HandshakeSettings {
    /// From the publishable key (not the secret key).
    pub(crate) instance: InstanceType,
    /// `__session_<suffix>` and the other suffixed cookies.
    pub(crate) suffix: String,
    /// The frontend API host tokens of this instance name as their issuer: the publishable key's,
    /// or `clerk.<domain>` for a production satellite (never the proxy).
    pub(crate) original_frontend_api: String,
    /// Where the handshake goes: the proxy URL (maybe relative to the request's origin), else the
    /// original frontend API.
    pub(crate) proxy_url: String,
    pub(crate) is_satellite: bool,
    pub(crate) satellite_auto_sync: bool,
    pub(crate) organization_sync: Option<OrganizationSync>,
}

impl HandshakeSettings {
    /// The values of an instance whose publishable key is already validated.
    pub(crate) fn new(
        publishable_key: &str,
        domain: &str,
        proxy_url: &str,
        is_satellite: bool,
        satellite_auto_sync: bool,
        organization_sync: Option<OrganizationSync>,
    ) -> Result<Self, ConfigError> {
        if publishable_key.is_empty() {
            // Only machine tokens in headers: no cookie is read.
            return Ok(Self {
                instance: InstanceType::Production,
                suffix: String::new(),
                original_frontend_api: String::new(),
                proxy_url: proxy_url.to_owned(),
                is_satellite,
                satellite_auto_sync,
                organization_sync,
            });
        }
        let pk = PublishableKey::parse(publishable_key).map_err(|e| {
            ConfigError::new(
                ConfigErrorKind::InvalidPublishableKey,
                "CLERK_PUBLISHABLE_KEY",
                format!("CLERK_PUBLISHABLE_KEY is malformed: {e}."),
                "Copy the publishable key (pk_test_… or pk_live_…) from the API Keys page of the Clerk dashboard.",
            )
        })?;
        let instance = pk.instance_type();
        let original_frontend_api =
            if is_satellite && instance == InstanceType::Production && !domain.is_empty() {
                format!("clerk.{domain}")
            } else {
                pk.frontend_api().to_owned()
            };
        if let Some(sync) = &organization_sync {
            sync.check()?;
        }
        Ok(Self {
            instance,
            suffix: cookie_suffix(publishable_key),
            original_frontend_api,
            proxy_url: proxy_url.to_owned(),
            is_satellite,
            satellite_auto_sync,
            organization_sync,
        })
    }

    pub(crate) fn is_development(&self) -> bool {
        self.instance == InstanceType::Development
    }
}
