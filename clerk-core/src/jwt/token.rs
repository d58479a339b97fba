//! [`verify_token`]: verification with automatic key resolution (local key or JWKS).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::claims::SessionClaims;
use super::decode::{Jwt, decode_jwt};
use super::error::{
    TokenVerificationError, TokenVerificationErrorAction as Action,
    TokenVerificationErrorReason as Reason,
};
use super::jwks::{JwksCache, JwksCacheSettings, JwksSource, KeyLookup};
use super::key::{KeyError, VerificationKey};
use super::token_cache::{DEFAULT_TOKEN_CACHE_CAPACITY, TokenCache};
use super::verified::{Verified, is_other_kind};
use super::verify::{
    ClaimRules, Dialect, Issuer, M2M_TOKEN_CAT, m2m_error, non_empty, verify_decoded,
};
use crate::clock::Clock;
use crate::config::{DEFAULT_API_URL, DEFAULT_API_VERSION};
use crate::secure_url::secure_url;

/// Options of [`verify_token`]: where keys come from, and the claim rules.
///
/// Build them once and reuse them: they hold the parsed local key or a handle to the instance's
/// shared JWKS cache. `Debug` never shows the secret key.
///
/// ```no_run
/// use clerk_core::{verify_token, VerifyTokenOptions};
///
/// # async fn run(token: &str) -> Result<(), Box<dyn std::error::Error>> {
/// // Networkless: the PEM public key from the Clerk dashboard (CLERK_JWT_KEY).
/// let options = VerifyTokenOptions::builder()
///     .jwt_key(std::env::var("CLERK_JWT_KEY")?)
///     .authorized_parties(["https://example.com"])
///     .build()?;
/// let claims = verify_token(token, &options).await?;
///
/// // Or with the JWKS of the Backend API, fetched with the secret key and cached.
/// let options = VerifyTokenOptions::builder()
///     .secret_key(std::env::var("CLERK_SECRET_KEY")?)
///     .build()?;
/// let claims = verify_token(token, &options).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct VerifyTokenOptions {
    keys: KeySource,
    rules: ClaimRules,
    skip_jwks_cache: bool,
    token_cache: Option<Arc<TokenCache>>,
    /// The settings these options were built from, kept once here: a `ClerkConfig` reads them
    /// back through the crate-internal accessors below instead of storing a copy.
    api_url: String,
    api_version: String,
    /// The raw `jwt_key` option (`""` when unset); the parsed key is in `keys`.
    jwt_key: String,
    jwks: JwksCacheSettings,
}

#[derive(Clone)]
enum KeySource {
    Local(Arc<VerificationKey>),
    Jwks(Arc<JwksCache>),
    Unresolved,
}

impl fmt::Debug for VerifyTokenOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys = match &self.keys {
            KeySource::Local(k) => format!("{k:?}"),
            KeySource::Jwks(c) => format!("{c:?}"),
            KeySource::Unresolved => "none".to_owned(),
        };
        f.debug_struct("VerifyTokenOptions")
            .field("keys", &keys)
            .field("rules", &self.rules)
            .field("skip_jwks_cache", &self.skip_jwks_cache)
            .field("token_cache", &self.token_cache)
            .finish()
    }
}

/// A [`VerifyTokenOptions`] could not be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyOptionsError {
    /// `jwt_key` (`CLERK_JWT_KEY`) is not a usable RSA public key.
    #[error(
        "CLERK_JWT_KEY is not usable: {0}. Copy the PEM public key from the API keys page of the Clerk dashboard."
    )]
    InvalidJwtKey(KeyError),
    /// `api_url` (`CLERK_API_URL`) or the exact issuer the JWKS is fetched from is not an
    /// absolute `https` URL (`http` is accepted for loopback hosts only).
    #[error(
        "the Clerk URL {0:?} must be an absolute https URL such as https://api.clerk.com (http is accepted for 127.0.0.1, ::1 and localhost only)"
    )]
    InvalidApiUrl(String),
    /// The HTTP client could not be built.
    #[error("could not build the HTTP client: {0}")]
    Http(String),
}

/// Builder of [`VerifyTokenOptions`].
#[must_use]
#[derive(Clone)]
pub struct VerifyTokenOptionsBuilder {
    secret_key: Option<String>,
    api_url: String,
    api_version: String,
    jwt_key: Option<String>,
    rules: ClaimRules,
    jwks: JwksCacheSettings,
    skip_jwks_cache: bool,
    token_cache_capacity: usize,
    /// The HTTP client a new JWKS cache uses (a configuration's); `None`: the cache builds one.
    http: Option<reqwest::Client>,
}

impl fmt::Debug for VerifyTokenOptionsBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyTokenOptionsBuilder")
            .field(
                "secret_key",
                &self.secret_key.as_ref().map(|_| "[redacted]"),
            )
            .field("api_url", &self.api_url)
            .field("api_version", &self.api_version)
            .field("jwt_key", &self.jwt_key.as_ref().map(|_| "[set]"))
            .field("rules", &self.rules)
            .field("jwks", &self.jwks)
            .field("token_cache_capacity", &self.token_cache_capacity)
            .finish()
    }
}

impl VerifyTokenOptions {
    /// The verified-token cache, when on (it is bypassed with `skip_jwks_cache`).
    fn token_cache(&self) -> Option<&TokenCache> {
        self.token_cache
            .as_deref()
            .filter(|_| !self.skip_jwks_cache)
    }

    /// A builder with every default.
    pub fn builder() -> VerifyTokenOptionsBuilder {
        VerifyTokenOptionsBuilder {
            secret_key: None,
            api_url: DEFAULT_API_URL.to_owned(),
            api_version: DEFAULT_API_VERSION.to_owned(),
            jwt_key: None,
            rules: ClaimRules::default(),
            jwks: JwksCacheSettings::default(),
            skip_jwks_cache: false,
            token_cache_capacity: DEFAULT_TOKEN_CACHE_CAPACITY,
            http: None,
        }
    }

    /// The Backend API URL.
    pub(crate) fn api_url(&self) -> &str {
        &self.api_url
    }

    /// The Backend API version path segment.
    pub(crate) fn api_version(&self) -> &str {
        &self.api_version
    }

    /// The `jwt_key` option as given, `""` when unset.
    pub(crate) fn jwt_key(&self) -> &str {
        &self.jwt_key
    }

    /// The accepted `azp` values (empty: no check).
    pub(crate) fn authorized_parties(&self) -> &[String] {
        &self.rules.authorized_parties
    }

    /// The accepted `aud` values (empty: no check).
    pub(crate) fn audience(&self) -> &[String] {
        &self.rules.audience
    }

    /// The clock skew allowed on `exp`, `nbf` and `iat`.
    pub(crate) fn clock_skew(&self) -> Duration {
        self.rules.clock_skew
    }

    /// The JWKS cache settings.
    pub(crate) fn jwks_cache_settings(&self) -> &JwksCacheSettings {
        &self.jwks
    }

    /// Whether every verification fetches the JWKS.
    pub(crate) fn skip_jwks_cache(&self) -> bool {
        self.skip_jwks_cache
    }

    /// How many tokens the verified-token cache holds now.
    pub(crate) fn token_cache_len(&self) -> usize {
        self.token_cache.as_ref().map_or(0, |c| c.len())
    }

    /// How many JWKS requests the cache behind these options has sent (0 with a local key).
    pub(crate) fn jwks_fetch_count(&self) -> u64 {
        match &self.keys {
            KeySource::Jwks(c) => c.fetch_count(),
            _ => 0,
        }
    }
}

impl VerifyTokenOptions {
    /// Options read from Clerk's environment variables (see
    /// [`VerifyTokenOptionsBuilder::from_env`]), built.
    ///
    /// # Errors
    ///
    /// As [`VerifyTokenOptionsBuilder::build`].
    ///
    /// ```no_run
    /// let options = clerk_core::VerifyTokenOptions::from_env()?;
    /// # Ok::<(), clerk_core::VerifyOptionsError>(())
    /// ```
    pub fn from_env() -> Result<Self, VerifyOptionsError> {
        VerifyTokenOptionsBuilder::from_env().build()
    }

    /// As [`from_env`](Self::from_env), with the variables read through `lookup` instead of the
    /// process environment.
    ///
    /// # Errors
    ///
    /// As [`VerifyTokenOptionsBuilder::build`].
    ///
    /// ```
    /// use clerk_core::VerifyTokenOptions;
    ///
    /// let options = VerifyTokenOptions::from_env_with(|name| match name {
    ///     "CLERK_SECRET_KEY" => Some("sk_test_xxx".to_owned()),
    ///     "CLERK_API_URL" => Some("http://127.0.0.1:4010".to_owned()),
    ///     _ => None,
    /// })?;
    /// # let _ = options;
    /// # Ok::<(), clerk_core::VerifyOptionsError>(())
    /// ```
    pub fn from_env_with<F>(lookup: F) -> Result<Self, VerifyOptionsError>
    where
        F: FnMut(&str) -> Option<String>,
    {
        VerifyTokenOptionsBuilder::from_env_with(lookup).build()
    }
}

impl VerifyTokenOptionsBuilder {
    /// A builder with every default, then `CLERK_SECRET_KEY`, `CLERK_JWT_KEY`, `CLERK_API_URL`,
    /// `CLERK_API_VERSION` and `CLERK_AUTHORIZED_PARTIES` (comma-separated) applied where set
    /// and non-empty, to adjust before [`build`](Self::build) (which never reads the
    /// environment itself).
    ///
    /// ```no_run
    /// use clerk_core::VerifyTokenOptionsBuilder;
    ///
    /// let options = VerifyTokenOptionsBuilder::from_env()
    ///     .authorized_parties(["https://example.com"])
    ///     .build()?;
    /// # Ok::<(), clerk_core::VerifyOptionsError>(())
    /// ```
    pub fn from_env() -> Self {
        Self::from_env_with(|name| std::env::var(name).ok())
    }

    /// As [`from_env`](Self::from_env), with the variables read through `lookup`.
    ///
    /// ```
    /// use clerk_core::VerifyTokenOptionsBuilder;
    ///
    /// let builder = VerifyTokenOptionsBuilder::from_env_with(|name| match name {
    ///     "CLERK_SECRET_KEY" => Some("sk_test_xxx".to_owned()),
    ///     _ => None,
    /// });
    /// # let _ = builder;
    /// ```
    pub fn from_env_with<F>(mut lookup: F) -> Self
    where
        F: FnMut(&str) -> Option<String>,
    {
        let mut this = VerifyTokenOptions::builder();
        let mut get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        if let Some(v) = get("CLERK_SECRET_KEY") {
            this.secret_key = Some(v.trim().to_owned());
        }
        if let Some(v) = get("CLERK_JWT_KEY") {
            this.jwt_key = Some(v);
        }
        if let Some(v) = get("CLERK_API_URL") {
            this.api_url = v.trim().to_owned();
        }
        if let Some(v) = get("CLERK_API_VERSION") {
            this.api_version = v.trim().to_owned();
        }
        if let Some(v) = get("CLERK_AUTHORIZED_PARTIES") {
            this.rules.authorized_parties = non_empty(v.split(',').map(str::trim));
        }
        this
    }

    /// The secret key (`CLERK_SECRET_KEY`), used to fetch the JWKS from the Backend API. Defaults
    /// to none.
    pub fn secret_key(mut self, secret_key: impl Into<String>) -> Self {
        self.secret_key = Some(secret_key.into()).filter(|s| !s.is_empty());
        self
    }

    /// The Backend API URL (`CLERK_API_URL`). Defaults to `https://api.clerk.com`.
    pub fn api_url(mut self, api_url: impl Into<String>) -> Self {
        self.api_url = api_url.into();
        self
    }

    /// The Backend API version path (`CLERK_API_VERSION`). Defaults to `v1`.
    pub fn api_version(mut self, api_version: impl Into<String>) -> Self {
        self.api_version = api_version.into();
        self
    }

    /// The instance's PEM public key (`CLERK_JWT_KEY`): verification then needs no network at all.
    /// Defaults to none.
    pub fn jwt_key(mut self, jwt_key: impl Into<String>) -> Self {
        self.jwt_key = Some(jwt_key.into()).filter(|s| !s.trim().is_empty());
        self
    }

    /// The expected issuer. An exact issuer also makes the keys come from
    /// `<issuer>/.well-known/jwks.json` (unless a `jwt_key` is set). Defaults to none.
    pub fn issuer(mut self, issuer: impl Into<Issuer>) -> Self {
        self.rules.issuer = Some(issuer.into());
        self
    }

    /// Accepted audiences, checked when the token has `aud`. Defaults to none.
    pub fn audience<I, S>(mut self, audience: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.rules.audience = non_empty(audience);
        self
    }

    /// Accepted `azp` values (`CLERK_AUTHORIZED_PARTIES`). Defaults to none (no check).
    pub fn authorized_parties<I, S>(mut self, parties: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.rules.authorized_parties = non_empty(parties);
        self
    }

    /// Tolerance for `exp`, `nbf` and `iat`. Defaults to 5 seconds; zero is honoured.
    pub fn clock_skew(mut self, skew: Duration) -> Self {
        self.rules.clock_skew = skew;
        self
    }

    /// How long a fetched JWKS is fresh. Defaults to 5 minutes.
    pub fn jwks_cache_ttl(mut self, ttl: Duration) -> Self {
        self.jwks.ttl = ttl;
        self
    }

    /// Every JWKS cache setting at once. Defaults to [`JwksCacheSettings::default`].
    pub fn jwks_cache_settings(mut self, settings: JwksCacheSettings) -> Self {
        self.jwks = settings;
        self
    }

    /// Fetch the JWKS for every verification (this also bypasses the verified-token cache).
    /// Defaults to `false`.
    pub fn skip_jwks_cache(mut self, skip: bool) -> Self {
        self.skip_jwks_cache = skip;
        self
    }

    /// Capacity of the verified-token cache: a token that verified is remembered (by its whole
    /// string, for these options only) until its `exp`, so the browser's repeated requests with
    /// the same session token skip the RSA verification; every hit re-checks `exp`, `nbf` and
    /// `iat` against the clock. `0` turns it off. Defaults to 4096 tokens.
    ///
    /// This accepts exactly what stateless verification accepts: a session token is valid until
    /// its `exp` (60 s for Clerk) in both cases; no revocation check is lost.
    pub fn token_cache_capacity(mut self, capacity: usize) -> Self {
        self.token_cache_capacity = capacity;
        self
    }

    /// The HTTP client of the configuration these options belong to, used by the JWKS cache when
    /// this build creates it (see the `jwks` module docs).
    /// The handshake protocol's verification rules (see [`Dialect::Handshake`]).
    pub(crate) fn handshake_dialect(mut self) -> Self {
        self.rules.dialect = Dialect::Handshake;
        self
    }

    pub(crate) fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// The clock for every time rule. Defaults to the system clock.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.rules.clock = clock;
        self
    }

    /// Parses the local key or attaches the instance's shared JWKS cache.
    ///
    /// # Errors
    ///
    /// [`VerifyOptionsError`] for an unusable `jwt_key` or `api_url`.
    pub fn build(self) -> Result<VerifyTokenOptions, VerifyOptionsError> {
        self.build_with(|source, settings, http| {
            JwksCache::shared(source, settings, http).map_err(|e| e.to_string())
        })
    }

    /// As [`build`](Self::build), with a JWKS cache of its own instead of the process-wide shared
    /// one (for tests that need a cold cache).
    pub(crate) fn build_unshared(self) -> Result<VerifyTokenOptions, VerifyOptionsError> {
        self.build_with(|source, settings, http| {
            JwksCache::new(source, settings, http)
                .map(Arc::new)
                .map_err(|e| e.to_string())
        })
    }

    fn build_with(
        self,
        cache: impl FnOnce(
            JwksSource,
            JwksCacheSettings,
            Option<reqwest::Client>,
        ) -> Result<Arc<JwksCache>, String>,
    ) -> Result<VerifyTokenOptions, VerifyOptionsError> {
        let keys = if let Some(pem) = &self.jwt_key {
            KeySource::Local(Arc::new(
                VerificationKey::from_pem(pem).map_err(VerifyOptionsError::InvalidJwtKey)?,
            ))
        } else if let Some(issuer) = self.rules.issuer.as_ref().and_then(Issuer::as_exact) {
            check_url(issuer)?;
            KeySource::Jwks(
                cache(
                    JwksSource::frontend_api(issuer),
                    self.jwks.clone(),
                    self.http.clone(),
                )
                .map_err(VerifyOptionsError::Http)?,
            )
        } else if let Some(secret) = &self.secret_key {
            check_url(&self.api_url)?;
            let source = JwksSource::backend_api(&self.api_url, &self.api_version, secret);
            KeySource::Jwks(
                cache(source, self.jwks.clone(), self.http.clone())
                    .map_err(VerifyOptionsError::Http)?,
            )
        } else {
            KeySource::Unresolved
        };
        Ok(VerifyTokenOptions {
            keys,
            rules: self.rules,
            skip_jwks_cache: self.skip_jwks_cache,
            token_cache: TokenCache::new(self.token_cache_capacity).map(Arc::new),
            api_url: self.api_url,
            api_version: self.api_version,
            jwt_key: self.jwt_key.unwrap_or_default(),
            jwks: self.jwks,
        })
    }
}

fn check_url(raw: &str) -> Result<(), VerifyOptionsError> {
    secure_url(raw)
        .map(drop)
        .map_err(|_| VerifyOptionsError::InvalidApiUrl(raw.to_owned()))
}

/// Verifies a Clerk session token, resolving the key automatically.
///
/// 1. The token is decoded (and refused if over [`MAX_TOKEN_LEN`](crate::jwt::MAX_TOKEN_LEN) or a
///    machine-to-machine token).
/// 2. The key: the local `jwt_key` when set (no network); otherwise the JWKS of the exact issuer
///    or of the Backend API (`GET {api_url}/{api_version}/jwks` with the secret key), through the
///    instance's shared cache; with neither, `jwk-failed-to-resolve`.
/// 3. Every check of [`verify_jwt`](crate::verify_jwt).
///
/// A token that verified is remembered until its `exp` (see
/// [`token_cache_capacity`](VerifyTokenOptionsBuilder::token_cache_capacity)): the next
/// verification of the same string only re-checks the time claims.
///
/// # Errors
///
/// A [`TokenVerificationError`] with Clerk's reason code.
///
/// # Example
///
/// ```no_run
/// use clerk_core::{verify_token, VerifyTokenOptions};
///
/// # async fn run(token: &str) -> Result<(), Box<dyn std::error::Error>> {
/// let options = VerifyTokenOptions::from_env()?;
/// match verify_token(token, &options).await {
///     Ok(claims) => println!("user {}", claims.user_id()),
///     Err(e) => println!("rejected: {}", e.reason()),
/// }
/// # Ok(()) }
/// ```
pub async fn verify_token(
    token: &str,
    options: &VerifyTokenOptions,
) -> Result<SessionClaims, TokenVerificationError> {
    verify_token_shared(token, options)
        .await
        .map(|verified| verified.claims.clone())
}

/// [`verify_token`], keeping the token (shared with the cache rather than copied).
pub(crate) async fn verify_token_shared(
    token: &str,
    options: &VerifyTokenOptions,
) -> Result<Arc<Verified>, TokenVerificationError> {
    match verify_token_now(token, options) {
        Attempt::Done(result) => result,
        Attempt::NeedsKeys {
            jwt,
            generation,
            now,
        } => {
            let KeySource::Jwks(cache) = &options.keys else {
                // Only the JWKS source ever asks for a fetch.
                return Err(TokenVerificationError::new(
                    Reason::UnexpectedError,
                    "The signing keys could not be resolved.",
                ));
            };
            let key = cache
                .refreshed_key(generation, jwt.header().kid(), now)
                .await?;
            let other_kind = is_other_kind(&jwt);
            let claims = verify_decoded(jwt, &key, &options.rules)?;
            Ok(remember(token, claims, Some(key), other_kind, options, now))
        }
    }
}

/// What [`verify_token_now`] could do without I/O.
/// The same options with another clock skew and no verified-token cache (the handshake
/// protocol's development retry of a handshake's session token with a day of skew).
impl VerifyTokenOptions {
    /// `token` from the verified-token cache, without any check beyond its lifetime: what the
    /// handshake rules read before verifying (its claims, its kind).
    pub(crate) fn cached(&self, token: &str) -> Option<Arc<Verified>> {
        let now = self.rules.clock.now_ms();
        let skew = i64::try_from(self.rules.clock_skew.as_millis()).unwrap_or(i64::MAX);
        self.token_cache()?.get(token, now, skew)
    }

    /// The claim rules for a JWT-format machine token of `kind` (docs/auth-rules.md §9.10): the
    /// audience and clock rules of these options, no authorized parties and no issuer.
    pub(crate) fn machine_rules(&self, kind: super::verify::TokenKind) -> ClaimRules {
        let mut rules = self.rules.clone();
        rules.kind = kind;
        rules.authorized_parties.clear();
        rules.issuer = None;
        if kind == super::verify::TokenKind::OAuth {
            // The OAuth audience rule is checked afterwards, with its own messages.
            rules.audience.clear();
        }
        rules
    }

    /// The verifier's clock, in milliseconds.
    pub(crate) fn now_ms(&self) -> i64 {
        self.rules.clock.now_ms()
    }

    pub(crate) fn with_clock_skew(&self, skew: Duration) -> Self {
        let mut options = self.clone();
        options.rules.clock_skew = skew;
        options.token_cache = None;
        options
    }

    /// The key for `jwt`'s `kid`: the local key, or the JWKS key (fetched when missing), or
    /// `jwk-failed-to-resolve` with `unresolved` as its message when there is no key source.
    pub(crate) async fn key_for(
        &self,
        jwt: &Jwt,
        unresolved: &str,
    ) -> Result<Arc<VerificationKey>, TokenVerificationError> {
        let now = self.rules.clock.now_ms();
        match &self.keys {
            KeySource::Local(key) => Ok(Arc::clone(key)),
            KeySource::Jwks(cache) => {
                match cache.key_now(jwt.header().kid(), now, self.skip_jwks_cache) {
                    KeyLookup::Ready(result) => result,
                    KeyLookup::Refresh { generation } => {
                        cache
                            .refreshed_key(generation, jwt.header().kid(), now)
                            .await
                    }
                }
            }
            KeySource::Unresolved => Err(TokenVerificationError::new(
                Reason::JwkFailedToResolve,
                unresolved,
            )
            .with_action(Action::SetClerkJwtKey)),
        }
    }
}

pub(crate) enum Attempt {
    /// The verdict.
    Done(Result<Arc<Verified>, TokenVerificationError>),
    /// The token parsed, but its key needs a JWKS fetch first.
    NeedsKeys {
        /// The parsed token.
        jwt: Jwt,
        /// The JWKS cache generation the lookup saw.
        generation: u64,
        /// The clock reading of the attempt, in milliseconds.
        now: i64,
    },
}

/// Verifies `token` with what is cached (the verified-token cache, then the cached or local key):
/// no I/O, no `.await`. Returns [`Attempt::NeedsKeys`] when the JWKS must be fetched first.
pub(crate) fn verify_token_now(token: &str, options: &VerifyTokenOptions) -> Attempt {
    let now = options.rules.clock.now_ms();
    let skew = i64::try_from(options.rules.clock_skew.as_millis()).unwrap_or(i64::MAX);
    if let Some(verified) = options
        .token_cache()
        .and_then(|c| c.get(token, now, skew))
        .and_then(|v| still_valid(v, options, now, skew))
    {
        return Attempt::Done(Ok(verified));
    }
    // Not cached, not active at this clock, or its key is gone: the full path reports why.
    let jwt = match decode_jwt(token) {
        Ok(jwt) => jwt,
        Err(e) => return Attempt::Done(Err(e)),
    };
    verify_decoded_now(token, jwt, options)
}

/// A token from the verified-token cache, if it still passes: active at this clock (`nbf`,
/// `iat`) and its key still listed by the JWKS.
fn still_valid(
    verified: Arc<Verified>,
    options: &VerifyTokenOptions,
    now: i64,
    skew: i64,
) -> Option<Arc<Verified>> {
    let early =
        |t: Option<i64>| t.is_some_and(|s| s.saturating_mul(1000) > now.saturating_add(skew));
    let key_listed = match (&options.keys, &verified.jwks_key) {
        (KeySource::Jwks(cache), Some(key)) => cache.still_lists(key, now),
        _ => true,
    };
    (key_listed && !early(verified.claims.not_before()) && !early(verified.claims.issued_at()))
        .then_some(verified)
}

/// The verification of a token the caller found in the verified-token cache
/// ([`VerifyTokenOptions::cached`]) without looking it up again: done when it still passes.
pub(crate) fn verify_cached_now(
    token: &str,
    verified: Arc<Verified>,
    options: &VerifyTokenOptions,
) -> Attempt {
    let now = options.rules.clock.now_ms();
    let skew = i64::try_from(options.rules.clock_skew.as_millis()).unwrap_or(i64::MAX);
    match still_valid(verified, options, now, skew) {
        Some(verified) => Attempt::Done(Ok(verified)),
        None => verify_token_now(token, options),
    }
}

/// [`verify_token_now`] of a token the caller already decoded (and found in no cache).
pub(crate) fn verify_decoded_now(token: &str, jwt: Jwt, options: &VerifyTokenOptions) -> Attempt {
    let now = options.rules.clock.now_ms();
    if jwt.header().get("cat").and_then(Value::as_str) == Some(M2M_TOKEN_CAT) {
        return Attempt::Done(Err(m2m_error(options.rules.dialect)));
    }
    let (key, jwks_key) = match &options.keys {
        KeySource::Local(key) => (Arc::clone(key), None),
        KeySource::Jwks(cache) => {
            match cache.key_now(jwt.header().kid(), now, options.skip_jwks_cache) {
                KeyLookup::Ready(Ok(key)) => (Arc::clone(&key), Some(key)),
                KeyLookup::Ready(Err(e)) => return Attempt::Done(Err(e)),
                KeyLookup::Refresh { generation } => {
                    return Attempt::NeedsKeys {
                        jwt,
                        generation,
                        now,
                    };
                }
            }
        }
        KeySource::Unresolved => {
            return Attempt::Done(Err(TokenVerificationError::new(
                Reason::JwkFailedToResolve,
                "Failed to resolve JWK during verification.",
            )
            .with_action(Action::SetClerkJwtKey)));
        }
    };
    let other_kind = is_other_kind(&jwt);
    Attempt::Done(
        verify_decoded(jwt, &key, &options.rules)
            .map(|claims| remember(token, claims, jwks_key, other_kind, options, now)),
    )
}

/// Stores a token that passed every check in the verified-token cache (when on).
fn remember(
    token: &str,
    claims: SessionClaims,
    jwks_key: Option<Arc<VerificationKey>>,
    other_kind: bool,
    options: &VerifyTokenOptions,
    now: i64,
) -> Arc<Verified> {
    let verified = Arc::new(Verified {
        claims,
        token: token.into(),
        jwks_key,
        other_kind,
    });
    if let Some(cache) = options.token_cache() {
        cache.insert(Arc::clone(&verified), now);
    }
    verified
}
