//! Machine tokens (docs/auth-rules.md §9.13): API keys, M2M tokens and OAuth access tokens, which
//! tokens a configuration accepts, and how each is verified — JWT-format ones locally, opaque
//! ones with the Backend API.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Map, Value, json};

use crate::config::ClerkConfig;
use crate::jwt::decode::decode_jwt;
use crate::jwt::{
    Jwt, M2M_TOKEN_CAT, TokenKind, TokenVerificationError, TokenVerificationErrorReason as Reason,
    is_m2m_jwt, is_oauth_jwt, verify_decoded,
};

/// The kinds of token Clerk issues that a request can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenType {
    /// A user's session token (a JWT from the browser or a Clerk frontend SDK).
    SessionToken,
    /// An API key (`ak_…`), verified with the Backend API.
    ApiKey,
    /// A machine-to-machine token (`mt_…`, or a JWT whose `sub` is a machine `mch_…`).
    M2mToken,
    /// An OAuth access token of a Clerk OAuth application (`oat_…`, or a JWT of `typ` `at+jwt`).
    OauthToken,
}

impl TokenType {
    /// `session_token`, `api_key`, `m2m_token` or `oauth_token`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::SessionToken => "session_token",
            Self::ApiKey => "api_key",
            Self::M2mToken => "m2m_token",
            Self::OauthToken => "oauth_token",
        }
    }

    /// The type named `name` (as [`as_str`](Self::as_str) spells it).
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        [
            Self::SessionToken,
            Self::ApiKey,
            Self::M2mToken,
            Self::OauthToken,
        ]
        .into_iter()
        .find(|t| t.as_str() == name.trim())
    }
}

impl fmt::Display for TokenType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The three machine token types (what a machine caller may present).
pub const MACHINE_TOKEN_TYPES: [TokenType; 3] = [
    TokenType::ApiKey,
    TokenType::M2mToken,
    TokenType::OauthToken,
];

/// Which tokens a configuration accepts in the `Authorization` header (Clerk's `acceptsToken`).
/// Session tokens in cookies are read whenever session tokens are accepted.
///
/// ```
/// use clerk_core::{AcceptsToken, TokenType};
///
/// assert_eq!(AcceptsToken::default(), AcceptsToken::Only(TokenType::SessionToken));
/// assert_eq!(AcceptsToken::parse("any"), Some(AcceptsToken::Any));
/// assert_eq!(
///     AcceptsToken::parse("api_key, m2m_token"),
///     Some(AcceptsToken::OneOf(vec![TokenType::ApiKey, TokenType::M2mToken]))
/// );
/// assert_eq!(AcceptsToken::parse("passwords"), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AcceptsToken {
    /// This type only (the default: session tokens).
    Only(TokenType),
    /// Any of the four types.
    Any,
    /// Any of these types; a token of another type gives the invalid-token state
    /// (`token-type-mismatch`, no token type).
    OneOf(Vec<TokenType>),
}

impl Default for AcceptsToken {
    fn default() -> Self {
        Self::Only(TokenType::SessionToken)
    }
}

impl AcceptsToken {
    /// `any`, one type name, or a comma-separated list of type names (a list).
    #[must_use]
    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        if value == "any" {
            return Some(Self::Any);
        }
        if !value.contains(',') {
            return TokenType::parse(value).map(Self::Only);
        }
        value
            .split(',')
            .map(TokenType::parse)
            .collect::<Option<Vec<_>>>()
            .map(Self::OneOf)
    }

    /// Whether this is exactly `Only(token_type)`.
    pub(crate) fn is_only(&self, token_type: TokenType) -> bool {
        *self == Self::Only(token_type)
    }

    /// Whether a token of `token_type` is accepted (verified by the configuration).
    ///
    /// ```
    /// use clerk_core::{AcceptsToken, TokenType};
    ///
    /// assert!(AcceptsToken::default().accepts(TokenType::SessionToken));
    /// assert!(!AcceptsToken::default().accepts(TokenType::ApiKey));
    /// assert!(AcceptsToken::Any.accepts(TokenType::OauthToken));
    /// ```
    #[must_use]
    pub fn accepts(&self, token_type: TokenType) -> bool {
        match self {
            Self::Only(only) => *only == token_type,
            Self::Any => true,
            Self::OneOf(list) => list.contains(&token_type),
        }
    }
}

/// A verified machine token: who presented it and what it may do (Clerk's machine auth
/// objects). `Debug` never shows the token.
#[derive(Clone)]
pub struct MachineToken {
    token_type: TokenType,
    id: String,
    subject: String,
    scopes: Vec<String>,
    name: Option<String>,
    claims: Option<Map<String, Value>>,
    client_id: Option<String>,
    token: Box<str>,
}

impl MachineToken {
    /// API key, M2M token or OAuth access token.
    #[must_use]
    pub fn token_type(&self) -> TokenType {
        self.token_type
    }

    /// The token's id (its Backend API resource id, or the JWT's `jti`).
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Who it acts for: a user (`user_…`) or organization (`org_…`) for an API key, the
    /// machine (`mch_…`) for an M2M token, the user for an OAuth access token.
    #[must_use]
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// Its scopes (for an M2M token, the machines it may call).
    #[must_use]
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// The API key's name.
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Custom claims (API keys, M2M tokens).
    #[must_use]
    pub fn claims(&self) -> Option<&Map<String, Value>> {
        self.claims.as_ref()
    }

    /// The OAuth application's client id (OAuth access tokens).
    #[must_use]
    pub fn client_id(&self) -> Option<&str> {
        self.client_id.as_deref()
    }

    /// The user it acts for: an API key's `user_…` subject, an OAuth token's subject.
    #[must_use]
    pub fn user_id(&self) -> Option<&str> {
        match self.token_type {
            TokenType::ApiKey => Some(self.subject.as_str()).filter(|s| s.starts_with("user_")),
            TokenType::OauthToken => Some(self.subject.as_str()),
            TokenType::M2mToken | TokenType::SessionToken => None,
        }
    }

    /// The organization an API key acts for (its `org_…` subject).
    #[must_use]
    pub fn org_id(&self) -> Option<&str> {
        (self.token_type == TokenType::ApiKey)
            .then_some(self.subject.as_str())
            .filter(|s| s.starts_with("org_"))
    }

    /// The machine an M2M token belongs to (its subject).
    #[must_use]
    pub fn machine_id(&self) -> Option<&str> {
        (self.token_type == TokenType::M2mToken).then_some(self.subject.as_str())
    }

    /// The raw token (Clerk's `getToken()` of a machine auth object). Keep it out of logs.
    #[must_use]
    pub fn token(&self) -> &str {
        &self.token
    }
}

impl fmt::Debug for MachineToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MachineToken")
            .field("token_type", &self.token_type)
            .field("id", &self.id)
            .field("subject", &self.subject)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

/// The optional cache of verified opaque machine tokens (off by default): a hit skips the
/// Backend API call. Its cost is the TTL: a key or token revoked at Clerk keeps working here
/// until its entry expires.
pub(crate) struct MachineCache {
    ttl_ms: i64,
    entries: Mutex<HashMap<Box<str>, CacheEntry>>,
}

/// A verified token and when its entry expires (clock milliseconds).
type CacheEntry = (Arc<MachineToken>, i64);

/// How many opaque tokens the cache holds at most.
const MACHINE_CACHE_CAPACITY: usize = 4096;

impl MachineCache {
    pub(crate) fn new(ttl: Duration) -> Self {
        Self {
            ttl_ms: i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX),
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The cached token, while its entry lives.
    pub(crate) fn get(&self, token: &str, now_ms: i64) -> Option<Arc<MachineToken>> {
        let entries = self.entries.lock().ok()?;
        let (verified, expires) = entries.get(token)?;
        (now_ms < *expires).then(|| Arc::clone(verified))
    }

    fn insert(&self, verified: Arc<MachineToken>, now_ms: i64) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= MACHINE_CACHE_CAPACITY {
            entries.retain(|_, (_, expires)| *expires > now_ms);
            if entries.len() >= MACHINE_CACHE_CAPACITY {
                entries.clear();
            }
        }
        let key = verified.token.clone();
        entries.insert(key, (verified, now_ms.saturating_add(self.ttl_ms)));
    }
}

impl fmt::Debug for MachineCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MachineCache")
            .field("ttl_ms", &self.ttl_ms)
            .finish_non_exhaustive()
    }
}

/// Why a machine token was refused: Clerk's code, the message and the Backend API status.
#[derive(Debug)]
pub(crate) struct MachineError {
    /// The type the verifier reports (a JWT-shaped token that does not decode is `m2m_token`).
    pub(crate) token_type: TokenType,
    pub(crate) reason: Reason,
    message: String,
    status: Option<u16>,
}

impl MachineError {
    fn new(token_type: TokenType, reason: Reason, message: impl Into<String>) -> Self {
        Self {
            token_type,
            reason,
            message: message.into(),
            status: None,
        }
    }

    /// `<message> (code=<code>, status=<status or n/a>)`.
    pub(crate) fn full_message(&self) -> String {
        let status = self
            .status
            .map_or_else(|| "n/a".to_owned(), |s| s.to_string());
        format!(
            "{} (code={}, status={status})",
            self.message,
            self.reason.as_str()
        )
    }
}

/// The JWT shape: three non-empty base64url segments.
fn is_jwt_shape(token: &str) -> bool {
    let mut parts = 0;
    for part in token.split('.') {
        parts += 1;
        if part.is_empty()
            || !part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return false;
        }
    }
    parts == 3
}

/// The machine type of `token` by its prefix or JWT content (M2M before OAuth before API key);
/// `None` for anything else (a session token among them).
pub(crate) fn detect(token: &str) -> Option<TokenType> {
    let jwt = if is_jwt_shape(token) {
        decode_jwt(token).ok()
    } else {
        None
    };
    if token.starts_with("mt_") || jwt.as_ref().is_some_and(is_m2m_jwt) {
        Some(TokenType::M2mToken)
    } else if token.starts_with("oat_") || jwt.as_ref().is_some_and(is_oauth_jwt) {
        Some(TokenType::OauthToken)
    } else if token.starts_with("ak_") {
        Some(TokenType::ApiKey)
    } else {
        None
    }
}

/// Verifies a machine token of the detected `token_type`: JWT-format ones locally, opaque ones
/// with the Backend API. `user_agent` is the request's, forwarded as Clerk's SDK does.
pub(crate) async fn verify(
    config: &ClerkConfig,
    token: &str,
    token_type: TokenType,
    user_agent: Option<&str>,
) -> Result<MachineToken, MachineError> {
    if is_jwt_shape(token) {
        let jwt = decode_jwt(token).map_err(|e| {
            let e = e.into_handshake_dialect();
            MachineError::new(TokenType::M2mToken, Reason::TokenInvalid, e.message())
        })?;
        if is_m2m_jwt(&jwt) {
            return verify_jwt(config, token, jwt, TokenType::M2mToken).await;
        }
        if is_oauth_jwt(&jwt) {
            return verify_jwt(config, token, jwt, TokenType::OauthToken).await;
        }
    }
    let cache = config.inner.machine_cache.as_ref();
    let now = config.inner.verifier.now_ms();
    if let Some(hit) = cache.and_then(|c| c.get(token, now)) {
        return Ok((*hit).clone());
    }
    let verified = verify_opaque(config, token, token_type, user_agent).await?;
    if let Some(cache) = cache {
        cache.insert(Arc::new(verified.clone()), now);
    }
    Ok(verified)
}

/// The cached verification of an opaque machine token, without I/O (`None`: not cached).
pub(crate) fn cached(config: &ClerkConfig, token: &str) -> Option<MachineToken> {
    let cache = config.inner.machine_cache.as_ref()?;
    cache
        .get(token, config.inner.verifier.now_ms())
        .map(|hit| (*hit).clone())
}

/// A JWT-format M2M token or OAuth access token, with the instance's keys.
async fn verify_jwt(
    config: &ClerkConfig,
    token: &str,
    jwt: Jwt,
    token_type: TokenType,
) -> Result<MachineToken, MachineError> {
    let failed = |e: TokenVerificationError| {
        MachineError::new(token_type, Reason::TokenVerificationFailed, e.message())
    };
    let kind = if token_type == TokenType::M2mToken {
        if jwt
            .header()
            .get("cat")
            .and_then(Value::as_str)
            .is_some_and(|c| c != M2M_TOKEN_CAT)
        {
            return Err(MachineError::new(
                token_type,
                Reason::TokenInvalid,
                "Invalid M2M JWT category.",
            ));
        }
        TokenKind::M2m
    } else {
        TokenKind::OAuth
    };
    let verifier = &config.inner.verifier;
    let key = verifier
        .key_for(&jwt, "Failed to resolve JWK during verification.")
        .await
        .map_err(|e| failed(e.into_handshake_dialect()))?;
    let claims = verify_decoded(jwt, &key, &verifier.machine_rules(kind))
        .map_err(|e| failed(e.into_handshake_dialect()))?;
    let all = claims.all();
    let string = |name: &str| all.get(name).and_then(Value::as_str).map(str::to_owned);
    let split = |v: &Value| -> Vec<String> {
        match v {
            Value::String(s) => s
                .split(' ')
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect(),
            Value::Array(items) => items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        }
    };
    if token_type == TokenType::OauthToken {
        check_oauth_audience(all, config.audience())
            .map_err(|m| MachineError::new(token_type, Reason::TokenVerificationFailed, m))?;
        return Ok(MachineToken {
            token_type,
            id: string("jti").unwrap_or_default(),
            subject: claims.user_id().to_owned(),
            scopes: all
                .get("scp")
                .or_else(|| all.get("scope"))
                .map(split)
                .unwrap_or_default(),
            name: None,
            claims: None,
            client_id: Some(string("client_id").unwrap_or_default()),
            token: token.into(),
        });
    }
    let custom: Map<String, Value> = all
        .iter()
        .filter(|(k, _)| !["iss", "sub", "exp", "nbf", "iat", "jti"].contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Ok(MachineToken {
        token_type,
        id: string("jti").unwrap_or_default(),
        subject: claims.user_id().to_owned(),
        scopes: all
            .get("scopes")
            .or_else(|| all.get("aud"))
            .map(split)
            .unwrap_or_default(),
        name: None,
        claims: Some(custom).filter(|c| !c.is_empty()),
        client_id: None,
        token: token.into(),
    })
}

/// The OAuth audience rule: with an audience configured, `aud` is a non-empty string or list of
/// non-empty strings sharing one value with it.
fn check_oauth_audience(all: &Map<String, Value>, audience: &[String]) -> Result<(), String> {
    if audience.is_empty() {
        return Ok(());
    }
    let aud = all.get("aud").cloned().unwrap_or(Value::Null);
    let values: Option<Vec<&str>> = match &aud {
        Value::String(s) if !s.is_empty() => Some(vec![s.as_str()]),
        Value::Array(items) if !items.is_empty() => items
            .iter()
            .map(|v| v.as_str().filter(|s| !s.is_empty()))
            .collect(),
        _ => None,
    };
    let Some(values) = values else {
        return Err(format!(
            "Invalid OAuth audience claim (aud) {aud}. Expected a non-empty string or a non-empty array of non-empty strings."
        ));
    };
    if values.iter().any(|v| audience.iter().any(|a| a == v)) {
        Ok(())
    } else {
        Err(format!(
            "OAuth audience mismatch. Verification expected audience {}, but incoming token has aud {aud}.",
            Value::from(audience.to_vec())
        ))
    }
}

/// An opaque token, with the Backend API's verify endpoint of its type.
async fn verify_opaque(
    config: &ClerkConfig,
    token: &str,
    token_type: TokenType,
    user_agent: Option<&str>,
) -> Result<MachineToken, MachineError> {
    let machine_key = Some(config.machine_secret_key()).filter(|k| !k.is_empty());
    let (path, body, not_found, bearer) = match token_type {
        TokenType::ApiKey => (
            "api_keys/verify",
            json!({ "secret": token }),
            "API key not found",
            config.secret_key(),
        ),
        TokenType::M2mToken => (
            "m2m_tokens/verify",
            json!({ "token": token }),
            "Machine token not found",
            machine_key.unwrap_or(config.secret_key()),
        ),
        TokenType::OauthToken | TokenType::SessionToken => (
            "oauth_applications/access_tokens/verify",
            json!({ "access_token": token }),
            "OAuth token not found",
            config.secret_key(),
        ),
    };
    let error = |reason, message: &str, status| MachineError {
        token_type,
        reason,
        message: message.to_owned(),
        status,
    };
    // The verify endpoints have no version segment.
    let url = format!("{}/{path}", config.api_url().trim_end_matches('/'));
    let response = config
        .http_client()
        .post(&url)
        .bearer_auth(bearer)
        .header("content-type", "application/json")
        .header("clerk-api-version", crate::handshake::CLERK_API_VERSION)
        .header(
            "user-agent",
            user_agent.unwrap_or(concat!("clerk-core/", env!("CARGO_PKG_VERSION"))),
        )
        .timeout(Duration::from_secs(10))
        .body(body.to_string())
        .send()
        .await
        .map_err(|_| error(Reason::UnexpectedError, "Unexpected error", None))?;
    let status = response.status().as_u16();
    let body: Value = response
        .bytes()
        .await
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null);
    match status {
        200..=299 => {}
        401 => {
            let message = body["errors"][0]["message"]
                .as_str()
                .unwrap_or("Invalid secret key");
            return Err(error(Reason::SecretKeyInvalid, message, Some(status)));
        }
        404 => return Err(error(Reason::TokenInvalid, not_found, Some(status))),
        _ => {
            return Err(error(
                Reason::UnexpectedError,
                "Unexpected error",
                Some(status),
            ));
        }
    }
    let string = |name: &str| body.get(name).and_then(Value::as_str).map(str::to_owned);
    let scopes = body["scopes"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    Ok(MachineToken {
        token_type,
        id: string("id").unwrap_or_default(),
        subject: string("subject").unwrap_or_default(),
        scopes,
        name: string("name"),
        claims: body["claims"].as_object().cloned(),
        client_id: string("client_id"),
        token: token.into(),
    })
}
