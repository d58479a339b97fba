//! [`ClerkConfigBuilder`]: the options, read from the environment or set one by one, and their
//! validation.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use url::Url;

use super::{
    ClerkConfig, ConfigError, ConfigErrorKind, ConfigId, ConfigInner, DEFAULT_API_URL,
    DEFAULT_API_VERSION, redact_secret_key,
};
use crate::clock::Clock;
use crate::handshake::{AuthProtocol, HandshakeSettings, OrganizationSync};
use crate::jwt::{
    DEFAULT_CLOCK_SKEW, Issuer, JwksCacheSettings, VerifyOptionsError, VerifyTokenOptions,
};
use crate::keys::{InstanceType, PublishableKey, instance_type_of_secret_key};
use crate::machine::{AcceptsToken, MachineCache, TokenType};
use crate::secure_url::secure_url;

impl ClerkConfig {
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
    /// | `CLERK_AUTH_PROTOCOL` | [`protocol`](ClerkConfigBuilder::protocol) (`handshake`/`interstitial`) |
    /// | `CLERK_SATELLITE_AUTO_SYNC` | [`satellite_auto_sync`](ClerkConfigBuilder::satellite_auto_sync) (`true`/`false`/`1`/`0`) |
    /// | `CLERK_MACHINE_SECRET_KEY` | [`machine_secret_key`](ClerkConfigBuilder::machine_secret_key) |
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
    ///     "CLERK_PUBLISHABLE_KEY" => Some("pk_live_Y2xlcmsuZXhhbXBsZS5jb20k".to_owned()),
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
    protocol: Option<AuthProtocol>,
    satellite_auto_sync: bool,
    organization_sync: Option<OrganizationSync>,
    issuer: Vec<String>,
    accepts_token: AcceptsToken,
    machine_secret_key: String,
    machine_token_cache_ttl: Option<Duration>,
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
            b.is_satellite = parse_bool(&v).ok_or_else(|| {
                ConfigError::new(
                    ConfigErrorKind::InvalidEnvValue,
                    "CLERK_IS_SATELLITE",
                    "CLERK_IS_SATELLITE must be `true`, `false`, `1` or `0`.".to_owned(),
                    "Set CLERK_IS_SATELLITE=true for a satellite application, or unset it.",
                )
            })?;
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
        if let Some(v) = get("CLERK_AUTH_PROTOCOL") {
            b.protocol = Some(AuthProtocol::parse(&v).ok_or_else(|| {
                ConfigError::new(
                    ConfigErrorKind::InvalidEnvValue,
                    "CLERK_AUTH_PROTOCOL",
                    "CLERK_AUTH_PROTOCOL must be `handshake` or `interstitial`.".to_owned(),
                    "Unset CLERK_AUTH_PROTOCOL for Clerk's current protocol (the handshake), or set it to `interstitial` for clerk-js 4 frontends.",
                )
            })?);
        }
        if let Some(v) = get("CLERK_MACHINE_SECRET_KEY") {
            b.machine_secret_key = v.trim().to_owned();
        }
        if let Some(v) = get("CLERK_SATELLITE_AUTO_SYNC") {
            b.satellite_auto_sync = parse_bool(&v).ok_or_else(|| {
                ConfigError::new(
                    ConfigErrorKind::InvalidEnvValue,
                    "CLERK_SATELLITE_AUTO_SYNC",
                    "CLERK_SATELLITE_AUTO_SYNC must be `true`, `false`, `1` or `0`.".to_owned(),
                    "Set CLERK_SATELLITE_AUTO_SYNC=true to sync a satellite's session on the first visit, or unset it.",
                )
            })?;
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

    /// The request protocol: [`AuthProtocol::Handshake`] (Clerk's current one, for clerk-js 5
    /// frontends) or [`AuthProtocol::Interstitial`] (clerk-js 4). Env `CLERK_AUTH_PROTOCOL`
    /// (`handshake` or `interstitial`). The default is [`AuthProtocol::DEFAULT`].
    pub fn protocol(mut self, protocol: AuthProtocol) -> Self {
        self.protocol = Some(protocol);
        self
    }

    /// Handshake protocol, satellites: sync the session from the primary domain on the first
    /// visit (a handshake even without Clerk cookies). Defaults to `false`: the first visit is
    /// signed out until the app links with `__clerk_synced=false`. Env
    /// `CLERK_SATELLITE_AUTO_SYNC`.
    pub fn satellite_auto_sync(mut self, enabled: bool) -> Self {
        self.satellite_auto_sync = enabled;
        self
    }

    /// Handshake protocol: URL patterns naming the organization a page is about, so that the
    /// session's active organization follows the URL (see [`OrganizationSync`]).
    pub fn organization_sync(mut self, sync: OrganizationSync) -> Self {
        self.organization_sync = Some(sync);
        self
    }

    /// Handshake protocol: the accepted issuers (`iss`); a token whose `iss` is not one of them is
    /// rejected with `token-invalid-issuer`. Defaults to none (no issuer check, as Clerk's SDK:
    /// the signature already ties the token to the instance).
    pub fn issuer<I, S>(mut self, issuers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.issuer = issuers
            .into_iter()
            .map(Into::into)
            .filter(|s| !s.is_empty())
            .collect();
        self
    }

    /// The protocol this builder will build with (the default when none was chosen).
    #[must_use]
    pub fn protocol_choice(&self) -> AuthProtocol {
        self.protocol.unwrap_or(AuthProtocol::DEFAULT)
    }

    /// Which tokens the `Authorization` header may carry (handshake protocol): session tokens
    /// (the default), API keys, M2M tokens, OAuth access tokens, any, or a list. Machine tokens
    /// are verified with the Backend API (opaque ones) or the instance's keys (JWT ones).
    pub fn accepts_token(mut self, accepts: AcceptsToken) -> Self {
        self.accepts_token = accepts;
        self
    }

    /// Remember verified opaque machine tokens (API keys, M2M and OAuth tokens checked with the
    /// Backend API) for `ttl`, so that a caller reusing its token costs no Backend API call.
    /// Off by default (no peer SDK has one). **The cost:** a key or token revoked at Clerk keeps
    /// working here for up to `ttl`. JWT-format tokens are verified locally and not cached.
    pub fn machine_token_cache_ttl(mut self, ttl: Duration) -> Self {
        self.machine_token_cache_ttl = Some(ttl);
        self
    }

    /// The machine secret key (`ak_…`) that verifies opaque M2M tokens instead of the secret key.
    /// Env `CLERK_MACHINE_SECRET_KEY`. Keep it out of logs.
    pub fn machine_secret_key(mut self, key: impl Into<String>) -> Self {
        self.machine_secret_key = key.into();
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
    /// API URL (and the proxy URL, when set) is an absolute `https` URL, or `http` to a loopback
    /// host (auth-rules §1.3); and, for a satellite (auth-rules §1.2, D12): a
    /// development key has a sign-in URL, the sign-in URL (when set) is absolute and not on the
    /// configured domain, and a domain or proxy URL is set.
    ///
    /// # Errors
    ///
    /// The first failing check as a [`ConfigError`]; its [`message`](ConfigError::message) is
    /// Clerk's text where Clerk has one, and it names the variable and the fix.
    pub fn build(self) -> Result<ClerkConfig, ConfigError> {
        let protocol = self.protocol.unwrap_or(AuthProtocol::DEFAULT);
        self.check_keys(protocol)?;
        let key_frontend_api = self.publishable_key_frontend_api()?;
        let api_url = self
            .api_url
            .clone()
            .unwrap_or_else(|| DEFAULT_API_URL.to_owned());
        // The handshake protocol also takes a proxy path (`/__clerk`) on the request's origin.
        let relative_proxy = protocol == AuthProtocol::Handshake
            && self.proxy_url.starts_with('/')
            && !self.proxy_url.starts_with("//");
        check_urls(&api_url, if relative_proxy { "" } else { &self.proxy_url })?;
        if self.is_satellite {
            self.check_satellite()?;
        }
        let mut jwks = self.jwks_cache_settings.clone().unwrap_or_default();
        if let Some(ttl) = self.jwks_cache_ttl {
            jwks.ttl = ttl;
        }
        let api_version = self
            .api_version
            .clone()
            .unwrap_or_else(|| DEFAULT_API_VERSION.to_owned());
        let clock_skew = self.clock_skew.unwrap_or(DEFAULT_CLOCK_SKEW);
        let http = reqwest::Client::builder()
            .connect_timeout(jwks.connect_timeout)
            .build()
            .map_err(|e| {
                ConfigError::new(
                    ConfigErrorKind::InvalidEnvValue,
                    "CLERK_API_URL",
                    format!("The HTTP client could not be set up: {e}."),
                    "Check the TLS set-up of this machine.",
                )
            })?;
        let verifier = self.verifier(protocol, &api_url, &api_version, clock_skew, &jwks, &http)?;
        let handshake = match protocol {
            AuthProtocol::Handshake => Some(self.handshake_settings()?),
            AuthProtocol::Interstitial => None,
        };
        Ok(ClerkConfig {
            inner: Arc::new(ConfigInner {
                id: ConfigId::next(),
                secret_key: self.secret_key,
                publishable_key: self.publishable_key,
                frontend_api: key_frontend_api.unwrap_or(self.frontend_api),
                domain: self.domain,
                proxy_url: self.proxy_url,
                is_satellite: self.is_satellite,
                sign_in_url: self.sign_in_url,
                sign_up_url: self.sign_up_url,
                after_sign_in_url: self.after_sign_in_url,
                after_sign_up_url: self.after_sign_up_url,
                interstitial_enabled: !self.interstitial_disabled,
                clerk_js_url: self.clerk_js_url,
                clerk_js_version: self.clerk_js_version,
                verifier,
                http,
                protocol,
                handshake,
                accepts_token: self.accepts_token,
                machine_secret_key: self.machine_secret_key,
                machine_cache: self
                    .machine_token_cache_ttl
                    .filter(|ttl| !ttl.is_zero())
                    .map(MachineCache::new),
            }),
        })
    }

    /// [`build`](Self::build)'s first check: the secret key is non-empty.
    fn check_secret_key(&self, protocol: AuthProtocol) -> Result<(), ConfigError> {
        use ConfigErrorKind as K;
        if self.secret_key.is_empty() {
            return Err(ConfigError::new(
            K::MissingSecretKey,
            "CLERK_SECRET_KEY",
            match protocol {
                AuthProtocol::Interstitial => "Missing Clerk Secret Key or API Key. Go to https://dashboard.clerk.com and get your key for your instance.",
                AuthProtocol::Handshake => "Missing Clerk Secret Key. Go to https://dashboard.clerk.com and get your key for your instance.",
            }.to_owned(),
            "Set CLERK_SECRET_KEY (or the builder's `secret_key`) to the secret key from the API Keys page of the Clerk dashboard.",
        ));
        }
        Ok(())
    }

    /// The keys each protocol needs: the interstitial protocol a secret key (and session tokens
    /// only); the handshake protocol a strictly valid publishable key (unless only API keys or
    /// M2M tokens are accepted, which read headers only) and a secret key (for M2M tokens alone,
    /// a machine secret key will do).
    fn check_keys(&self, protocol: AuthProtocol) -> Result<(), ConfigError> {
        let accepts = &self.accepts_token;
        if protocol == AuthProtocol::Interstitial {
            if !accepts.is_only(TokenType::SessionToken) {
                return Err(ConfigError::new(
                    ConfigErrorKind::MachineTokensNeedHandshake,
                    "CLERK_AUTH_PROTOCOL",
                    "Machine tokens are accepted by the handshake protocol only.".to_owned(),
                    "Unset CLERK_AUTH_PROTOCOL (the handshake is the default), or accept session tokens only.",
                ));
            }
            return self.check_secret_key(protocol);
        }
        let headers_only =
            accepts.is_only(TokenType::ApiKey) || accepts.is_only(TokenType::M2mToken);
        if !headers_only {
            self.check_handshake_publishable_key()?;
        }
        if accepts.is_only(TokenType::M2mToken) {
            if self.secret_key.is_empty() && self.machine_secret_key.is_empty() {
                return Err(ConfigError::new(
                    ConfigErrorKind::MissingSecretKey,
                    "CLERK_MACHINE_SECRET_KEY",
                    "Machine token authentication requires either a Machine secret key or a Clerk secret key. Ensure a Clerk secret key or Machine secret key is set.".to_owned(),
                    "Set CLERK_MACHINE_SECRET_KEY (or CLERK_SECRET_KEY).",
                ));
            }
            return Ok(());
        }
        self.check_secret_key(protocol)
    }

    /// The handshake protocol's first check: a publishable key is set and strictly valid (its
    /// instance type, frontend API and cookie suffix come from it).
    fn check_handshake_publishable_key(&self) -> Result<(), ConfigError> {
        use ConfigErrorKind as K;
        let fix = "Copy the publishable key (pk_test_… or pk_live_…) from the API Keys page of the Clerk dashboard into CLERK_PUBLISHABLE_KEY.";
        if self.publishable_key.is_empty() {
            return Err(ConfigError::new(
                K::MissingPublishableKey,
                "CLERK_PUBLISHABLE_KEY",
                "Publishable key is missing.".to_owned(),
                fix,
            ));
        }
        if !crate::keys::is_strict_publishable_key(&self.publishable_key) {
            return Err(ConfigError::new(
                K::InvalidPublishableKey,
                "CLERK_PUBLISHABLE_KEY",
                "Publishable key not valid (expected format: pk_test_... or pk_live_...)."
                    .to_owned(),
                fix,
            ));
        }
        Ok(())
    }

    /// The handshake protocol's per-instance values, computed once.
    fn handshake_settings(&self) -> Result<HandshakeSettings, ConfigError> {
        HandshakeSettings::new(
            &self.publishable_key,
            &self.domain,
            &self.proxy_url,
            self.is_satellite,
            self.satellite_auto_sync,
            self.organization_sync.clone(),
        )
    }

    /// The frontend API of the publishable key when one is set (`None` when unset), or the
    /// error when it does not parse.
    fn publishable_key_frontend_api(&self) -> Result<Option<String>, ConfigError> {
        use ConfigErrorKind as K;
        if self.publishable_key.is_empty() {
            return Ok(None);
        }
        match PublishableKey::parse(&self.publishable_key) {
            Ok(pk) => Ok(Some(pk.frontend_api().to_owned())),
            Err(e) => Err(ConfigError::new(
                K::InvalidPublishableKey,
                "CLERK_PUBLISHABLE_KEY",
                format!("CLERK_PUBLISHABLE_KEY is malformed: {e}."),
                "Copy the publishable key (pk_test_… or pk_live_…) from the API Keys page of the Clerk dashboard.",
            )),
        }
    }

    /// The satellite rules, in [`build`](Self::build)'s order: a development key has a sign-in
    /// URL, the sign-in URL (when set) is absolute and not on the configured domain, and a domain
    /// or proxy URL is set.
    fn check_satellite(&self) -> Result<(), ConfigError> {
        use ConfigErrorKind as K;
        let dev = instance_type_of_secret_key(&self.secret_key) == Some(InstanceType::Development);
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
        Ok(())
    }

    /// The token verifier of the instance built from these options.
    fn verifier(
        &self,
        protocol: AuthProtocol,
        api_url: &str,
        api_version: &str,
        clock_skew: Duration,
        jwks: &JwksCacheSettings,
        http: &reqwest::Client,
    ) -> Result<VerifyTokenOptions, ConfigError> {
        use ConfigErrorKind as K;
        // auth-rules §4.2: satellites check no issuer; a proxy URL is the exact issuer (and the JWKS
        // source); otherwise Clerk's issuer predicate, with keys from the Backend API.
        let mut verifier = VerifyTokenOptions::builder()
            .secret_key(self.secret_key.clone())
            .api_url(api_url.to_owned())
            .api_version(api_version.to_owned())
            .jwt_key(self.jwt_key.clone())
            .authorized_parties(self.authorized_parties.clone())
            .audience(self.audience.clone())
            .clock_skew(clock_skew)
            .jwks_cache_settings(jwks.clone())
            .skip_jwks_cache(self.skip_jwks_cache)
            .http_client(http.clone());
        if protocol == AuthProtocol::Handshake {
            // Keys come from the Backend API (or the JWT key) only, and no issuer is checked
            // unless asked: the signature ties the token to the instance.
            verifier = verifier.handshake_dialect();
            if !self.issuer.is_empty() {
                verifier = verifier.issuer(Issuer::one_of(self.issuer.clone()));
            }
        } else if !self.is_satellite {
            verifier = if self.proxy_url.is_empty() {
                verifier.issuer(Issuer::clerk_frontend_api())
            } else {
                verifier.issuer(Issuer::exact(self.proxy_url.clone()))
            };
        }
        if let Some(clock) = self.clock.clone() {
            verifier = verifier.clock(clock);
        }
        if let Some(capacity) = self.token_cache_capacity {
            verifier = verifier.token_cache_capacity(capacity);
        }
        verifier.build().map_err(|e| match e {
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
    })
    }
}

/// The API URL, and the proxy URL when set, pass [`secure_url`].
fn check_urls(api_url: &str, proxy_url: &str) -> Result<(), ConfigError> {
    use ConfigErrorKind as K;
    if let Err(problem) = secure_url(api_url) {
        return Err(ConfigError::new(
            K::InvalidApiUrl,
            "CLERK_API_URL",
            format!("CLERK_API_URL {}.", problem.explain()),
            "Set CLERK_API_URL to an https URL like https://api.clerk.com, or unset it to use the default.",
        ));
    }
    if !proxy_url.is_empty()
        && let Err(problem) = secure_url(proxy_url)
    {
        return Err(ConfigError::new(
            K::InvalidProxyUrl,
            "CLERK_PROXY_URL",
            format!("CLERK_PROXY_URL {}.", problem.explain()),
            "Set CLERK_PROXY_URL to the absolute https URL of your Clerk proxy, such as https://example.com/__clerk.",
        ));
    }
    Ok(())
}

/// Whether the sign-in URL's host is the configured satellite domain (auth-rules D12). The domain may carry
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

/// `true`/`1` or `false`/`0`, any case.
fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

const ENV_VARS: &[&str] = &[
    "CLERK_AUTH_PROTOCOL",
    "CLERK_MACHINE_SECRET_KEY",
    "CLERK_SATELLITE_AUTO_SYNC",
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
