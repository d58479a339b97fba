//! Handshake resolution (docs/auth-rules.md §9.7): the browser comes back from the Frontend API
//! with a nonce (exchanged with the Backend API for the cookie directives) or a signed handshake
//! token holding them.

use std::time::Duration;

use serde_json::Value;

use super::context::Context;
use super::refresh::is_header_safe;
use super::rules::{Io, NeedsIo, signed_in, signed_out, verify};
use crate::auth::reason::AuthReason;
use crate::auth::request::RequestView;
use crate::auth::state::AuthState;
use crate::jwt::decode::decode_jwt;
use crate::jwt::error::TokenVerificationErrorAction as Action;
use crate::jwt::{TokenVerificationError, TokenVerificationErrorReason as Reason};

/// The day of clock skew a development handshake's session token is re-verified with.
const DEV_RETRY_SKEW: Duration = Duration::from_secs(86_400);

/// R1: the state of a request bringing a handshake nonce or token, `None` when there is none or
/// it failed (the rules then go on).
pub(crate) async fn handshake_in_request<R: RequestView + ?Sized>(
    ctx: &Context<'_, R>,
    io: Io,
) -> Result<Option<AuthState>, NeedsIo> {
    let nonce = ctx.handshake_value("__clerk_handshake_nonce");
    let token = ctx.handshake_value("__clerk_handshake");
    if nonce.is_none() && token.is_none() {
        return Ok(None);
    }
    if io == Io::Forbidden {
        return Err(NeedsIo);
    }
    let dev = ctx.settings.is_development();
    let directives = match (nonce, token) {
        (Some(nonce), _) => payload_for_nonce(ctx, &nonce).await,
        (None, Some(token)) => match directives_of_token(ctx, &token).await {
            Ok(directives) => directives,
            // A token error (not a transport failure) of a development handshake.
            Err(e) if dev && e.reason() != Reason::UnexpectedError => {
                // Clerk's SDK fails the request here; a state (with no redirect) cannot loop.
                let message = if e.reason() == Reason::TokenInvalidSignature {
                    "Clerk: Handshake token verification failed due to an invalid signature. If you have switched Clerk keys locally, clear your cookies and try again.".to_owned()
                } else {
                    format!(
                        "Clerk: Handshake token verification failed: {}.",
                        e.full_message("undefined")
                    )
                };
                return Ok(Some(signed_out(
                    ctx.config,
                    AuthReason::UnexpectedError,
                    &message,
                    Vec::new(),
                )));
            }
            Err(e) => {
                tracing::warn!(
                    reason = e.reason().as_str(),
                    "clerk: the handshake token was rejected; the request goes on without it"
                );
                return Ok(None);
            }
        },
        (None, None) => return Ok(None),
    };
    let mut headers: Vec<(&'static str, String)> = vec![
        ("access-control-allow-origin", "null".to_owned()),
        ("access-control-allow-credentials", "true".to_owned()),
    ];
    let session = session_token_of(&directives);
    headers.extend(directives.into_iter().map(|d| ("set-cookie", d)));
    if dev && let Some(url) = ctx.url() {
        let url = super::redirect::without_params(
            url,
            &[
                "__clerk_handshake",
                "__clerk_help",
                "__clerk_db_jwt",
                "__clerk_handshake_nonce",
            ],
        );
        headers.push(("location", url.into()));
        headers.push(("cache-control", "no-store".to_owned()));
    }
    let Some(session) = session else {
        return Ok(Some(signed_out(
            ctx.config,
            AuthReason::SessionTokenMissing,
            "",
            headers,
        )));
    };
    let e = match verify(ctx.config, &session, Io::Allowed).await? {
        Ok(verified) => return Ok(Some(signed_in(ctx.config, verified, headers))),
        Err(e) => e,
    };
    if dev
        && matches!(
            e.reason(),
            Reason::TokenExpired | Reason::TokenNotActiveYet | Reason::TokenIatInTheFuture
        )
    {
        tracing::warn!(
            "clerk: the handshake's session token is outside its validity window; check this machine's clock. Retrying with a day of clock skew (development instance)."
        );
        let lenient = ctx.config.inner.verifier.with_clock_skew(DEV_RETRY_SKEW);
        if let Ok(verified) = crate::jwt::verify_token_shared(&session, &lenient).await {
            return Ok(Some(signed_in(ctx.config, verified, headers)));
        }
    }
    tracing::warn!(
        reason = e.into_handshake_dialect().reason().as_str(),
        "clerk: the handshake's session token was rejected; the request goes on without it"
    );
    Ok(None)
}

/// The session token among cookie directives: the value of the last `__session…` cookie.
pub(crate) fn session_token_of(directives: &[String]) -> Option<String> {
    directives
        .iter()
        .rfind(|d| d.starts_with("__session"))
        .and_then(|d| {
            let pair = d.split(';').next().unwrap_or("");
            pair.split('=').nth(1).map(str::to_owned)
        })
        .filter(|v| !v.is_empty())
}

/// `GET /clients/handshake_payload?nonce=`: the directives, none when it fails (logged).
async fn payload_for_nonce<R: RequestView + ?Sized>(
    ctx: &Context<'_, R>,
    nonce: &str,
) -> Vec<String> {
    let config = ctx.config;
    let mut url = format!(
        "{}/{}/clients/handshake_payload?nonce=",
        config.api_url().trim_end_matches('/'),
        config.api_version()
    );
    url.extend(url::form_urlencoded::byte_serialize(nonce.as_bytes()));
    let response = config
        .http_client()
        .get(&url)
        .bearer_auth(config.secret_key())
        .header("content-type", "application/json")
        .timeout(Duration::from_secs(10))
        .send()
        .await;
    let body = match response {
        Ok(r) if r.status().is_success() => r
            .bytes()
            .await
            .ok()
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok()),
        Ok(r) => {
            tracing::warn!(
                status = r.status().as_u16(),
                "clerk: the Backend API refused the handshake nonce"
            );
            None
        }
        Err(_) => {
            tracing::warn!("clerk: the handshake payload request failed (transport)");
            None
        }
    };
    directives_in(body.as_ref().and_then(|b| b.get("directives")))
}

/// Strings of a JSON array that can go into a `Set-Cookie` header verbatim.
fn directives_in(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .filter(|d| is_header_safe(d))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The directives of a handshake token, after its signature is checked (no time claims).
async fn directives_of_token<R: RequestView + ?Sized>(
    ctx: &Context<'_, R>,
    token: &str,
) -> Result<Vec<String>, TokenVerificationError> {
    let jwt = decode_jwt(token).map_err(TokenVerificationError::into_handshake_dialect)?;
    let verifier = &ctx.config.inner.verifier;
    let key = verifier
        .key_for(&jwt, "Failed to resolve JWK during handshake verification.")
        .await
        .map_err(TokenVerificationError::into_handshake_dialect)?;
    let header = jwt.header();
    if let Some(typ) = header.get("typ")
        && typ.as_str() != Some("JWT")
    {
        return Err(TokenVerificationError::new(
            Reason::TokenInvalid,
            format!("Invalid JWT type {typ}. Expected \"JWT\"."),
        )
        .with_action(Action::EnsureClerkGeneratedJwt));
    }
    let alg = header
        .alg()
        .and_then(crate::jwt::rsa_algorithm)
        .ok_or_else(|| {
            TokenVerificationError::new(
                Reason::TokenInvalidAlgorithm,
                format!(
                    "Invalid JWT algorithm {}. Supported: RS256,RS384,RS512.",
                    header
                        .get("alg")
                        .map_or("undefined".to_owned(), Value::to_string)
                ),
            )
            .with_action(Action::EnsureClerkGeneratedJwt)
        })?;
    if crate::jwt::has_other_category(&jwt) {
        return Err(TokenVerificationError::new(
            Reason::TokenInvalid,
            "Invalid handshake token category.",
        )
        .with_action(Action::EnsureClerkGeneratedJwt));
    }
    match crate::jwt::check_signature(&jwt, &key, alg) {
        Ok(()) => {}
        Err(e) if e.reason() == Reason::TokenInvalidSignature => {
            return Err(TokenVerificationError::new(
                Reason::TokenInvalidSignature,
                "Handshake signature is invalid.",
            ));
        }
        Err(e) => {
            return Err(TokenVerificationError::new(
                Reason::TokenVerificationFailed,
                format!("Error verifying handshake token. {}", e.message()),
            ));
        }
    }
    Ok(directives_in(jwt.payload().get("handshake")))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn directives_that_could_split_a_header_are_dropped() {
        let value = json!([
            "__session=a; Path=/",
            "__client_uat=1\r\nSet-Cookie: evil=1",
            "__client_uat=2\nx: y",
            "__session=é",
            42,
        ]);
        assert_eq!(directives_in(Some(&value)), ["__session=a; Path=/"]);
        assert!(directives_in(Some(&json!({"not": "a list"}))).is_empty());
    }

    #[test]
    fn the_session_token_is_the_last_session_directive() {
        let directives = [
            "__session=first; Path=/".to_owned(),
            "__client_uat=1".to_owned(),
            "__session_abc=second=x; Path=/".to_owned(),
        ];
        assert_eq!(session_token_of(&directives).as_deref(), Some("second"));
        assert_eq!(
            session_token_of(&["__session=; Max-Age=0".to_owned()]),
            None
        );
    }
}
