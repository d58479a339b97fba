//! The request as the handshake rules read it (docs/auth-rules.md §9.2): its URL after the
//! forwarding headers, its cookies (suffixed or not) and the values the rules use.

use std::borrow::Cow;
use std::sync::Arc;
use std::sync::OnceLock;

use serde_json::Value;
use url::Url;

use super::HandshakeSettings;
use crate::auth::origin::js_parse_int;
use crate::auth::request::{RequestView, header_value};
use crate::config::ClerkConfig;
use crate::jwt::decode::decode_jwt;
use crate::jwt::verify::js_truthy;
use crate::jwt::{Jwt, TokenVerificationError, Verified, is_other_kind};

/// One request, read once.
pub(crate) struct Context<'a, R: RequestView + ?Sized> {
    pub(crate) config: &'a ClerkConfig,
    pub(crate) settings: &'a HandshakeSettings,
    pub(crate) request: &'a R,
    /// The request URL with `x-forwarded-host` / `x-forwarded-proto` applied, built on first use
    /// (only redirects, the referrer rule and the refresh need it); `None` inside when the
    /// request's authority does not make a URL.
    url: OnceLock<Option<Url>>,
    cookies: Option<Cow<'a, str>>,
    /// Whether the instance's suffixed cookies are the ones to read.
    pub(crate) suffixed: bool,
    /// The session cookie (suffixed or not), non-empty.
    pub(crate) session: Option<String>,
    /// The unsuffixed session cookie read while choosing the suffix, reused when it is the
    /// session cookie.
    read_unsuffixed: Option<TokenView>,
    /// `__client_uat` as a number, `0` when absent or not a number (`0` means signed out).
    pub(crate) client_uat: f64,
}

impl<'a, R: RequestView + ?Sized> Context<'a, R> {
    /// The context of `request`.
    pub(crate) fn new(
        config: &'a ClerkConfig,
        settings: &'a HandshakeSettings,
        request: &'a R,
    ) -> Self {
        let cookies = joined_cookies(request);
        let mut this = Self {
            config,
            settings,
            request,
            url: OnceLock::new(),
            cookies,
            suffixed: false,
            session: None,
            read_unsuffixed: None,
            client_uat: 0.0,
        };
        this.choose_cookies();
        this
    }

    /// The request URL (see [`request_url`]), `None` when the request's authority does not
    /// make one (a malformed `Host`): no redirect is built then.
    pub(crate) fn url(&self) -> Option<&Url> {
        self.url.get_or_init(|| request_url(self.request)).as_ref()
    }

    /// A cookie's value (first occurrence, percent-decoded once when it holds `%`; quotes
    /// kept), `None` when absent or empty.
    pub(crate) fn cookie(&self, name: &str) -> Option<String> {
        self.cookie_ref(name).map(Cow::into_owned)
    }

    /// [`cookie`](Self::cookie), borrowed from the request when it needs no decoding.
    fn cookie_ref(&self, name: &str) -> Option<Cow<'_, str>> {
        let header = self.cookies.as_deref()?;
        let found = header.split(';').find_map(|piece| {
            let (n, v) = piece.split_once('=')?;
            (trim(n) == name).then(|| trim(v))
        })?;
        if found.is_empty() {
            return None;
        }
        Some(decode_uri_component(found).unwrap_or(Cow::Borrowed(found)))
    }

    /// The cookie `<name>_<suffix>`.
    pub(crate) fn suffixed_cookie(&self, name: &str) -> Option<String> {
        self.suffixed_cookie_ref(name).map(Cow::into_owned)
    }

    fn suffixed_cookie_ref(&self, name: &str) -> Option<Cow<'_, str>> {
        // No allocation for a request without cookies.
        self.cookies.as_ref()?;
        self.cookie_ref(&format!("{name}_{}", self.settings.suffix))
    }

    /// A request header, `None` when absent or empty (repeated fields joined with `, `).
    pub(crate) fn header(&self, name: &str) -> Option<Cow<'a, str>> {
        header_value(self.request, name)
    }

    /// The first value of a query parameter (`None` when absent; may be empty).
    pub(crate) fn query(&self, name: &str) -> Option<String> {
        url::form_urlencoded::parse(self.request.uri_query()?.as_bytes())
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.into_owned())
    }

    pub(crate) fn method(&self) -> &str {
        self.request.method()
    }

    pub(crate) fn is_get(&self) -> bool {
        self.method() == "GET"
    }

    /// `sec-fetch-dest` is exactly `document`.
    pub(crate) fn is_document(&self) -> bool {
        self.header("sec-fetch-dest").as_deref() == Some("document")
    }

    /// The token of the `Authorization` header: `Bearer <token>` (exact scheme), or a bare
    /// token; another scheme gives none.
    pub(crate) fn header_token(&self) -> Option<Cow<'a, str>> {
        let value = self.header("authorization")?;
        let (first, rest) = match value.split_once(' ') {
            None => (value.as_ref(), None),
            Some((first, rest)) => (first, Some(rest)),
        };
        let second = rest.map(|r| r.split(' ').next().unwrap_or(""));
        let (start, end) = match second {
            None | Some("") => (0, first.len()),
            Some(second) if first == "Bearer" => (first.len() + 1, first.len() + 1 + second.len()),
            Some(_) => return None,
        };
        if start == end {
            return None;
        }
        Some(match value {
            Cow::Borrowed(v) => Cow::Borrowed(&v[start..end]),
            Cow::Owned(v) => Cow::Owned(v[start..end].to_owned()),
        })
    }

    /// The refresh token: `__refresh_<suffix>` only.
    pub(crate) fn refresh_token(&self) -> Option<String> {
        self.suffixed_cookie("__refresh")
    }

    /// The development browser token: the query's `__clerk_db_jwt` (when non-empty), else the
    /// cookie of the chosen suffix.
    pub(crate) fn dev_browser(&self) -> Option<String> {
        if let Some(v) = self.query("__clerk_db_jwt").filter(|v| !v.is_empty()) {
            return Some(v);
        }
        if self.suffixed {
            self.suffixed_cookie("__clerk_db_jwt")
        } else {
            self.cookie("__clerk_db_jwt")
        }
    }

    /// A handshake value: the query parameter when non-empty, else the (unsuffixed) cookie.
    pub(crate) fn handshake_value(&self, name: &str) -> Option<String> {
        self.query(name)
            .filter(|v| !v.is_empty())
            .or_else(|| self.cookie(name))
    }

    /// `__clerk_redirect_count` as a number (`0` when absent or not a number).
    pub(crate) fn redirect_count(&self) -> f64 {
        self.cookie("__clerk_redirect_count")
            .map_or(0.0, |v| js_number(&v))
    }

    /// The session cookie's claims and kind (`None` without one), from the verified-token cache
    /// or decoded.
    pub(crate) fn session_view(&mut self) -> Option<Result<TokenView, TokenVerificationError>> {
        let session = self.session.as_deref()?;
        if !self.suffixed
            && let Some(view) = self.read_unsuffixed.take()
        {
            return Some(Ok(view));
        }
        Some(TokenView::read(self.config, session))
    }

    /// Whether the instance's suffixed cookies are the ones to read (docs/auth-rules.md §9.2,
    /// rules 1 to 8), then the session cookie and `__client_uat` it implies.
    fn choose_cookies(&mut self) {
        let s = self.cookie_ref("__session");
        let ss = self.suffixed_cookie_ref("__session");
        let u = self.cookie_ref("__client_uat");
        let su = self.suffixed_cookie_ref("__client_uat");
        let zero = |v: &Option<Cow<'_, str>>| v.as_deref() == Some("0");
        let decoded = s.as_deref().map(|t| TokenView::read(self.config, t));
        let suffixed = 'choice: {
            if let Some(decoded) = &decoded {
                let iss = decoded
                    .as_ref()
                    .ok()
                    .and_then(|view| view.claim("iss"))
                    .filter(|v| js_truthy(v));
                let Some(iss) = iss else { break 'choice false };
                if let Some(iss) = iss.as_str()
                    && strip_schemes(iss) != self.settings.original_frontend_api
                {
                    break 'choice true;
                }
            }
            if su.is_none() && ss.is_none() {
                break 'choice false;
            }
            let iat = |view: Option<&TokenView>| {
                view.and_then(|v| v.claim("iat"))
                    .and_then(Value::as_f64)
                    .unwrap_or(0.0)
            };
            let iat_s = iat(decoded.as_ref().and_then(|d| d.as_ref().ok()));
            let decoded_ss = ss
                .as_deref()
                .and_then(|t| TokenView::read(self.config, t).ok());
            if !zero(&su) && !zero(&u) && iat_s > iat(decoded_ss.as_ref()) {
                break 'choice false;
            }
            if zero(&su) && !zero(&u) {
                break 'choice false;
            }
            if self.settings.is_development()
                && !zero(&su)
                && zero(&u)
                && decoded_ss
                    .as_ref()
                    .and_then(|v| v.claim("exp"))
                    .and_then(Value::as_f64)
                    .is_some_and(|exp| {
                        exp <= (self.config.inner.verifier.now_ms() as f64 / 1000.0).floor()
                    })
            {
                break 'choice false;
            }
            if su.is_none() && ss.is_some() {
                break 'choice false;
            }
            true
        };
        let (session, uat) = if suffixed { (ss, su) } else { (s, u) };
        let session = session.map(Cow::into_owned);
        let client_uat = uat
            .as_deref()
            .and_then(js_parse_int)
            .filter(|n| !n.is_nan())
            .unwrap_or(0.0);
        self.suffixed = suffixed;
        if !suffixed {
            self.read_unsuffixed = decoded.and_then(Result::ok);
        }
        self.session = session;
        self.client_uat = client_uat;
    }
}

/// JavaScript's `decodeURIComponent`: `None` when an escape is malformed or the bytes are not
/// UTF-8 (the caller keeps the raw value then).
fn decode_uri_component(value: &str) -> Option<Cow<'_, str>> {
    if !value.contains('%') {
        return Some(Cow::Borrowed(value));
    }
    let bytes = value.as_bytes();
    let well_formed = bytes.iter().enumerate().all(|(i, &b)| {
        b != b'%'
            || bytes
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
    });
    if !well_formed {
        return None;
    }
    percent_encoding::percent_decode_str(value)
        .decode_utf8()
        .ok()
        .map(|decoded| Cow::Owned(decoded.into_owned()))
}

/// JavaScript's `Number(text)` for the redirect counter, non-finite and unparsable values as
/// `0` (the counter's default).
fn js_number(text: &str) -> f64 {
    let t = text.trim();
    let parsed = if t.is_empty() {
        Some(0.0)
    } else if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        u64::from_str_radix(hex, 16).ok().map(|n| n as f64)
    } else if t
        .bytes()
        .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
    {
        t.parse::<f64>().ok()
    } else {
        None
    };
    parsed.filter(|n| n.is_finite()).unwrap_or(0.0)
}

/// What the rules read of a token before verifying it: its claims and whether it is of another
/// kind than a session token. A token in the verified-token cache is not decoded again.
pub(crate) enum TokenView {
    Cached(Arc<Verified>),
    Decoded(Jwt),
}

impl TokenView {
    pub(crate) fn read(config: &ClerkConfig, token: &str) -> Result<Self, TokenVerificationError> {
        match config.inner.verifier.cached(token) {
            Some(verified) => Ok(Self::Cached(verified)),
            None => decode_jwt(token).map(Self::Decoded),
        }
    }

    pub(crate) fn claim(&self, name: &str) -> Option<&Value> {
        match self {
            Self::Cached(verified) => verified.claims.get(name),
            Self::Decoded(jwt) => jwt.payload().get(name),
        }
    }

    pub(crate) fn is_other_kind(&self) -> bool {
        match self {
            Self::Cached(verified) => verified.other_kind,
            Self::Decoded(jwt) => is_other_kind(jwt),
        }
    }
}

/// Trims spaces and tabs (the cookie parser's whitespace).
fn trim(s: &str) -> &str {
    s.trim_matches([' ', '\t'])
}

/// The `cookie` header fields joined with `; `.
fn joined_cookies<R: RequestView + ?Sized>(request: &R) -> Option<Cow<'_, str>> {
    let mut acc: Option<Cow<'_, str>> = None;
    request.for_each_header("cookie", &mut |v| {
        acc = Some(match acc.take() {
            None => Cow::Borrowed(v),
            Some(prev) => Cow::Owned(format!("{prev}; {v}")),
        });
    });
    acc
}

/// The request URL (docs/auth-rules.md §9.2): the listener's scheme (`http` unless the adapter
/// knows better), the authority, path and query; then, when `x-forwarded-host` (else `host`) and
/// `x-forwarded-proto` (else that scheme) name another origin, the same path and query on it.
pub(crate) fn request_url<R: RequestView + ?Sized>(request: &R) -> Option<Url> {
    let scheme = request.scheme().unwrap_or("http");
    let authority = request.authority().unwrap_or("localhost");
    let mut path_and_query = request.path().to_owned();
    if let Some(q) = request.uri_query() {
        path_and_query.push('?');
        path_and_query.push_str(q);
    }
    let original = Url::parse(&format!("{scheme}://{authority}{path_and_query}")).ok()?;
    let first = |name: &str| {
        header_value(request, name).map(|v| v.split(',').next().unwrap_or("").to_owned())
    };
    let host =
        first("x-forwarded-host").or_else(|| header_value(request, "host").map(Cow::into_owned));
    let proto = first("x-forwarded-proto").unwrap_or_else(|| original.scheme().to_owned());
    if let Some(host) = host {
        let origin = format!("{proto}://{host}");
        if origin != original.origin().ascii_serialization()
            && let Ok(rebuilt) = Url::parse(&format!("{origin}{path_and_query}"))
        {
            return Some(rebuilt);
        }
    }
    Some(original)
}

/// `iss` without every `http://` and `https://` (any case).
fn strip_schemes(iss: &str) -> String {
    let mut out = iss.to_owned();
    for scheme in ["https://", "http://"] {
        while let Some(i) = out.to_ascii_lowercase().find(scheme) {
            out.replace_range(i..i + scheme.len(), "");
        }
    }
    out
}
