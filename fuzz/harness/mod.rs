//! Fuzz harnesses, shared by the cargo-fuzz targets in `fuzz/fuzz_targets/` and by the corpus
//! replay test `clerk-core/tests/fuzz_corpus.rs` (which runs every committed corpus file through
//! the same function on stable, without a fuzzer). Each harness panics when its oracle is violated.
#![allow(dead_code, missing_docs, unreachable_pub)]

use std::sync::{Arc, OnceLock};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use clerk_core::{
    ClerkConfig, FixedClock, Issuer, TokenVerificationErrorReason as R, VerificationKey,
    VerifyJwtOptions, WebhookErrorKind, WebhookHeaders, WebhookVerifier, decode_jwt,
    get_auth_state,
    jwt::{MAX_RSA_BITS, MAX_TOKEN_LEN, MIN_RSA_BITS},
    keys::{build_publishable_key, parse_publishable_key},
    verify_jwt,
};
use jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER;
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{Value, json};

pub const NOW: i64 = 1_700_000_000;
const PUBLIC_PEM: &str = include_str!("../../clerk-core/tests/fixtures/rsa_clerk_public.pem");
const PRIVATE_DER: &[u8] = include_bytes!("../../clerk-core/tests/fixtures/rsa_clerk_private.der");

/// A harness: runs one input, panics when the oracle is violated.
pub type Harness = fn(&[u8]);

/// The fuzz targets, by name (as in `fuzz/Cargo.toml` and `fuzz/corpus/<name>/`).
pub const TARGETS: &[(&str, Harness)] = &[
    ("token_unverified_parse", token_unverified_parse),
    ("verify_fixed_key", verify_fixed_key),
    ("verify_structured", verify_structured),
    ("jwks_ingest", jwks_ingest),
    ("pem_jwt_key", pem_jwt_key),
    ("request_token_extract", request_token_extract),
    ("publishable_key", publishable_key),
    ("auth_state", auth_state),
    ("webhook_verify", webhook_verify),
];

fn b64(b: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(b)
}

fn sign(header: &str, payload: &str) -> String {
    let si = format!("{}.{}", b64(header.as_bytes()), b64(payload.as_bytes()));
    let key = EncodingKey::from_rsa_der(PRIVATE_DER);
    let signer = (DEFAULT_PROVIDER.signer_factory)(&Algorithm::RS256, &key).expect("signer");
    format!(
        "{si}.{}",
        b64(&signer.try_sign(si.as_bytes()).expect("sign"))
    )
}

fn options() -> &'static VerifyJwtOptions {
    static OPTIONS: OnceLock<VerifyJwtOptions> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        VerifyJwtOptions::new(VerificationKey::from_pem(PUBLIC_PEM).expect("fixture key"))
            .clock(Arc::new(FixedClock::from_unix_seconds(NOW)))
            .issuer(Issuer::clerk_frontend_api())
    })
}

/// Valid Clerk-shaped tokens (RSA PKCS#1 v1.5 signatures are deterministic, so these strings are
/// fixed): the only inputs `verify_fixed_key` may accept.
pub fn seed_tokens() -> &'static [String] {
    static SEEDS: OnceLock<Vec<String>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let header = r#"{"alg":"RS256","kid":"ins_fuzz","typ":"JWT"}"#;
        let payloads = [
            json!({"azp":"https://example.com","exp":NOW+60,"iat":NOW-1,"iss":"https://clerk.example.com","nbf":NOW-11,"sid":"sess_1","sub":"user_1"}),
            json!({"exp":NOW+3600,"iss":"https://foo-bar-13.clerk.accounts.dev","nbf":NOW,"sub":"user_2","org_id":"org_1","org_role":"org:admin","org_permissions":["org:a:b"]}),
            json!({"exp":NOW+10,"iss":"https://clerk.example.com","nbf":NOW-1,"sub":"","v":2,"o":{"id":"org_2","rol":"member","per":"read","fpm":"1"},"fea":"o:invoices"}),
        ];
        payloads.iter().map(|p| sign(header, &p.to_string())).collect()
    })
}

/// Unverified parsing: no panic; anything over the size cap is refused; the raw segments of an
/// accepted token rebuild the input.
pub fn token_unverified_parse(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    match decode_jwt(s) {
        Ok(jwt) => {
            assert!(s.len() <= MAX_TOKEN_LEN);
            let rebuilt = format!(
                "{}.{}.{}",
                jwt.raw_header(),
                jwt.raw_payload(),
                jwt.raw_signature()
            );
            assert_eq!(rebuilt, s);
        }
        Err(e) => {
            if s.len() > MAX_TOKEN_LEN {
                assert_eq!(e.reason(), R::TokenInvalid);
            }
            assert!(!e.message().is_empty());
        }
    }
}

/// Full verification with a fixed key and a frozen clock: any `Ok` must be a seed token (the
/// fuzzer cannot forge RSA; another `Ok` would be a parser or policy bug).
pub fn verify_fixed_key(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if verify_jwt(s, options()).is_ok() {
        assert!(
            seed_tokens().iter().any(|t| t == s),
            "accepted a token that is not a seed"
        );
    }
}

/// A structured token, signed with the real key: the verdict must match a small reference model of
/// docs/auth-rules.md §4.3 plus the hardening of §4.4, written independently of the verifier.
pub fn verify_structured(data: &[u8]) {
    let mut bytes = data.iter().copied();
    let mut next = move || bytes.next().unwrap_or(0);
    let pick = |b: u8, options: &[Value]| options[b as usize % options.len()].clone();

    let alg = pick(
        next(),
        &[
            json!("RS256"),
            json!("RS256"),
            json!("RS384"),
            json!("HS256"),
            json!("none"),
            json!(1),
        ],
    );
    // `None`: no `typ` header; `Some(null)`: an explicit `"typ": null`.
    let typ = match next() % 4 {
        0 => None,
        1 => Some(json!("JWT")),
        2 => Some(json!("at+jwt")),
        _ => Some(Value::Null),
    };
    let extra_header = pick(
        next(),
        &[
            Value::Null,
            Value::Null,
            Value::Null,
            json!("crit"),
            json!("b64"),
            json!("jku"),
            json!("cat"),
        ],
    );
    let time = |b: u8| -> Value {
        match b % 8 {
            0 => Value::Null, // absent
            1 => json!(NOW - 3600),
            2 => json!(NOW + 3600),
            3 => json!(NOW),
            4 => json!("soon"),
            5 => json!(1.5),
            6 => json!(NOW - 4),
            _ => json!(NOW + 4),
        }
    };
    let exp = time(next());
    let nbf = time(next());
    let iat = time(next());
    let sub = pick(
        next(),
        &[
            json!("user_1"),
            json!("user_1"),
            Value::Null,
            json!(7),
            json!(""),
        ],
    );
    let iss = pick(
        next(),
        &[
            json!("https://clerk.example.com"),
            json!("https://evil.example"),
            Value::Null,
            json!(3),
        ],
    );
    let azp = pick(
        next(),
        &[
            Value::Null,
            json!("https://example.com"),
            json!("https://evil.example"),
        ],
    );

    let mut header = serde_json::Map::new();
    header.insert("alg".into(), alg.clone());
    header.insert("kid".into(), json!("ins_fuzz"));
    if let Some(typ) = &typ {
        header.insert("typ".into(), typ.clone());
    }
    match extra_header.as_str() {
        Some("crit") => {
            header.insert("crit".into(), json!(["exp"]));
        }
        Some("b64") => {
            header.insert("b64".into(), json!(false));
        }
        Some("jku") => {
            header.insert("jku".into(), json!("http://127.0.0.1:1/jwks"));
        }
        Some("cat") => {
            header.insert("cat".into(), json!("cl_B7d4PD333AAA"));
        }
        _ => {}
    }
    let mut claims = serde_json::Map::new();
    for (name, v) in [
        ("exp", &exp),
        ("nbf", &nbf),
        ("iat", &iat),
        ("sub", &sub),
        ("iss", &iss),
        ("azp", &azp),
    ] {
        if !v.is_null() {
            claims.insert(name.into(), v.clone());
        }
    }
    let token = sign(
        &Value::Object(header).to_string(),
        &Value::Object(claims).to_string(),
    );
    // The header says e.g. RS384 or HS256 but the signature is always RS256 over the real key.
    let options = options()
        .clone()
        .authorized_parties(["https://example.com"]);
    let got = verify_jwt(&token, &options)
        .map(|_| ())
        .map_err(|e| e.reason());
    let want = model(
        &alg,
        typ.as_ref(),
        extra_header.as_str(),
        &sub,
        &azp,
        &iss,
        &exp,
        &nbf,
        &iat,
    );
    assert_eq!(got, want, "token {token}");
}

#[allow(clippy::too_many_arguments)]
fn model(
    alg: &Value,
    typ: Option<&Value>,
    extra_header: Option<&str>,
    sub: &Value,
    azp: &Value,
    iss: &Value,
    exp: &Value,
    nbf: &Value,
    iat: &Value,
) -> Result<(), R> {
    let now = NOW * 1000;
    let skew = 5000;
    if typ.is_some_and(|t| t != "JWT") {
        return Err(R::TokenInvalid);
    }
    if !matches!(alg.as_str(), Some("RS256" | "RS384" | "RS512")) {
        return Err(R::TokenInvalidAlgorithm);
    }
    if extra_header.is_some() {
        return Err(R::TokenInvalid);
    }
    if !sub.is_string() {
        return Err(R::TokenVerificationFailed);
    }
    if let Some(a) = azp.as_str()
        && a != "https://example.com"
    {
        return Err(R::TokenInvalidAuthorizedParties);
    }
    let iss_ok = iss
        .as_str()
        .is_some_and(|s| s.starts_with("https://clerk.") || s.contains(".clerk.accounts"));
    if !iss_ok {
        return Err(R::TokenInvalidIssuer);
    }
    let ms = |v: &Value| v.as_i64().map(|s| s * 1000);
    let Some(exp) = ms(exp) else {
        return Err(R::TokenVerificationFailed);
    };
    if exp <= now - skew {
        return Err(R::TokenExpired);
    }
    if !nbf.is_null() {
        let Some(nbf) = ms(nbf) else {
            return Err(R::TokenVerificationFailed);
        };
        if nbf > now + skew {
            return Err(R::TokenNotActiveYet);
        }
    }
    if !iat.is_null() {
        let Some(iat) = ms(iat) else {
            return Err(R::TokenVerificationFailed);
        };
        if iat > now + skew {
            return Err(R::TokenNotActiveYet);
        }
    }
    if nbf.is_null() {
        return Err(R::TokenVerificationFailed);
    }
    if alg != "RS256" {
        // The fixed key is bound to RS256.
        return Err(R::TokenVerificationFailed);
    }
    Ok(())
}

/// JWKS ingestion: no panic; every accepted key is RSA of at least 2048 bits; the result does not
/// depend on the order of the keys.
pub fn jwks_ingest(data: &[u8]) {
    let result = clerk_core::__private::ingest_jwks(data);
    if let Ok(keys) = &result {
        assert!(!keys.is_empty());
        for (_, bits) in keys {
            assert!((MIN_RSA_BITS..=MAX_RSA_BITS).contains(bits));
        }
    }
    if let Ok(Value::Object(mut body)) = serde_json::from_slice::<Value>(data)
        && let Some(Value::Array(keys)) = body.get_mut("keys")
    {
        keys.reverse();
        let reversed =
            clerk_core::__private::ingest_jwks(Value::Object(body).to_string().as_bytes());
        assert_eq!(result.ok(), reversed.ok(), "order-dependent ingestion");
    }
}

/// `CLERK_JWT_KEY` parsing: no panic; an accepted key is RSA of 2048 to 8192 bits.
pub fn pem_jwt_key(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(key) = VerificationKey::from_pem(s) {
        assert!((MIN_RSA_BITS..=MAX_RSA_BITS).contains(&key.bits()));
    }
}

fn request_from(data: &[u8]) -> http::Request<()> {
    // Fields separated by NUL: url, then `name: value` header lines.
    let mut parts = data.split(|b| *b == 0);
    let url = parts
        .next()
        .and_then(|u| std::str::from_utf8(u).ok())
        .unwrap_or("/");
    let mut builder = http::Request::builder();
    builder = match http::Uri::try_from(url) {
        Ok(uri) => builder.uri(uri),
        Err(_) => builder.uri("/"),
    };
    for line in parts {
        let Some(colon) = line.iter().position(|b| *b == b':') else {
            continue;
        };
        let (name, value) = (&line[..colon], &line[colon + 1..]);
        let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name),
            http::HeaderValue::from_bytes(value),
        ) else {
            continue;
        };
        builder = builder.header(name, value);
    }
    builder.body(()).unwrap_or_else(|_| http::Request::new(()))
}

/// Token extraction from `Cookie` and `Authorization`: no panic, deterministic, and the header token
/// is exactly what the rule of docs/auth-rules.md §2.1 gives (fetch `Headers.get`: fields trimmed and joined, then one
/// leading case-insensitive `Bearer ` removed, nothing trimmed inside the token), computed here
/// independently.
pub fn request_token_extract(data: &[u8]) {
    let request = request_from(data);
    use clerk_core::integration::RequestValues;
    let a = RequestValues::from_request(&request);
    let b = RequestValues::from_request(&request);
    assert_eq!(a.header_token, b.header_token);
    assert_eq!(a.session_cookie, b.session_cookie);
    assert_eq!(a.client_uat, b.client_uat);
    let values: Vec<&str> = request
        .headers()
        .get_all("authorization")
        .iter()
        .filter_map(|v| std::str::from_utf8(v.as_bytes()).ok())
        .map(|v| v.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r')))
        .collect();
    // Fetch's `Headers.get`: each field trimmed, fields joined with ", " (the joined value is not
    // trimmed again: `a` and an empty field give "a, ").
    let joined = values.join(", ");
    let expected = match joined.get(..7) {
        Some(p) if p.eq_ignore_ascii_case("bearer ") => &joined[7..],
        _ => joined.as_str(),
    };
    assert_eq!(
        a.header_token.as_deref(),
        Some(expected).filter(|t| !t.is_empty()),
        "header token"
    );
    for v in [&a.session_cookie, &a.client_uat] {
        assert!(v.as_deref().is_none_or(|s| !s.is_empty()));
    }
}

/// Publishable keys: no panic; a parsed key's frontend API builds a key that parses back to it.
pub fn publishable_key(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(pk) = parse_publishable_key(s) {
        let rebuilt = build_publishable_key(pk.frontend_api());
        let again = parse_publishable_key(&rebuilt).expect("a built key parses");
        assert_eq!(again.frontend_api(), pk.frontend_api());
    }
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
    })
}

fn configs() -> &'static [ClerkConfig] {
    static CONFIGS: OnceLock<Vec<ClerkConfig>> = OnceLock::new();
    CONFIGS.get_or_init(|| {
        ["sk_test_fuzz", "sk_live_fuzz"]
            .iter()
            .map(|secret| {
                ClerkConfig::builder()
                    .secret_key(*secret)
                    .publishable_key("pk_test_Y2xlcmsuZXhhbXBsZS5jb20k")
                    .jwt_key(PUBLIC_PEM)
                    .clock(Arc::new(FixedClock::from_unix_seconds(NOW)))
                    .build()
                    .expect("config")
            })
            .collect()
    })
}

/// `get_auth_state` on arbitrary URLs, headers and cookies: no panic, a consistent state, and
/// header values an HTTP response can carry. Only seed tokens can be signed in.
pub fn auth_state(data: &[u8]) {
    let request = request_from(data);
    for config in configs() {
        let state = runtime().block_on(get_auth_state(config, &request));
        if state.is_signed_in() {
            let auth = state.to_auth().expect("signed-in auth");
            assert!(auth.user_id().is_some());
            let token = runtime().block_on(auth.get_token(None)).ok().flatten();
            assert!(
                token.is_some_and(|t| seed_tokens().contains(&t)),
                "signed in with a token that is not a seed"
            );
        }
        for (_, value) in state.headers() {
            assert!(http::HeaderValue::from_str(&value).is_ok(), "{value}");
        }
        let _ = state.outcome(&request);
        let _ = state.json_body();
    }
}

const WEBHOOK_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn webhook_verifier() -> &'static WebhookVerifier {
    static VERIFIER: OnceLock<WebhookVerifier> = OnceLock::new();
    VERIFIER.get_or_init(|| {
        WebhookVerifier::new(WEBHOOK_SECRET)
            .expect("secret")
            .clock(Arc::new(FixedClock::from_unix_seconds(NOW)))
    })
}

/// Webhook verification. The input is `id \n timestamp \n signature \n body`, read as the
/// `svix-*` headers and the raw body; `$SIG` in the signature line is replaced by the correct
/// base64 MAC, so the fuzzer reaches accepted deliveries. Oracle: no panic, and the verdict
/// equals an independent model of the scheme (trimmed non-empty headers; ASCII-digit timestamp
/// within 300 s of the clock; some space-separated entry is exactly `v1,` + the base64
/// HMAC-SHA256 of `id.timestamp.body` with the timestamp written back in decimal); a verified
/// body parses to an envelope and a typed event, or is refused as an invalid payload.
pub fn webhook_verify(data: &[u8]) {
    use base64::engine::general_purpose::STANDARD;

    let mut parts = data.splitn(4, |b| *b == b'\n');
    let (Some(id), Some(ts), Some(sig)) = (parts.next(), parts.next(), parts.next()) else {
        return;
    };
    let body = parts.next().unwrap_or_default();
    let (Ok(id), Ok(ts), Ok(sig)) = (
        std::str::from_utf8(id),
        std::str::from_utf8(ts),
        std::str::from_utf8(sig),
    ) else {
        return;
    };
    let (id_t, ts_t) = (id.trim(), ts.trim());
    let parsed_ts = (!ts_t.is_empty() && ts_t.bytes().all(|b| b.is_ascii_digit()))
        .then(|| ts_t.parse::<i64>().ok())
        .flatten();
    let mac = |ts: i64| {
        let key = STANDARD.decode(&WEBHOOK_SECRET[6..]).expect("key");
        let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, &key);
        let mut content = format!("{id_t}.{ts}.").into_bytes();
        content.extend_from_slice(body);
        STANDARD.encode(aws_lc_rs::hmac::sign(&key, &content).as_ref())
    };
    let expected = parsed_ts.map(mac);
    let sig = match &expected {
        Some(m) => sig.replace("$SIG", m),
        None => sig.to_owned(),
    };
    let sig_t = sig.trim();

    let model = if id_t.is_empty() || ts_t.is_empty() || sig_t.is_empty() {
        Err(WebhookErrorKind::MissingHeader)
    } else {
        match parsed_ts {
            None => Err(WebhookErrorKind::InvalidTimestamp),
            Some(t) if NOW - t > 300 => Err(WebhookErrorKind::TimestampTooOld),
            Some(t) if t - NOW > 300 => Err(WebhookErrorKind::TimestampTooNew),
            Some(_) => {
                let want = format!("v1,{}", expected.as_deref().unwrap_or_default());
                if sig_t.split(' ').any(|entry| entry == want) {
                    Ok(())
                } else {
                    Err(WebhookErrorKind::NoMatchingSignature)
                }
            }
        }
    };

    let headers = [
        ("svix-id", id),
        ("svix-timestamp", ts),
        ("svix-signature", &sig[..]),
    ];
    let verdict = WebhookHeaders::from_lookup(|name| {
        headers.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    })
    .and_then(|h| webhook_verifier().verify(h, body).map(|meta| (h, meta)));
    match verdict {
        Ok((h, meta)) => {
            assert_eq!(model, Ok(()), "accepted against the model");
            assert_eq!(meta.message_id, id_t);
            assert_eq!(Some(meta.attempt_unix_secs), parsed_ts);
            match webhook_verifier().verify_event(h, body) {
                Ok(delivery) => {
                    if let Err(e) = delivery.event.typed() {
                        assert_eq!(e.kind(), WebhookErrorKind::InvalidPayload);
                    }
                }
                Err(e) => assert_eq!(e.kind(), WebhookErrorKind::InvalidPayload),
            }
        }
        Err(e) => assert_eq!(model, Err(e.kind()), "{e}"),
    }
}
