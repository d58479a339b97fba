//! The JWKS cache: one per Clerk instance, shared by every caller.
//!
//! Design (docs/auth-rules.md §4.5):
//! - the parsed key set sits behind an [`ArcSwapOption`]; the hot path is one atomic load and a map
//!   lookup, with no `.await` and no lock;
//! - a fixed (not sliding) TTL; once it is up, known keys keep verifying while a background refresh
//!   runs (stale-while-revalidate);
//! - refreshes are single-flight: callers that need one queue on one async mutex, and the ones that
//!   arrive while it runs reuse its result instead of fetching again;
//! - an unknown `kid` triggers at most one refetch per [`JwksCacheSettings::kid_miss_interval`];
//! - through an outage the last good set is served for up to [`JwksCacheSettings::max_stale`] past
//!   its TTL, then verification fails closed;
//! - bounded HTTP: connect and per-attempt timeouts, a total budget, a body size cap;
//! - retries decided by the crate's one [`RetryPolicy`] (Clerk's 5 attempts, 200 ms doubling).
//!
//! HTTP client: a cache created for a [`ClerkConfig`](crate::ClerkConfig) uses that
//! configuration's `reqwest::Client` (built with this cache's connect timeout); a cache created by
//! a standalone [`VerifyTokenOptions`](crate::VerifyTokenOptions) builds its own. Since a cache is
//! shared process-wide by every configuration of the same instance and settings, it keeps the
//! client of the configuration that created it, for its whole life.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

use arc_swap::ArcSwapOption;
use serde_json::Value;

use super::error::{
    TokenVerificationError, TokenVerificationErrorAction as Action,
    TokenVerificationErrorReason as Reason,
};
use super::json::truncate;
use super::key::{Jwk, VerificationKey};
use crate::api::retry::{self, Outcome, RetryPolicy, RetryRule};

/// Tuning of a JWKS cache. Every field has a default; see each field.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct JwksCacheSettings {
    /// How long a fetched key set is fresh. Defaults to 5 minutes (fixed from the fetch, not
    /// sliding).
    pub ttl: Duration,
    /// How long past its TTL a key set may still be used while Clerk cannot be reached. Defaults to
    /// 1 hour; after that, verification fails closed.
    pub max_stale: Duration,
    /// The least time between two refetches caused by an unknown `kid`. Defaults to 30 seconds.
    pub kid_miss_interval: Duration,
    /// After a failed refresh, how long callers get the same error without a new fetch. Defaults to
    /// 10 seconds.
    pub retry_interval: Duration,
    /// Attempts per refresh (Clerk: 5). Defaults to 5.
    pub attempts: u32,
    /// Delay before the second attempt, doubled for each later one (Clerk: 200 ms). Defaults to 200 ms.
    pub backoff: Duration,
    /// TCP connect timeout. Defaults to 3 seconds.
    pub connect_timeout: Duration,
    /// Timeout of one HTTP attempt. Defaults to 5 seconds.
    pub request_timeout: Duration,
    /// The longest a refresh (every attempt and delay) may take; callers waiting for keys wait at
    /// most this long. Defaults to 10 seconds.
    pub total_timeout: Duration,
    /// The largest JWKS body accepted. Defaults to 256 KiB.
    pub max_body_bytes: usize,
}

impl Default for JwksCacheSettings {
    fn default() -> Self {
        Self {
            ttl: Duration::from_secs(300),
            max_stale: Duration::from_secs(3600),
            kid_miss_interval: Duration::from_secs(30),
            retry_interval: Duration::from_secs(10),
            attempts: 5,
            backoff: Duration::from_millis(200),
            connect_timeout: Duration::from_secs(3),
            request_timeout: Duration::from_secs(5),
            total_timeout: Duration::from_secs(10),
            max_body_bytes: 256 * 1024,
        }
    }
}

/// Where a JWKS comes from.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) enum JwksSource {
    /// `GET {api_url}/{api_version}/jwks` with `Authorization: Bearer <secret key>`.
    BackendApi { url: String, secret_key: String },
    /// `GET {issuer}/.well-known/jwks.json`, no credentials.
    FrontendApi { url: String },
}

impl JwksSource {
    pub(crate) fn backend_api(api_url: &str, api_version: &str, secret_key: &str) -> Self {
        Self::BackendApi {
            url: join_url(api_url, &format!("{api_version}/jwks")),
            secret_key: secret_key.to_owned(),
        }
    }

    pub(crate) fn frontend_api(issuer: &str) -> Self {
        Self::FrontendApi {
            url: join_url(issuer, ".well-known/jwks.json"),
        }
    }

    fn url(&self) -> &str {
        match self {
            Self::BackendApi { url, .. } | Self::FrontendApi { url } => url,
        }
    }
}

impl fmt::Debug for JwksSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BackendApi { url, .. } => f
                .debug_struct("BackendApi")
                .field("url", url)
                .field("secret_key", &"[redacted]")
                .finish(),
            Self::FrontendApi { url } => f.debug_struct("FrontendApi").field("url", url).finish(),
        }
    }
}

/// Appends `path` to `base`'s path with exactly one `/` between them.
/// What [`JwksCache::key_now`] found: the answer, or the refresh to run before looking again.
pub(crate) enum KeyLookup {
    /// The key, or why there is none (without any I/O).
    Ready(Result<Arc<VerificationKey>, TokenVerificationError>),
    /// The JWKS must be fetched first; `generation` is the one this lookup saw.
    Refresh {
        /// The cache generation seen by the lookup (single-flight: a refresh that finished since
        /// is reused).
        generation: u64,
    },
}

pub(crate) fn join_url(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

struct KeySet {
    keys: HashMap<String, Arc<VerificationKey>>,
    fetched_at_ms: i64,
}

/// A shared, self-refreshing cache of one Clerk instance's signing keys.
pub(crate) struct JwksCache {
    source: JwksSource,
    settings: JwksCacheSettings,
    http: reqwest::Client,
    current: ArcSwapOption<KeySet>,
    refresh_lock: tokio::sync::Mutex<()>,
    /// Bumped after every finished refresh attempt, successful or not.
    generation: AtomicU64,
    last_attempt_ms: AtomicI64,
    last_error: Mutex<Option<TokenVerificationError>>,
    fetches: AtomicU64,
}

impl fmt::Debug for JwksCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys = self.current.load();
        f.debug_struct("JwksCache")
            .field("source", &self.source)
            .field("settings", &self.settings)
            .field("kids", &keys.as_ref().map(|k| k.keys.len()))
            .field("fetches", &self.fetches.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

const NEVER: i64 = i64::MIN;

type Registry = Mutex<HashMap<(JwksSource, JwksCacheSettings), Weak<JwksCache>>>;

impl JwksCache {
    /// The cache for this source and settings, shared with every other caller in the process that
    /// asks for the same one (while any of them holds it).
    ///
    /// `http` is the client a new cache uses (see the module docs); `None` builds one.
    pub(crate) fn shared(
        source: JwksSource,
        settings: JwksCacheSettings,
        http: Option<reqwest::Client>,
    ) -> Result<Arc<Self>, TokenVerificationError> {
        static REGISTRY: OnceLock<Registry> = OnceLock::new();
        let registry = REGISTRY.get_or_init(Registry::default);
        let mut map = registry.lock().unwrap_or_else(|p| p.into_inner());
        let key = (source, settings);
        if let Some(cache) = map.get(&key).and_then(Weak::upgrade) {
            return Ok(cache);
        }
        map.retain(|_, w| w.strong_count() > 0);
        let cache = Arc::new(Self::new(key.0.clone(), key.1.clone(), http)?);
        map.insert(key, Arc::downgrade(&cache));
        Ok(cache)
    }

    /// A cache of its own (not shared), e.g. for tests that need a fresh one. `http` as in
    /// [`shared`](Self::shared); the request timeout is set on each request.
    pub(crate) fn new(
        source: JwksSource,
        settings: JwksCacheSettings,
        http: Option<reqwest::Client>,
    ) -> Result<Self, TokenVerificationError> {
        let http = match http {
            Some(http) => http,
            None => http_client(settings.connect_timeout).map_err(|e| {
                TokenVerificationError::new(
                    Reason::UnexpectedError,
                    format!("Could not build the HTTP client for the JWKS: {e}"),
                )
            })?,
        };
        Ok(Self {
            source,
            settings,
            http,
            current: ArcSwapOption::empty(),
            refresh_lock: tokio::sync::Mutex::new(()),
            generation: AtomicU64::new(0),
            last_attempt_ms: AtomicI64::new(NEVER),
            last_error: Mutex::new(None),
            fetches: AtomicU64::new(0),
        })
    }

    /// How many HTTP requests this cache has sent.
    pub(crate) fn fetch_count(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    /// Runs the refresh a [`KeyLookup::Refresh`] asked for (single-flight), then looks `kid` up.
    pub(crate) async fn refreshed_key(
        &self,
        generation: u64,
        kid: Option<&str>,
        now_ms: i64,
    ) -> Result<Arc<VerificationKey>, TokenVerificationError> {
        self.refresh(generation, now_ms).await?;
        self.lookup(kid)
    }

    /// The key for `kid` at time `now_ms` from what is cached, or the refresh that must run first
    /// (no I/O, no lock, no `.await`: the hot path of every verification).
    pub(crate) fn key_now(
        self: &Arc<Self>,
        kid: Option<&str>,
        now_ms: i64,
        skip_cache: bool,
    ) -> KeyLookup {
        let refresh = || KeyLookup::Refresh {
            generation: self.generation.load(Ordering::Acquire),
        };
        if skip_cache {
            return refresh();
        }
        let ttl = ms(self.settings.ttl);
        let usable_for = ttl.saturating_add(ms(self.settings.max_stale));
        let snapshot = self.current.load();
        let since_attempt = || now_ms.saturating_sub(self.last_attempt_ms.load(Ordering::Acquire));
        match snapshot.as_ref() {
            Some(set) if now_ms.saturating_sub(set.fetched_at_ms) <= usable_for => {
                if let Some(key) = kid.and_then(|k| set.keys.get(k)) {
                    if now_ms.saturating_sub(set.fetched_at_ms) > ttl {
                        self.refresh_in_background(now_ms);
                    }
                    return KeyLookup::Ready(Ok(Arc::clone(key)));
                }
                // Unknown kid: refetch at most once per interval, and never for a kid that cannot
                // be a key id.
                if kid.is_none() || since_attempt() < ms(self.settings.kid_miss_interval) {
                    return KeyLookup::Ready(Err(self.missing(kid, Some(set))));
                }
                refresh()
            }
            _ => {
                // Nothing usable: fetch, unless a fetch just failed.
                if since_attempt() < ms(self.settings.retry_interval)
                    && let Some(err) = self.last_error()
                {
                    return KeyLookup::Ready(Err(err));
                }
                refresh()
            }
        }
    }

    /// Whether `key` still verifies tokens at `now_ms`: the current key set is usable and lists
    /// `key`'s kid with the same key. A verified-token cache hit asks this, so that a key removed
    /// (or replaced) by a refresh stops vouching for the tokens it verified at that refresh.
    pub(crate) fn still_lists(&self, key: &Arc<VerificationKey>, now_ms: i64) -> bool {
        let usable_for = ms(self.settings.ttl).saturating_add(ms(self.settings.max_stale));
        let snapshot = self.current.load();
        let Some(set) = snapshot.as_ref() else {
            return false;
        };
        if now_ms.saturating_sub(set.fetched_at_ms) > usable_for {
            return false;
        }
        key.kid()
            .and_then(|kid| set.keys.get(kid))
            .is_some_and(|listed| Arc::ptr_eq(listed, key) || listed.same_key(key))
    }

    fn last_error(&self) -> Option<TokenVerificationError> {
        self.last_error
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .map(TokenVerificationError::mark_key_fetch_failure)
    }

    fn lookup(&self, kid: Option<&str>) -> Result<Arc<VerificationKey>, TokenVerificationError> {
        let snapshot = self.current.load();
        match (snapshot.as_ref(), kid) {
            (Some(set), Some(kid)) => set
                .keys
                .get(kid)
                .cloned()
                .ok_or_else(|| self.missing(Some(kid), Some(set))),
            (set, kid) => Err(self.missing(kid, set.map(|s| &**s))),
        }
    }

    fn missing(&self, kid: Option<&str>, set: Option<&KeySet>) -> TokenVerificationError {
        let shown = kid.map_or("undefined", |k| truncate(k, 64));
        let mut message = format!(
            "Unable to find a signing key in JWKS that matches the kid='{shown}' of the provided session token. Please make sure that the __session cookie or the HTTP authorization header contain a Clerk-generated session JWT."
        );
        if let Some(set) = set.filter(|s| !s.keys.is_empty()) {
            let mut kids: Vec<&str> = set.keys.keys().map(String::as_str).collect();
            kids.sort_unstable();
            message.push_str(" The following kid are available: ");
            message.push_str(&kids.join(", "));
        }
        TokenVerificationError::new(Reason::JwkRemoteMissing, message)
            .with_action(Action::ContactSupport)
    }

    fn refresh_in_background(self: &Arc<Self>, now_ms: i64) {
        if self.refresh_lock.try_lock().is_err() {
            return; // one is running already
        }
        let since = now_ms.saturating_sub(self.last_attempt_ms.load(Ordering::Acquire));
        if since < ms(self.settings.retry_interval) {
            return;
        }
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let this = Arc::clone(self);
        let generation = self.generation.load(Ordering::Acquire);
        handle.spawn(async move {
            if let Err(e) = this.refresh(generation, now_ms).await {
                tracing::warn!(reason = %e.reason(), "clerk: JWKS refresh failed; serving the cached keys");
            }
        });
    }

    /// Runs one refresh, unless another caller finished one since `seen_generation`: then its
    /// result is used. Waits at most the total timeout for the lock and the fetch together.
    async fn refresh(
        &self,
        seen_generation: u64,
        now_ms: i64,
    ) -> Result<(), TokenVerificationError> {
        let budget = self.settings.total_timeout;
        let run = async {
            let _guard = self.refresh_lock.lock().await;
            if self.generation.load(Ordering::Acquire) != seen_generation {
                // Another caller refreshed while we waited: share its outcome.
                return match self.last_error() {
                    Some(e) => Err(e),
                    None => Ok(()),
                };
            }
            let result = self.fetch().await;
            self.last_attempt_ms.store(now_ms, Ordering::Release);
            let outcome = match result {
                Ok(keys) => {
                    self.current.store(Some(Arc::new(KeySet {
                        keys,
                        fetched_at_ms: now_ms,
                    })));
                    *self.last_error.lock().unwrap_or_else(|p| p.into_inner()) = None;
                    Ok(())
                }
                Err(e) => {
                    *self.last_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(e.clone());
                    Err(e)
                }
            };
            self.generation.fetch_add(1, Ordering::AcqRel);
            outcome
        };
        match tokio::time::timeout(budget, run).await {
            Ok(result) => result.map_err(TokenVerificationError::mark_key_fetch_failure),
            Err(_) => Err(TokenVerificationError::new(
                Reason::UnexpectedError,
                format!(
                    "Timed out after {} ms loading the Clerk JWKS from {}",
                    budget.as_millis(),
                    self.source.url()
                ),
            )
            .mark_key_fetch_failure()),
        }
    }

    /// Fetches and parses the key set, with Clerk's retries (non-2xx, transport failures and
    /// non-JSON bodies are retried; an empty key set is not).
    async fn fetch(&self) -> Result<HashMap<String, Arc<VerificationKey>>, TokenVerificationError> {
        let policy = RetryPolicy::doubling(
            self.settings.attempts,
            self.settings.backoff,
            RetryRule::AnyFailure,
        );
        let started = std::time::Instant::now();
        let mut retries_done = 0;
        loop {
            let (outcome, error) = match self.fetch_once().await {
                Ok(body) => match parse_key_set(&body, self.source.url()) {
                    Ok(keys) => return Ok(keys),
                    Err(Retry::No(e)) => return Err(e),
                    Err(Retry::Yes(e)) => (Outcome::TransportFailed, e),
                },
                Err(failure) => failure,
            };
            match retry::decide(&policy, outcome, true, retries_done, started.elapsed(), 0.0) {
                Some(wait) => {
                    tokio::time::sleep(wait).await;
                    retries_done += 1;
                }
                None => return Err(error),
            }
        }
    }

    /// One attempt: the body of a 2xx answer, or what went wrong (for the retry decision) and the
    /// error to report.
    async fn fetch_once(&self) -> Result<Vec<u8>, (Outcome, TokenVerificationError)> {
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let url = self.source.url();
        let mut request = self
            .http
            .get(url)
            .timeout(self.settings.request_timeout)
            .header("content-type", "application/json");
        if let JwksSource::BackendApi { secret_key, .. } = &self.source {
            request = request.bearer_auth(secret_key);
        }
        let mut response = request.send().await.map_err(|e| {
            (
                retry::transport_outcome(&e),
                TokenVerificationError::new(
                    Reason::UnexpectedError,
                    format!(
                        "Error loading Clerk JWKS from {url}: {}",
                        transport_kind(&e)
                    ),
                ),
            )
        })?;
        let status = response.status();
        let failed = |e| {
            (
                Outcome::Status {
                    status: status.as_u16(),
                    retry_after: None,
                },
                e,
            )
        };
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| {
            (
                retry::transport_outcome(&e),
                TokenVerificationError::new(
                    Reason::UnexpectedError,
                    format!(
                        "Error reading the Clerk JWKS from {url}: {}",
                        transport_kind(&e)
                    ),
                ),
            )
        })? {
            if body.len() + chunk.len() > self.settings.max_body_bytes {
                return Err(failed(
                    TokenVerificationError::new(
                        Reason::JwkRemoteFailedToLoad,
                        format!(
                            "The JWKS response from {url} is larger than {} bytes.",
                            self.settings.max_body_bytes
                        ),
                    )
                    .with_action(Action::ContactSupport),
                ));
            }
            body.extend_from_slice(&chunk);
        }
        if !status.is_success() {
            if matches!(self.source, JwksSource::BackendApi { .. })
                && let Some(message) = clerk_key_invalid_message(&body)
            {
                return Err(failed(
                    TokenVerificationError::new(Reason::SecretKeyInvalid, message)
                        .with_action(Action::ContactSupport),
                ));
            }
            return Err(failed(
                TokenVerificationError::new(
                    Reason::JwkRemoteFailedToLoad,
                    format!(
                        "Error loading Clerk JWKS from {url} with code={}",
                        status.as_u16()
                    ),
                )
                .with_action(Action::ContactSupport),
            ));
        }
        Ok(body)
    }
}

/// A client for JWKS fetches that has no configuration to share one with: `connect_timeout`, and
/// the request timeout set on each request.
fn http_client(connect_timeout: Duration) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .build()
}

fn transport_kind(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "transport error"
    }
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

fn no_keys(_url: &str) -> TokenVerificationError {
    TokenVerificationError::new(
        Reason::JwkRemoteFailedToLoad,
        "The JWKS endpoint did not contain any signing keys. Contact support@clerk.com.",
    )
    .with_action(Action::ContactSupport)
}

/// JWKS body parsing for the workspace's fuzz harness (see `crate::__private`).
pub(crate) fn ingest_for_tooling(
    body: &[u8],
) -> Result<HashMap<String, Arc<VerificationKey>>, TokenVerificationError> {
    parse_key_set(body, "fuzz").map_err(|e| match e {
        Retry::Yes(e) | Retry::No(e) => e,
    })
}

enum Retry {
    Yes(TokenVerificationError),
    No(TokenVerificationError),
}

/// Parses a JWKS body. Keys that are not RSA, not for signatures, not RS256 or under 2048 bits are
/// skipped; a set with no usable key is an error (and the previous set stays in place).
fn parse_key_set(body: &[u8], url: &str) -> Result<HashMap<String, Arc<VerificationKey>>, Retry> {
    let value: Value = serde_json::from_slice(body).map_err(|_| {
        Retry::Yes(TokenVerificationError::new(
            Reason::UnexpectedError,
            format!("The JWKS response from {url} is not JSON."),
        ))
    })?;
    let entries = match value.get("keys") {
        Some(Value::Array(keys)) if !keys.is_empty() => keys,
        _ => return Err(Retry::No(no_keys(url))),
    };
    let keys = ingest(entries);
    if keys.is_empty() {
        return Err(Retry::No(
            TokenVerificationError::new(
                Reason::JwkRemoteFailedToLoad,
                "The JWKS endpoint did not contain any usable signing keys (RSA, RS256, use \"sig\", at least 2048 bits).",
            )
            .with_action(Action::ContactSupport),
        ));
    }
    Ok(keys)
}

/// Turns JWKS entries into verification keys, skipping every entry that is not an RS256 signing key
/// of at least 2048 bits with a `kid`. When two entries share a `kid`, neither is used (the result
/// must not depend on the order of the entries).
pub(crate) fn ingest(entries: &[Value]) -> HashMap<String, Arc<VerificationKey>> {
    let mut keys: HashMap<String, Option<Arc<VerificationKey>>> = HashMap::new();
    for entry in entries {
        let Ok(jwk) = serde_json::from_value::<Jwk>(entry.clone()) else {
            continue;
        };
        let Some(kid) = jwk.kid.clone().filter(|k| !k.is_empty()) else {
            continue;
        };
        if jwk.alg.as_deref().is_some_and(|a| a != "RS256") {
            continue;
        }
        let Ok(key) = VerificationKey::from_jwk(&jwk) else {
            continue;
        };
        keys.entry(kid)
            .and_modify(|slot| *slot = None)
            .or_insert_with(|| Some(Arc::new(key)));
    }
    keys.into_iter()
        .filter_map(|(kid, key)| key.map(|k| (kid, k)))
        .collect()
}

fn clerk_key_invalid_message(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    value
        .get("errors")?
        .as_array()?
        .iter()
        .find(|e| e.get("code").and_then(Value::as_str) == Some("clerk_key_invalid"))
        .map(|e| {
            e.get("message")
                .and_then(Value::as_str)
                .unwrap_or("The secret key is invalid.")
                .to_owned()
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn jwk(kid: &str, n_first: &str) -> Value {
        json!({"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256", "e": "AQAB",
               "n": format!("{n_first}{}", "A".repeat(340))})
    }

    #[test]
    fn ingestion_skips_unusable_keys_and_ambiguous_kids() {
        let entries = vec![
            jwk("good", "gA"),
            jwk("small", "AQ"),
            json!({"kty": "RSA", "kid": "enc", "use": "enc", "e": "AQAB", "n": format!("gA{}", "A".repeat(340))}),
            json!({"kty": "RSA", "kid": "rs512", "alg": "RS512", "e": "AQAB", "n": format!("gA{}", "A".repeat(340))}),
            json!({"kty": "EC", "kid": "ec", "crv": "P-256", "x": "AA", "y": "AA"}),
            json!({"kty": "RSA", "e": "AQAB", "n": format!("gA{}", "A".repeat(340))}),
            json!("garbage"),
            jwk("dup", "gA"),
            jwk("dup", "gB"),
        ];
        let keys = ingest(&entries);
        let mut kids: Vec<_> = keys.keys().cloned().collect();
        kids.sort();
        assert_eq!(kids, vec!["good"]);
        let mut reversed = entries;
        reversed.reverse();
        assert_eq!(ingest(&reversed).len(), 1);
    }

    #[test]
    fn empty_and_non_json_bodies() {
        for body in [&b"{}"[..], b"null", br#"{"keys":[]}"#] {
            match parse_key_set(body, "u") {
                Err(Retry::No(e)) => {
                    assert_eq!(e.reason(), Reason::JwkRemoteFailedToLoad);
                    assert_eq!(
                        e.full_message("header"),
                        "The JWKS endpoint did not contain any signing keys. Contact support@clerk.com. Contact support@clerk.com (reason=jwk-remote-failed-to-load, token-carrier=header)"
                    );
                }
                _ => panic!("expected a final error"),
            }
        }
        assert!(matches!(parse_key_set(b"<html>", "u"), Err(Retry::Yes(_))));
    }

    #[test]
    fn urls_and_debug() {
        let s = JwksSource::backend_api("http://x/", "/v1", "sk_test_secret");
        assert_eq!(s.url(), "http://x/v1/jwks");
        assert!(!format!("{s:?}").contains("sk_test_secret"));
        assert_eq!(
            JwksSource::frontend_api("https://clerk.example.com").url(),
            "https://clerk.example.com/.well-known/jwks.json"
        );
        assert_eq!(
            clerk_key_invalid_message(
                br#"{"errors":[{"code":"clerk_key_invalid","message":"bad key"}]}"#
            ),
            Some("bad key".to_owned())
        );
    }
}
