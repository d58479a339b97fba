//! The verifiers compared side by side, for one Clerk-shaped RS256 session token (v2 claims, an
//! organization, `azp`), key in memory: the floor (aws-lc's RSA check with the key parsed once;
//! that plus the base64url and JSON work), jsonwebtoken's raw `decode`, ours (`verify_jwt`,
//! `verify_token` with the verified-token cache off and on a hit) and, with the `peers` feature,
//! clerk-rs 0.5's `validate_jwt`. Used by the `peers` command of the harness and by
//! `benches/verify_peers.rs` (criterion), so both time the same code.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use aws_lc_rs::signature::{ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RsaPublicKeyComponents};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use clerk_core::{
    Issuer, VerificationKey, VerifyJwtOptions, VerifyTokenOptions, verify_jwt, verify_token,
};
use clerk_testing::{ClaimsVersion, TestInstance};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

/// The origin in the token's `azp`, and the authorized party every verifier is configured with.
pub(crate) const ORIGIN: &str = "https://example.com";

/// The claims the floor and jsonwebtoken read into (what an app would read).
#[derive(Deserialize)]
#[allow(dead_code)]
struct Claims {
    sub: String,
    sid: Option<String>,
    iss: String,
    azp: Option<String>,
    exp: u64,
    nbf: u64,
    iat: u64,
}

#[derive(Deserialize)]
struct Header<'a> {
    alg: &'a str,
}

/// One verifier of the comparison: a name (the bench's and the report's), what it is, and the
/// call (true when the token verified).
pub(crate) struct Contender {
    pub(crate) name: &'static str,
    pub(crate) what: &'static str,
    pub(crate) verify: fn(&Contenders) -> bool,
}

/// The token, and each verifier set up once (keys parsed, options built).
pub(crate) struct Contenders {
    pub(crate) instance: TestInstance,
    pub(crate) token: String,
    signing_input_len: usize,
    signature: Vec<u8>,
    parsed: ParsedPublicKey,
    decoding_key: DecodingKey,
    validation: Validation,
    jwt_options: VerifyJwtOptions,
    cold: VerifyTokenOptions,
    cached: VerifyTokenOptions,
    #[cfg(feature = "peers")]
    clerk_rs: std::sync::Arc<StaticJwks>,
}

/// Polls a future that completes without waiting (a verification with the key in memory).
fn now_ready<F: Future>(future: F) -> F::Output {
    match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("a verification with the key in memory waited"),
    }
}

/// The floor of a full verification: split, base64url-decode header, signature and payload,
/// check the signature with the parsed key, read the claims into a typed struct. No claim rules.
fn floor_verify_and_parse(token: &str, key: &ParsedPublicKey) -> Option<Claims> {
    let (signing_input, signature) = token.rsplit_once('.')?;
    let (header, payload) = signing_input.split_once('.')?;
    let header = URL_SAFE_NO_PAD.decode(header).ok()?;
    if serde_json::from_slice::<Header<'_>>(&header).ok()?.alg != "RS256" {
        return None;
    }
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    key.verify_sig(signing_input.as_bytes(), &signature).ok()?;
    let payload = URL_SAFE_NO_PAD.decode(payload).ok()?;
    serde_json::from_slice(&payload).ok()
}

impl Contenders {
    /// A production instance (`clerk.example.com`), its token valid for an hour, and the
    /// verifiers.
    pub(crate) fn new() -> Result<Self, String> {
        let _ = jsonwebtoken::crypto::CryptoProvider::install_default(
            &jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER,
        );
        let instance = TestInstance::with_frontend_api("clerk.example.com");
        let token = instance
            .token()
            .version(ClaimsVersion::V2)
            .user_id("user_2GIpXOEpVyJw51rkZn9Kmnc6Sxr")
            .session_id(Some("sess_2GbDB4enNdCa5vS1zpC3Xzg9tK9"))
            .org_id("org_2GIpXOEpVyJw51rkZn9Kmnc6Sxr")
            .org_slug("acme")
            .org_role("org:admin")
            .org_permissions(["org:invoices:read"])
            .authorized_party(ORIGIN)
            .lifetime(Duration::from_secs(3600))
            .sign();
        let jwk = instance.jwk();
        let component = |name: &str| {
            jwk[name]
                .as_str()
                .and_then(|v| URL_SAFE_NO_PAD.decode(v).ok())
                .ok_or_else(|| format!("the JWK has no {name}"))
        };
        let (n, e) = (component("n")?, component("e")?);
        let parsed = RsaPublicKeyComponents { n: &n, e: &e }
            .to_parsed_public_key(&RSA_PKCS1_2048_8192_SHA256)
            .map_err(|e| e.to_string())?;
        let (signing_input, signature) = token.rsplit_once('.').ok_or("not a JWT")?;
        let signing_input_len = signing_input.len();
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|e| e.to_string())?;

        // jsonwebtoken with the validation an app should use (what clerk-core's verify bench
        // uses): RS256, exp and nbf with 5 s leeway, the issuer.
        let decoding_key = DecodingKey::from_rsa_raw_components(&n, &e);
        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = 5;
        validation.validate_nbf = true;
        validation.validate_aud = false;
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "sub"]);
        validation.set_issuer(&[instance.issuer()]);

        let jwt_options = VerifyJwtOptions::new(
            VerificationKey::from_pem(instance.jwt_key()).map_err(|e| e.to_string())?,
        )
        .issuer(Issuer::clerk_frontend_api())
        .authorized_parties([ORIGIN]);
        let token_options = |capacity| {
            VerifyTokenOptions::builder()
                .jwt_key(instance.jwt_key())
                .issuer(Issuer::clerk_frontend_api())
                .authorized_parties([ORIGIN])
                .token_cache_capacity(capacity)
                .build()
                .map_err(|e| e.to_string())
        };
        let contenders = Self {
            #[cfg(feature = "peers")]
            clerk_rs: std::sync::Arc::new(StaticJwks::new(jwk)?),
            token,
            signing_input_len,
            signature,
            parsed,
            decoding_key,
            validation,
            jwt_options,
            cold: token_options(0)?,
            cached: token_options(clerk_core::jwt::DEFAULT_TOKEN_CACHE_CAPACITY)?,
            instance,
        };
        for c in Self::list() {
            if !(c.verify)(&contenders) {
                return Err(format!("{} refused the token", c.name));
            }
        }
        Ok(contenders)
    }

    /// Every verifier built in, the floor first.
    pub(crate) fn list() -> Vec<Contender> {
        #[allow(unused_mut)] // pushed to with the `peers` feature
        let mut list = vec![
            Contender {
                name: "floor_rsa_verify",
                what: "floor: aws-lc RSA verify of the signing input, key parsed once",
                verify: |c| {
                    c.parsed
                        .verify_sig(&c.token.as_bytes()[..c.signing_input_len], &c.signature)
                        .is_ok()
                },
            },
            Contender {
                name: "floor_verify_and_parse",
                what: "floor: that + base64url + JSON into typed claims",
                verify: |c| floor_verify_and_parse(&c.token, &c.parsed).is_some(),
            },
            Contender {
                name: "jsonwebtoken_decode",
                what: "jsonwebtoken 11 (aws-lc) `decode`, typed claims",
                verify: |c| {
                    jsonwebtoken::decode::<Claims>(&c.token, &c.decoding_key, &c.validation).is_ok()
                },
            },
            Contender {
                name: "ours_verify_jwt",
                what: "ours: `verify_jwt`",
                verify: |c| verify_jwt(&c.token, &c.jwt_options).is_ok(),
            },
            Contender {
                name: "ours_verify_token_cold",
                what: "ours: `verify_token`, token cache off",
                verify: |c| now_ready(verify_token(&c.token, &c.cold)).is_ok(),
            },
            Contender {
                name: "ours_verify_token_cache_hit",
                what: "ours: `verify_token`, token cache hit",
                verify: |c| now_ready(verify_token(&c.token, &c.cached)).is_ok(),
            },
        ];
        #[cfg(feature = "peers")]
        list.push(Contender {
            name: "clerk_rs_validate_jwt",
            what: "clerk-rs 0.5 `validate_jwt` (jsonwebtoken 9, ring)",
            verify: |c| {
                now_ready(clerk_rs::validators::authorizer::validate_jwt(
                    &c.token,
                    c.clerk_rs.clone(),
                ))
                .is_ok()
            },
        });
        list
    }
}

/// clerk-rs's key source with the key in memory: what its `MemoryCacheJwksProvider` answers
/// once it has fetched the JWKS (a clone of the key), without the Backend API.
#[cfg(feature = "peers")]
pub(crate) struct StaticJwks {
    key: clerk_rs::validators::jwks::JwksKey,
}

#[cfg(feature = "peers")]
impl StaticJwks {
    pub(crate) fn new(jwk: &serde_json::Value) -> Result<Self, String> {
        Ok(Self {
            key: serde_json::from_value(jwk.clone()).map_err(|e| e.to_string())?,
        })
    }
}

// What `#[async_trait]` expands `async fn get_key` to, written out (no async-trait dependency).
#[cfg(feature = "peers")]
impl clerk_rs::validators::jwks::JwksProvider for StaticJwks {
    type Error = clerk_rs::validators::jwks::JwksProviderError;

    fn get_key<'life0, 'life1, 'async_trait>(
        &'life0 self,
        kid: &'life1 str,
    ) -> std::pin::Pin<
        Box<
            dyn Future<Output = Result<clerk_rs::validators::jwks::JwksKey, Self::Error>>
                + Send
                + 'async_trait,
        >,
    >
    where
        'life0: 'async_trait,
        'life1: 'async_trait,
        Self: 'async_trait,
    {
        let key = if kid == self.key.kid {
            Ok(self.key.clone())
        } else {
            Err(clerk_rs::validators::jwks::JwksProviderError::UnknownKey)
        };
        Box::pin(std::future::ready(key))
    }
}
