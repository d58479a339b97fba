//! The refresh of an expired session cookie with the `__refresh_<suffix>` token through the
//! Backend API (docs/auth-rules.md §9.5).

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde_json::{Value, json};

use super::context::Context;
use super::resolve::session_token_of;
use super::rules::{Io, NeedsIo, signed_in, verify};
use crate::auth::request::RequestView;
use crate::auth::state::AuthState;
use crate::jwt::decode::decode_jwt;

const PREFIX: &str = "session-token-expired-refresh-";

/// What a path segment escapes: everything but the URL's unreserved characters.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'_')
    .remove(b'-')
    .remove(b'.')
    .remove(b'~');

/// Refreshes the expired session token; `Err` is the composite reason
/// `session-token-expired-refresh-<why>`.
pub(crate) async fn refresh<R: RequestView + ?Sized>(
    ctx: &Context<'_, R>,
    refresh_token: &str,
    io: Io,
) -> Result<Result<AuthState, &'static str>, NeedsIo> {
    let Some(expired) = ctx
        .session
        .clone()
        .or_else(|| ctx.header_token().map(|t| t.into_owned()))
    else {
        return Ok(Err(
            "session-token-expired-refresh-expired-session-token-decode-failed",
        ));
    };
    let Ok(jwt) = decode_jwt(&expired) else {
        return Ok(Err(
            "session-token-expired-refresh-expired-session-token-decode-failed",
        ));
    };
    let Some(sid) = jwt.payload().get("sid").and_then(Value::as_str) else {
        return Ok(Err(
            "session-token-expired-refresh-expired-session-token-missing-sid-claim",
        ));
    };
    if io == Io::Forbidden {
        return Err(NeedsIo);
    }
    let config = ctx.config;
    let mut url = format!(
        "{}/{}/sessions/{}/refresh",
        config.api_url().trim_end_matches('/'),
        config.api_version(),
        percent_encoding::utf8_percent_encode(sid, PATH_SEGMENT)
    );
    if ctx.suffixed {
        url.push_str("?suffixed_cookies=true");
    }
    let body = json!({
        "format": "cookie",
        "expired_token": expired,
        "refresh_token": refresh_token,
        "request_origin": ctx.url().map(|u| u.origin().ascii_serialization()),
        "request_headers": request_headers(ctx.request),
    });
    let response = config
        .http_client()
        .post(&url)
        .bearer_auth(config.secret_key())
        .header("content-type", "application/json")
        .timeout(std::time::Duration::from_secs(10))
        .body(body.to_string())
        .send()
        .await;
    let response = match response {
        Ok(r) => r,
        Err(_) => {
            tracing::warn!("clerk: the session refresh request failed (transport)");
            return Ok(Err("session-token-expired-refresh-fetch-error"));
        }
    };
    let status = response.status();
    let body = response
        .bytes()
        .await
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok());
    let Some(body) = body else {
        return Ok(Err(if status.is_success() {
            "session-token-expired-refresh-unexpected-sdk-error"
        } else {
            "session-token-expired-refresh-unexpected-bapi-error"
        }));
    };
    if !status.is_success() {
        let code = body["errors"][0]["code"].as_str();
        return Ok(Err(match code {
            None => "session-token-expired-refresh-unexpected-bapi-error",
            // Clerk's client reports a transport failure with this code.
            Some("unexpected_error") => "session-token-expired-refresh-fetch-error",
            Some(code) => intern_code(code),
        }));
    }
    let cookies: Vec<String> = body["cookies"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .filter(|c| is_header_safe(c))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if cookies.is_empty() {
        return Ok(Err("session-token-expired-refresh-unexpected-sdk-error"));
    }
    let Some(token) = session_token_of(&cookies) else {
        return Ok(Err("session-token-expired-refresh-invalid-session-token"));
    };
    match verify(config, &token, Io::Allowed).await? {
        Ok(verified) => {
            let headers = cookies.into_iter().map(|c| ("set-cookie", c)).collect();
            Ok(Ok(signed_in(config, verified, headers)))
        }
        Err(_) => Ok(Err("session-token-expired-refresh-invalid-session-token")),
    }
}

/// Every request header, names in lower case, each with its (joined) value in a list.
fn request_headers<R: RequestView + ?Sized>(request: &R) -> BTreeMap<String, Vec<String>> {
    let mut headers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    request.for_each_header_pair(&mut |name, value| {
        let entry = headers.entry(name.to_ascii_lowercase()).or_default();
        match entry.first_mut() {
            Some(joined) => {
                joined.push_str(", ");
                joined.push_str(value);
            }
            None => entry.push(value.to_owned()),
        }
    });
    headers
}

/// Printable ASCII only: a value that goes into a response header verbatim.
pub(crate) fn is_header_safe(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b == b'\t' || (0x20..0x7f).contains(&b))
}

/// `session-token-expired-refresh-<code>` for a Backend API error code, as a static string. The
/// codes come from Clerk's closed set; a code that is not a short lower-case word, or more than
/// the first 64 distinct ones, reads `unexpected-bapi-error`.
fn intern_code(code: &str) -> &'static str {
    static CODES: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
    const FALLBACK: &str = "session-token-expired-refresh-unexpected-bapi-error";
    let valid = !code.is_empty()
        && code.len() <= 64
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if !valid {
        return FALLBACK;
    }
    let full = format!("{PREFIX}{code}");
    let Ok(mut codes) = CODES.lock() else {
        return FALLBACK;
    };
    if let Some(known) = codes.iter().find(|c| **c == full) {
        return known;
    }
    if codes.len() >= 64 {
        return FALLBACK;
    }
    let leaked: &'static str = Box::leak(full.into_boxed_str());
    codes.push(leaked);
    leaked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_interned_once_and_checked() {
        let a = intern_code("refresh_token_invalid");
        assert_eq!(a, "session-token-expired-refresh-refresh_token_invalid");
        assert!(std::ptr::eq(a, intern_code("refresh_token_invalid")));
        assert_eq!(
            intern_code("Bad Code\r\n"),
            "session-token-expired-refresh-unexpected-bapi-error"
        );
    }
}
