//! The clerk-js stand-ins (`/npm/@clerk/clerk-js@<version>/dist/clerk.browser.js`: a clerk-js 4
//! stand-in for the interstitial protocol, a clerk-js 5 stand-in for the handshake protocol) and
//! the browser endpoints they call (`/v1/client/...`, cookie-authenticated, CORS for loopback
//! origins only).

use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_MAX_AGE, HeaderValue, SET_COOKIE, VARY,
};
use http::{Method, StatusCode};
use serde_json::{Value, json};

use super::api::{ApiError, error_response, session_token};
use super::exchange::{Req, Resp, Shared, empty, javascript, json};
use super::handshake::{cookie_suffix, is_development};
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

/// The clerk-js 5 stand-in. `__EMULATOR_URL__`, `__COOKIE_SUFFIX__` and `__DEVELOPMENT__` are
/// replaced by JS literals.
///
/// What it does on a page (it loads itself as soon as it runs; `Clerk.load()` returns that same
/// promise):
/// 1. development instances: takes the dev browser token from the URL (`__clerk_db_jwt`) or the
///    cookies, else creates one (`POST /v1/dev_browser`), and writes `__clerk_db_jwt` and
///    `__clerk_db_jwt_<suffix>`;
/// 2. asks the emulator for this browser's session (`GET /v1/client/session-token`, emulator
///    cookie) and writes `__session`, `__session_<suffix>`, `__client_uat`,
///    `__client_uat_<suffix>` on the app's host (signed out: `__session*` cleared,
///    `__client_uat*=0`);
/// 3. while signed in, fetches a fresh token before the current one expires (10 s before, or
///    half-way for shorter lifetimes), unless the script tag has
///    `data-emulator-refresh="off"` (for tests that want to watch tokens expire).
///
/// No interstitial: it never reloads the page. `window.Clerk` offers `load()`, `loaded`,
/// `user`, `session` (`id`, `getToken()`), `organization`, `signOut({redirectUrl})`,
/// `openSignIn()`, `redirectToSignIn({redirectUrl})`, `buildSignInUrl()` and
/// `addListener(fn)`.
const SCRIPT_V5: &str = r#"/* Clerk emulator: a local stand-in for clerk-js 5, for development and tests only.
 * It keeps the app's __session / __client_uat cookies (unsuffixed and suffixed) in step with the
 * emulator session of this browser; the app's SDK does the rest with Clerk's handshake. */
(function () {
  'use strict';
  var emulator = __EMULATOR_URL__;
  var suffix = __COOKIE_SUFFIX__;
  var development = __DEVELOPMENT__;
  var script = document.currentScript;
  try {
    if (script && script.src) { emulator = new URL(script.src).origin; }
  } catch (e) { /* keep the templated URL */ }
  var keepFresh = !(script && script.getAttribute('data-emulator-refresh') === 'off');
  var secure = location.protocol === 'https:' ? '; Secure' : '';
  var YEAR = 31536000;
  var timer = null;
  var listeners = [];

  function setCookie(name, value, maxAge) {
    document.cookie = name + '=' + value + '; path=/; SameSite=Lax' +
      (maxAge === undefined ? '' : '; max-age=' + maxAge) + secure;
  }
  function setBoth(name, value, maxAge) {
    setCookie(name, value, maxAge);
    setCookie(name + '_' + suffix, value, maxAge);
  }
  function getCookie(name) {
    var parts = document.cookie.split(';');
    for (var i = 0; i < parts.length; i++) {
      var p = parts[i].trim();
      if (p.indexOf(name + '=') === 0) { return decodeURIComponent(p.slice(name.length + 1)); }
    }
    return '';
  }
  async function call(method, path) {
    var res = await fetch(emulator + path, { method: method, credentials: 'include', cache: 'no-store' });
    if (!res.ok) { throw new Error('Clerk emulator: ' + method + ' ' + path + ' answered ' + res.status); }
    return res.json();
  }
  function claims(jwt) {
    var b64 = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(b64));
  }

  async function devBrowser() {
    if (!development) { return; }
    var token = new URL(location.href).searchParams.get('__clerk_db_jwt') ||
      getCookie('__clerk_db_jwt_' + suffix) || getCookie('__clerk_db_jwt');
    if (!token) { token = (await call('POST', '/v1/dev_browser')).token; }
    if (token) { setBoth('__clerk_db_jwt', token, YEAR); }
  }

  function schedule(jwt) {
    clearTimeout(timer);
    if (!keepFresh) { return; }
    var c = claims(jwt);
    var lifetime = (c.exp - c.iat) * 1000;
    var delay = c.exp * 1000 - Date.now() - Math.min(10000, lifetime / 2);
    timer = setTimeout(function () { sync().catch(function () { /* retried on the next load */ }); },
      Math.max(500, delay));
  }

  function apply(body) {
    if (body && body.signed_in) {
      setBoth('__session', body.jwt);
      setBoth('__client_uat', String(body.client_uat), YEAR);
      var email = body.user.primaryEmailAddress;
      Clerk.user = {
        id: body.user.id,
        firstName: body.user.firstName,
        lastName: body.user.lastName,
        fullName: body.user.fullName,
        primaryEmailAddress: email ? { emailAddress: email, toString: function () { return email; } } : null
      };
      Clerk.organization = body.organization;
      Clerk.session = {
        id: body.session.id,
        status: 'active',
        user: Clerk.user,
        lastActiveOrganizationId: body.session.last_active_organization_id,
        lastActiveToken: { jwt: body.jwt },
        getToken: async function () {
          var fresh = await sync();
          return fresh.signed_in ? fresh.jwt : null;
        }
      };
      schedule(body.jwt);
    } else {
      clearTimeout(timer);
      setBoth('__session', '', 0);
      setBoth('__client_uat', '0', YEAR);
      Clerk.user = null;
      Clerk.organization = null;
      Clerk.session = null;
    }
    listeners.forEach(function (fn) {
      try { fn({ user: Clerk.user, session: Clerk.session, organization: Clerk.organization }); } catch (e) { /* a listener's own error */ }
    });
  }

  async function sync() {
    var body = await call('GET', '/v1/client/session-token');
    apply(body);
    return body;
  }

  var loading = null;
  var Clerk = {
    isEmulator: true,
    version: '5-emulator',
    loaded: false,
    user: null,
    session: null,
    organization: null,
    options: {},
    load: function (options) {
      if (options) { Clerk.options = options; }
      if (!loading) {
        loading = (async function () {
          await devBrowser();
          await sync();
          Clerk.loaded = true;
          return Clerk;
        })();
      }
      return loading;
    },
    addListener: function (fn) {
      listeners.push(fn);
      return function () { listeners = listeners.filter(function (f) { return f !== fn; }); };
    },
    signOut: async function (options) {
      await call('POST', '/v1/client/sign-out');
      apply(null);
      var to = options && options.redirectUrl;
      if (to) { window.location.href = to; }
    },
    buildSignInUrl: function (options) {
      var back = (options && (options.redirectUrl || options.signInForceRedirectUrl)) || window.location.href;
      return emulator + '/sign-in?redirect_url=' + encodeURIComponent(back);
    },
    redirectToSignIn: function (options) {
      window.location.href = Clerk.buildSignInUrl(options);
    },
    openSignIn: function (options) { Clerk.redirectToSignIn(options); }
  };
  window.Clerk = Clerk;
  Clerk.load().catch(function (e) { console.error(e); });
})();
"#;

/// Which stand-in a `clerk-js@<version>` path segment asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScriptVersion {
    /// clerk-js 4 and older: the interstitial protocol.
    V4,
    /// clerk-js 5 and newer: the handshake protocol.
    V5,
}

impl ScriptVersion {
    /// From the `<version>` of `clerk-js@<version>`: a major of 5 or more is [`V5`](Self::V5);
    /// anything else (4, `4.x.y`, and tags such as `latest`, which interstitial pages have
    /// always been served the clerk-js 4 stand-in for) is [`V4`](Self::V4).
    pub(crate) fn from_package(version: &str) -> Self {
        let major: String = version.chars().take_while(char::is_ascii_digit).collect();
        match major.parse::<u32>() {
            Ok(m) if m >= 5 => Self::V5,
            _ => Self::V4,
        }
    }
}

/// The script source for this emulator.
pub(crate) fn script_source(shared: &Shared, version: ScriptVersion) -> String {
    let url = Value::String(shared.url.clone()).to_string();
    match version {
        ScriptVersion::V4 => SCRIPT.replace("__EMULATOR_URL__", &url),
        ScriptVersion::V5 => SCRIPT_V5
            .replace("__EMULATOR_URL__", &url)
            .replace(
                "__COOKIE_SUFFIX__",
                &Value::String(cookie_suffix(shared)).to_string(),
            )
            .replace(
                "__DEVELOPMENT__",
                if is_development(shared) {
                    "true"
                } else {
                    "false"
                },
            ),
    }
}

/// Adds `Access-Control-Allow-Origin: <origin>` (and credentials) for loopback origins.
pub(crate) fn with_cors(mut resp: Resp, req: &Req) -> Resp {
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
pub(crate) fn serve_script(shared: &Shared, req: &Req, version: ScriptVersion) -> Resp {
    with_cors(javascript(script_source(shared, version)), req)
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
