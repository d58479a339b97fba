//! Primitives for mapping an auth state to an HTTP response (docs/auth-rules.md §5.3, §5.4).

use std::borrow::Cow;

use super::request::{RequestView, header_value};

/// Response header carrying the auth status (`signed-in`, `signed-out`, `interstitial`, `unknown`).
pub const AUTH_STATUS_HEADER: &str = "x-clerk-auth-status";
/// Response header carrying the auth reason, when non-empty.
pub const AUTH_REASON_HEADER: &str = "x-clerk-auth-reason";
/// Response header carrying the auth message, when non-empty.
pub const AUTH_MESSAGE_HEADER: &str = "x-clerk-auth-message";

/// JavaScript `encodeURIComponent`: every character except `A–Z a–z 0–9 - _ . ! ~ * ' ( )`
/// becomes `%XX` of its UTF-8 bytes (upper-case hex). Borrows when nothing needs encoding.
///
/// The result is always a valid HTTP header value.
///
/// ```
/// use clerk_core::integration::encode_uri_component;
///
/// assert_eq!(encode_uri_component("signed-out"), "signed-out");
/// assert_eq!(encode_uri_component("JWT is expired."), "JWT%20is%20expired.");
/// ```
#[must_use]
pub fn encode_uri_component(s: &str) -> Cow<'_, str> {
    fn keep(b: u8) -> bool {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')'
            )
    }
    if s.bytes().all(keep) {
        return Cow::Borrowed(s);
    }
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if keep(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
    Cow::Owned(out)
}

/// The longest `x-clerk-auth-message` value sent, in bytes: a message can quote unsigned input
/// (a token's claims, a URL), which must not be echoed at length.
pub const MAX_AUTH_MESSAGE_LEN: usize = 512;

/// The `x-clerk-auth-message` value of `message`: [`encode_uri_component`], cut to at most
/// [`MAX_AUTH_MESSAGE_LEN`] bytes at a character boundary of the message (never inside the
/// `%XX` escapes of one character).
///
/// ```
/// use clerk_core::integration::{MAX_AUTH_MESSAGE_LEN, encode_auth_message};
///
/// assert_eq!(encode_auth_message("JWT is expired."), "JWT%20is%20expired.");
/// let long = "é".repeat(1000);
/// let value = encode_auth_message(&long);
/// assert!(value.len() <= MAX_AUTH_MESSAGE_LEN);
/// assert!(value.ends_with("%C3%A9"));
/// ```
#[must_use]
pub fn encode_auth_message(message: &str) -> Cow<'_, str> {
    let encoded = encode_uri_component(message);
    if encoded.len() <= MAX_AUTH_MESSAGE_LEN {
        return encoded;
    }
    // Find the longest prefix of whole characters whose encoding fits.
    let mut fits = 0;
    let mut cut = 0;
    for (at, c) in message.char_indices() {
        let len = encode_uri_component(c.encode_utf8(&mut [0; 4])).len();
        if fits + len > MAX_AUTH_MESSAGE_LEN {
            break;
        }
        fits += len;
        cut = at + c.len_utf8();
    }
    Cow::Owned(encode_uri_component(&message[..cut]).into_owned())
}

/// The observability headers (auth-rules §5.3) as `(name, encoded value)` pairs: the status always,
/// the reason and the message only when non-empty. Values are encoded with
/// [`encode_uri_component`], the message cut to [`MAX_AUTH_MESSAGE_LEN`] bytes
/// ([`encode_auth_message`]).
///
/// ```
/// use clerk_core::integration::auth_header_pairs;
///
/// let pairs: Vec<_> = auth_header_pairs("unknown", Some("token-expired"), Some("JWT is expired.")).collect();
/// assert_eq!(pairs[2], ("x-clerk-auth-message", "JWT%20is%20expired.".into()));
/// ```
pub fn auth_header_pairs<'a>(
    status: &'a str,
    reason: Option<&'a str>,
    message: Option<&'a str>,
) -> impl Iterator<Item = (&'static str, Cow<'a, str>)> {
    let status = Some((AUTH_STATUS_HEADER, encode_uri_component(status)));
    let reason = reason
        .filter(|r| !r.is_empty())
        .map(|r| (AUTH_REASON_HEADER, encode_uri_component(r)));
    let message = message
        .filter(|m| !m.is_empty())
        .map(|m| (AUTH_MESSAGE_HEADER, encode_auth_message(m)));
    status.into_iter().chain(reason).chain(message)
}

/// Whether a request path or shape marks an API call rather than a page (auth-rules §5.4, the
/// Next.js heuristic): a path under `/api` or `/trpc`, a method other than GET/HEAD/OPTIONS, or
/// `Content-Type` exactly `application/json`.
#[must_use]
pub fn is_api_request<R: RequestView + ?Sized>(request: &R) -> bool {
    let path = request.path();
    let under = |prefix: &str| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    };
    let method = request.method();
    let safe_method = ["GET", "HEAD", "OPTIONS"]
        .iter()
        .any(|m| m.eq_ignore_ascii_case(method));
    under("/api")
        || under("/trpc")
        || !safe_method
        || header_value(request, "content-type").is_some_and(|ct| ct == "application/json")
}

/// Whether a request is a browser page navigation, the only kind of request that may receive
/// the HTML interstitial; every other client gets a 401 without HTML (auth-rules §5.4).
///
/// True when the method is GET or HEAD, the request is not an API call by [`is_api_request`],
/// and either its `Accept` header contains `text/html` (browsers send that on every navigation)
/// or its `Sec-Fetch-Dest` is `document`.
///
/// ```
/// use clerk_core::integration::is_browser_navigation;
///
/// let page = http::Request::get("/dashboard")
///     .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8")
///     .body(())
///     .unwrap();
/// assert!(is_browser_navigation(&page));
///
/// let api = http::Request::get("/api/items").header("accept", "text/html").body(()).unwrap();
/// assert!(!is_browser_navigation(&api));
/// ```
#[must_use]
pub fn is_browser_navigation<R: RequestView + ?Sized>(request: &R) -> bool {
    let method = request.method();
    if !(method.eq_ignore_ascii_case("GET") || method.eq_ignore_ascii_case("HEAD")) {
        return false;
    }
    if is_api_request(request) {
        return false;
    }
    let accepts_html = header_value(request, "accept")
        .is_some_and(|a| a.to_ascii_lowercase().contains("text/html"));
    let document =
        header_value(request, "sec-fetch-dest").is_some_and(|d| d.eq_ignore_ascii_case("document"));
    accepts_html || document
}

/// A complete HTTP answer, described once here and translated by each integration, so the three
/// frameworks answer byte for byte the same.
///
/// Built by [`AuthState::answer`](crate::AuthState::answer) (the interstitial and 401
/// outcomes) and by [`Rejection::answer`](crate::integration::Rejection::answer) (the guards'
/// rejections: [`unauthenticated_answer`], [`unavailable_answer`], [`forbidden_answer`] and
/// [`missing_setup_answer`]). The `x-clerk-auth-*` headers are not part of
/// it: integrations add [`AuthState::headers`](crate::AuthState::headers) to every response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpAnswer {
    status: u16,
    headers: Vec<(&'static str, &'static str)>,
    body: String,
}

impl HttpAnswer {
    pub(crate) fn new(
        status: u16,
        headers: Vec<(&'static str, &'static str)>,
        body: String,
    ) -> Self {
        Self {
            status,
            headers,
            body,
        }
    }

    /// The status code.
    #[must_use]
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The headers (lower-case names), `content-type` first.
    #[must_use]
    pub fn headers(&self) -> &[(&'static str, &'static str)] {
        &self.headers
    }

    /// The body.
    #[must_use]
    pub fn body(&self) -> &str {
        &self.body
    }

    /// Status, headers and body.
    #[must_use]
    pub fn into_parts(self) -> (u16, Vec<(&'static str, &'static str)>, String) {
        (self.status, self.headers, self.body)
    }
}

pub(crate) const JSON: &str = "application/json";
pub(crate) const HTML: &str = "text/html; charset=utf-8";

/// `401` for a request that is not signed in: `WWW-Authenticate: Bearer` and
/// `{"error":"unauthenticated","reason":<reason or null>}`.
///
/// ```
/// let answer = clerk_core::integration::unauthenticated_answer(Some("token-expired"));
/// assert_eq!(answer.status(), 401);
/// assert_eq!(answer.body(), r#"{"error":"unauthenticated","reason":"token-expired"}"#);
/// ```
#[must_use]
pub fn unauthenticated_answer(reason: Option<&str>) -> HttpAnswer {
    HttpAnswer::new(
        401,
        vec![("content-type", JSON), ("www-authenticate", "Bearer")],
        serde_json::json!({ "error": "unauthenticated", "reason": reason }).to_string(),
    )
}

/// `503` for a route requiring authentication while the instance's signing keys cannot be
/// loaded: `retry-after: 5` and `{"status":<status>,"reason":<reason>}` (the shape of
/// [`AuthState::json_body`](crate::AuthState::json_body)).
///
/// ```
/// let answer = clerk_core::integration::unavailable_answer("signed-out", Some("jwk-remote-failed-to-load"));
/// assert_eq!((answer.status(), answer.headers()[1]), (503, ("retry-after", "5")));
/// ```
#[must_use]
pub fn unavailable_answer(status: &str, reason: Option<&str>) -> HttpAnswer {
    HttpAnswer::new(
        503,
        vec![("content-type", JSON), ("retry-after", "5")],
        serde_json::json!({ "status": status, "reason": reason }).to_string(),
    )
}

/// `403` for a signed-in request whose session does not satisfy the route's policy:
/// `{"error":"forbidden"}`.
#[must_use]
pub fn forbidden_answer() -> HttpAnswer {
    HttpAnswer::new(
        403,
        vec![("content-type", JSON)],
        r#"{"error":"forbidden"}"#.to_owned(),
    )
}

/// `500` for a route whose Clerk set-up is missing: `{"error":"clerk_not_configured","message":fix}`,
/// where `fix` says what to add (each integration names its own set-up).
#[must_use]
pub fn missing_setup_answer(fix: &str) -> HttpAnswer {
    HttpAnswer::new(
        500,
        vec![("content-type", JSON)],
        serde_json::json!({ "error": "clerk_not_configured", "message": fix }).to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode() {
        assert_eq!(encode_uri_component(""), "");
        assert_eq!(encode_uri_component("AZaz09-_.!~*'()"), "AZaz09-_.!~*'()");
        assert_eq!(
            encode_uri_component(" \"#$%&+,/:;<=>?@[\\]^`{|}"),
            "%20%22%23%24%25%26%2B%2C%2F%3A%3B%3C%3D%3E%3F%40%5B%5C%5D%5E%60%7B%7C%7D"
        );
        assert_eq!(encode_uri_component("é€😀"), "%C3%A9%E2%82%AC%F0%9F%98%80");
        assert_eq!(encode_uri_component("a\nb\r"), "a%0Ab%0D");
        assert!(matches!(
            encode_uri_component("signed-in"),
            Cow::Borrowed(_)
        ));
        let msg = "JWT is expired. Expiry date: Mon, 24 Oct 2022 21:51:50 GMT, Current date: x. (reason=token-expired, token-carrier=header)";
        let enc = encode_uri_component(msg);
        assert!(http::HeaderValue::from_str(&enc).is_ok());
    }

    #[test]
    fn header_pairs() {
        let p: Vec<_> = auth_header_pairs("signed-in", None, None).collect();
        assert_eq!(p, vec![(AUTH_STATUS_HEADER, Cow::Borrowed("signed-in"))]);
        let p: Vec<_> =
            auth_header_pairs("signed-out", Some("standard-signed-out"), Some("")).collect();
        assert_eq!(p.len(), 2);
        assert_eq!(p[1].0, "x-clerk-auth-reason");
    }

    fn req(method: &str, uri: &str, headers: &[(&str, &str)]) -> http::Request<()> {
        let mut b = http::Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(()).unwrap()
    }

    #[test]
    fn navigation() {
        let html = [("accept", "text/html")];
        assert!(is_browser_navigation(&req("GET", "/", &html)));
        assert!(is_browser_navigation(&req("HEAD", "/x?y=1", &html)));
        assert!(is_browser_navigation(&req(
            "GET",
            "/",
            &[("accept", "TEXT/HTML;q=0.9")]
        )));
        assert!(is_browser_navigation(&req(
            "GET",
            "/",
            &[("sec-fetch-dest", "document")]
        )));
        assert!(!is_browser_navigation(&req("GET", "/", &[])));
        assert!(!is_browser_navigation(&req(
            "GET",
            "/",
            &[("accept", "application/json")]
        )));
        assert!(!is_browser_navigation(&req("POST", "/", &html)));
        assert!(!is_browser_navigation(&req("OPTIONS", "/", &html)));
        assert!(!is_browser_navigation(&req("GET", "/api", &html)));
        assert!(!is_browser_navigation(&req("GET", "/api/x", &html)));
        assert!(!is_browser_navigation(&req("GET", "/trpc/x", &html)));
        assert!(is_browser_navigation(&req("GET", "/apix", &html)));
        assert!(!is_browser_navigation(&req(
            "GET",
            "/",
            &[
                ("accept", "text/html"),
                ("content-type", "application/json")
            ]
        )));
        assert!(is_api_request(&req("DELETE", "/x", &[])));
        assert!(!is_api_request(&req("GET", "/x", &[])));
    }
}
