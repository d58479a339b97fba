//! Public keys that verify session tokens: JWKs from a JWKS, or the PEM in `CLERK_JWT_KEY`.

use std::fmt;
use std::sync::{Arc, OnceLock};

use aws_lc_rs::signature::{
    ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_2048_8192_SHA384,
    RSA_PKCS1_2048_8192_SHA512, RsaParameters, RsaPublicKeyComponents,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jsonwebtoken::Algorithm;
use serde::{Deserialize, Serialize};
use spki::der::Decode as _;

use super::decode::b64_decode_loose;

/// The smallest RSA modulus we accept, in bits.
pub const MIN_RSA_BITS: usize = 2048;
/// The largest RSA modulus we accept, in bits (aws-lc's limit for PKCS#1 v1.5 verification).
pub const MAX_RSA_BITS: usize = 8192;

const RSA_ENCRYPTION_OID: &str = "1.2.840.113549.1.1.1";

/// One JSON Web Key, as a JWKS lists it. Only RSA keys can verify Clerk session tokens.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    /// Key type; `RSA` for Clerk.
    pub kty: String,
    /// Key id, matched against the token header's `kid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// Intended use; `sig` when present.
    #[serde(rename = "use", default, skip_serializing_if = "Option::is_none")]
    pub use_: Option<String>,
    /// Algorithm the key is meant for; `RS256` for Clerk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    /// RSA modulus, base64url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<String>,
    /// RSA public exponent, base64url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e: Option<String>,
}

/// A JSON Web Key Set: `{"keys": [...]}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JwkSet {
    /// The keys.
    #[serde(default)]
    pub keys: Vec<Jwk>,
}

/// Why a key was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The PEM or base64 text could not be read.
    #[error("the key is not a PEM `PUBLIC KEY` block or its base64 body: {0}")]
    InvalidPem(String),
    /// The key is not an RSA public key.
    #[error("the key is not an RSA public key ({0})")]
    NotRsa(String),
    /// The RSA modulus is smaller than 2048 bits (or larger than 8192).
    #[error(
        "the RSA key has {0} bits; Clerk keys have at least {MIN_RSA_BITS} and at most {MAX_RSA_BITS}"
    )]
    UnsupportedSize(usize),
    /// A JWK field is missing or has a value we do not accept.
    #[error("the JWK is not usable: {0}")]
    InvalidJwk(String),
}

/// A parsed RSA public key that verifies session tokens.
///
/// Built once from a [`Jwk`] or from the PEM of `CLERK_JWT_KEY`, and reused for every verification.
/// Keys under 2048 bits are refused.
///
/// ```
/// # let pem = include_str!("../../tests/fixtures/rsa_clerk_public.pem");
/// let key = clerk_core::VerificationKey::from_pem(pem).unwrap();
/// assert_eq!(key.bits(), 2048);
/// ```
#[derive(Clone)]
pub struct VerificationKey {
    kid: Option<String>,
    alg: Option<Algorithm>,
    bits: usize,
    key: Arc<RsaKey>,
}

/// The RSA key material, and the key as aws-lc verifies with it: parsed once per hash (on its
/// first verification, in practice RS256 only), not once per signature.
struct RsaKey {
    n: Box<[u8]>,
    e: Box<[u8]>,
    /// RS256, RS384, RS512; `None` when aws-lc refuses the components (no signature verifies).
    parsed: [OnceLock<Option<ParsedPublicKey>>; 3],
}

impl RsaKey {
    fn parsed(&self, alg: Algorithm) -> Option<&ParsedPublicKey> {
        let (slot, params): (usize, &'static RsaParameters) = match alg {
            Algorithm::RS384 => (1, &RSA_PKCS1_2048_8192_SHA384),
            Algorithm::RS512 => (2, &RSA_PKCS1_2048_8192_SHA512),
            _ => (0, &RSA_PKCS1_2048_8192_SHA256),
        };
        self.parsed[slot]
            .get_or_init(|| {
                let components = RsaPublicKeyComponents {
                    n: &self.n[..],
                    e: &self.e[..],
                };
                components.to_parsed_public_key(params).ok()
            })
            .as_ref()
    }
}

impl VerificationKey {
    /// Reads a key in the forms `CLERK_JWT_KEY` holds: a PEM `-----BEGIN PUBLIC KEY-----` block
    /// (SubjectPublicKeyInfo), its single-line base64 body, or a PEM `RSA PUBLIC KEY` (PKCS#1) block.
    /// Literal `\n` sequences (as some environment files store them) count as line breaks.
    ///
    /// The key gets `alg` `RS256`, as Clerk's local key does.
    ///
    /// # Errors
    ///
    /// [`KeyError`] when the text is not such a key, is not RSA, or is under 2048 bits.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let text = pem.replace("\\n", "\n");
        let text = text.trim();
        let (label, body) = match text.strip_prefix("-----BEGIN ") {
            Some(rest) => {
                let (label, rest) = rest
                    .split_once("-----")
                    .ok_or_else(|| KeyError::InvalidPem("unterminated BEGIN line".into()))?;
                let end = format!("-----END {label}-----");
                let body = rest
                    .split_once(&end)
                    .map(|(body, _)| body)
                    .ok_or_else(|| KeyError::InvalidPem(format!("missing `{end}`")))?;
                (label.to_owned(), body)
            }
            None => ("PUBLIC KEY".to_owned(), text),
        };
        let compact: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        let der = STANDARD
            .decode(compact.as_bytes())
            .map_err(|e| KeyError::InvalidPem(format!("bad base64 ({e})")))?;
        let mut key = match label.as_str() {
            "PUBLIC KEY" => Self::from_spki_der(&der)?,
            "RSA PUBLIC KEY" => Self::from_pkcs1_der(&der)?,
            other => {
                return Err(KeyError::InvalidPem(format!(
                    "unexpected PEM label `{other}`; expected `PUBLIC KEY`"
                )));
            }
        };
        key.alg = Some(Algorithm::RS256);
        key.kid = Some("local".to_owned());
        Ok(key)
    }

    /// Reads a DER SubjectPublicKeyInfo holding an RSA key.
    ///
    /// # Errors
    ///
    /// [`KeyError`] when the DER is malformed, not RSA, or under 2048 bits.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        let spki = spki::SubjectPublicKeyInfoRef::from_der(der)
            .map_err(|e| KeyError::InvalidPem(format!("not a SubjectPublicKeyInfo ({e})")))?;
        let oid = spki.algorithm.oid.to_string();
        if oid != RSA_ENCRYPTION_OID {
            return Err(KeyError::NotRsa(format!("algorithm {oid}")));
        }
        let bits = spki
            .subject_public_key
            .as_bytes()
            .ok_or_else(|| KeyError::InvalidPem("unaligned public key bits".into()))?;
        Self::from_pkcs1_der(bits)
    }

    fn from_pkcs1_der(der: &[u8]) -> Result<Self, KeyError> {
        let rsa = pkcs1::RsaPublicKey::from_der(der)
            .map_err(|e| KeyError::InvalidPem(format!("not an RSA public key ({e})")))?;
        Self::from_rsa_components(rsa.modulus.as_bytes(), rsa.public_exponent.as_bytes())
    }

    /// Builds a key from the big-endian RSA modulus and exponent.
    ///
    /// # Errors
    ///
    /// [`KeyError::UnsupportedSize`] when the modulus is under 2048 or over 8192 bits, and
    /// [`KeyError::InvalidJwk`] when the exponent is empty.
    pub fn from_rsa_components(n: &[u8], e: &[u8]) -> Result<Self, KeyError> {
        let n = strip_leading_zeros(n);
        let e = strip_leading_zeros(e);
        let bits = modulus_bits(n);
        if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
            return Err(KeyError::UnsupportedSize(bits));
        }
        if e.is_empty() || e.len() > 8 {
            return Err(KeyError::InvalidJwk("unsupported RSA exponent".into()));
        }
        Ok(Self {
            kid: None,
            alg: None,
            bits,
            key: Arc::new(RsaKey {
                n: n.into(),
                e: e.into(),
                parsed: Default::default(),
            }),
        })
    }

    /// Builds a key from a JWK, with WebCrypto's import rules: `kty` must be `RSA`, a present `use`
    /// must be `sig`, a present `alg` must be `RS256`, `RS384` or `RS512`.
    ///
    /// # Errors
    ///
    /// [`KeyError`] naming the field that does not fit, or the key size.
    pub fn from_jwk(jwk: &Jwk) -> Result<Self, KeyError> {
        if jwk.kty != "RSA" {
            return Err(KeyError::NotRsa(format!("kty {:?}", jwk.kty)));
        }
        if let Some(u) = jwk.use_.as_deref().filter(|u| *u != "sig") {
            return Err(KeyError::InvalidJwk(format!("use {u:?} is not \"sig\"")));
        }
        let alg = match jwk.alg.as_deref() {
            None => None,
            Some(a) => Some(
                rsa_algorithm(a)
                    .ok_or_else(|| KeyError::InvalidJwk(format!("alg {a:?} is not RS256")))?,
            ),
        };
        let field = |v: &Option<String>, name: &str| -> Result<Vec<u8>, KeyError> {
            let s = v
                .as_deref()
                .ok_or_else(|| KeyError::InvalidJwk(format!("missing `{name}`")))?;
            b64_decode_loose(s)
                .map_err(|_| KeyError::InvalidJwk(format!("`{name}` is not base64url")))
        };
        let mut key = Self::from_rsa_components(&field(&jwk.n, "n")?, &field(&jwk.e, "e")?)?;
        key.kid = jwk.kid.clone();
        key.alg = alg;
        Ok(key)
    }

    /// The key id, when the key has one (`local` for a `CLERK_JWT_KEY`).
    #[must_use]
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The algorithm the key is bound to, when it names one.
    #[must_use]
    pub fn alg(&self) -> Option<&'static str> {
        self.alg.map(algorithm_name)
    }

    /// The modulus size in bits.
    #[must_use]
    pub fn bits(&self) -> usize {
        self.bits
    }

    pub(crate) fn algorithm(&self) -> Option<Algorithm> {
        self.alg
    }

    /// The key parsed for RSASSA-PKCS1-v1_5 with `alg`'s hash (RS256 for any other `alg`);
    /// `None` when aws-lc refuses the key.
    pub(crate) fn parsed(&self, alg: Algorithm) -> Option<&ParsedPublicKey> {
        self.key.parsed(alg)
    }

    /// Whether `other` verifies exactly what this key verifies: the same algorithm binding and
    /// the same key material (a refreshed key set parses its keys anew, so `Arc`s differ).
    pub(crate) fn same_key(&self, other: &Self) -> bool {
        self.alg == other.alg && self.key.n == other.key.n && self.key.e == other.key.e
    }
}

impl fmt::Debug for VerificationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerificationKey")
            .field("kid", &self.kid)
            .field("alg", &self.alg())
            .field("bits", &self.bits)
            .finish_non_exhaustive()
    }
}

pub(crate) fn rsa_algorithm(name: &str) -> Option<Algorithm> {
    match name {
        "RS256" => Some(Algorithm::RS256),
        "RS384" => Some(Algorithm::RS384),
        "RS512" => Some(Algorithm::RS512),
        _ => None,
    }
}

pub(crate) fn algorithm_name(alg: Algorithm) -> &'static str {
    match alg {
        Algorithm::RS384 => "RS384",
        Algorithm::RS512 => "RS512",
        _ => "RS256",
    }
}

fn strip_leading_zeros(b: &[u8]) -> &[u8] {
    let start = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    &b[start..]
}

fn modulus_bits(n: &[u8]) -> usize {
    match n.first() {
        None => 0,
        Some(&first) => n.len() * 8 - first.leading_zeros() as usize,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLERK_PEM: &str = include_str!("../../tests/fixtures/rsa_clerk_public.pem");
    const WEAK_PEM: &str = include_str!("../../tests/fixtures/rsa_weak_public.pem");
    const EC_PEM: &str = include_str!("../../tests/fixtures/ec_p256_public.pem");

    #[test]
    fn pem_single_line_and_escaped_newlines() {
        let key = VerificationKey::from_pem(CLERK_PEM).unwrap();
        assert_eq!(key.bits(), 2048);
        assert_eq!(key.alg(), Some("RS256"));
        let body: String = CLERK_PEM
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        assert_eq!(VerificationKey::from_pem(&body).unwrap().bits(), 2048);
        let escaped = CLERK_PEM.replace('\n', "\\n");
        assert_eq!(VerificationKey::from_pem(&escaped).unwrap().bits(), 2048);
    }

    #[test]
    fn weak_ec_and_garbage_keys_are_refused() {
        assert_eq!(
            VerificationKey::from_pem(WEAK_PEM).unwrap_err(),
            KeyError::UnsupportedSize(1024)
        );
        assert!(matches!(
            VerificationKey::from_pem(EC_PEM),
            Err(KeyError::NotRsa(_))
        ));
        for bad in [
            "",
            "-----BEGIN PUBLIC KEY-----",
            "!!!",
            "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----",
            "AAAA",
        ] {
            assert!(VerificationKey::from_pem(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn jwk_import_rules() {
        let mut jwk = Jwk {
            kty: "RSA".into(),
            kid: Some("k".into()),
            use_: Some("sig".into()),
            alg: Some("RS256".into()),
            n: Some(format!("AQ{}", "A".repeat(340))),
            e: Some("AQAB".into()),
        };
        assert_eq!(
            VerificationKey::from_jwk(&jwk).unwrap_err(),
            KeyError::UnsupportedSize(2041)
        );
        jwk.n = Some(format!("gA{}", "A".repeat(340)));
        let key = VerificationKey::from_jwk(&jwk).unwrap();
        assert_eq!(
            (key.bits(), key.kid(), key.alg()),
            (2048, Some("k"), Some("RS256"))
        );
        let mut bad = jwk.clone();
        bad.use_ = Some("enc".into());
        assert!(VerificationKey::from_jwk(&bad).is_err());
        let mut bad = jwk.clone();
        bad.kty = "EC".into();
        assert!(VerificationKey::from_jwk(&bad).is_err());
        let mut bad = jwk.clone();
        bad.alg = Some("HS256".into());
        assert!(VerificationKey::from_jwk(&bad).is_err());
        let mut bad = jwk;
        bad.n = None;
        assert!(VerificationKey::from_jwk(&bad).is_err());
    }
}
