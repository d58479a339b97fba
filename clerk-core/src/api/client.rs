//! [`ClerkClient`] and its builder.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::retry::RetryPolicy;
use crate::config::{DEFAULT_API_URL, DEFAULT_API_VERSION};
use crate::secure_url::secure_url;
use crate::{ClerkConfig, Error};

/// The default value of the `Clerk-API-Version` header: the spec version this client follows.
pub const DEFAULT_CLERK_API_VERSION: &str = "2026-05-12";
/// The `User-Agent` of Backend API requests: this SDK's own identity. (The interstitial request
/// carries `@clerk/backend` in its `Clerk-Backend-SDK` header instead, see
/// [`crate::interstitial::DEFAULT_USER_AGENT`].)
const DEFAULT_USER_AGENT: &str = concat!("clerk-core/", env!("CARGO_PKG_VERSION"));
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A client for Clerk's Backend API.
///
/// Create one per process and clone it freely: clones share the connection pool and
/// configuration (an [`Arc`] inside). Resource groups hang off it
/// ([`users`](Self::users), [`organizations`](Self::organizations), ...); each operation is a
/// request builder finished by `.send().await`.
///
/// # Example
///
/// ```no_run
/// # async fn run() -> Result<(), clerk_core::Error> {
/// use clerk_core::ClerkClient;
///
/// // Reads CLERK_SECRET_KEY (and CLERK_API_URL, CLERK_API_VERSION) from the environment.
/// let client = ClerkClient::from_env()?;
/// let users = client
///     .users()
///     .list()
///     .email_address("ada@example.com")
///     .limit(10)
///     .send()
///     .await?;
/// for user in &users {
///     println!("{} {:?}", user.id, user.first_name);
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct ClerkClient {
    pub(crate) inner: Arc<ClientInner>,
}

pub(crate) struct ClientInner {
    pub(crate) http: reqwest::Client,
    pub(crate) secret_key: Option<String>,
    /// `{api_url}/{api_version}` without a trailing slash.
    pub(crate) base_url: String,
    pub(crate) clerk_api_version: http::HeaderValue,
    pub(crate) user_agent: http::HeaderValue,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) observer: Option<ResponseObserver>,
}

/// A test hook called with (operation, status, headers) for every response received.
pub(crate) type ResponseObserver = Arc<dyn Fn(&str, u16, &http::HeaderMap) + Send + Sync>;

impl ClerkClient {
    /// Start configuring a client. See [`ClerkClientBuilder`] for the options and their
    /// defaults.
    pub fn builder() -> ClerkClientBuilder {
        ClerkClientBuilder::default()
    }

    /// A client configured from Clerk's environment variables only (see
    /// [`ClerkClientBuilder::from_env`]).
    ///
    /// # Errors
    ///
    /// See [`ClerkClientBuilder::build`].
    ///
    /// ```no_run
    /// let client = clerk_core::ClerkClient::from_env()?;
    /// # Ok::<(), clerk_core::Error>(())
    /// ```
    pub fn from_env() -> Result<Self, Error> {
        ClerkClientBuilder::from_env().build()
    }

    /// A client for the instance of `config`: its secret key, API URL and API version, sending
    /// through the configuration's HTTP client (one connection pool per configuration, shared
    /// with its JWKS cache). Every other option takes its [`ClerkClientBuilder`] default, except
    /// the connect timeout, which is the configuration's (its JWKS connect timeout, 3 s by
    /// default; see [`JwksCacheSettings`](crate::jwt::JwksCacheSettings)).
    ///
    /// Cheap: call it where a client is needed, or keep one.
    ///
    /// # Errors
    ///
    /// See [`ClerkClientBuilder::build`].
    ///
    /// ```
    /// use clerk_core::{ClerkClient, ClerkConfig};
    ///
    /// let config = ClerkConfig::builder()
    ///     .secret_key("sk_test_xxx")
    ///     .publishable_key("pk_test_Y2xlcmsuZXhhbXBsZS5jb20k")
    ///     .build()?;
    /// let client = ClerkClient::from_config(&config)?;
    /// assert_eq!(client.base_url(), "https://api.clerk.com/v1");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_config(config: &ClerkConfig) -> Result<Self, Error> {
        ClerkClientBuilder::default()
            .secret_key(config.secret_key())
            .api_url(config.api_url())
            .api_version(config.api_version())
            .build_with_http(Some(config.http_client().clone()))
    }

    /// The base URL requests go to, e.g. `https://api.clerk.com/v1`.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Check the secret key and return the `Authorization` header value.
    pub(crate) fn authorization(&self) -> Result<http::HeaderValue, Error> {
        let key = match self.inner.secret_key.as_deref() {
            None | Some("") => {
                return Err(Error::configuration(
                    "no Clerk secret key configured: set the CLERK_SECRET_KEY environment \
                     variable or call ClerkClient::builder().secret_key(..) (find it under \
                     \"API Keys\" in the Clerk Dashboard)",
                ));
            }
            Some(k) => k,
        };
        validate_secret_key(key)?;
        let mut value = http::HeaderValue::try_from(format!("Bearer {key}")).map_err(|_| {
            Error::configuration("the Clerk secret key contains characters not allowed in HTTP")
        })?;
        value.set_sensitive(true);
        Ok(value)
    }
}

fn validate_secret_key(key: &str) -> Result<(), Error> {
    const PREFIXES: [&str; 4] = ["sk_test_", "sk_live_", "test_", "live_"];
    let prefix_ok = PREFIXES
        .iter()
        .any(|p| key.len() > p.len() && key.starts_with(p));
    if !prefix_ok {
        // Never echo the key: it may be a real secret pasted in the wrong place.
        let hint = if key.starts_with("pk_") {
            " (it looks like a publishable key, which starts with pk_)"
        } else {
            ""
        };
        return Err(Error::configuration(format!(
            "the Clerk secret key is malformed{hint}: it must start with sk_test_ or sk_live_; \
             copy it from \"API Keys\" in the Clerk Dashboard"
        )));
    }
    if key.bytes().any(|b| !b.is_ascii_graphic()) {
        return Err(Error::configuration(
            "the Clerk secret key is malformed: it contains whitespace or non-ASCII characters",
        ));
    }
    Ok(())
}

/// Show at most the key's environment prefix, never the secret part.
fn redact(key: Option<&str>) -> &'static str {
    match key {
        None => "None",
        Some(k) if k.starts_with("sk_test_") => "sk_test_…",
        Some(k) if k.starts_with("sk_live_") => "sk_live_…",
        Some(_) => "[redacted]",
    }
}

impl fmt::Debug for ClerkClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("ClerkClient")
            .field("base_url", &i.base_url)
            .field("secret_key", &redact(i.secret_key.as_deref()))
            .field("clerk_api_version", &i.clerk_api_version)
            .field("user_agent", &i.user_agent)
            .field("timeout", &i.timeout)
            .field("retry", &i.retry)
            .finish_non_exhaustive()
    }
}

impl ClerkConfig {
    /// The Backend API client of this instance: [`ClerkClient::from_config`] (same secret key,
    /// API URL and version, and this configuration's HTTP client).
    ///
    /// # Errors
    ///
    /// See [`ClerkClientBuilder::build`].
    pub fn backend_api_client(&self) -> Result<ClerkClient, Error> {
        ClerkClient::from_config(self)
    }
}

/// Options for [`create_backend_api_client`], mirroring `createClerkClient` of
/// `@clerk/backend`. Every field is optional; `None` takes the default documented on the
/// matching [`ClerkClientBuilder`] setter.
///
/// # Example
///
/// ```no_run
/// use clerk_core::{create_backend_api_client, api::ClerkClientOptions};
///
/// // Non-exhaustive so that options can be added: start from the defaults.
/// let mut options = ClerkClientOptions::default();
/// options.secret_key = Some("sk_test_...".into());
/// options.timeout = Some(std::time::Duration::from_secs(10));
/// let client = create_backend_api_client(options)?;
/// # Ok::<(), clerk_core::Error>(())
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct ClerkClientOptions {
    /// See [`ClerkClientBuilder::secret_key`].
    pub secret_key: Option<String>,
    /// See [`ClerkClientBuilder::api_url`].
    pub api_url: Option<String>,
    /// See [`ClerkClientBuilder::api_version`].
    pub api_version: Option<String>,
    /// See [`ClerkClientBuilder::clerk_api_version`].
    pub clerk_api_version: Option<String>,
    /// See [`ClerkClientBuilder::user_agent`].
    pub user_agent: Option<String>,
    /// See [`ClerkClientBuilder::connect_timeout`].
    pub connect_timeout: Option<Duration>,
    /// See [`ClerkClientBuilder::timeout`].
    pub timeout: Option<Duration>,
    /// See [`ClerkClientBuilder::retry`].
    pub retry: Option<RetryPolicy>,
}

impl fmt::Debug for ClerkClientOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClerkClientOptions")
            .field("secret_key", &redact(self.secret_key.as_deref()))
            .field("api_url", &self.api_url)
            .field("api_version", &self.api_version)
            .field("clerk_api_version", &self.clerk_api_version)
            .field("user_agent", &self.user_agent)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish()
    }
}

/// Create a Backend API client: the counterpart of `createClerkClient` in `@clerk/backend`.
///
/// Equivalent to [`ClerkClient::builder`] with the options set; like it, it does not read the
/// environment (use [`ClerkClient::from_env`] or [`ClerkClientBuilder::from_env`] for that).
///
/// # Errors
///
/// See [`ClerkClientBuilder::build`].
///
/// # Example
///
/// ```no_run
/// # async fn run() -> Result<(), clerk_core::Error> {
/// use clerk_core::{create_backend_api_client, api::ClerkClientOptions};
///
/// let mut options = ClerkClientOptions::default();
/// options.secret_key = std::env::var("CLERK_SECRET_KEY").ok();
/// let clerk = create_backend_api_client(options)?;
/// let count = clerk.users().count().send().await?;
/// println!("{} users", count.total_count);
/// # Ok(())
/// # }
/// ```
pub fn create_backend_api_client(options: ClerkClientOptions) -> Result<ClerkClient, Error> {
    ClerkClientBuilder {
        options,
        observer: None,
    }
    .build()
}

/// Configures a [`ClerkClient`].
///
/// Start from the defaults with [`ClerkClient::builder`], or from Clerk's environment variables
/// with [`from_env`](Self::from_env); [`build`](Self::build) never reads the environment.
#[derive(Clone, Default)]
#[must_use]
pub struct ClerkClientBuilder {
    options: ClerkClientOptions,
    observer: Option<ResponseObserver>,
}

impl fmt::Debug for ClerkClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClerkClientBuilder")
            .field("options", &self.options)
            .finish()
    }
}

impl ClerkClientBuilder {
    /// A builder with every default, then `CLERK_SECRET_KEY`, `CLERK_API_URL` and
    /// `CLERK_API_VERSION` applied where set and non-empty, to adjust before
    /// [`build`](Self::build).
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use clerk_core::ClerkClientBuilder;
    ///
    /// let client = ClerkClientBuilder::from_env()
    ///     .timeout(Duration::from_secs(10))
    ///     .build()?;
    /// # Ok::<(), clerk_core::Error>(())
    /// ```
    pub fn from_env() -> Self {
        Self::from_env_with(|name| std::env::var(name).ok())
    }

    /// As [`from_env`](Self::from_env), with the variables read through `lookup`.
    ///
    /// ```
    /// use clerk_core::ClerkClientBuilder;
    ///
    /// let client = ClerkClientBuilder::from_env_with(|name| match name {
    ///     "CLERK_SECRET_KEY" => Some("sk_test_xxx".to_owned()),
    ///     "CLERK_API_URL" => Some("http://127.0.0.1:4010".to_owned()),
    ///     _ => None,
    /// })
    /// .build()?;
    /// assert_eq!(client.base_url(), "http://127.0.0.1:4010/v1");
    /// # Ok::<(), clerk_core::Error>(())
    /// ```
    pub fn from_env_with<F>(mut lookup: F) -> Self
    where
        F: FnMut(&str) -> Option<String>,
    {
        let mut get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let mut this = Self::default();
        this.options.secret_key = get("CLERK_SECRET_KEY");
        this.options.api_url = get("CLERK_API_URL");
        this.options.api_version = get("CLERK_API_VERSION");
        this
    }

    /// The instance's secret key (`sk_test_...` or `sk_live_...`). Defaults to unset; env
    /// `CLERK_SECRET_KEY` (read by [`from_env`](Self::from_env)). A missing or malformed key is
    /// reported as an [`ErrorKind::Configuration`](crate::ErrorKind::Configuration) error by the
    /// first call that needs it.
    pub fn secret_key(mut self, secret_key: impl Into<String>) -> Self {
        self.options.secret_key = Some(secret_key.into());
        self
    }

    /// The Backend API origin. Defaults to `https://api.clerk.com`
    /// ([`DEFAULT_API_URL`](crate::DEFAULT_API_URL)); env `CLERK_API_URL` (read by
    /// [`from_env`](Self::from_env)).
    pub fn api_url(mut self, api_url: impl Into<String>) -> Self {
        self.options.api_url = Some(api_url.into());
        self
    }

    /// The API version path segment. Defaults to `v1`
    /// ([`DEFAULT_API_VERSION`](crate::DEFAULT_API_VERSION)); env `CLERK_API_VERSION` (read by
    /// [`from_env`](Self::from_env)).
    pub fn api_version(mut self, api_version: impl Into<String>) -> Self {
        self.options.api_version = Some(api_version.into());
        self
    }

    /// The `Clerk-API-Version` header sent with every request. Defaults to `2026-05-12`.
    pub fn clerk_api_version(mut self, clerk_api_version: impl Into<String>) -> Self {
        self.options.clerk_api_version = Some(clerk_api_version.into());
        self
    }

    /// The `User-Agent` header. Defaults to `clerk-core/<crate version>`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.options.user_agent = Some(user_agent.into());
        self
    }

    /// The time allowed to establish a connection. Defaults to 10 s.
    pub fn connect_timeout(mut self, connect_timeout: Duration) -> Self {
        self.options.connect_timeout = Some(connect_timeout);
        self
    }

    /// The time allowed for one attempt, from sending to reading the whole body. Defaults to
    /// 30 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// The retry policy. Defaults to [`RetryPolicy::default`]; use
    /// [`RetryPolicy::disabled`] to switch retries off.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.options.retry = Some(retry);
        self
    }

    /// Observe every response's operation, status and headers (the conformance tests check
    /// Prism's `sl-violations` header).
    pub(crate) fn observe_responses(
        mut self,
        observer: impl Fn(&str, u16, &http::HeaderMap) + Send + Sync + 'static,
    ) -> Self {
        self.observer = Some(Arc::new(observer));
        self
    }

    /// Build the client.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Configuration`](crate::ErrorKind::Configuration) when the API URL is not
    /// an `http`/`https` URL, a header value is invalid, or the HTTP client cannot be
    /// initialised. A missing secret key is *not* an error here (see
    /// [`secret_key`](Self::secret_key)). It never reads the environment: unset options take
    /// their defaults.
    pub fn build(self) -> Result<ClerkClient, Error> {
        self.build_with_http(None)
    }

    /// [`build`](Self::build), sending through `http` when given (a configuration's client)
    /// instead of a client of its own.
    fn build_with_http(self, http: Option<reqwest::Client>) -> Result<ClerkClient, Error> {
        let observer = self.observer;
        let o = self.options;
        let secret_key = o.secret_key;
        let api_url = o.api_url.unwrap_or_else(|| DEFAULT_API_URL.to_owned());
        let api_version = o
            .api_version
            .unwrap_or_else(|| DEFAULT_API_VERSION.to_owned());

        let parsed = secure_url(&api_url).map_err(|problem| {
            Error::configuration(format!(
                "the Clerk API URL {api_url:?} {}; expected e.g. https://api.clerk.com",
                problem.explain()
            ))
        })?;
        let mut base_url = parsed.as_str().trim_end_matches('/').to_owned();
        let api_version = api_version.trim_matches('/');
        if !api_version.is_empty() {
            base_url.push('/');
            base_url.push_str(api_version);
        }

        let header = |name: &str, value: String| {
            http::HeaderValue::try_from(value).map_err(|_| {
                Error::configuration(format!("invalid {name} header value: not visible ASCII"))
            })
        };
        let clerk_api_version = header(
            "Clerk-API-Version",
            o.clerk_api_version
                .unwrap_or_else(|| DEFAULT_CLERK_API_VERSION.to_owned()),
        )?;
        let user_agent = header(
            "User-Agent",
            o.user_agent
                .unwrap_or_else(|| DEFAULT_USER_AGENT.to_owned()),
        )?;
        let timeout = o.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let http = match http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(o.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                .build()
                .map_err(|e| {
                    Error::configuration("could not initialise the HTTP client (TLS backend)")
                        .with_source(e)
                })?,
        };
        Ok(ClerkClient {
            inner: Arc::new(ClientInner {
                http,
                secret_key,
                base_url,
                clerk_api_version,
                user_agent,
                timeout,
                retry: o.retry.unwrap_or_default(),
                observer,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn client_is_send_sync_clone() {
        fn check<T: Send + Sync + Clone + 'static>() {}
        check::<ClerkClient>();
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let c = ClerkClient::builder()
            .secret_key("sk_test_SuperSecretValue")
            .build()
            .unwrap();
        let s = format!("{c:?}");
        assert!(!s.contains("SuperSecretValue"), "{s}");
        assert!(s.contains("sk_test_…"));
        let b = ClerkClient::builder().secret_key("live_OtherSecret");
        assert!(!format!("{b:?}").contains("OtherSecret"));
    }

    #[test]
    fn build_never_reads_the_environment_and_from_env_with_does() {
        // `build` takes only what was set: the defaults, whatever the process environment holds.
        let c = ClerkClient::builder().build().unwrap();
        assert_eq!(c.base_url(), "https://api.clerk.com/v1");
        assert!(c.inner.secret_key.is_none());
        let c = ClerkClientBuilder::from_env_with(|name| match name {
            "CLERK_SECRET_KEY" => Some("sk_test_fromenv".to_owned()),
            "CLERK_API_URL" => Some("http://localhost:9".to_owned()),
            "CLERK_API_VERSION" => Some(" ".to_owned()),
            _ => None,
        })
        .build()
        .unwrap();
        assert_eq!(c.base_url(), "http://localhost:9/v1");
        assert_eq!(c.inner.secret_key.as_deref(), Some("sk_test_fromenv"));
    }

    #[test]
    fn base_url_joins_version() {
        let c = ClerkClient::builder()
            .secret_key("sk_test_x")
            .api_url("http://127.0.0.1:4010/")
            .api_version("/v1/")
            .build()
            .unwrap();
        assert_eq!(c.base_url(), "http://127.0.0.1:4010/v1");
    }

    #[test]
    fn bad_api_url_is_configuration_error() {
        let e = ClerkClient::builder().api_url("api.clerk.com").build();
        assert_eq!(e.unwrap_err().kind(), ErrorKind::Configuration);
        let e = ClerkClient::builder().api_url("ftp://x").build();
        assert_eq!(e.unwrap_err().kind(), ErrorKind::Configuration);
    }

    #[test]
    fn cleartext_api_url_is_refused_unless_loopback() {
        let e = ClerkClient::builder()
            .secret_key("sk_test_SECRETMATERIAL")
            .api_url("http://api.clerk.com")
            .build()
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Configuration);
        assert!(e.to_string().contains("cleartext"), "{e}");
        assert!(!e.to_string().contains("SECRETMATERIAL"), "{e}");
        for loopback in ["http://127.0.0.1:9", "http://[::1]:9", "http://localhost:9"] {
            assert!(
                ClerkClient::builder().api_url(loopback).build().is_ok(),
                "{loopback}"
            );
        }
    }

    #[test]
    fn secret_key_validation() {
        for good in ["sk_test_abc", "sk_live_abc", "test_abc", "live_abc"] {
            assert!(validate_secret_key(good).is_ok(), "{good}");
        }
        for bad in [
            "sk_test_",
            "pk_test_abcSECRET",
            "abcSECRET",
            "sk_test_a bSECRET",
            "sk_test_\u{e9}SECRET",
        ] {
            let e = validate_secret_key(bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Configuration);
            assert!(!e.to_string().contains("SECRET"), "{e}");
        }
        assert!(
            validate_secret_key("pk_test_abc")
                .unwrap_err()
                .to_string()
                .contains("publishable")
        );
    }

    #[test]
    fn missing_secret_key_is_reported_at_use() {
        let mut c = ClerkClient::builder().secret_key("").build().unwrap();
        Arc::get_mut(&mut c.inner).unwrap().secret_key = None;
        let e = c.authorization().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Configuration);
        assert!(e.to_string().contains("CLERK_SECRET_KEY"));
    }
}
