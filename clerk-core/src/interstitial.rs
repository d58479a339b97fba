//! The interstitial page (docs/auth-rules.md §6): written locally, or fetched from the Backend API.

use std::borrow::Cow;
use std::fmt;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use url::Url;

use crate::api::retry::{self, RetryPolicy, RetryRule};
use crate::config::{ClerkConfig, DEFAULT_API_URL};
use crate::keys::{PublishableKey, add_clerk_prefix, is_dev_or_staging_host, is_staging_host};

/// The clerk-js tag loaded when neither `clerk_js_version` nor `pkg_version` is set.
///
/// Deviation from 0.31.3 (which used `latest`): `latest` now serves clerk-js v5, which has no
/// interstitial mode, so the default is the v4 major (auth-rules §6.2, K14).
pub const DEFAULT_CLERK_JS_TAG: &str = "4";

/// The default `Clerk-Backend-SDK` header value of the Backend API interstitial request.
///
/// It names `@clerk/backend`, the SDK whose interstitial flavour the Backend API serves (the page
/// is the same for every backend SDK), not this crate: Backend API calls of the
/// [`ClerkClient`](crate::ClerkClient) identify themselves with `User-Agent: clerk-core/<version>`.
/// Each of the two constants has this one definition.
pub const DEFAULT_USER_AGENT: &str = "@clerk/backend";

/// Reason of an [`InterstitialError`] for a non-2xx Backend API answer.
pub const INTERSTITIAL_REMOTE_FAILED_TO_LOAD: &str = "interstitial-remote-failed-to-load";
const UNEXPECTED_ERROR: &str = "unexpected-error";
const CONTACT_SUPPORT: &str = "Contact support@clerk.com";
/// Clerk's interstitial loader: 5 attempts, waiting 200, 400, 800 and 1600 ms.
const ATTEMPTS: u32 = 5;
const FIRST_RETRY_DELAY: Duration = Duration::from_millis(200);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Options of the interstitial page (auth-rules §6.1, §6.3). String options are "unset" when empty.
///
/// Build one from a configuration with [`InterstitialOptions::from_config`], or with struct
/// update syntax:
///
/// ```
/// use clerk_core::InterstitialOptions;
///
/// let options = InterstitialOptions {
///     publishable_key: "pk_live_Y2xlcmsuZXhhbXBsZS5jb20k".into(),
///     domain: "satellite.dev".into(),
///     ..Default::default()
/// };
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct InterstitialOptions {
    /// The publishable key; its frontend API wins over [`frontend_api`](Self::frontend_api).
    pub publishable_key: String,
    /// The frontend API host (deprecated by Clerk). Defaults to unset.
    pub frontend_api: String,
    /// The proxy URL. Defaults to unset.
    pub proxy_url: String,
    /// The satellite domain. Defaults to unset.
    pub domain: String,
    /// Whether the application is a satellite. Defaults to `false`.
    pub is_satellite: bool,
    /// The sign-in URL passed to `Clerk.load`. Defaults to unset.
    pub sign_in_url: String,
    /// A full clerk-js script URL, overriding the computed one. Defaults to unset.
    pub clerk_js_url: String,
    /// The clerk-js version or tag to load. Defaults to unset ([`DEFAULT_CLERK_JS_TAG`], or
    /// `staging` on staging hosts).
    pub clerk_js_version: String,
    /// The SDK package version the tag is derived from (deprecated by Clerk). Defaults to unset.
    pub pkg_version: String,
    /// Debug data exposed to the page as `window.__clerk_debug`. Defaults to `{}`.
    pub debug_data: serde_json::Map<String, serde_json::Value>,
    /// The Backend API URL for [`load_interstitial_from_bapi`]. Defaults to
    /// `https://api.clerk.com`.
    pub api_url: String,
    /// The `Clerk-Backend-SDK` header of [`load_interstitial_from_bapi`]. Defaults to
    /// `@clerk/backend`.
    pub user_agent: String,
}

impl Default for InterstitialOptions {
    fn default() -> Self {
        InterstitialOptions {
            publishable_key: String::new(),
            frontend_api: String::new(),
            proxy_url: String::new(),
            domain: String::new(),
            is_satellite: false,
            sign_in_url: String::new(),
            clerk_js_url: String::new(),
            clerk_js_version: String::new(),
            pkg_version: String::new(),
            debug_data: serde_json::Map::new(),
            api_url: DEFAULT_API_URL.to_owned(),
            user_agent: DEFAULT_USER_AGENT.to_owned(),
        }
    }
}

impl InterstitialOptions {
    /// The options of a configured instance: keys, proxy URL, domain, satellite flag, sign-in
    /// URL, API URL and the clerk-js URL and version. Debug data stays empty.
    #[must_use]
    pub fn from_config(config: &ClerkConfig) -> Self {
        InterstitialOptions {
            publishable_key: config.publishable_key().to_owned(),
            frontend_api: config.frontend_api().to_owned(),
            proxy_url: config.proxy_url().to_owned(),
            domain: config.domain().to_owned(),
            is_satellite: config.is_satellite(),
            sign_in_url: config.sign_in_url().to_owned(),
            api_url: config.api_url().to_owned(),
            clerk_js_url: config.clerk_js_url().to_owned(),
            clerk_js_version: config.clerk_js_version().to_owned(),
            ..Default::default()
        }
    }

    /// The frontend API: the publishable key's when it parses, else `frontend_api`.
    fn resolved_frontend_api(&self) -> Cow<'_, str> {
        match PublishableKey::parse(&self.publishable_key) {
            Ok(pk) => Cow::Owned(pk.frontend_api().to_owned()),
            Err(_) => Cow::Borrowed(&self.frontend_api),
        }
    }
}

/// The clerk-js tag for a host and package version (auth-rules §6.2, with our default tag).
fn clerk_js_tag<'a>(host: &str, pkg_version: &'a str) -> &'a str {
    if pkg_version.is_empty() {
        if is_staging_host(host) {
            "staging"
        } else {
            DEFAULT_CLERK_JS_TAG
        }
    } else if pkg_version.contains("next") {
        "next"
    } else {
        match pkg_version.split('.').next() {
            Some(major) if !major.is_empty() => major,
            _ => "latest",
        }
    }
}

/// Removes the first `http://` or `https://`, wherever it is (JS `replace(/http(s)?:\/\//, '')`).
fn strip_first_http_scheme(s: &str) -> Cow<'_, str> {
    let found = s.match_indices("http").find_map(|(i, _)| {
        let rest = &s[i + 4..];
        if rest.starts_with("s://") {
            Some((i, 8))
        } else if rest.starts_with("://") {
            Some((i, 7))
        } else {
            None
        }
    });
    match found {
        Some((i, len)) => Cow::Owned(format!("{}{}", &s[..i], &s[i + len..])),
        None => Cow::Borrowed(s),
    }
}

/// The clerk-js script URL of the page (auth-rules §6.2).
fn script_url(options: &InterstitialOptions, frontend_api: &str) -> String {
    if !options.clerk_js_url.is_empty() {
        return options.clerk_js_url.clone();
    }
    let domain_only_in_prod = if is_dev_or_staging_host(frontend_api) {
        String::new()
    } else {
        add_clerk_prefix(&options.domain)
    };
    let host = [
        options.proxy_url.as_str(),
        &domain_only_in_prod,
        frontend_api,
    ]
    .into_iter()
    .find(|h| !h.is_empty())
    .unwrap_or("");
    let tag = if options.clerk_js_version.is_empty() {
        clerk_js_tag(host, &options.pkg_version)
    } else {
        &options.clerk_js_version
    };
    format!(
        "https://{}/npm/@clerk/clerk-js@{tag}/dist/clerk.browser.js",
        strip_first_http_scheme(host)
    )
}

/// A single-quoted JavaScript string literal that is also safe inside an HTML `<script>`
/// element: backslash and quotes escaped, `<`, `>`, `&`, control characters, U+2028 and U+2029
/// written as `\uXXXX`.
fn js_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' | '\u{0}'..='\u{1f}' | '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            _ => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// JSON for a `<script>` element: `<`, `>`, `&`, U+2028 and U+2029 escaped as `\uXXXX` (they only
/// occur inside JSON strings, where the escapes mean the same).
fn script_json(value: &serde_json::Map<String, serde_json::Value>) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned());
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            _ => out.push(c),
        }
    }
    out
}

/// Writes the interstitial page (auth-rules §6.1).
///
/// The page sets `window.__clerk_frontend_api`, `window.__clerk_debug` (and, when set,
/// `window.__clerk_proxy_url` and `window.__clerk_domain`), loads clerk-js with the right data
/// attributes, waits for `Clerk.load({ isSatellite, isInterstitial: true, signInUrl })` and then
/// reloads the current URL. Every interpolated value is escaped for its context, so hostile
/// values cannot break out of the script. Serve it with status 401 and
/// `content-type: text/html; charset=utf-8`.
///
/// ```
/// use clerk_core::{InterstitialOptions, load_interstitial_from_local};
///
/// let html = load_interstitial_from_local(&InterstitialOptions {
///     publishable_key: "pk_live_Y2xlcmsuZXhhbXBsZS5jb20k".into(),
///     ..Default::default()
/// });
/// assert!(html.contains("https://clerk.example.com/npm/@clerk/clerk-js@4/dist/clerk.browser.js"));
/// ```
#[must_use]
pub fn load_interstitial_from_local(options: &InterstitialOptions) -> String {
    let frontend_api = options.resolved_frontend_api();
    let mut globals = String::new();
    let _ = writeln!(
        globals,
        "window.__clerk_frontend_api = {};",
        js_string(&frontend_api)
    );
    let _ = writeln!(
        globals,
        "window.__clerk_debug = {};",
        script_json(&options.debug_data)
    );
    if !options.proxy_url.is_empty() {
        let _ = writeln!(
            globals,
            "window.__clerk_proxy_url = {};",
            js_string(&options.proxy_url)
        );
    }
    if !options.domain.is_empty() {
        let _ = writeln!(
            globals,
            "window.__clerk_domain = {};",
            js_string(&options.domain)
        );
    }

    let sign_in_url = if options.sign_in_url.is_empty() {
        "undefined".to_owned()
    } else {
        js_string(&options.sign_in_url)
    };

    let mut attributes = String::new();
    if options.publishable_key.is_empty() {
        let _ = writeln!(
            attributes,
            "    script.setAttribute('data-clerk-frontend-api', {});",
            js_string(&frontend_api)
        );
    } else {
        let _ = writeln!(
            attributes,
            "    script.setAttribute('data-clerk-publishable-key', {});",
            js_string(&options.publishable_key)
        );
    }
    if !options.domain.is_empty() {
        let _ = writeln!(
            attributes,
            "    script.setAttribute('data-clerk-domain', {});",
            js_string(&options.domain)
        );
    }
    if !options.proxy_url.is_empty() {
        let _ = writeln!(
            attributes,
            "    script.setAttribute('data-clerk-proxy-url', {});",
            js_string(&options.proxy_url)
        );
    }
    let src = js_string(&script_url(options, &frontend_api));
    let is_satellite = options.is_satellite;

    format!(
        r#"<!DOCTYPE html>
<html>
<head>
<meta charset="UTF-8">
<meta name="robots" content="noindex">
<style>
@media (prefers-color-scheme: dark) {{ html, body {{ background-color: #000; color-scheme: dark; }} }}
</style>
</head>
<body>
<script>
{globals}window.startClerk = async () => {{
  function formRedirect() {{
    const form = document.createElement('form');
    form.method = 'GET';
    document.body.appendChild(form);
    const searchParams = new URLSearchParams(window.location.search);
    for (const [name, value] of searchParams) {{
      const input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      input.value = value;
      form.appendChild(input);
    }}
    const url = new URL(window.location.origin + window.location.pathname + window.location.hash);
    window.history.pushState({{}}, '', url);
    form.action = window.location.pathname + window.location.hash;
    form.submit();
  }}

  const Clerk = window.Clerk;
  try {{
    await Clerk.load({{
      isSatellite: {is_satellite},
      isInterstitial: true,
      signInUrl: {sign_in_url}
    }});
    if (Clerk.loaded) {{
      if (window.location.href.indexOf('#') === -1) {{
        window.location.href = window.location.href;
      }} else if (window.navigator.userAgent.toLowerCase().includes('firefox/')) {{
        formRedirect();
      }} else {{
        window.location.reload();
      }}
    }}
  }} catch (err) {{
    console.error('Clerk: ', err);
  }}
}};
(() => {{
  const script = document.createElement('script');
{attributes}  script.async = true;
  script.crossOrigin = 'anonymous';
  script.addEventListener('load', startClerk);
  script.src = {src};
  document.body.appendChild(script);
}})();
</script>
</body>
</html>
"#
    )
}

/// The Backend API interstitial URL (auth-rules §6.3, upstream `remotePublicInterstitialUrl`):
/// `<api_url>/v1/public/interstitial` with, in this order, `clerk_js_version`,
/// `publishable_key` (or `frontend_api`), `proxy_url`, `is_satellite`, `sign_in_url` (always),
/// `use_domain_for_script` and `domain`, form-urlencoded.
///
/// # Errors
///
/// An [`InterstitialError`] (reason `unexpected-error`, message `Invalid URL`) when `api_url`
/// is not an absolute URL.
///
/// ```
/// use clerk_core::{InterstitialOptions, interstitial::build_public_interstitial_url};
///
/// let url = build_public_interstitial_url(&InterstitialOptions {
///     publishable_key: "pk_live_Y2xlcmsuZXhhbXBsZS5jb20k".into(),
///     ..Default::default()
/// })?;
/// assert_eq!(
///     url,
///     "https://api.clerk.com/v1/public/interstitial?clerk_js_version=4\
///      &publishable_key=pk_live_Y2xlcmsuZXhhbXBsZS5jb20k&sign_in_url=&use_domain_for_script=true"
/// );
/// # Ok::<(), clerk_core::InterstitialError>(())
/// ```
pub fn build_public_interstitial_url(
    options: &InterstitialOptions,
) -> Result<String, InterstitialError> {
    public_interstitial_url(options).map(String::from)
}

fn public_interstitial_url(options: &InterstitialOptions) -> Result<Url, InterstitialError> {
    let mut url = Url::parse(&options.api_url)
        .map_err(|_| InterstitialError::new(UNEXPECTED_ERROR, "Invalid URL".to_owned(), None))?;
    if url.cannot_be_a_base() {
        return Err(InterstitialError::new(
            UNEXPECTED_ERROR,
            "Invalid URL".to_owned(),
            None,
        ));
    }
    let joined = format!("{}/v1/public/interstitial", url.path());
    let mut path = String::with_capacity(joined.len());
    for c in joined.chars() {
        if !(c == '/' && path.ends_with('/')) {
            path.push(c);
        }
    }
    url.set_path(&path);

    let frontend_api = options.resolved_frontend_api();
    let tag = if options.clerk_js_version.is_empty() {
        clerk_js_tag(&frontend_api, &options.pkg_version)
    } else {
        &options.clerk_js_version
    };
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("clerk_js_version", tag);
        if options.publishable_key.is_empty() {
            q.append_pair("frontend_api", &frontend_api);
        } else {
            q.append_pair("publishable_key", &options.publishable_key);
        }
        if !options.proxy_url.is_empty() {
            q.append_pair("proxy_url", &options.proxy_url);
        }
        if options.is_satellite {
            q.append_pair("is_satellite", "true");
        }
        q.append_pair("sign_in_url", &options.sign_in_url);
        if !is_dev_or_staging_host(&frontend_api) {
            q.append_pair("use_domain_for_script", "true");
        }
        if !options.domain.is_empty() {
            q.append_pair("domain", &options.domain);
        }
    }
    Ok(url)
}

/// Fetches the interstitial page from the Backend API (auth-rules §6.3).
///
/// `GET` [`build_public_interstitial_url`] with the header `Clerk-Backend-SDK` (no credentials).
/// Transport failures are retried, up to 5 attempts waiting 200, 400, 800 and 1600 ms; a
/// non-2xx answer is not retried. Timeouts: 5 s to connect, 10 s per attempt. The HTTP client
/// (connection pool) is built once per process and shared by every call.
///
/// # Errors
///
/// * non-2xx: reason `interstitial-remote-failed-to-load`, message
///   `Error loading Clerk Interstitial from <url> with code=<status>`, action
///   `Contact support@clerk.com`;
/// * transport failure after the retries, or an invalid `api_url`: reason `unexpected-error`.
///
/// ```no_run
/// # async fn run() -> Result<(), clerk_core::InterstitialError> {
/// use clerk_core::{InterstitialOptions, load_interstitial_from_bapi};
///
/// let html = load_interstitial_from_bapi(&InterstitialOptions {
///     publishable_key: "pk_live_Y2xlcmsuZXhhbXBsZS5jb20k".into(),
///     ..Default::default()
/// })
/// .await?;
/// # Ok(()) }
/// ```
pub async fn load_interstitial_from_bapi(
    options: &InterstitialOptions,
) -> Result<String, InterstitialError> {
    static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    let client = match CLIENT.get() {
        Some(client) => client,
        None => {
            let client = reqwest::Client::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .build()
                .map_err(|e| {
                    InterstitialError::new(
                        UNEXPECTED_ERROR,
                        "Failed to build the HTTP client for the Clerk Interstitial.".to_owned(),
                        None,
                    )
                    .with_source(e)
                })?;
            CLIENT.get_or_init(|| client)
        }
    };
    load_interstitial_from_bapi_with(client, options, &retry_policy(FIRST_RETRY_DELAY)).await
}

impl ClerkConfig {
    /// [`load_interstitial_from_bapi`] with this configuration's options
    /// ([`InterstitialOptions::from_config`]), sent through this configuration's HTTP client (the
    /// connection pool its JWKS cache and its [`ClerkClient`](crate::ClerkClient)s use), so its
    /// connect timeout is the configuration's (the JWKS connect timeout, 3 s by default); each
    /// attempt has 10 s, and the retries are those of [`load_interstitial_from_bapi`].
    ///
    /// # Errors
    ///
    /// As [`load_interstitial_from_bapi`].
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let config = clerk_core::ClerkConfig::from_env()?;
    /// let html = config.load_interstitial_from_bapi().await?;
    /// # Ok(()) }
    /// ```
    pub async fn load_interstitial_from_bapi(&self) -> Result<String, InterstitialError> {
        let options = InterstitialOptions::from_config(self);
        load_interstitial_from_bapi_with(
            self.http_client(),
            &options,
            &retry_policy(FIRST_RETRY_DELAY),
        )
        .await
    }
}

/// Clerk's interstitial retry rule in the crate's one [`RetryPolicy`]: [`ATTEMPTS`] attempts,
/// `first_delay` doubling, transport failures only.
fn retry_policy(first_delay: Duration) -> RetryPolicy {
    RetryPolicy::doubling(ATTEMPTS, first_delay, RetryRule::TransportOnly)
}

/// [`load_interstitial_from_bapi`] with a given client (e.g. a configuration's) and retry
/// policy. Each attempt has the [`REQUEST_TIMEOUT`].
pub(crate) async fn load_interstitial_from_bapi_with(
    client: &reqwest::Client,
    options: &InterstitialOptions,
    policy: &RetryPolicy,
) -> Result<String, InterstitialError> {
    let url = public_interstitial_url(options)?;
    let user_agent = if options.user_agent.is_empty() {
        DEFAULT_USER_AGENT
    } else {
        &options.user_agent
    };
    let started = std::time::Instant::now();
    let mut attempt = 0u32;
    loop {
        let result = async {
            let response = client
                .get(url.clone())
                .timeout(REQUEST_TIMEOUT)
                .header("Clerk-Backend-SDK", user_agent)
                .send()
                .await?;
            let status = response.status();
            if !status.is_success() {
                return Ok(Err(status.as_u16()));
            }
            response.text().await.map(Ok)
        }
        .await;
        match result {
            Ok(Ok(body)) => return Ok(body),
            Ok(Err(status)) => {
                // Never retried (the policy's rule; nothing to decide).
                return Err(InterstitialError::new(
                    INTERSTITIAL_REMOTE_FAILED_TO_LOAD,
                    format!("Error loading Clerk Interstitial from {url} with code={status}"),
                    Some(CONTACT_SUPPORT),
                ));
            }
            Err(e) => match retry::decide(
                policy,
                retry::transport_outcome(&e),
                true,
                attempt,
                started.elapsed(),
                0.0,
            ) {
                Some(delay) => {
                    tracing::debug!(
                        attempt = attempt + 1,
                        "clerk interstitial fetch failed, retrying"
                    );
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                None => {
                    return Err(InterstitialError::new(
                        UNEXPECTED_ERROR,
                        format!(
                            "Error loading Clerk Interstitial from {url}: the request failed after {} attempts",
                            attempt + 1
                        ),
                        None,
                    )
                    .with_source(e));
                }
            },
        }
    }
}

/// A failure to produce the interstitial page. Same shape as the token verification error:
/// a reason code, a message and an optional action.
#[derive(Debug, Clone)]
pub struct InterstitialError {
    reason: &'static str,
    message: String,
    action: Option<&'static str>,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl InterstitialError {
    fn new(reason: &'static str, message: String, action: Option<&'static str>) -> Self {
        InterstitialError {
            reason,
            message,
            action,
            source: None,
        }
    }

    fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    /// The reason code, e.g. `interstitial-remote-failed-to-load`.
    #[must_use]
    pub fn reason(&self) -> &'static str {
        self.reason
    }

    /// The message, e.g. `Error loading Clerk Interstitial from <url> with code=500`.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// What to do about it, e.g. `Contact support@clerk.com`.
    #[must_use]
    pub fn action(&self) -> Option<&'static str> {
        self.action
    }
}

impl fmt::Display for InterstitialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(action) = self.action {
            write!(f, " {action}")?;
        }
        write!(f, " (reason={})", self.reason)
    }
}

impl std::error::Error for InterstitialError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests;
