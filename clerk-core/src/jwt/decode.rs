//! [`decode_jwt`]: split a token into header, payload and signature, without verifying anything.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::error::{TokenVerificationError, TokenVerificationErrorReason as Reason};
use super::json;

/// The largest token we look at. Real Clerk session tokens are about 0.7–1 KiB; anything larger is
/// rejected before any decoding or cryptography.
pub const MAX_TOKEN_LEN: usize = 8 * 1024;

const THREE_PARTS: &str = "Invalid JWT form. A JWT consists of three parts separated by dots.";

/// A decoded, **unverified** JSON Web Token.
///
/// Produced by [`decode_jwt`]. Nothing in it is trustworthy until [`verify_jwt`](crate::verify_jwt)
/// or [`verify_token`](crate::verify_token) accepted the token. `Debug` shows the header and the
/// payload's claim names, never the raw token or the signature.
#[derive(Clone)]
pub struct Jwt {
    token: String,
    header_end: usize,
    payload_end: usize,
    header: JwtHeader,
    payload: Map<String, Value>,
    signature: Vec<u8>,
}

impl Jwt {
    /// The decoded header.
    #[must_use]
    pub fn header(&self) -> &JwtHeader {
        &self.header
    }

    /// The decoded payload: every claim, as JSON. Duplicate keys were rejected while decoding.
    #[must_use]
    pub fn payload(&self) -> &Map<String, Value> {
        &self.payload
    }

    /// The signature bytes.
    #[must_use]
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The raw (base64url) header segment.
    #[must_use]
    pub fn raw_header(&self) -> &str {
        &self.token[..self.header_end]
    }

    /// The raw (base64url) payload segment.
    #[must_use]
    pub fn raw_payload(&self) -> &str {
        &self.token[self.header_end + 1..self.payload_end]
    }

    /// The raw (base64url) signature segment.
    #[must_use]
    pub fn raw_signature(&self) -> &str {
        &self.token[self.payload_end + 1..]
    }

    /// The signed text: `<raw header>.<raw payload>`.
    #[must_use]
    pub fn signing_input(&self) -> &str {
        &self.token[..self.payload_end]
    }

    /// The whole token as it was given.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.token
    }

    pub(crate) fn into_parts(self) -> (String, Map<String, Value>) {
        (self.token, self.payload)
    }
}

impl fmt::Debug for Jwt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Jwt")
            .field("header", &self.header)
            .field("claims", &self.payload.keys().collect::<Vec<_>>())
            .field("signature_len", &self.signature.len())
            .finish_non_exhaustive()
    }
}

/// The JOSE header of a [`Jwt`]: every field as JSON, with typed accessors for the ones Clerk uses.
#[derive(Clone, Debug, PartialEq)]
pub struct JwtHeader {
    fields: Map<String, Value>,
}

impl JwtHeader {
    /// `alg`, when it is a string.
    #[must_use]
    pub fn alg(&self) -> Option<&str> {
        self.fields.get("alg").and_then(Value::as_str)
    }

    /// `kid`, when it is a string.
    #[must_use]
    pub fn kid(&self) -> Option<&str> {
        self.fields.get("kid").and_then(Value::as_str)
    }

    /// `typ`, when it is a string.
    #[must_use]
    pub fn typ(&self) -> Option<&str> {
        self.fields.get("typ").and_then(Value::as_str)
    }

    /// Any header field, as JSON.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.fields.get(name)
    }

    /// Every header field.
    #[must_use]
    pub fn fields(&self) -> &Map<String, Value> {
        &self.fields
    }
}

/// Decodes a JWT **without verifying it**: header, payload, signature and the raw segments.
///
/// Follows Clerk's decoder: exactly three dot-separated parts (else `token-invalid`), base64url in
/// its loose form (trailing `=` allowed), JSON objects for header and payload. Base64 and JSON
/// problems are reported with reason `unexpected-error`, as Clerk does. Unlike Clerk, duplicate JSON
/// keys are rejected and tokens over [`MAX_TOKEN_LEN`] bytes are refused before decoding.
///
/// # Errors
///
/// A [`TokenVerificationError`] saying what is malformed.
///
/// # Example
///
/// ```
/// let token = "eyJhbGciOiJSUzI1NiIsImtpZCI6Imluc18xIn0.eyJzdWIiOiJ1c2VyXzEifQ.c2ln";
/// let jwt = clerk_core::decode_jwt(token).unwrap();
/// assert_eq!(jwt.header().kid(), Some("ins_1"));
/// assert_eq!(jwt.payload()["sub"], "user_1");
/// assert_eq!(jwt.signature(), b"sig");
/// ```
pub fn decode_jwt(token: &str) -> Result<Jwt, TokenVerificationError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(TokenVerificationError::new(
            Reason::TokenInvalid,
            format!("Invalid JWT: the token is larger than {MAX_TOKEN_LEN} bytes."),
        ));
    }
    let mut dots = token.match_indices('.').map(|(i, _)| i);
    let (Some(header_end), Some(payload_end), None) = (dots.next(), dots.next(), dots.next())
    else {
        return Err(TokenVerificationError::new(
            Reason::TokenInvalid,
            THREE_PARTS,
        ));
    };
    let raw_header = &token[..header_end];
    let raw_payload = &token[header_end + 1..payload_end];
    let raw_signature = &token[payload_end + 1..];

    let header = json::parse_object(&b64_decode_loose(raw_header)?)
        .map_err(|e| unexpected(format!("Invalid JWT header: {e}")))?;
    let payload = json::parse_object(&b64_decode_loose(raw_payload)?)
        .map_err(|e| unexpected(format!("Invalid JWT payload: {e}")))?;
    let signature = b64_decode_loose(raw_signature)?;

    Ok(Jwt {
        token: token.to_owned(),
        header_end,
        payload_end,
        header: JwtHeader { fields: header },
        payload,
        signature,
    })
}

fn unexpected(message: String) -> TokenVerificationError {
    TokenVerificationError::new(Reason::UnexpectedError, message).mark_undecodable()
}

/// Base64url in Clerk's "loose" mode: trailing `=` ignored, otherwise only `A–Z a–z 0–9 - _`, and no
/// leftover bits.
pub(crate) fn b64_decode_loose(segment: &str) -> Result<Vec<u8>, TokenVerificationError> {
    let trimmed = segment.trim_end_matches('=');
    // The decoder refuses every character outside the alphabet; the scan that names it runs
    // only then (one pass over the token on the hot path, not two).
    URL_SAFE_NO_PAD.decode(trimmed).map_err(|_| {
        match trimmed
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            Some(c) => unexpected(format!("Invalid character {c}")),
            None => unexpected("Unexpected end of data".to_owned()),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        URL_SAFE_NO_PAD.encode(s)
    }

    #[test]
    fn three_parts_are_required() {
        for t in ["", ".", "a.b", "a.b.c.d", "a.b.c.d.e", "abc"] {
            let e = decode_jwt(t).unwrap_err();
            assert_eq!(e.reason(), Reason::TokenInvalid, "{t}");
            assert_eq!(e.message(), THREE_PARTS);
        }
    }

    #[test]
    fn loose_base64_accepts_padding_and_rejects_bad_characters_and_bits() {
        assert_eq!(b64_decode_loose("YQ==").unwrap(), b"a");
        assert_eq!(b64_decode_loose("YQ").unwrap(), b"a");
        let e = b64_decode_loose("Y+Q").unwrap_err();
        assert_eq!(e.message(), "Invalid character +");
        assert_eq!(e.reason(), Reason::UnexpectedError);
        assert_eq!(
            b64_decode_loose("YR").unwrap_err().message(),
            "Unexpected end of data"
        );
        assert_eq!(
            b64_decode_loose("Y").unwrap_err().message(),
            "Unexpected end of data"
        );
        assert_eq!(
            b64_decode_loose("Y Q").unwrap_err().message(),
            "Invalid character  "
        );
    }

    #[test]
    fn header_and_payload_must_be_objects() {
        let t = format!("{}.{}.", b64("[]"), b64("{}"));
        assert_eq!(
            decode_jwt(&t).unwrap_err().reason(),
            Reason::UnexpectedError
        );
        let t = format!("{}.{}.", b64("{}"), b64("null"));
        assert_eq!(
            decode_jwt(&t).unwrap_err().reason(),
            Reason::UnexpectedError
        );
        let t = format!("{}.{}.", b64(r#"{"alg":"RS256","alg":"none"}"#), b64("{}"));
        assert!(decode_jwt(&t).unwrap_err().message().contains("duplicate"));
    }

    #[test]
    fn oversized_tokens_are_refused_before_decoding() {
        let t = format!("{}.{}.", b64("{}"), "A".repeat(MAX_TOKEN_LEN));
        let e = decode_jwt(&t).unwrap_err();
        assert_eq!(e.reason(), Reason::TokenInvalid);
        assert!(e.message().contains("larger than"));
    }

    #[test]
    fn raw_segments_and_debug() {
        let t = format!(
            "{}.{}.c2ln",
            b64(r#"{"alg":"RS256"}"#),
            b64(r#"{"sub":"u"}"#)
        );
        let jwt = decode_jwt(&t).unwrap();
        assert_eq!(jwt.raw_signature(), "c2ln");
        assert_eq!(
            format!("{}.{}", jwt.raw_header(), jwt.raw_payload()),
            jwt.signing_input()
        );
        let dbg = format!("{jwt:?}");
        assert!(!dbg.contains(jwt.raw_payload()), "{dbg}");
    }
}
