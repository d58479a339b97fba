//! [`verify_jwt`] and [`has_valid_signature`]: verification of a token against a known key.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};

use super::claims::SessionClaims;
use super::decode::{Jwt, decode_jwt};
use super::error::{
    TokenVerificationError, TokenVerificationErrorAction as Action,
    TokenVerificationErrorReason as Reason,
};
use super::json::{js_stringify, truncate};
use super::key::{Jwk, VerificationKey, rsa_algorithm};
use crate::clock::{Clock, SystemClock, js_utc_string};

/// Clerk's default clock skew: 5 seconds.
pub const DEFAULT_CLOCK_SKEW: Duration = Duration::from_secs(5);

/// The header `cat` of Clerk machine-to-machine tokens, which are not session tokens.
pub(crate) const M2M_TOKEN_CAT: &str = "cl_B7d4PD333AAA";
const MAX_KID_LEN: usize = 256;
/// JavaScript's date range, in milliseconds.
const JS_MAX_DATE_MS: i64 = 8_640_000_000_000_000;

/// The expected issuer (`iss`) of a token.
///
/// ```
/// use clerk_core::Issuer;
///
/// let exact = Issuer::exact("https://clerk.example.com");
/// let clerk = Issuer::clerk_frontend_api();
/// assert!(clerk.accepts("https://clerk.example.com"));
/// assert!(clerk.accepts("https://foo-bar-13.clerk.accounts.dev"));
/// assert!(!clerk.accepts("https://evil.example"));
/// assert!(exact.accepts("https://clerk.example.com"));
/// ```
#[derive(Clone)]
pub struct Issuer(IssuerKind);

#[derive(Clone)]
enum IssuerKind {
    Exact(String),
    OneOf(Vec<String>),
    Predicate(Arc<dyn Fn(&str) -> bool + Send + Sync>),
}

impl Issuer {
    /// `iss` must equal this string exactly. A token without `iss` is rejected.
    #[must_use]
    pub fn exact(issuer: impl Into<String>) -> Self {
        Self(IssuerKind::Exact(issuer.into()))
    }

    /// `iss` must be a string for which `predicate` returns `true`.
    #[must_use]
    pub fn predicate(predicate: impl Fn(&str) -> bool + Send + Sync + 'static) -> Self {
        Self(IssuerKind::Predicate(Arc::new(predicate)))
    }

    /// `iss` must be one of `issuers` (the handshake protocol's `issuer` option). Unlike
    /// [`exact`](Self::exact), it never makes the issuer the source of the signing keys.
    #[must_use]
    pub fn one_of<I, S>(issuers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self(IssuerKind::OneOf(
            issuers.into_iter().map(Into::into).collect(),
        ))
    }

    /// `iss` must start with `prefix`.
    #[must_use]
    pub fn starts_with(prefix: impl Into<String>) -> Self {
        let prefix = prefix.into();
        Self::predicate(move |iss| iss.starts_with(&prefix))
    }

    /// Clerk's default rule: `iss` starts with `https://clerk.` or contains `.clerk.accounts`.
    #[must_use]
    pub fn clerk_frontend_api() -> Self {
        Self::predicate(|iss| iss.starts_with("https://clerk.") || iss.contains(".clerk.accounts"))
    }

    /// Whether a token with this `iss` passes.
    #[must_use]
    pub fn accepts(&self, iss: &str) -> bool {
        match &self.0 {
            IssuerKind::Exact(s) => s == iss,
            IssuerKind::OneOf(list) => list.iter().any(|s| s == iss),
            IssuerKind::Predicate(p) => p(iss),
        }
    }

    /// The exact issuer string, when this is an exact issuer.
    #[must_use]
    pub fn as_exact(&self) -> Option<&str> {
        match &self.0 {
            IssuerKind::Exact(s) => Some(s),
            IssuerKind::OneOf(_) | IssuerKind::Predicate(_) => None,
        }
    }
}

impl fmt::Debug for Issuer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            IssuerKind::Exact(s) => f.debug_tuple("Issuer::exact").field(s).finish(),
            IssuerKind::OneOf(list) => f.debug_tuple("Issuer::one_of").field(list).finish(),
            IssuerKind::Predicate(_) => f.write_str("Issuer::predicate(..)"),
        }
    }
}

impl From<&str> for Issuer {
    fn from(s: &str) -> Self {
        Self::exact(s)
    }
}

impl From<String> for Issuer {
    fn from(s: String) -> Self {
        Self::exact(s)
    }
}

/// Options of [`verify_jwt`]: the key and the claim rules.
///
/// ```
/// use std::time::Duration;
/// use clerk_core::{Issuer, VerificationKey, VerifyJwtOptions};
/// # let pem = include_str!("../../tests/fixtures/rsa_clerk_public.pem");
///
/// let options = VerifyJwtOptions::new(VerificationKey::from_pem(pem)?)
///     .issuer(Issuer::exact("https://clerk.example.com"))
///     .authorized_parties(["https://example.com"])
///     .clock_skew(Duration::from_secs(5));
/// # Ok::<(), clerk_core::jwt::KeyError>(())
/// ```
#[derive(Clone, Debug)]
pub struct VerifyJwtOptions {
    key: Arc<VerificationKey>,
    rules: ClaimRules,
}

/// The claim rules shared by [`verify_jwt`] and [`verify_token`](crate::verify_token).
#[derive(Clone, Debug)]
pub(crate) struct ClaimRules {
    pub(crate) issuer: Option<Issuer>,
    pub(crate) audience: Vec<String>,
    pub(crate) authorized_parties: Vec<String>,
    pub(crate) clock_skew: Duration,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) dialect: Dialect,
    /// Which kind of token is verified: its accepted `typ` values and categories.
    pub(crate) kind: TokenKind,
}

/// The kind of token a verification accepts (docs/auth-rules.md §9.10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum TokenKind {
    /// A session token: `typ` absent or `JWT`, not the M2M category.
    #[default]
    Session,
    /// A JWT-format M2M token: `typ` absent or `JWT`, the M2M category.
    M2m,
    /// A JWT-format OAuth access token: `typ` `at+jwt` or `application/at+jwt`.
    OAuth,
}

impl TokenKind {
    /// Whether the header `typ` (absent, or any JSON value) is one this kind accepts.
    fn typ_allowed(self, typ: Option<&Value>) -> bool {
        match (self, typ) {
            (Self::Session | Self::M2m, None) => true,
            (Self::Session | Self::M2m, Some(t)) => t.as_str() == Some("JWT"),
            (Self::OAuth, t) => matches!(
                t.and_then(Value::as_str),
                Some("at+jwt" | "application/at+jwt")
            ),
        }
    }

    fn typ_expected(self) -> &'static str {
        match self {
            Self::Session | Self::M2m => "JWT",
            Self::OAuth => "at+jwt, application/at+jwt",
        }
    }
}

/// Which protocol's verification rules apply (docs/auth-rules.md §4 and §9.10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum Dialect {
    /// `@clerk/backend` 0.31.3: claims first, signature last; `azp` checked only when present.
    #[default]
    Interstitial,
    /// `@clerk/backend` 3.x: the signature before any claim, `azp` required when authorized
    /// parties are set, string and array audiences checked alike.
    Handshake,
}

impl Default for ClaimRules {
    fn default() -> Self {
        Self {
            dialect: Dialect::Interstitial,
            kind: TokenKind::Session,
            issuer: None,
            audience: Vec::new(),
            authorized_parties: Vec::new(),
            clock_skew: DEFAULT_CLOCK_SKEW,
            clock: Arc::new(SystemClock),
        }
    }
}

impl VerifyJwtOptions {
    /// Options verifying with `key`, no issuer, audience or authorized-party rule, and a 5 s skew.
    #[must_use]
    pub fn new(key: VerificationKey) -> Self {
        Self::with_shared_key(Arc::new(key))
    }

    /// As [`new`](Self::new), with a key shared with other options.
    #[must_use]
    pub fn with_shared_key(key: Arc<VerificationKey>) -> Self {
        Self {
            key,
            rules: ClaimRules::default(),
        }
    }

    /// The expected issuer. Defaults to none (no `iss` check).
    #[must_use]
    pub fn issuer(mut self, issuer: impl Into<Issuer>) -> Self {
        self.rules.issuer = Some(issuer.into());
        self
    }

    /// Accepted audiences; checked only when the token has `aud`. Defaults to none (no check).
    #[must_use]
    pub fn audience<I, S>(mut self, audience: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.rules.audience = non_empty(audience);
        self
    }

    /// Accepted `azp` values (your app's origins). Defaults to none (no check).
    #[must_use]
    pub fn authorized_parties<I, S>(mut self, parties: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.rules.authorized_parties = non_empty(parties);
        self
    }

    /// Tolerance for `exp`, `nbf` and `iat`. Defaults to 5 seconds; zero is honoured.
    #[must_use]
    pub fn clock_skew(mut self, skew: Duration) -> Self {
        self.rules.clock_skew = skew;
        self
    }

    /// The clock. Defaults to [`SystemClock`].
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.rules.clock = clock;
        self
    }
}

pub(crate) fn non_empty<I, S>(items: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    items
        .into_iter()
        .map(Into::into)
        .filter(|s| !s.is_empty())
        .collect()
}

/// Verifies a session token with a known key: every check of Clerk's `verifyJwt`, in its order,
/// plus this SDK's hardening (size cap, `crit`/`b64`/`jku`-style headers, M2M tokens, padded
/// segments, required `nbf`, RSA keys of at least 2048 bits).
///
/// # Errors
///
/// A [`TokenVerificationError`] with Clerk's reason code and message for the first failed check.
///
/// # Example
///
/// ```no_run
/// use clerk_core::{verify_jwt, Issuer, VerificationKey, VerifyJwtOptions};
///
/// let key = VerificationKey::from_pem(&std::env::var("CLERK_JWT_KEY")?)?;
/// let options = VerifyJwtOptions::new(key).issuer(Issuer::clerk_frontend_api());
/// # let token = "";
/// let claims = verify_jwt(token, &options)?;
/// println!("signed in as {}", claims.user_id());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify_jwt(
    token: &str,
    options: &VerifyJwtOptions,
) -> Result<SessionClaims, TokenVerificationError> {
    let jwt = decode_jwt(token)?;
    verify_decoded(jwt, &options.key, &options.rules)
}

/// Checks steps 2 to 11 of Clerk's `verifyJwt` on a decoded token, with the key already chosen.
pub(crate) fn verify_decoded(
    jwt: Jwt,
    key: &VerificationKey,
    rules: &ClaimRules,
) -> Result<SessionClaims, TokenVerificationError> {
    let header = jwt.header().fields();
    let payload = jwt.payload();

    // 2. typ
    let typ = header.get("typ");
    if !rules.kind.typ_allowed(typ) {
        return Err(TokenVerificationError::new(
            Reason::TokenInvalid,
            format!(
                "Invalid JWT type {}. Expected \"{}\".",
                js_stringify(typ),
                rules.kind.typ_expected()
            ),
        )
        .with_action(Action::EnsureClerkJwt));
    }
    // 3. alg
    let Some(alg) = header
        .get("alg")
        .and_then(Value::as_str)
        .and_then(rsa_algorithm)
    else {
        return Err(TokenVerificationError::new(
            Reason::TokenInvalidAlgorithm,
            format!(
                "Invalid JWT algorithm {}. Supported: RS256,RS384,RS512.",
                js_stringify(header.get("alg"))
            ),
        )
        .with_action(Action::EnsureClerkJwt));
    };
    check_header_hardening(&jwt, rules)?;
    let handshake = rules.dialect == Dialect::Handshake;
    if handshake {
        // The handshake protocol checks the signature before reading any claim.
        check_signature(&jwt, key, alg)?;
    }

    // 4. sub
    if !payload.get("sub").is_some_and(Value::is_string) {
        return Err(failed(format!(
            "Subject claim (sub) is required and must be a string. Received {}.",
            js_stringify(payload.get("sub"))
        )));
    }
    // 5. aud
    if handshake {
        check_audience_handshake(payload, &rules.audience)?;
    } else {
        check_audience(payload, &rules.audience)?;
    }
    // 6. azp (required when authorized parties are set, with the handshake protocol)
    let azp = match payload.get("azp").filter(|v| js_truthy(v)) {
        None if handshake && !rules.authorized_parties.is_empty() => Some(&Value::Null),
        azp => azp,
    };
    if let Some(azp) = azp
        && !rules.authorized_parties.is_empty()
        && !azp
            .as_str()
            .is_some_and(|a| rules.authorized_parties.iter().any(|p| p == a))
    {
        let azp = Some(azp).filter(|v| !v.is_null());
        return Err(TokenVerificationError::new(
            Reason::TokenInvalidAuthorizedParties,
            format!(
                "Invalid JWT Authorized party claim (azp) {}. Expected \"{}\".",
                js_stringify(azp),
                rules.authorized_parties.join(",")
            ),
        ));
    }
    // 7. iss
    check_issuer(payload, rules.issuer.as_ref())?;

    let now = rules.clock.now_ms();
    let skew = i64::try_from(rules.clock_skew.as_millis()).unwrap_or(i64::MAX);
    // 8. exp
    let exp = time_claim(payload, "exp", "expiry date")?.ok_or_else(|| {
        failed(format!(
            "Invalid JWT expiry date claim (exp) {}. Expected number.",
            js_stringify(None)
        ))
    })?;
    if exp <= now.saturating_sub(skew) {
        return Err(TokenVerificationError::new(
            Reason::TokenExpired,
            format!(
                "JWT is expired. Expiry date: {}, Current date: {}.",
                js_utc_string(exp),
                js_utc_string(now)
            ),
        ));
    }
    // 9. nbf
    let nbf = time_claim(payload, "nbf", "not before date")?;
    if let Some(nbf) = nbf
        && nbf > now.saturating_add(skew)
    {
        return Err(TokenVerificationError::new(
            Reason::TokenNotActiveYet,
            format!(
                "JWT cannot be used prior to not before date claim (nbf). Not before date: {}; Current date: {};",
                js_utc_string(nbf),
                js_utc_string(now)
            ),
        ));
    }
    // 10. iat
    if let Some(iat) = time_claim(payload, "iat", "issued at date")?
        && iat > now.saturating_add(skew)
    {
        return Err(TokenVerificationError::new(
            Reason::TokenNotActiveYet,
            format!(
                "JWT issued at date claim (iat) is in the future. Issued at date: {}; Current date: {};",
                js_utc_string(iat),
                js_utc_string(now)
            ),
        ));
    }
    // Hardening: Clerk always sets `nbf`; a session token without it is not one of Clerk's.
    if nbf.is_none() {
        return Err(failed(
            "Invalid JWT not before date claim (nbf) undefined. Expected number.".to_owned(),
        ));
    }

    // 11. signature, last (the interstitial protocol's order).
    if !handshake {
        check_signature(&jwt, key, alg)?;
    }

    let (_, payload) = jwt.into_parts();
    SessionClaims::from_verified(payload)
        .map_err(|claim| failed(format!("Invalid JWT claim ({claim}): unexpected type.")))
}

fn failed(message: String) -> TokenVerificationError {
    TokenVerificationError::new(Reason::TokenVerificationFailed, message)
        .with_action(Action::EnsureClerkJwt)
}

fn invalid(message: &str) -> TokenVerificationError {
    TokenVerificationError::new(Reason::TokenInvalid, message).with_action(Action::EnsureClerkJwt)
}

/// Header checks jsonwebtoken does not make (auth-rules §4.4): they run right after the `alg` check.
fn check_header_hardening(jwt: &Jwt, rules: &ClaimRules) -> Result<(), TokenVerificationError> {
    let header = jwt.header();
    if header.get("crit").is_some() {
        return Err(invalid(
            "Invalid JWT header: the \"crit\" parameter is not supported.",
        ));
    }
    if header.get("b64").is_some() {
        return Err(invalid(
            "Invalid JWT header: the \"b64\" parameter is not supported.",
        ));
    }
    for name in ["jku", "x5u", "jwk", "x5c"] {
        if header.get(name).is_some() {
            return Err(invalid(&format!(
                "Invalid JWT header: the \"{name}\" parameter is not accepted; keys come only from the configured JWKS or CLERK_JWT_KEY."
            )));
        }
    }
    if header.get("cat").and_then(Value::as_str) == Some(M2M_TOKEN_CAT)
        && rules.kind != TokenKind::M2m
    {
        return Err(m2m_error(rules.dialect));
    }
    if let Some(kid) = header.get("kid")
        && kid.as_str().is_none_or(|k| k.len() > MAX_KID_LEN)
    {
        return Err(invalid(&format!(
            "Invalid JWT header: \"kid\" must be a string of at most {MAX_KID_LEN} bytes."
        )));
    }
    if jwt.as_str().contains('=') {
        return Err(invalid(
            "Invalid JWT encoding: base64url segments must not be padded.",
        ));
    }
    Ok(())
}

pub(crate) fn m2m_error(dialect: Dialect) -> TokenVerificationError {
    match dialect {
        Dialect::Interstitial => invalid(
            "Invalid JWT: machine-to-machine tokens (cat \"cl_B7d4PD333AAA\") are not session tokens.",
        ),
        Dialect::Handshake => invalid("Invalid session token category."),
    }
}

/// JavaScript's truthiness of a JSON value.
pub(crate) fn js_truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

fn check_audience(
    payload: &Map<String, Value>,
    audience: &[String],
) -> Result<(), TokenVerificationError> {
    let Some(aud) = payload.get("aud") else {
        return Ok(());
    };
    let token_auds: Vec<&Value> = match aud {
        Value::Array(items) => items.iter().filter(|v| js_truthy(v)).collect(),
        other if js_truthy(other) => vec![other],
        _ => Vec::new(),
    };
    if audience.is_empty() || token_auds.is_empty() {
        return Ok(());
    }
    if token_auds
        .iter()
        .any(|a| a.as_str().is_some_and(|a| audience.iter().any(|x| x == a)))
    {
        return Ok(());
    }
    let shown = Value::Array(token_auds.into_iter().cloned().collect());
    Err(failed(format!(
        "Invalid JWT audience claim array (aud) {}. Is not included in \"{}\".",
        js_stringify(Some(&shown)),
        js_stringify(Some(&Value::from(audience.to_vec())))
    )))
}

/// The handshake protocol's audience rule: a non-empty string `aud` must be listed; an array of
/// strings must share one value with the list (an array holding anything else is not checked).
fn check_audience_handshake(
    payload: &Map<String, Value>,
    audience: &[String],
) -> Result<(), TokenVerificationError> {
    if audience.is_empty() {
        return Ok(());
    }
    let listed = |a: &str| audience.iter().any(|x| x == a);
    let expected = js_stringify(Some(&Value::from(audience.to_vec())));
    match payload.get("aud") {
        Some(Value::String(aud)) if !aud.is_empty() && !listed(aud) => Err(failed(format!(
            "Invalid JWT audience claim (aud) {}. Is not included in \"{expected}\".",
            js_stringify(payload.get("aud"))
        ))),
        Some(Value::Array(items))
            if !items.is_empty()
                && items.iter().all(Value::is_string)
                && !items.iter().filter_map(Value::as_str).any(listed) =>
        {
            Err(failed(format!(
                "Invalid JWT audience claim array (aud) {}. Is not included in \"{expected}\".",
                js_stringify(payload.get("aud"))
            )))
        }
        _ => Ok(()),
    }
}

fn check_issuer(
    payload: &Map<String, Value>,
    issuer: Option<&Issuer>,
) -> Result<(), TokenVerificationError> {
    let Some(issuer) = issuer else {
        return Ok(());
    };
    let iss = payload.get("iss");
    match &issuer.0 {
        IssuerKind::Predicate(p) => {
            if iss.and_then(Value::as_str).is_some_and(|s| p(s)) {
                Ok(())
            } else {
                Err(TokenVerificationError::new(
                    Reason::TokenInvalidIssuer,
                    "Failed JWT issuer resolver. Make sure that the resolver returns a truthy value.",
                ))
            }
        }
        IssuerKind::OneOf(list) => {
            if iss
                .and_then(Value::as_str)
                .is_some_and(|s| list.iter().any(|x| x == s))
            {
                Ok(())
            } else {
                Err(TokenVerificationError::new(
                    Reason::TokenInvalidIssuer,
                    format!(
                        "Invalid JWT issuer claim (iss) {}. Expected \"{}\".",
                        js_stringify(iss),
                        list.join(",")
                    ),
                )
                .with_action(Action::EnsureClerkJwt))
            }
        }
        IssuerKind::Exact(expected) => {
            if iss.and_then(Value::as_str) == Some(expected.as_str()) {
                Ok(())
            } else {
                // A missing or empty `iss` is rejected too (hardening; Clerk always sets it).
                let shown = iss.filter(|v| js_truthy(v));
                Err(TokenVerificationError::new(
                    Reason::TokenInvalidIssuer,
                    format!(
                        "Invalid JWT issuer claim (iss) {}. Expected \"{expected}\".",
                        js_stringify(shown)
                    ),
                ))
            }
        }
    }
}

/// Reads a NumericDate claim as milliseconds. Absent → `None`; present but not an integer within
/// JavaScript's date range → the "Expected number." failure of its step.
fn time_claim(
    payload: &Map<String, Value>,
    name: &str,
    what: &str,
) -> Result<Option<i64>, TokenVerificationError> {
    let Some(v) = payload.get(name) else {
        return Ok(None);
    };
    v.as_i64()
        .and_then(|s| s.checked_mul(1000))
        .filter(|ms| ms.abs() <= JS_MAX_DATE_MS)
        .map(Some)
        .ok_or_else(|| {
            failed(format!(
                "Invalid JWT {what} claim ({name}) {}. Expected number.",
                js_stringify(Some(v))
            ))
        })
}

pub(crate) fn check_signature(
    jwt: &Jwt,
    key: &VerificationKey,
    alg: jsonwebtoken::Algorithm,
) -> Result<(), TokenVerificationError> {
    match signature_valid(jwt, key, alg) {
        Ok(true) => Ok(()),
        Ok(false) => Err(TokenVerificationError::new(
            Reason::TokenInvalidSignature,
            "JWT signature is invalid.",
        )),
        Err(text) => Err(failed(format!("Error verifying JWT signature. {text}"))),
    }
}

/// RSASSA-PKCS1-v1_5 over `<raw header>.<raw payload>` with aws-lc, called directly (no
/// process-wide provider choice can change it) with the key parsed once (key.rs).
fn signature_valid(
    jwt: &Jwt,
    key: &VerificationKey,
    alg: jsonwebtoken::Algorithm,
) -> Result<bool, String> {
    if key.algorithm().is_some_and(|k| k != alg) {
        return Err("DataError: JWK \"alg\" does not match the requested algorithm".to_owned());
    }
    // A key aws-lc refuses verifies nothing.
    Ok(key.parsed(alg).is_some_and(|parsed| {
        parsed
            .verify_sig(jwt.signing_input().as_bytes(), jwt.signature())
            .is_ok()
    }))
}

/// Whether the token's signature verifies with `key`, using the hash its header `alg` names
/// (RS256, RS384 or RS512). Checks nothing else.
///
/// # Errors
///
/// `token-invalid-algorithm` for another `alg`; `token-verification-failed` when the JWK cannot be
/// imported (not RSA, `use` not `sig`, `alg` differing from the header's, under 2048 bits).
///
/// # Example
///
/// ```
/// use clerk_core::{decode_jwt, has_valid_signature, jwt::Jwk};
///
/// # let token = "eyJhbGciOiJSUzI1NiJ9.e30.c2ln";
/// let jwt = decode_jwt(token)?;
/// let jwk: Jwk = serde_json::from_str(r#"{"kty":"RSA","n":"AQAB","e":"AQAB"}"#).unwrap();
/// // A 17-bit modulus is refused outright.
/// assert!(has_valid_signature(&jwt, &jwk).is_err());
/// # Ok::<(), clerk_core::TokenVerificationError>(())
/// ```
pub fn has_valid_signature(jwt: &Jwt, key: &Jwk) -> Result<bool, TokenVerificationError> {
    let alg_name = jwt.header().alg().unwrap_or_default();
    let alg = rsa_algorithm(alg_name).ok_or_else(|| {
        TokenVerificationError::new(
            Reason::TokenInvalidAlgorithm,
            format!(
                "Unsupported algorithm {}, expected one of RS256,RS384,RS512.",
                truncate(alg_name, 32)
            ),
        )
    })?;
    let key = VerificationKey::from_jwk(key)
        .map_err(|e| failed(format!("Error verifying JWT signature. {e}")))?;
    signature_valid(jwt, &key, alg)
        .map_err(|text| failed(format!("Error verifying JWT signature. {text}")))
}
