//! The Backend API halves of the handshake protocol: `GET /v1/clients/handshake_payload` (the
//! directives stored under a nonce) and `POST /v1/sessions/{id}/refresh` (a new session token
//! for an expired one and the session's refresh token).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::StatusCode;
use serde_json::{Value, json};

use super::super::exchange::Shared;
use super::super::handshake::{client_uat, cookie_suffix, session_cookies};
use super::errors::{Answer, ApiError, ok};
use super::params::{Body, Field, Query};
use super::session_token;

/// `GET /v1/clients/handshake_payload?nonce=`: `{"directives": [...]}`; a nonce works once.
pub(super) fn handshake_payload(shared: &Shared, q: &Query) -> Answer {
    let nonce = q
        .first("nonce")
        .filter(|n| !n.is_empty())
        .ok_or_else(|| ApiError::missing("nonce").with_status(StatusCode::BAD_REQUEST))?;
    let directives = shared.lock().take_nonce(nonce).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "resource_not_found",
            "not found",
            "No handshake payload was found for this nonce: it is unknown, used or expired.",
        )
    })?;
    ok(json!({ "directives": directives }))
}

/// A required non-empty string of the refresh body; `400` otherwise (the spec's status).
fn required(body: &Body, key: &str) -> Result<String, ApiError> {
    match body.string(key) {
        Ok(Field::Value(s)) if !s.is_empty() => Ok(s),
        Ok(_) => Err(ApiError::missing(key).with_status(StatusCode::BAD_REQUEST)),
        Err(e) => Err(e.with_status(StatusCode::BAD_REQUEST)),
    }
}

fn unauthorized(code: &'static str, long: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, code, "Refresh failed", long)
}

/// The `sid` of `token` when it is a JWT signed by the instance.
fn signed_session_id(shared: &Shared, token: &str) -> Option<String> {
    let mut parts = token.split('.');
    let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    let input = &token[..header.len() + 1 + payload.len()];
    if !shared.instance.verify(input.as_bytes(), &signature) {
        return None;
    }
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    claims["sid"].as_str().map(str::to_owned)
}

/// `POST /v1/sessions/{id}/refresh` (query `suffixed_cookies=true` optional; JSON `format`,
/// `expired_token`, `refresh_token`, `request_origin`, ...): a fresh session token with
/// `azp` = `request_origin`, as `{"object": "token", "jwt"}` (format `token`, the default) or
/// `{"object": "cookies", "cookies": [...]}` (format `cookie`).
///
/// `401` with `expired_token_invalid` when the expired token is not an instance-signed token of
/// this session, with `refresh_token_invalid` when the refresh token is not this session's or
/// the session is no longer active. Expiry is not checked: any token of the session will do.
pub(super) fn refresh(shared: &Shared, session_id: &str, q: &Query, body: &Body) -> Answer {
    let expired = required(body, "expired_token")?;
    let refresh_token = required(body, "refresh_token")?;
    let origin = required(body, "request_origin")?;
    let cookies = match body.string("format") {
        Ok(Field::Value(f)) if f == "cookie" => true,
        Ok(Field::Value(f)) if f == "token" => false,
        Ok(Field::Absent | Field::Null) => false,
        _ => {
            return Err(
                ApiError::invalid("format", "format must be token or cookie.")
                    .with_status(StatusCode::BAD_REQUEST),
            );
        }
    };
    if signed_session_id(shared, &expired).as_deref() != Some(session_id) {
        return Err(unauthorized(
            "expired_token_invalid",
            "The expired token is not a session token of this session.",
        ));
    }
    let s = shared.lock();
    let session = s
        .session(session_id)
        .filter(|_| s.refresh_token_matches(session_id, &refresh_token))
        .ok_or_else(|| {
            unauthorized(
                "refresh_token_invalid",
                "The refresh token is invalid for this session.",
            )
        })?;
    let jwt =
        session_token(shared, &s, session, shared.token_lifetime, Some(&origin)).map_err(|_| {
            unauthorized(
                "refresh_token_invalid",
                "The session of this refresh token is no longer active.",
            )
        })?;
    if !cookies {
        return ok(json!({"object": "token", "jwt": jwt}));
    }
    let mut set = session_cookies(&cookie_suffix(shared), &jwt, client_uat(session));
    if !q.flag("suffixed_cookies") {
        // Unsuffixed only: `__client_uat`, `__session`.
        set = set.into_iter().step_by(2).collect();
    }
    ok(json!({"object": "cookies", "cookies": set}))
}
