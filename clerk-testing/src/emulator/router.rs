//! Routing: which handler answers a request (sign-in pages, the clerk-js stand-in, the JWKS,
//! the Backend API).

use http::{Method, StatusCode};
use percent_encoding::percent_decode_str;

use super::api::{self, ApiError, error_response};
use super::exchange::{Req, Resp, Shared, json};
use super::{handshake, script, signin, webhooks};

/// The decoded path segments (empty segments dropped); `None` when one is not UTF-8.
fn segments(path: &str) -> Option<Vec<String>> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            percent_decode_str(s)
                .decode_utf8()
                .ok()
                .map(|c| c.into_owned())
        })
        .collect()
}

/// Routes one request.
pub(crate) fn dispatch(shared: &Shared, req: &Req) -> Resp {
    let Some(segments) = segments(&req.path) else {
        return error_response(&ApiError::not_found());
    };
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    let get = req.method == Method::GET || req.method == Method::HEAD;
    let post = req.method == Method::POST;
    match segs.as_slice() {
        [] if get => signin::home(shared, req),
        ["sign-in"] if get => signin::page(shared, req),
        ["sign-in"] if post => signin::submit(shared, req),
        ["sign-out"] if get || post => signin::sign_out(shared, req),
        ["npm", "@clerk", package, "dist", "clerk.browser.js"] if get => {
            match package.strip_prefix("clerk-js@") {
                Some(version) => {
                    script::serve_script(shared, req, script::ScriptVersion::from_package(version))
                }
                None => error_response(&ApiError::not_found()),
            }
        }
        [".well-known", "jwks.json"] if get => json(StatusCode::OK, &shared.instance.jwks()),
        // The emulator's own pages stay outside the Backend API's `/v1`.
        ["emulator", "webhooks"] if get => webhooks::page(shared),
        ["v1", "client", "handshake"] if get => handshake::handshake(shared, req),
        ["v1", "dev_browser"] if post => handshake::dev_browser(shared, req),
        ["v1", "client", rest @ ..] => script::client_api(shared, req, rest),
        // Public: no secret key (`load_interstitial_from_bapi` sends none).
        ["v1", "public", "interstitial"] if get => api::public_interstitial(req),
        ["v1", rest @ ..] => backend_api(shared, req, rest),
        // What `@clerk/backend` calls without the `/v1` segment: the verify endpoints.
        ["api_keys", "verify"]
        | ["m2m_tokens", "verify"]
        | ["oauth_applications", "access_tokens", "verify"]
            if post =>
        {
            backend_api(shared, req, &segs)
        }
        _ => error_response(&ApiError::not_found()),
    }
}

/// A Backend API request (`Bearer` checked first), answered in JSON.
fn backend_api(shared: &Shared, req: &Req, path: &[&str]) -> Resp {
    match api::authorize(shared, req)
        .and_then(|caller| api::backend_api(shared, req, &caller, path))
    {
        Ok((status, body)) => json(status, &body),
        Err(e) => error_response(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_decode_and_refuse_bad_utf8() {
        assert_eq!(
            segments("/npm/%40clerk/clerk-js@4/dist/clerk.browser.js").unwrap(),
            ["npm", "@clerk", "clerk-js@4", "dist", "clerk.browser.js"]
        );
        assert_eq!(segments("//v1//users/").unwrap(), ["v1", "users"]);
        assert!(segments("/v1/%FF").is_none());
    }

    #[test]
    fn script_versions() {
        use script::ScriptVersion::{V4, V5};
        for (version, expected) in [
            ("4", V4),
            ("4.73.2", V4),
            ("5", V5),
            ("5.56.0", V5),
            ("6", V5),
            ("latest", V4),
            ("next", V4),
            ("", V4),
        ] {
            assert_eq!(
                script::ScriptVersion::from_package(version),
                expected,
                "{version}"
            );
        }
    }
}
