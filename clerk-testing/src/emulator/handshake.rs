//! Clerk's current browser protocol (`@clerk/backend` 3.x, clerk-js 5), Frontend API side: the
//! handshake (`GET /v1/client/handshake`) and development browsers (`POST /v1/dev_browser`),
//! plus the cookie directives the Backend API halves (`api/handshake.rs`) hand out.
//!
//! # Cookie directives
//!
//! Full `Set-Cookie` values, host-only (no `Domain`: cookies are per host, not per port, so the
//! app on another port of `127.0.0.1` gets them), `Path=/`, `SameSite=Lax`, never `Secure` (the
//! emulator and the app are plain-HTTP loopback). Like clerk-js 5, the emulator always writes
//! both the unsuffixed and the suffixed (`_<cookie suffix>`) `__session` and `__client_uat`,
//! whatever `suffixed_cookies` says: that parameter only reports which set the SDK read, and
//! keeping both equal means either choice sees the same values. `__refresh_<suffix>` exists only
//! suffixed (the SDK reads nothing else).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::StatusCode;
use http::header::{HeaderValue, LOCATION};
use serde_json::{Value, json};
use url::Url;

use super::api::{ApiError, error_response, session_token};
use super::exchange::{Req, Resp, Shared, empty, json};
use super::script::with_cors;
use super::signin::loopback_url;
use super::store::{Session, State};

/// The `cat` header of Clerk session and handshake JWTs.
pub(crate) const SESSION_CATEGORY: &str = "cl_B7d4PD111AAA";

/// One year, the lifetime of `__client_uat` and `__clerk_db_jwt`.
const YEAR: u32 = 31_536_000;

/// The instance's cookie suffix (SHA-1 of the publishable key, 8 URL-safe base64 characters).
pub(crate) fn cookie_suffix(shared: &Shared) -> String {
    clerk_core::keys::cookie_suffix(shared.instance.publishable_key())
}

/// Whether the emulated instance is a development one (`pk_test_`), as the SDK decides.
pub(crate) fn is_development(shared: &Shared) -> bool {
    shared.instance.publishable_key().starts_with("pk_test_")
}

/// `name=value; Path=/; SameSite=Lax` plus `extra` (each starting with `; `).
fn cookie(name: &str, value: &str, extra: &str) -> String {
    format!("{name}={value}; Path=/; SameSite=Lax{extra}")
}

/// A cookie written unsuffixed and suffixed, in that order.
fn both(suffix: &str, name: &str, value: &str, extra: &str) -> [String; 2] {
    [
        cookie(name, value, extra),
        cookie(&format!("{name}_{suffix}"), value, extra),
    ]
}

/// The session cookies of a fresh token: `__client_uat` (both), then `__session` (both).
pub(crate) fn session_cookies(suffix: &str, jwt: &str, client_uat: i64) -> Vec<String> {
    let mut out = Vec::with_capacity(4);
    out.extend(both(
        suffix,
        "__client_uat",
        &client_uat.to_string(),
        &format!("; Max-Age={YEAR}"),
    ));
    out.extend(both(suffix, "__session", jwt, ""));
    out
}

/// `__client_uat` of a session: its last activity, in unix seconds.
pub(crate) fn client_uat(session: &Session) -> i64 {
    session.last_active_at / 1000
}

/// The handshake's cookie directives for a browser: signed in when `session` is given (a fresh
/// token with `azp` = `origin`, `__client_uat`, `__refresh_<suffix>`), signed out otherwise
/// (session and refresh cookies cleared, `__client_uat=0`); `__clerk_db_jwt` (both) first when
/// there is a development browser.
fn directives(
    shared: &Shared,
    state: &mut State,
    session_id: Option<&str>,
    origin: &str,
    dev_browser: Option<&str>,
) -> Result<Vec<String>, ApiError> {
    let suffix = cookie_suffix(shared);
    let mut out = Vec::new();
    if let Some(dvb) = dev_browser {
        out.extend(both(
            &suffix,
            "__clerk_db_jwt",
            dvb,
            &format!("; Max-Age={YEAR}"),
        ));
    }
    let active = session_id.and_then(|id| state.session(id).cloned());
    match active {
        Some(session) => {
            let jwt = session_token(shared, state, &session, shared.token_lifetime, Some(origin))?;
            let refresh = state.refresh_token_for(&session.id);
            out.extend(session_cookies(&suffix, &jwt, client_uat(&session)));
            out.push(cookie(
                &format!("__refresh_{suffix}"),
                &refresh,
                "; HttpOnly",
            ));
        }
        None => {
            out.extend(both(
                &suffix,
                "__client_uat",
                "0",
                &format!("; Max-Age={YEAR}"),
            ));
            out.extend(both(&suffix, "__session", "", "; Max-Age=0"));
            out.push(cookie(
                &format!("__refresh_{suffix}"),
                "",
                "; HttpOnly; Max-Age=0",
            ));
        }
    }
    Ok(out)
}

/// Signs `payload` with the instance key: RS256, the JWKS `kid`, `typ: JWT` and the session
/// category `cat`, as Clerk signs handshake tokens.
pub(crate) fn sign_handshake_jwt(shared: &Shared, payload: &Value) -> String {
    let header = json!({
        "alg": "RS256",
        "kid": shared.instance.kid(),
        "typ": "JWT",
        "cat": SESSION_CATEGORY,
    });
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(payload.to_string())
    );
    let signature = shared.instance.sign(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// The emulator's client cookie value, when it looks like one of its client ids.
pub(crate) fn client_from_cookie(shared: &Shared, req: &Req) -> Option<String> {
    req.cookie(&shared.client_cookie_name())
        .filter(|c| c.starts_with("client_") && c.len() <= 64 && c.is_ascii())
}

/// The first non-empty value of a query parameter.
fn first<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// The handshake's answer format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// Directives stored under `__clerk_handshake_nonce`, fetched by the app from the Backend API.
    Nonce,
    /// Directives in a signed `__clerk_handshake` JWT.
    Token,
}

/// `GET /v1/client/handshake`: see the module documentation and [`super::Emulator`].
pub(crate) fn handshake(shared: &Shared, req: &Req) -> Resp {
    match handshake_location(shared, req) {
        Ok(location) => {
            let mut r = empty(StatusCode::TEMPORARY_REDIRECT);
            if let Ok(v) = HeaderValue::from_str(&location) {
                r.headers_mut().insert(LOCATION, v);
            }
            r
        }
        Err(e) => error_response(&e),
    }
}

fn handshake_location(shared: &Shared, req: &Req) -> Result<String, ApiError> {
    let pairs = req.query_pairs();
    let raw_redirect = first(&pairs, "redirect_url")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::missing("redirect_url"))?;
    let mut redirect: Url = loopback_url(raw_redirect).ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "form_param_value_invalid",
            "is invalid",
            format!(
                "redirect_url {raw_redirect:?} is not allowed: the emulator only redirects to \
                 http(s) URLs on 127.0.0.1, [::1] or localhost."
            ),
        )
        .param("redirect_url")
    })?;
    // The Frontend API spec's default is `token`; @clerk/backend always sends `nonce`.
    let format = match first(&pairs, "format") {
        None | Some("token") => Format::Token,
        Some("nonce") => Format::Nonce,
        Some(other) => {
            return Err(ApiError::invalid(
                "format",
                format!("format must be nonce or token, not {other:?}."),
            ));
        }
    };
    let origin = redirect.origin().ascii_serialization();
    let cookie_client = client_from_cookie(shared, req);

    let mut s = shared.lock();
    // Development: the dev browser of `__clerk_db_jwt` (a fresh one when it is absent or
    // unknown, e.g. from an earlier emulator run), bound to the client of the emulator cookie.
    let mut client = cookie_client.clone();
    let dev_browser = if is_development(shared) {
        let known = first(&pairs, "__clerk_db_jwt")
            .filter(|t| !t.is_empty())
            .and_then(|t| s.dev_browser_mut(t));
        let token = match known {
            Some(dvb) => {
                if cookie_client.is_some() {
                    dvb.client_id.clone_from(&cookie_client);
                }
                client = dvb.client_id.clone();
                dvb.token.clone()
            }
            None => s.create_dev_browser(cookie_client.as_deref()),
        };
        Some(token)
    } else {
        None
    };
    let session_id = client
        .as_deref()
        .and_then(|c| s.client_session(c))
        .map(|(session, _)| session.id.clone());
    if let (Some(id), Some(org)) = (&session_id, first(&pairs, "organization_id")) {
        s.activate_org(id, org);
    }
    let directives = directives(
        shared,
        &mut s,
        session_id.as_deref(),
        &origin,
        dev_browser.as_deref(),
    )?;
    let (name, value) = match format {
        Format::Nonce => ("__clerk_handshake_nonce", s.store_nonce(directives)),
        Format::Token => (
            "__clerk_handshake",
            sign_handshake_jwt(shared, &json!({ "handshake": directives })),
        ),
    };
    drop(s);
    redirect.query_pairs_mut().append_pair(name, &value);
    Ok(redirect.to_string())
}

/// `POST /v1/dev_browser`: a new development browser, bound to this browser's client when the
/// emulator cookie came along. Answers `{"object": "dev_browser", "id", "token"}` (clerk-js 5
/// reads `token`); `404` on a production instance.
pub(crate) fn dev_browser(shared: &Shared, req: &Req) -> Resp {
    if !is_development(shared) {
        return with_cors(error_response(&ApiError::not_found()), req);
    }
    let client = client_from_cookie(shared, req);
    let token = shared.lock().create_dev_browser(client.as_deref());
    with_cors(
        json(
            StatusCode::OK,
            &json!({"object": "dev_browser", "id": token, "token": token}),
        ),
        req,
    )
}
