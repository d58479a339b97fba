//! `ClerkConfig`: the options of a Clerk instance (spec §1.1), validated at construction (§1.4).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use url::Url;

use crate::clock::Clock;
use crate::jwt::{Issuer, JwksCacheSettings, VerifyOptionsError, VerifyTokenOptions};
use crate::keys::{InstanceType, PublishableKey, instance_type_of_secret_key};
use crate::secure_url::secure_url;

/// Default Backend API URL.
pub(crate) const DEFAULT_API_URL: &str = "https://api.clerk.com";
/// Default Backend API version.
pub(crate) const DEFAULT_API_VERSION: &str = "v1";
const DEFAULT_CLOCK_SKEW: Duration = Duration::from_secs(5);

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
    pub(crate) api_url: String,
    pub(crate) api_version: String,
    pub(crate) jwt_key: String,
    pub(crate) authorized_parties: Vec<String>,
    pub(crate) audience: Vec<String>,
    pub(crate) clock_skew: Duration,
    pub(crate) domain: String,
    pub(crate) proxy_url: String,
    pub(crate) is_satellite: bool,
    pub(crate) sign_in_url: String,
    pub(crate) sign_up_url: String,
    pub(crate) after_sign_in_url: String,
    pub(crate) after_sign_up_url: String,
    pub(crate) jwks_cache_ttl: Duration,
    pub(crate) skip_jwks_cache: bool,
    pub(crate) interstitial_enabled: bool,
    pub(crate) clerk_js_url: String,
    pub(crate) clerk_js_version: String,
    /// The token verifier of this instance: its key source (local key, or the instance's shared
    /// JWKS cache) and its claim rules (spec §3.2.1).
    pub(crate) verifier: VerifyTokenOptions,
    /// The Backend API client of this instance, built on first use.
    pub(crate) api_client: std::sync::OnceLock<crate::ClerkClient>,
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
/// let a = ClerkConfig::builder().secret_key("sk_test_xxx").build()?;
/// let b = ClerkConfig::builder().secret_key("sk_test_xxx").build()?;
/// assert_eq!(a.id(), a.clone().id());
/// assert_ne!(a.id(), b.id());
/// # Ok::<(), clerk_core::ConfigError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConfigId(u64);

impl ConfigId {
    fn next() -> Self {
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

    /// Starts a builder. Only the secret key is required.
    ///
    /// ```
    /// use clerk_core::ClerkConfig;
    /// use std::time::Duration;
    ///
    /// let config = ClerkConfig::builder()
    ///     .secret_key("sk_test_xxx")
    ///     .publishable_key("pk_test_Y2xlcmsuZXhhbXBsZS5jb20k")
    ///     .authorized_parties(["https://app.example.com"])
    ///     .clock_skew(Duration::from_secs(2))
    ///     .build()?;
    /// assert_eq!(config.frontend_api(), "clerk.example.com");
    /// assert_eq!(config.api_url(), "https://api.clerk.com");
    /// # Ok::<(), clerk_core::ConfigError>(())
    /// ```
    pub fn builder() -> ClerkConfigBuilder {
        ClerkConfigBuilder::default()
    }

    /// Reads the configuration from Clerk's environment variables and validates it.
    ///
    /// | variable | option |
    /// | --- | --- |
    /// | `CLERK_SECRET_KEY` | [`secret_key`](ClerkConfigBuilder::secret_key) (required) |
    /// | `CLERK_PUBLISHABLE_KEY` | [`publishable_key`](ClerkConfigBuilder::publishable_key) |
    /// | `CLERK_JWT_KEY` | [`jwt_key`](ClerkConfigBuilder::jwt_key) |
    /// | `CLERK_API_URL` | [`api_url`](ClerkConfigBuilder::api_url) |
    /// | `CLERK_API_VERSION` | [`api_version`](ClerkConfigBuilder::api_version) |
    /// | `CLERK_DOMAIN` | [`domain`](ClerkConfigBuilder::domain) |
    /// | `CLERK_PROXY_URL` | [`proxy_url`](ClerkConfigBuilder::proxy_url) |
    /// | `CLERK_IS_SATELLITE` | [`is_satellite`](ClerkConfigBuilder::is_satellite) (`true`/`false`/`1`/`0`) |
    /// | `CLERK_SIGN_IN_URL` | [`sign_in_url`](ClerkConfigBuilder::sign_in_url) |
    /// | `CLERK_SIGN_UP_URL` | [`sign_up_url`](ClerkConfigBuilder::sign_up_url) |
    /// | `CLERK_JS_URL` | [`clerk_js_url`](ClerkConfigBuilder::clerk_js_url) |
    /// | `CLERK_JS_VERSION` | [`clerk_js_version`](ClerkConfigBuilder::clerk_js_version) |
    /// | `CLERK_AUTHORIZED_PARTIES` | [`authorized_parties`](ClerkConfigBuilder::authorized_parties) (comma-separated) |
    ///
    /// Unset and empty variables leave the default.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] naming the variable when one is malformed or a validation of
    /// [`ClerkConfigBuilder::build`] fails.
    ///
    /// ```no_run
    /// let config = clerk_core::ClerkConfig::from_env()?;
    /// # Ok::<(), clerk_core::ConfigError>(())
    /// ```
    pub fn from_env() -> Result<Self, ConfigError> {
        ClerkConfigBuilder::from_env()?.build()
    }

    /// Like [`from_env`](Self::from_env), with the variables read through `lookup` instead of the
    /// process environment (for tests and other configuration sources).
    ///
    /// # Errors
    ///
    /// As [`from_env`](Self::from_env).
    ///
    /// ```
    /// use clerk_core::ClerkConfig;
    ///
    /// let config = ClerkConfig::from_env_with(|name| match name {
    ///     "CLERK_SECRET_KEY" => Some("sk_live_xxx".to_owned()),
    ///     "CLERK_AUTHORIZED_PARTIES" => Some("https://a.example, https://b.example,".to_owned()),
    ///     _ => None,
    /// })?;
    /// assert_eq!(config.authorized_parties(), ["https://a.example", "https://b.example"]);
    /// # Ok::<(), clerk_core::ConfigError>(())
    /// ```
    pub fn from_env_with<F>(lookup: F) -> Result<Self, ConfigError>
    where
        F: FnMut(&str) -> Option<String>,
    {
        ClerkConfigBuilder::from_env_with(lookup)?.build()
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

    /// The Backend API client of this instance (same secret key, API URL and version), built on
    /// first use and shared by every clone of this configuration.
    ///
    /// # Errors
    ///
    /// [`crate::Error`] when the client cannot be built.
    pub fn backend_api_client(&self) -> Result<crate::ClerkClient, crate::Error> {
        if let Some(client) = self.inner.api_client.get() {
            return Ok(client.clone());
        }
        let client = crate::ClerkClient::builder()
            .secret_key(self.inner.secret_key.clone())
            .api_url(self.inner.api_url.clone())
            .api_version(self.inner.api_version.clone())
            .build()?;
        Ok(self.inner.api_client.get_or_init(|| client).clone())
    }

    /// The secret key. Keep it out of logs.
    #[must_use]
    pub fn secret_key(&self) -> &str {
        &self.inner.secret_key
    }

    /// The instance type named by the secret key (spec §6.3), `None` for keys of another shape.
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
    /// else `""` (spec §1.3).
    #[must_use]
    pub fn frontend_api(&self) -> &str {
        &self.inner.frontend_api
    }

    /// The Backend API URL. Defaults to `https://api.clerk.com`.
    #[must_use]
    pub fn api_url(&self) -> &str {
        &self.inner.api_url
    }

    /// The Backend API version. Defaults to `v1`.
    #[must_use]
    pub fn api_version(&self) -> &str {
        &self.inner.api_version
    }

    /// The PEM (or single-line base64 SPKI) public key for networkless verification, `""` when
    /// unset. Keep it out of logs.
    #[must_use]
    pub fn jwt_key(&self) -> &str {
        &self.inner.jwt_key
    }

    /// The allowed `azp` values; empty means no check.
    #[must_use]
    pub fn authorized_parties(&self) -> &[String] {
        &self.inner.authorized_parties
    }

    /// The accepted `aud` values; empty means no check.
    #[must_use]
    pub fn audience(&self) -> &[String] {
        &self.inner.audience
    }

    /// The clock skew allowed on `exp`, `nbf` and `iat`. Defaults to 5 s; zero is honoured.
    #[must_use]
    pub fn clock_skew(&self) -> Duration {
        self.inner.clock_skew
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

    /// How long a fetched JWK stays cached. Defaults to one hour; `Duration::MAX` never expires.
    #[must_use]
    pub fn jwks_cache_ttl(&self) -> Duration {
        self.inner.jwks_cache_ttl
    }

    /// Whether every verification fetches the JWKS. Defaults to `false`.
    #[must_use]
    pub fn skip_jwks_cache(&self) -> bool {
        self.inner.skip_jwks_cache
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
            .field("api_url", &i.api_url)
            .field("api_version", &i.api_version)
            .field(
                "jwt_key",
                &if i.jwt_key.is_empty() {
                    ""
                } else {
                    "[redacted]"
                },
            )
            .field("authorized_parties", &i.authorized_parties)
            .field("audience", &i.audience)
            .field("clock_skew", &i.clock_skew)
            .field("domain", &i.domain)
            .field("proxy_url", &i.proxy_url)
            .field("is_satellite", &i.is_satellite)
            .field("sign_in_url", &i.sign_in_url)
            .field("sign_up_url", &i.sign_up_url)
            .field("after_sign_in_url", &i.after_sign_in_url)
            .field("after_sign_up_url", &i.after_sign_up_url)
            .field("jwks_cache_ttl", &i.jwks_cache_ttl)
            .field("skip_jwks_cache", &i.skip_jwks_cache)
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

/// Builder for [`ClerkConfig`]. Setters take values and return the builder; [`build`]
/// validates.
///
/// [`build`]: ClerkConfigBuilder::build
#[derive(Clone, Default)]
#[must_use]
pub struct ClerkConfigBuilder {
    secret_key: String,
    publishable_key: String,
    frontend_api: String,
    api_url: Option<String>,
    api_version: Option<String>,
    jwt_key: String,
    authorized_parties: Vec<String>,
    audience: Vec<String>,
    clock_skew: Option<Duration>,
    domain: String,
    proxy_url: String,
    is_satellite: bool,
    sign_in_url: String,
    sign_up_url: String,
    after_sign_in_url: String,
    after_sign_up_url: String,
    jwks_cache_ttl: Option<Duration>,
    jwks_cache_settings: Option<JwksCacheSettings>,
    skip_jwks_cache: bool,
    interstitial_disabled: bool,
    clock: Option<Arc<dyn Clock>>,
    clerk_js_url: String,
    clerk_js_version: String,
    token_cache_capacity: Option<usize>,
}

impl fmt::Debug for ClerkConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClerkConfigBuilder")
            .field("secret_key", &redact_secret_key(&self.secret_key))
            .field("publishable_key", &self.publishable_key)
            .field("domain", &self.domain)
            .field("proxy_url", &self.proxy_url)
            .field("is_satellite", &self.is_satellite)
            .field("sign_in_url", &self.sign_in_url)
            .finish_non_exhaustive()
    }
}

impl ClerkConfigBuilder {
    /// A builder pre-filled from Clerk's environment variables (see [`ClerkConfig::from_env`]),
    /// to adjust before [`build`](Self::build).
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] naming the variable when a value is not valid UTF-8 or
    /// `CLERK_IS_SATELLITE` is not a boolean.
    pub fn from_env() -> Result<Self, ConfigError> {
        let mut not_unicode: Option<&'static str> = None;
        let builder = Self::from_env_with(|name| match std::env::var(name) {
            Ok(v) => Some(v),
            Err(std::env::VarError::NotPresent) => None,
            Err(std::env::VarError::NotUnicode(_)) => {
                if not_unicode.is_none() {
                    not_unicode = ENV_VARS.iter().copied().find(|v| *v == name);
                }
                None
            }
        })?;
        match not_unicode {
            Some(variable) => Err(ConfigError::new(
                ConfigErrorKind::InvalidEnvValue,
                variable,
                format!("{variable} is not valid UTF-8."),
                "Set it to a plain text value.",
            )),
            None => Ok(builder),
        }
    }

    /// A builder pre-filled through `lookup` (see [`ClerkConfig::from_env_with`]).
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] naming `CLERK_IS_SATELLITE` when it is not `true`, `false`, `1` or `0`.
    pub fn from_env_with<F>(mut lookup: F) -> Result<Self, ConfigError>
    where
        F: FnMut(&str) -> Option<String>,
    {
        let mut get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let mut b = ClerkConfigBuilder::default();
        if let Some(v) = get("CLERK_SECRET_KEY") {
            b.secret_key = v;
        }
        if let Some(v) = get("CLERK_PUBLISHABLE_KEY") {
            b.publishable_key = v;
        }
        if let Some(v) = get("CLERK_JWT_KEY") {
            b.jwt_key = v;
        }
        b.api_url = get("CLERK_API_URL");
        b.api_version = get("CLERK_API_VERSION");
        if let Some(v) = get("CLERK_DOMAIN") {
            b.domain = v;
        }
        if let Some(v) = get("CLERK_PROXY_URL") {
            b.proxy_url = v;
        }
        if let Some(v) = get("CLERK_IS_SATELLITE") {
            b.is_satellite = match v.trim().to_ascii_lowercase().as_str() {
                "true" | "1" => true,
                "false" | "0" => false,
                _ => {
                    return Err(ConfigError::new(
                        ConfigErrorKind::InvalidEnvValue,
                        "CLERK_IS_SATELLITE",
                        "CLERK_IS_SATELLITE must be `true`, `false`, `1` or `0`.".to_owned(),
                        "Set CLERK_IS_SATELLITE=true for a satellite application, or unset it.",
                    ));
                }
            };
        }
        if let Some(v) = get("CLERK_SIGN_IN_URL") {
            b.sign_in_url = v;
        }
        if let Some(v) = get("CLERK_SIGN_UP_URL") {
            b.sign_up_url = v;
        }
        if let Some(v) = get("CLERK_JS_URL") {
            b.clerk_js_url = v;
        }
        if let Some(v) = get("CLERK_JS_VERSION") {
            b.clerk_js_version = v;
        }
        if let Some(v) = get("CLERK_AUTHORIZED_PARTIES") {
            b.authorized_parties = v
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect();
        }
        Ok(b)
    }

    /// The instance's secret key (`sk_test_…`/`sk_live_…`). Required; any non-empty string is
    /// accepted. Env `CLERK_SECRET_KEY`.
    pub fn secret_key(mut self, secret_key: impl Into<String>) -> Self {
        self.secret_key = secret_key.into();
        self
    }

    /// The publishable key (`pk_test_…`/`pk_live_…`); its frontend API overrides
    /// [`frontend_api`](Self::frontend_api). Defaults to unset. Env `CLERK_PUBLISHABLE_KEY`.
    pub fn publishable_key(mut self, publishable_key: impl Into<String>) -> Self {
        self.publishable_key = publishable_key.into();
        self
    }

    /// The frontend API host (deprecated by Clerk in favour of the publishable key). Defaults to
    /// unset.
    pub fn frontend_api(mut self, frontend_api: impl Into<String>) -> Self {
        self.frontend_api = frontend_api.into();
        self
    }

    /// The Backend API URL. Defaults to `https://api.clerk.com`. Env `CLERK_API_URL`.
    ///
    /// It receives the secret key, so it must be `https://`; plain `http://` is accepted for a
    /// loopback host only (`127.0.0.1`, `::1`, `localhost`: tests, the local emulator), and
    /// [`build`](Self::build) refuses anything else.
    pub fn api_url(mut self, api_url: impl Into<String>) -> Self {
        self.api_url = Some(api_url.into());
        self
    }

    /// The Backend API version. Defaults to `v1`. Env `CLERK_API_VERSION`.
    pub fn api_version(mut self, api_version: impl Into<String>) -> Self {
        self.api_version = Some(api_version.into());
        self
    }

    /// A PEM `PUBLIC KEY` (or its single-line base64 body) for networkless verification.
    /// Defaults to unset. Env `CLERK_JWT_KEY`.
    pub fn jwt_key(mut self, jwt_key: impl Into<String>) -> Self {
        self.jwt_key = jwt_key.into();
        self
    }

    /// The origins allowed in the token's `azp` claim. Defaults to empty (no check). Env
    /// `CLERK_AUTHORIZED_PARTIES` (comma-separated).
    pub fn authorized_parties<I, S>(mut self, parties: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.authorized_parties = parties.into_iter().map(Into::into).collect();
        self
    }

    /// The accepted `aud` values. Defaults to empty (no check).
    pub fn audience<I, S>(mut self, audience: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.audience = audience.into_iter().map(Into::into).collect();
        self
    }

    /// The clock skew allowed on `exp`, `nbf` and `iat`. Defaults to 5 seconds; an explicit
    /// zero is honoured.
    pub fn clock_skew(mut self, clock_skew: Duration) -> Self {
        self.clock_skew = Some(clock_skew);
        self
    }

    /// The satellite's domain. Defaults to unset. Env `CLERK_DOMAIN`.
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = domain.into();
        self
    }

    /// The proxy URL of the frontend API. Defaults to unset. Env `CLERK_PROXY_URL`.
    ///
    /// An absolute `https://` URL (the signing keys may be fetched from it); plain `http://` is
    /// accepted for a loopback host only, and [`build`](Self::build) refuses anything else.
    pub fn proxy_url(mut self, proxy_url: impl Into<String>) -> Self {
        self.proxy_url = proxy_url.into();
        self
    }

    /// Whether this application is a satellite. Defaults to `false`. Env `CLERK_IS_SATELLITE`.
    pub fn is_satellite(mut self, is_satellite: bool) -> Self {
        self.is_satellite = is_satellite;
        self
    }

    /// The sign-in URL (required for development satellites; absolute for satellites).
    /// Defaults to unset. Env `CLERK_SIGN_IN_URL`.
    pub fn sign_in_url(mut self, sign_in_url: impl Into<String>) -> Self {
        self.sign_in_url = sign_in_url.into();
        self
    }

    /// The sign-up URL. Defaults to unset. Env `CLERK_SIGN_UP_URL`.
    pub fn sign_up_url(mut self, sign_up_url: impl Into<String>) -> Self {
        self.sign_up_url = sign_up_url.into();
        self
    }

    /// The URL to go to after sign-in. Defaults to unset.
    pub fn after_sign_in_url(mut self, url: impl Into<String>) -> Self {
        self.after_sign_in_url = url.into();
        self
    }

    /// The URL to go to after sign-up. Defaults to unset.
    pub fn after_sign_up_url(mut self, url: impl Into<String>) -> Self {
        self.after_sign_up_url = url.into();
        self
    }

    /// How long a fetched JWKS stays fresh (a fixed TTL from the fetch). Defaults to 5 minutes;
    /// `Duration::MAX` never expires.
    pub fn jwks_cache_ttl(mut self, ttl: Duration) -> Self {
        self.jwks_cache_ttl = Some(ttl);
        self
    }

    /// Every JWKS cache setting (timeouts, stale bound, refetch intervals). Defaults to
    /// [`JwksCacheSettings::default`]; [`jwks_cache_ttl`](Self::jwks_cache_ttl) overrides its TTL.
    pub fn jwks_cache_settings(mut self, settings: JwksCacheSettings) -> Self {
        self.jwks_cache_settings = Some(settings);
        self
    }

    /// Capacity of the verified-token cache (see
    /// [`VerifyTokenOptionsBuilder::token_cache_capacity`](crate::VerifyTokenOptionsBuilder::token_cache_capacity));
    /// `0` turns it off. Defaults to 4096 tokens.
    pub fn token_cache_capacity(mut self, capacity: usize) -> Self {
        self.token_cache_capacity = Some(capacity);
        self
    }

    /// The clock behind every time rule. Defaults to the system clock; tests inject a
    /// [`FixedClock`](crate::FixedClock).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Fetch the JWKS on every verification. Defaults to `false`.
    pub fn skip_jwks_cache(mut self, skip: bool) -> Self {
        self.skip_jwks_cache = skip;
        self
    }

    /// The URL the interstitial page loads clerk-js from. Defaults to unset: the page derives
    /// `https://<frontend api>/npm/@clerk/clerk-js@<version>/dist/clerk.browser.js`.
    /// Env `CLERK_JS_URL`.
    pub fn clerk_js_url(mut self, url: impl Into<String>) -> Self {
        self.clerk_js_url = url.into();
        self
    }

    /// The clerk-js version tag the interstitial page loads. Defaults to `4` (`staging` on
    /// staging hosts). Env `CLERK_JS_VERSION`.
    pub fn clerk_js_version(mut self, version: impl Into<String>) -> Self {
        self.clerk_js_version = version.into();
        self
    }

    /// Whether integrations answer interstitial states with the interstitial page. Defaults to
    /// `true`.
    pub fn interstitial(mut self, enabled: bool) -> Self {
        self.interstitial_disabled = !enabled;
        self
    }

    /// Validates the options and builds the configuration.
    ///
    /// Checks, in order: the secret key is non-empty; the publishable key (when set) parses; the
    /// API URL is an absolute `http(s)` URL; and, for a satellite (spec §1.4 with the Q12 fix): a
    /// development key has a sign-in URL, the sign-in URL (when set) is absolute and not on the
    /// configured domain, and a domain or proxy URL is set.
    ///
    /// # Errors
    ///
    /// The first failing check as a [`ConfigError`]; its [`message`](ConfigError::message) is
    /// Clerk's text where Clerk has one, and it names the variable and the fix.
    pub fn build(self) -> Result<ClerkConfig, ConfigError> {
        use ConfigErrorKind as K;
        if self.secret_key.is_empty() {
            return Err(ConfigError::new(
                K::MissingSecretKey,
                "CLERK_SECRET_KEY",
                "Missing Clerk Secret Key or API Key. Go to https://dashboard.clerk.com and get your key for your instance.".to_owned(),
                "Set CLERK_SECRET_KEY (or the builder's `secret_key`) to the secret key from the API Keys page of the Clerk dashboard.",
            ));
        }
        let frontend_api = if self.publishable_key.is_empty() {
            self.frontend_api
        } else {
            match PublishableKey::parse(&self.publishable_key) {
                Ok(pk) => pk.frontend_api().to_owned(),
                Err(e) => {
                    return Err(ConfigError::new(
                        K::InvalidPublishableKey,
                        "CLERK_PUBLISHABLE_KEY",
                        format!("CLERK_PUBLISHABLE_KEY is malformed: {e}."),
                        "Copy the publishable key (pk_test_… or pk_live_…) from the API Keys page of the Clerk dashboard.",
                    ));
                }
            }
        };
        let api_url = self.api_url.unwrap_or_else(|| DEFAULT_API_URL.to_owned());
        if let Err(problem) = secure_url(&api_url) {
            return Err(ConfigError::new(
                K::InvalidApiUrl,
                "CLERK_API_URL",
                format!("CLERK_API_URL {}.", problem.explain()),
                "Set CLERK_API_URL to an https URL like https://api.clerk.com, or unset it to use the default.",
            ));
        }
        if !self.proxy_url.is_empty()
            && let Err(problem) = secure_url(&self.proxy_url)
        {
            return Err(ConfigError::new(
                K::InvalidProxyUrl,
                "CLERK_PROXY_URL",
                format!("CLERK_PROXY_URL {}.", problem.explain()),
                "Set CLERK_PROXY_URL to the absolute https URL of your Clerk proxy, such as https://example.com/__clerk.",
            ));
        }
        if self.is_satellite {
            let dev =
                instance_type_of_secret_key(&self.secret_key) == Some(InstanceType::Development);
            if self.sign_in_url.is_empty() && dev {
                return Err(ConfigError::new(
                    K::MissingSignInUrl,
                    "CLERK_SIGN_IN_URL",
                    "Missing signInUrl. Pass a signInUrl for dev instances if an app is satellite"
                        .to_owned(),
                    "Set CLERK_SIGN_IN_URL to the absolute sign-in URL of your primary application.",
                ));
            }
            if !self.sign_in_url.is_empty() {
                let Ok(url) = Url::parse(&self.sign_in_url) else {
                    return Err(ConfigError::new(
                        K::SignInUrlNotAbsolute,
                        "CLERK_SIGN_IN_URL",
                        "The signInUrl needs to have a absolute url format.".to_owned(),
                        "Set CLERK_SIGN_IN_URL to an absolute URL such as https://primary.example.com/sign-in.",
                    ));
                };
                if sign_in_url_on_domain(&url, &self.domain) {
                    return Err(ConfigError::new(
                        K::SignInUrlSameOrigin,
                        "CLERK_SIGN_IN_URL",
                        "The signInUrl needs to be on a different origin than your satellite application.".to_owned(),
                        "Point CLERK_SIGN_IN_URL at the sign-in page of your primary application, not at the satellite's CLERK_DOMAIN.",
                    ));
                }
            }
            if self.proxy_url.is_empty() && self.domain.is_empty() {
                return Err(ConfigError::new(
                    K::MissingDomainOrProxyUrl,
                    "CLERK_DOMAIN",
                    "Missing domain and proxyUrl. A satellite application needs to specify a domain or a proxyUrl".to_owned(),
                    "Set CLERK_DOMAIN to the satellite's domain, or CLERK_PROXY_URL to its proxy URL.",
                ));
            }
        }
        let mut jwks = self.jwks_cache_settings.unwrap_or_default();
        if let Some(ttl) = self.jwks_cache_ttl {
            jwks.ttl = ttl;
        }
        let api_version = self
            .api_version
            .unwrap_or_else(|| DEFAULT_API_VERSION.to_owned());
        let clock_skew = self.clock_skew.unwrap_or(DEFAULT_CLOCK_SKEW);
        // Spec §3.2.1: satellites check no issuer; a proxy URL is the exact issuer (and the JWKS
        // source); otherwise Clerk's issuer predicate, with keys from the Backend API.
        let mut verifier = VerifyTokenOptions::builder()
            .secret_key(self.secret_key.clone())
            .api_url(api_url.clone())
            .api_version(api_version.clone())
            .jwt_key(self.jwt_key.clone())
            .authorized_parties(self.authorized_parties.clone())
            .audience(self.audience.clone())
            .clock_skew(clock_skew)
            .jwks_cache_settings(jwks.clone())
            .skip_jwks_cache(self.skip_jwks_cache);
        if !self.is_satellite {
            verifier = if self.proxy_url.is_empty() {
                verifier.issuer(Issuer::clerk_frontend_api())
            } else {
                verifier.issuer(Issuer::exact(self.proxy_url.clone()))
            };
        }
        if let Some(clock) = self.clock {
            verifier = verifier.clock(clock);
        }
        if let Some(capacity) = self.token_cache_capacity {
            verifier = verifier.token_cache_capacity(capacity);
        }
        let verifier = verifier.build().map_err(|e| match e {
            VerifyOptionsError::InvalidJwtKey(key) => ConfigError::new(
                K::InvalidJwtKey,
                "CLERK_JWT_KEY",
                format!("CLERK_JWT_KEY is not usable: {key}."),
                "Copy the PEM public key from the API Keys page of the Clerk dashboard (or unset CLERK_JWT_KEY to use the JWKS).",
            ),
            VerifyOptionsError::InvalidApiUrl(_) => ConfigError::new(
                K::InvalidProxyUrl,
                "CLERK_PROXY_URL",
                "CLERK_PROXY_URL is not an absolute http(s) URL.".to_owned(),
                "Set CLERK_PROXY_URL to the absolute URL of your Clerk proxy, such as https://example.com/__clerk.",
            ),
            other => ConfigError::new(
                K::InvalidEnvValue,
                "CLERK_API_URL",
                format!("The token verifier could not be set up: {other}."),
                "Check the TLS set-up of this machine.",
            ),
        })?;
        Ok(ClerkConfig {
            inner: Arc::new(ConfigInner {
                id: ConfigId::next(),
                secret_key: self.secret_key,
                publishable_key: self.publishable_key,
                frontend_api,
                api_url,
                api_version,
                jwt_key: self.jwt_key,
                authorized_parties: self.authorized_parties,
                audience: self.audience,
                clock_skew,
                domain: self.domain,
                proxy_url: self.proxy_url,
                is_satellite: self.is_satellite,
                sign_in_url: self.sign_in_url,
                sign_up_url: self.sign_up_url,
                after_sign_in_url: self.after_sign_in_url,
                after_sign_up_url: self.after_sign_up_url,
                jwks_cache_ttl: jwks.ttl,
                skip_jwks_cache: self.skip_jwks_cache,
                interstitial_enabled: !self.interstitial_disabled,
                clerk_js_url: self.clerk_js_url,
                clerk_js_version: self.clerk_js_version,
                verifier,
                api_client: std::sync::OnceLock::new(),
            }),
        })
    }
}

/// Whether the sign-in URL's host is the configured satellite domain (Q12). The domain may carry
/// a scheme, a path and a port; with a (non-default) port, host and port are compared, else the
/// host alone. Both sides are normalised by the URL parser (case, IDNA, IPv6).
fn sign_in_url_on_domain(url: &Url, domain: &str) -> bool {
    let domain = domain.split_once("://").map_or(domain, |(_, rest)| rest);
    if domain.is_empty() {
        return false;
    }
    let scheme = match url.scheme() {
        s @ ("http" | "https") => s,
        _ => "https",
    };
    let Ok(d) = Url::parse(&format!("{scheme}://{domain}")) else {
        return false;
    };
    let (Some(host), Some(d_host)) = (url.host_str(), d.host_str()) else {
        return false;
    };
    host == d_host
        && d.port()
            .is_none_or(|p| url.port_or_known_default() == Some(p))
}

const ENV_VARS: &[&str] = &[
    "CLERK_SECRET_KEY",
    "CLERK_PUBLISHABLE_KEY",
    "CLERK_JWT_KEY",
    "CLERK_API_URL",
    "CLERK_API_VERSION",
    "CLERK_DOMAIN",
    "CLERK_PROXY_URL",
    "CLERK_IS_SATELLITE",
    "CLERK_SIGN_IN_URL",
    "CLERK_SIGN_UP_URL",
    "CLERK_AUTHORIZED_PARTIES",
    "CLERK_JS_URL",
    "CLERK_JS_VERSION",
];

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
    fn new(
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

#[cfg(test)]
mod tests {
    use super::*;

    const PK: &str = "pk_test_Y2xlcmsuZXhhbXBsZS5jb20k";

    fn base() -> ClerkConfigBuilder {
        ClerkConfig::builder().secret_key("sk_test_secretmaterial")
    }

    fn err(b: ClerkConfigBuilder) -> ConfigError {
        b.build().unwrap_err()
    }

    #[test]
    fn defaults() {
        let c = base().build().unwrap();
        assert_eq!(c.api_url(), "https://api.clerk.com");
        assert_eq!(c.api_version(), "v1");
        assert_eq!(c.clock_skew(), Duration::from_secs(5));
        assert_eq!(c.jwks_cache_ttl(), Duration::from_secs(300));
        assert!(!c.skip_jwks_cache());
        assert!(c.interstitial_enabled());
        assert!(!c.is_satellite());
        assert_eq!(c.frontend_api(), "");
        assert!(c.authorized_parties().is_empty());
        assert!(c.audience().is_empty());
        assert_eq!(c.instance_type(), Some(InstanceType::Development));
        let c = base()
            .clock_skew(Duration::ZERO)
            .interstitial(false)
            .audience(["a", "b"])
            .build()
            .unwrap();
        assert_eq!(c.clock_skew(), Duration::ZERO);
        assert!(!c.interstitial_enabled());
        assert_eq!(c.audience(), ["a", "b"]);
    }

    #[test]
    fn any_non_empty_secret_key() {
        for key in [
            "deadbeef",
            "pk_test_deadbeef",
            "test_deadbeef",
            "live_x",
            " ",
        ] {
            let c = ClerkConfig::builder().secret_key(key).build().unwrap();
            assert_eq!(c.secret_key(), key);
        }
        assert_eq!(
            ClerkConfig::builder()
                .secret_key("pk_test_deadbeef")
                .build()
                .unwrap()
                .instance_type(),
            None
        );
    }

    #[test]
    fn missing_secret_key() {
        let e = err(ClerkConfig::builder());
        assert_eq!(e.kind(), ConfigErrorKind::MissingSecretKey);
        assert_eq!(e.variable(), "CLERK_SECRET_KEY");
        assert_eq!(
            e.message(),
            "Missing Clerk Secret Key or API Key. Go to https://dashboard.clerk.com and get your key for your instance."
        );
        let text = e.to_string();
        assert!(
            text.starts_with(e.message()) && text.contains("CLERK_SECRET_KEY"),
            "{text}"
        );
    }

    #[test]
    fn publishable_key() {
        let c = base()
            .publishable_key(PK)
            .frontend_api("ignored.example")
            .build()
            .unwrap();
        assert_eq!(c.frontend_api(), "clerk.example.com");
        assert_eq!(c.publishable_key(), PK);
        let c = base().frontend_api("cafe.babe.clerk.ts").build().unwrap();
        assert_eq!(c.frontend_api(), "cafe.babe.clerk.ts");
        for bad in ["pk_test_Y2xlc", "nonsense", "pk_live_Zm9v"] {
            let e = err(base().publishable_key(bad));
            assert_eq!(e.kind(), ConfigErrorKind::InvalidPublishableKey, "{bad}");
            assert_eq!(e.variable(), "CLERK_PUBLISHABLE_KEY");
            assert!(e.to_string().contains("CLERK_PUBLISHABLE_KEY"));
            assert!(!e.to_string().contains(bad), "{e}");
        }
    }

    #[test]
    fn api_url() {
        assert_eq!(
            base()
                .api_url("http://127.0.0.1:1234")
                .build()
                .unwrap()
                .api_url(),
            "http://127.0.0.1:1234"
        );
        for bad in ["", "api.clerk.com", "/v1", "ftp://x", "https://"] {
            let e = err(base().api_url(bad));
            assert_eq!(e.kind(), ConfigErrorKind::InvalidApiUrl, "{bad}");
            assert_eq!(e.variable(), "CLERK_API_URL");
        }
    }

    #[test]
    fn cleartext_urls_are_refused_unless_loopback() {
        let e = err(base().api_url("http://api.clerk.com"));
        assert_eq!(e.kind(), ConfigErrorKind::InvalidApiUrl);
        assert_eq!(e.variable(), "CLERK_API_URL");
        assert!(e.message().contains("cleartext"), "{}", e.message());
        assert!(!e.to_string().contains("secretmaterial"), "{e}");
        let e = err(base().proxy_url("http://example.com/__clerk"));
        assert_eq!(e.kind(), ConfigErrorKind::InvalidProxyUrl);
        assert_eq!(e.variable(), "CLERK_PROXY_URL");
        assert!(e.message().contains("cleartext"), "{}", e.message());
        // A satellite's proxy URL is held to the same rule.
        let e = err(base()
            .is_satellite(true)
            .sign_in_url("https://primary.dev/sign-in")
            .proxy_url("http://satellite.dev/__clerk"));
        assert_eq!(e.kind(), ConfigErrorKind::InvalidProxyUrl);
        let e = err(base().proxy_url("/__clerk"));
        assert_eq!(e.kind(), ConfigErrorKind::InvalidProxyUrl);
        for loopback in ["http://127.0.0.1:9", "http://[::1]:9", "http://localhost:9"] {
            let c = base()
                .api_url(loopback)
                .proxy_url(format!("{loopback}/__clerk"))
                .build()
                .unwrap();
            assert_eq!(c.api_url(), loopback);
        }
    }

    #[test]
    fn satellite_rules() {
        // Dev key without sign-in URL.
        let e = err(base().is_satellite(true).domain("satellite.dev"));
        assert_eq!(e.kind(), ConfigErrorKind::MissingSignInUrl);
        assert_eq!(
            e.message(),
            "Missing signInUrl. Pass a signInUrl for dev instances if an app is satellite"
        );
        assert_eq!(e.variable(), "CLERK_SIGN_IN_URL");
        // Non-dev keys may omit it.
        for key in ["sk_live_x", "deadbeef"] {
            ClerkConfig::builder()
                .secret_key(key)
                .is_satellite(true)
                .domain("satellite.dev")
                .build()
                .unwrap();
        }
        // Relative sign-in URL.
        let e = err(base()
            .is_satellite(true)
            .domain("satellite.dev")
            .sign_in_url("/sign-in"));
        assert_eq!(e.kind(), ConfigErrorKind::SignInUrlNotAbsolute);
        assert_eq!(
            e.message(),
            "The signInUrl needs to have a absolute url format."
        );
        // Sign-in URL on the satellite's own domain.
        for (domain, url) in [
            ("satellite.dev", "https://satellite.dev/sign-in"),
            ("Satellite.DEV", "https://satellite.dev/sign-in"),
            ("https://satellite.dev", "https://satellite.dev/sign-in"),
            ("localhost:3000", "http://localhost:3000/sign-in"),
        ] {
            let e = err(base().is_satellite(true).domain(domain).sign_in_url(url));
            assert_eq!(
                e.kind(),
                ConfigErrorKind::SignInUrlSameOrigin,
                "{domain} {url}"
            );
            assert_eq!(
                e.message(),
                "The signInUrl needs to be on a different origin than your satellite application."
            );
        }
        // Different host (or port) is fine, including vector D16's setup.
        for (domain, url) in [
            ("satellite.dev", "https://primary.dev/sign-in"),
            ("localhost:3001", "https://localhost:3000/sign-in/"),
            ("satellite.example", "http://primary.example/sign-in"),
        ] {
            base()
                .is_satellite(true)
                .domain(domain)
                .sign_in_url(url)
                .build()
                .unwrap();
        }
        // Neither domain nor proxy URL.
        let e = err(base()
            .is_satellite(true)
            .sign_in_url("https://primary.dev/sign-in"));
        assert_eq!(e.kind(), ConfigErrorKind::MissingDomainOrProxyUrl);
        assert_eq!(
            e.message(),
            "Missing domain and proxyUrl. A satellite application needs to specify a domain or a proxyUrl"
        );
        assert!(e.to_string().contains("CLERK_PROXY_URL"));
        base()
            .is_satellite(true)
            .proxy_url("https://sat.dev/__clerk")
            .sign_in_url("https://primary.dev/sign-in")
            .build()
            .unwrap();
        // Not a satellite: none of this applies.
        base().sign_in_url("/sign-in").build().unwrap();
    }

    const TEST_PEM: &str = include_str!("../tests/fixtures/rsa_clerk_public.pem");

    fn env(vars: &[(&str, &str)]) -> Result<ClerkConfig, ConfigError> {
        ClerkConfig::from_env_with(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn from_env_mapping() {
        let c = env(&[
            ("CLERK_SECRET_KEY", "sk_live_abc"),
            ("CLERK_PUBLISHABLE_KEY", PK),
            ("CLERK_JWT_KEY", TEST_PEM),
            ("CLERK_JS_URL", "http://127.0.0.1:4001/clerk.browser.js"),
            ("CLERK_API_URL", "http://127.0.0.1:9"),
            ("CLERK_API_VERSION", "v2"),
            ("CLERK_DOMAIN", "satellite.dev"),
            ("CLERK_PROXY_URL", "https://p.dev/__clerk"),
            ("CLERK_IS_SATELLITE", "1"),
            ("CLERK_SIGN_IN_URL", "https://primary.dev/sign-in"),
            ("CLERK_SIGN_UP_URL", "https://primary.dev/sign-up"),
            (
                "CLERK_AUTHORIZED_PARTIES",
                " https://a.dev ,,https://b.dev, ",
            ),
        ])
        .unwrap();
        assert_eq!(c.secret_key(), "sk_live_abc");
        assert_eq!(c.frontend_api(), "clerk.example.com");
        assert_eq!(c.jwt_key(), TEST_PEM);
        assert_eq!(c.clerk_js_url(), "http://127.0.0.1:4001/clerk.browser.js");
        assert_eq!(c.api_url(), "http://127.0.0.1:9");
        assert_eq!(c.api_version(), "v2");
        assert_eq!(c.domain(), "satellite.dev");
        assert_eq!(c.proxy_url(), "https://p.dev/__clerk");
        assert!(c.is_satellite());
        assert_eq!(c.sign_in_url(), "https://primary.dev/sign-in");
        assert_eq!(c.sign_up_url(), "https://primary.dev/sign-up");
        assert_eq!(c.authorized_parties(), ["https://a.dev", "https://b.dev"]);

        // Empty values leave defaults.
        let c = env(&[
            ("CLERK_SECRET_KEY", "x"),
            ("CLERK_API_URL", ""),
            ("CLERK_IS_SATELLITE", ""),
            ("CLERK_AUTHORIZED_PARTIES", " , "),
        ])
        .unwrap();
        assert_eq!(c.api_url(), DEFAULT_API_URL);
        assert!(!c.is_satellite());
        assert!(c.authorized_parties().is_empty());

        // Missing secret key.
        assert_eq!(env(&[]).unwrap_err().variable(), "CLERK_SECRET_KEY");
    }

    #[test]
    fn from_env_is_satellite() {
        let sat = |v: &str| {
            env(&[
                ("CLERK_SECRET_KEY", "sk_live_x"),
                ("CLERK_DOMAIN", "sat.dev"),
                ("CLERK_IS_SATELLITE", v),
            ])
            .map(|c| c.is_satellite())
        };
        assert_eq!(sat("true"), Ok(true));
        assert_eq!(sat("TRUE"), Ok(true));
        assert_eq!(sat("1"), Ok(true));
        assert_eq!(sat("false"), Ok(false));
        assert_eq!(sat("0"), Ok(false));
        for bad in ["yes", "2", "on", "truee"] {
            let e = sat(bad).unwrap_err();
            assert_eq!(e.kind(), ConfigErrorKind::InvalidEnvValue);
            assert_eq!(e.variable(), "CLERK_IS_SATELLITE");
            assert!(e.to_string().contains("CLERK_IS_SATELLITE"));
        }
    }

    #[test]
    fn debug_hides_secrets() {
        let c = ClerkConfig::builder()
            .secret_key("sk_test_SUPERSECRETVALUE")
            .jwt_key(TEST_PEM)
            .build()
            .unwrap();
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("SUPERSECRET"), "{dbg}");
        assert!(!dbg.contains("MIIBIjANBgkq"), "{dbg}");
        let bad = ClerkConfig::builder()
            .secret_key("sk_test_x")
            .jwt_key("-----BEGIN PUBLIC KEY-----MIIBIjANBgkq")
            .build()
            .unwrap_err();
        assert_eq!(bad.kind(), ConfigErrorKind::InvalidJwtKey);
        assert_eq!(bad.variable(), "CLERK_JWT_KEY");
        assert!(!bad.to_string().contains("MIIBIjANBgkq"));
        assert!(dbg.contains("sk_test_[redacted]"), "{dbg}");
        let c = ClerkConfig::builder()
            .secret_key("deadbeef")
            .build()
            .unwrap();
        assert!(!format!("{c:?}").contains("deadbeef"));
        let b = ClerkConfig::builder().secret_key("sk_live_SUPERSECRET");
        assert!(!format!("{b:?}").contains("SUPERSECRET"));
        assert_eq!(redact_secret_key(""), "");
    }

    #[test]
    fn clone_is_cheap() {
        let c = base().build().unwrap();
        let d = c.clone();
        assert!(Arc::ptr_eq(&c.inner, &d.inner));
    }
}
