//! The clerk-js stand-in (`/npm/@clerk/clerk-js@<version>/dist/clerk.browser.js`) and the
//! browser endpoints it calls (`/v1/client/...`, cookie-authenticated, CORS for loopback
//! origins only).

use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_MAX_AGE, HeaderValue, SET_COOKIE, VARY,
};
use http::{Method, StatusCode};
use serde_json::{Value, json};

use super::api::{ApiError, error_response, session_token};
use super::exchange::{Req, Resp, Shared, empty, javascript, json};
use super::signin::{end_client_session, loopback_origin};

/// The script. `__EMULATOR_URL__` is replaced by the emulator's URL as a JS string literal; the
/// script prefers the origin it was actually loaded from (`document.currentScript.src`).
const SCRIPT: &str = r#"/* Clerk emulator: a local stand-in for clerk-js, for development and tests only.
 * It implements what Clerk's interstitial page needs: window.Clerk.load() sets the app's
 * __session and __client_uat cookies from the emulator session of this browser. */
(function () {
  'use strict';
  var emulator = __EMULATOR_URL__;
  try {
    var current = document.currentScript;
    if (current && current.src) { emulator = new URL(current.src).origin; }
  } catch (e) { /* keep the templated URL */ }
  var secure = location.protocol === 'https:' ? '; Secure' : '';
  var YEAR = 31536000;

  function setCookie(name, value, maxAge) {
    document.cookie = name + '=' + value + '; path=/; SameSite=Lax' +
      (maxAge === undefined ? '' : '; max-age=' + maxAge) + secure;
  }

  async function call(method, path) {
    var res = await fetch(emulator + path, { method: method, credentials: 'include', cache: 'no-store' });
    if (!res.ok) { throw new Error('Clerk emulator: ' + method + ' ' + path + ' answered ' + res.status); }
    return res.json();
  }

  function apply(body) {
    if (body && body.signed_in) {
      setCookie('__session', body.jwt);
      setCookie('__client_uat', String(body.client_uat), YEAR);
      Clerk.user = body.user;
      Clerk.organization = body.organization;
      Clerk.session = {
        id: body.session.id,
        status: 'active',
        user: body.user,
        lastActiveOrganizationId: body.session.last_active_organization_id,
        lastActiveToken: { jwt: body.jwt },
        getToken: async function () {
          var fresh = await call('GET', '/v1/client/session-token');
          apply(fresh);
          return fresh.signed_in ? fresh.jwt : null;
        }
      };
    } else {
      setCookie('__session', '', 0);
      setCookie('__client_uat', '0', YEAR);
      Clerk.user = null;
      Clerk.organization = null;
      Clerk.session = null;
    }
  }

  var Clerk = {
    isEmulator: true,
    version: 'emulator',
    loaded: false,
    user: null,
    session: null,
    organization: null,
    options: {},
    load: async function (options) {
      Clerk.options = options || {};
      apply(await call('GET', '/v1/client/session-token'));
      Clerk.loaded = true;
      return Clerk;
    },
    signOut: async function (options) {
      await call('POST', '/v1/client/sign-out');
      apply(null);
      var to = options && options.redirectUrl;
      if (to) { window.location.href = to; }
    },
    buildSignInUrl: function (options) {
      var back = (options && options.redirectUrl) || window.location.href;
      return emulator + '/sign-in?redirect_url=' + encodeURIComponent(back);
    },
    redirectToSignIn: function (options) {
      window.location.href = Clerk.buildSignInUrl(options);
    }
  };
  window.Clerk = Clerk;
})();
"#;

/// The script source for this emulator.
pub(crate) fn script_source(shared: &Shared) -> String {
    SCRIPT.replace(
        "__EMULATOR_URL__",
        &Value::String(shared.url.clone()).to_string(),
    )
}

/// Adds `Access-Control-Allow-Origin: <origin>` (and credentials) for loopback origins.
fn with_cors(mut resp: Resp, req: &Req) -> Resp {
    let h = resp.headers_mut();
    h.append(VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = loopback_origin(req)
        && let Ok(v) = HeaderValue::from_str(&origin)
    {
        h.insert(ACCESS_CONTROL_ALLOW_ORIGIN, v);
        h.insert(
            ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
    }
    resp
}

/// `GET /npm/@clerk/clerk-js@<version>/dist/clerk.browser.js`.
pub(crate) fn serve_script(shared: &Shared, req: &Req) -> Resp {
    with_cors(javascript(script_source(shared)), req)
}

/// `/v1/client/...`: the browser's own endpoints.
pub(crate) fn client_api(shared: &Shared, req: &Req, path: &[&str]) -> Resp {
    let origin = loopback_origin(req);
    if req.header("origin").is_some() && origin.is_none() {
        return error_response(&ApiError::new(
            StatusCode::FORBIDDEN,
            "origin_invalid",
            "Origin not allowed",
            "The emulator's browser endpoints answer loopback origins only.",
        ));
    }
    let resp = match (&req.method, path) {
        (&Method::OPTIONS, _) => {
            let mut r = empty(StatusCode::NO_CONTENT);
            let h = r.headers_mut();
            h.insert(
                ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("GET, POST"),
            );
            h.insert(
                ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static("content-type"),
            );
            h.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
            r
        }
        (&Method::GET | &Method::POST, ["session-token"]) => {
            session_token_answer(shared, req, origin.as_deref())
        }
        (&Method::POST, ["sign-out"]) => {
            let cookie = end_client_session(shared, req);
            let mut r = json(
                StatusCode::OK,
                &json!({"object": "client_session", "signed_in": false}),
            );
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                r.headers_mut().append(SET_COOKIE, v);
            }
            r
        }
        _ => error_response(&ApiError::not_found()),
    };
    with_cors(resp, req)
}

/// The browser's session and a fresh token for it (`azp` = the page origin), or
/// `{"signed_in": false}`.
fn session_token_answer(shared: &Shared, req: &Req, origin: Option<&str>) -> Resp {
    let signed_out = || {
        json(
            StatusCode::OK,
            &json!({"object": "client_session", "signed_in": false}),
        )
    };
    let Some(client) = req.cookie(&shared.client_cookie_name()) else {
        return signed_out();
    };
    let s = shared.lock();
    let Some((session, signed_in_at)) = s.client_session(&client) else {
        return signed_out();
    };
    let Ok(jwt) = session_token(shared, &s, session, shared.token_lifetime, origin) else {
        return signed_out();
    };
    let user = s.user(&session.user_id);
    let org = s.org_claims(session);
    json(
        StatusCode::OK,
        &json!({
            "object": "client_session",
            "signed_in": true,
            "jwt": jwt,
            "client_uat": signed_in_at / 1000,
            "session": {
                "id": session.id,
                "user_id": session.user_id,
                "last_active_organization_id": session.last_active_organization_id,
            },
            "user": {
                "id": session.user_id,
                "firstName": user.and_then(|u| u.first_name.clone()),
                "lastName": user.and_then(|u| u.last_name.clone()),
                "fullName": user.map(|u| u.display_name()),
                "primaryEmailAddress": user.and_then(|u| u.primary_email().map(str::to_owned)),
            },
            "organization": org.map(|o| json!({"id": o.id, "slug": o.slug, "role": o.role})),
        }),
    )
}
