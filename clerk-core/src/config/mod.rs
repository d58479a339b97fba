//! `ClerkConfig`: the options of a Clerk instance (docs/auth-rules.md §1.1), validated at
//! construction (§1.2).

mod builder;
mod error;
#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::handshake::{AuthProtocol, HandshakeSettings};
use crate::jwt::VerifyTokenOptions;
use crate::keys::{InstanceType, instance_type_of_secret_key};
use crate::machine::{AcceptsToken, MachineCache};

pub use builder::ClerkConfigBuilder;
pub use error::{ConfigError, ConfigErrorKind};

/// The default Backend API URL (Clerk's `CLERK_API_URL`): `https://api.clerk.com`.
///
/// The one definition used by [`ClerkConfig`], [`VerifyTokenOptions`], the
/// [`ClerkClient`](crate::ClerkClient) and the interstitial loader.
pub const DEFAULT_API_URL: &str = "https://api.clerk.com";
/// The default Backend API version path segment (Clerk's `CLERK_API_VERSION`): `v1`.
pub const DEFAULT_API_VERSION: &str = "v1";

/// The configuration of one Clerk instance.
///
/// Cheap to clone (an `Arc` inside) and validated when built: a `ClerkConfig` that exists passes
/// every configuration assertion of the spec. Build it with [`ClerkConfig::builder`] or read it
/// from Clerk's environment variables with [`ClerkConfig::from_env`].
///
/// Its `Debug` output never shows the secret key or the JWT key.
#[derive(Clone)]
pub struct ClerkConfig {
    pub(crate) inner: Arc<ConfigInner>,
}

/// The validated options. Crate-internal so that more per-instance state (the verifier, the
/// JWKS cache) can be added without touching the public API.
pub(crate) struct ConfigInner {
    /// Set once per `build()`, never copied (hence no `Clone` here).
    pub(crate) id: ConfigId,
    pub(crate) secret_key: String,
    pub(crate) publishable_key: String,
    /// The normalised frontend API: the publishable key's when set, else the option.
    pub(crate) frontend_api: String,
    pub(crate) domain: String,
    pub(crate) proxy_url: String,
    pub(crate) is_satellite: bool,
    pub(crate) sign_in_url: String,
    pub(crate) sign_up_url: String,
    pub(crate) after_sign_in_url: String,
    pub(crate) after_sign_up_url: String,
    pub(crate) interstitial_enabled: bool,
    pub(crate) clerk_js_url: String,
    pub(crate) clerk_js_version: String,
    /// The token verifier of this instance: its key source (local key, or the instance's shared
    /// JWKS cache) and its claim rules (auth-rules §4.2). It is the one home of the verification
    /// settings (API URL and version, JWT key, authorized parties, audience, clock skew, JWKS
    /// cache TTL, skip-JWKS-cache): the getters of [`ClerkConfig`] read them from here.
    pub(crate) verifier: VerifyTokenOptions,
    /// The one HTTP client of this configuration (one connection pool), built by `build()` with
    /// the JWKS connect timeout: its JWKS cache (when this configuration created it), its Backend
    /// API clients ([`ClerkClient::from_config`](crate::ClerkClient::from_config)) and its
    /// interstitial loads ([`ClerkConfig::load_interstitial_from_bapi`]) share it; each sets its
    /// own per-request timeout.
    pub(crate) http: reqwest::Client,
    /// The request protocol.
    pub(crate) protocol: AuthProtocol,
    /// The handshake protocol's per-instance values (`None` with the interstitial protocol).
    pub(crate) handshake: Option<HandshakeSettings>,
    /// Which tokens the `Authorization` header may carry.
    pub(crate) accepts_token: AcceptsToken,
    /// The machine secret key for opaque M2M tokens (`""`: the secret key).
    pub(crate) machine_secret_key: String,
    /// The optional cache of verified opaque machine tokens.
    pub(crate) machine_cache: Option<MachineCache>,
}

/// The identity of one built [`ClerkConfig`]: its clones share it, and no two
/// [`build`](ClerkConfigBuilder::build) calls give the same one, even with equal settings.
///
/// Integrations compare it to tell whether an auth state stored on a request was computed with
/// their own configuration (nested layers or middlewares) before they reuse it.
///
/// ```
/// use clerk_core::ClerkConfig;
///
/// let a = ClerkConfig::builder()
///     .secret_key("sk_test_xxx")
///     .publishable_key("pk_test_Y2xlcmsuZXhhbXBsZS5jb20k")
///     .build()?;
/// let b = ClerkConfig::builder()
///     .secret_key("sk_test_xxx")
///     .publishable_key("pk_test_Y2xlcmsuZXhhbXBsZS5jb20k")
///     .build()?;
/// assert_eq!(a.id(), a.clone().id());
/// assert_ne!(a.id(), b.id());
/// # Ok::<(), clerk_core::ConfigError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConfigId(u64);

impl ConfigId {
    pub(super) fn next() -> Self {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Self(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
    }
}

impl ClerkConfig {
    /// This configuration's identity (see [`ConfigId`]).
    #[must_use]
    pub fn id(&self) -> ConfigId {
        self.inner.id
    }

    /// The request protocol (env `CLERK_AUTH_PROTOCOL`).
    #[must_use]
    pub fn protocol(&self) -> AuthProtocol {
        self.inner.protocol
    }

    /// Whether a satellite syncs its session on the first visit (handshake protocol, env
    /// `CLERK_SATELLITE_AUTO_SYNC`).
    #[must_use]
    pub fn satellite_auto_sync(&self) -> bool {
        self.inner
            .handshake
            .as_ref()
            .is_some_and(|h| h.satellite_auto_sync)
    }

    /// Which tokens the `Authorization` header may carry.
    #[must_use]
    pub fn accepts_token(&self) -> &AcceptsToken {
        &self.inner.accepts_token
    }

    /// The machine secret key (`""` when unset). Keep it out of logs.
    #[must_use]
    pub fn machine_secret_key(&self) -> &str {
        &self.inner.machine_secret_key
    }

    /// The handshake protocol's values (`None` with the interstitial protocol).
    pub(crate) fn handshake(&self) -> Option<&HandshakeSettings> {
        self.inner.handshake.as_ref()
    }

    /// The URL the interstitial page loads clerk-js from (`""`: derived from the frontend API).
    #[must_use]
    pub fn clerk_js_url(&self) -> &str {
        &self.inner.clerk_js_url
    }

    /// The clerk-js version tag of the interstitial page (`""`: the default).
    #[must_use]
    pub fn clerk_js_version(&self) -> &str {
        &self.inner.clerk_js_version
    }

    /// The HTTP client of this configuration (see [`ConfigInner::http`]).
    pub(crate) fn http_client(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// The secret key. Keep it out of logs.
    #[must_use]
    pub fn secret_key(&self) -> &str {
        &self.inner.secret_key
    }

    /// The instance type named by the secret key (auth-rules §7.2), `None` for keys of another shape.
    #[must_use]
    pub fn instance_type(&self) -> Option<InstanceType> {
        instance_type_of_secret_key(&self.inner.secret_key)
    }

    /// The publishable key, `""` when unset.
    #[must_use]
    pub fn publishable_key(&self) -> &str {
        &self.inner.publishable_key
    }

    /// The frontend API: the publishable key's when one is set, else the `frontend_api` option,
    /// else `""` (auth-rules §1.1, K10).
    #[must_use]
    pub fn frontend_api(&self) -> &str {
        &self.inner.frontend_api
    }

    /// The Backend API URL. Defaults to `https://api.clerk.com`.
    #[must_use]
    pub fn api_url(&self) -> &str {
        self.inner.verifier.api_url()
    }

    /// The Backend API version. Defaults to `v1`.
    #[must_use]
    pub fn api_version(&self) -> &str {
        self.inner.verifier.api_version()
    }

    /// The PEM (or single-line base64 SPKI) public key for networkless verification, `""` when
    /// unset. Keep it out of logs.
    #[must_use]
    pub fn jwt_key(&self) -> &str {
        self.inner.verifier.jwt_key()
    }

    /// The allowed `azp` values; empty means no check.
    #[must_use]
    pub fn authorized_parties(&self) -> &[String] {
        self.inner.verifier.authorized_parties()
    }

    /// The accepted `aud` values; empty means no check.
    #[must_use]
    pub fn audience(&self) -> &[String] {
        self.inner.verifier.audience()
    }

    /// The clock skew allowed on `exp`, `nbf` and `iat`. Defaults to 5 s; zero is honoured.
    #[must_use]
    pub fn clock_skew(&self) -> Duration {
        self.inner.verifier.clock_skew()
    }

    /// The satellite domain, `""` when unset.
    #[must_use]
    pub fn domain(&self) -> &str {
        &self.inner.domain
    }

    /// The proxy URL, `""` when unset.
    #[must_use]
    pub fn proxy_url(&self) -> &str {
        &self.inner.proxy_url
    }

    /// Whether this application is a satellite.
    #[must_use]
    pub fn is_satellite(&self) -> bool {
        self.inner.is_satellite
    }

    /// The sign-in URL, `""` when unset.
    #[must_use]
    pub fn sign_in_url(&self) -> &str {
        &self.inner.sign_in_url
    }

    /// The sign-up URL, `""` when unset (only echoed on the auth state).
    #[must_use]
    pub fn sign_up_url(&self) -> &str {
        &self.inner.sign_up_url
    }

    /// The after-sign-in URL, `""` when unset (only echoed).
    #[must_use]
    pub fn after_sign_in_url(&self) -> &str {
        &self.inner.after_sign_in_url
    }

    /// The after-sign-up URL, `""` when unset (only echoed).
    #[must_use]
    pub fn after_sign_up_url(&self) -> &str {
        &self.inner.after_sign_up_url
    }

    /// How long a fetched JWKS stays fresh. Defaults to 5 minutes; `Duration::MAX` never expires.
    #[must_use]
    pub fn jwks_cache_ttl(&self) -> Duration {
        self.inner.verifier.jwks_cache_settings().ttl
    }

    /// Whether every verification fetches the JWKS. Defaults to `false`.
    #[must_use]
    pub fn skip_jwks_cache(&self) -> bool {
        self.inner.verifier.skip_jwks_cache()
    }

    /// Whether integrations answer interstitial states with the interstitial page. Defaults to
    /// `true`.
    #[must_use]
    pub fn interstitial_enabled(&self) -> bool {
        self.inner.interstitial_enabled
    }
}

impl fmt::Debug for ClerkConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("ClerkConfig")
            .field("secret_key", &redact_secret_key(&i.secret_key))
            .field("publishable_key", &i.publishable_key)
            .field("frontend_api", &i.frontend_api)
            .field("api_url", &self.api_url())
            .field("api_version", &self.api_version())
            .field(
                "jwt_key",
                &if self.jwt_key().is_empty() {
                    ""
                } else {
                    "[redacted]"
                },
            )
            .field("authorized_parties", &self.authorized_parties())
            .field("audience", &self.audience())
            .field("clock_skew", &self.clock_skew())
            .field("domain", &i.domain)
            .field("proxy_url", &i.proxy_url)
            .field("is_satellite", &i.is_satellite)
            .field("sign_in_url", &i.sign_in_url)
            .field("sign_up_url", &i.sign_up_url)
            .field("after_sign_in_url", &i.after_sign_in_url)
            .field("after_sign_up_url", &i.after_sign_up_url)
            .field("jwks_cache_ttl", &self.jwks_cache_ttl())
            .field("skip_jwks_cache", &self.skip_jwks_cache())
            .field("interstitial_enabled", &i.interstitial_enabled)
            .finish_non_exhaustive()
    }
}

/// Shows only a known key prefix (`sk_test_`, `sk_live_`, `test_`, `live_`), never key material.
pub(crate) fn redact_secret_key(key: &str) -> String {
    if key.is_empty() {
        return String::new();
    }
    let prefix = ["sk_test_", "sk_live_", "test_", "live_"]
        .into_iter()
        .find(|p| key.starts_with(p))
        .unwrap_or("");
    format!("{prefix}[redacted]")
}
