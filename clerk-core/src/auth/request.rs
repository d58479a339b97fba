//! A framework-neutral, borrowing view of an HTTP request, and the values Clerk reads from it
//! (docs/auth-rules.md §2).

use std::borrow::Cow;

use super::cookies::get_cookie_from_fields;

/// A read-only view of an incoming HTTP request, implemented by each framework adapter.
///
/// Implementations borrow from the request; nothing is cloned. Header names passed in are
/// lower-case ASCII and must be matched case-insensitively. Values that are not valid UTF-8 may
/// be skipped.
///
/// Implemented for [`http::request::Parts`] and [`http::Request<B>`] (http 1.x), and for
/// references to any implementation.
pub trait RequestView {
    /// The first value of the header `name`, if any.
    fn header(&self, name: &str) -> Option<&str>;

    /// Calls `f` with every value of the header `name`, in order (one call per header field).
    ///
    /// The default implementation forwards the single value of [`header`](Self::header); override
    /// it when the request can carry several fields with the same name.
    fn for_each_header<'a>(&'a self, name: &str, f: &mut dyn FnMut(&'a str)) {
        if let Some(v) = self.header(name) {
            f(v);
        }
    }

    /// The request method, e.g. `GET`.
    fn method(&self) -> &str;

    /// The path of the request URI, e.g. `/dashboard`.
    fn path(&self) -> &str;

    /// The query string of the request URI, without the leading `?`.
    fn uri_query(&self) -> Option<&str>;

    /// The authority of the request URI (`host[:port]`), used when there is no `Host` header
    /// (HTTP/2 requests carry `:authority` instead).
    fn authority(&self) -> Option<&str>;

    /// The scheme the request arrived with, when the adapter knows it (an absolute request URI,
    /// a TLS listener); `None` reads as `http`. `x-forwarded-proto` overrides it either way.
    fn scheme(&self) -> Option<&str> {
        None
    }

    /// Calls `f` with every header field, name and value, in order. The handshake protocol's
    /// session refresh forwards them to Clerk; the default (no headers) sends none.
    fn for_each_header_pair(&self, f: &mut dyn FnMut(&str, &str)) {
        let _ = f;
    }
}

impl<T: RequestView + ?Sized> RequestView for &T {
    fn header(&self, name: &str) -> Option<&str> {
        (**self).header(name)
    }
    fn for_each_header<'a>(&'a self, name: &str, f: &mut dyn FnMut(&'a str)) {
        (**self).for_each_header(name, f);
    }
    fn method(&self) -> &str {
        (**self).method()
    }
    fn path(&self) -> &str {
        (**self).path()
    }
    fn uri_query(&self) -> Option<&str> {
        (**self).uri_query()
    }
    fn authority(&self) -> Option<&str> {
        (**self).authority()
    }
    fn scheme(&self) -> Option<&str> {
        (**self).scheme()
    }
    fn for_each_header_pair(&self, f: &mut dyn FnMut(&str, &str)) {
        (**self).for_each_header_pair(f);
    }
}

fn utf8(value: &http::HeaderValue) -> Option<&str> {
    std::str::from_utf8(value.as_bytes()).ok()
}

impl RequestView for http::request::Parts {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(utf8)
    }
    fn for_each_header<'a>(&'a self, name: &str, f: &mut dyn FnMut(&'a str)) {
        for v in self.headers.get_all(name) {
            if let Some(s) = utf8(v) {
                f(s);
            }
        }
    }
    fn method(&self) -> &str {
        self.method.as_str()
    }
    fn path(&self) -> &str {
        self.uri.path()
    }
    fn uri_query(&self) -> Option<&str> {
        self.uri.query()
    }
    fn authority(&self) -> Option<&str> {
        self.uri.authority().map(http::uri::Authority::as_str)
    }
    fn scheme(&self) -> Option<&str> {
        self.uri.scheme_str()
    }
    fn for_each_header_pair(&self, f: &mut dyn FnMut(&str, &str)) {
        for (name, value) in &self.headers {
            if let Some(value) = utf8(value) {
                f(name.as_str(), value);
            }
        }
    }
}

impl<B> RequestView for http::Request<B> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers().get(name).and_then(utf8)
    }
    fn for_each_header<'a>(&'a self, name: &str, f: &mut dyn FnMut(&'a str)) {
        for v in self.headers().get_all(name) {
            if let Some(s) = utf8(v) {
                f(s);
            }
        }
    }
    fn method(&self) -> &str {
        self.method().as_str()
    }
    fn path(&self) -> &str {
        self.uri().path()
    }
    fn uri_query(&self) -> Option<&str> {
        self.uri().query()
    }
    fn authority(&self) -> Option<&str> {
        self.uri().authority().map(http::uri::Authority::as_str)
    }
    fn scheme(&self) -> Option<&str> {
        self.uri().scheme_str()
    }
    fn for_each_header_pair(&self, f: &mut dyn FnMut(&str, &str)) {
        for (name, value) in self.headers() {
            if let Some(value) = utf8(value) {
                f(name.as_str(), value);
            }
        }
    }
}

/// HTTP whitespace trimmed from header values (fetch "normalize").
fn http_trim(s: &str) -> &str {
    s.trim_matches([' ', '\t', '\r', '\n'])
}

/// Reads a header with fetch `Headers.get` semantics: case-insensitive name, every field trimmed,
/// several fields joined with `", "`, and an empty result counts as absent.
///
/// Borrows in the common single-field case.
#[must_use]
pub fn header_value<'a, R: RequestView + ?Sized>(
    request: &'a R,
    name: &str,
) -> Option<Cow<'a, str>> {
    joined_header(request, name, ", ")
}

fn joined_header<'a, R: RequestView + ?Sized>(
    request: &'a R,
    name: &str,
    separator: &str,
) -> Option<Cow<'a, str>> {
    let mut acc: Option<Cow<'a, str>> = None;
    request.for_each_header(name, &mut |v| {
        let v = http_trim(v);
        acc = Some(match acc.take() {
            None => Cow::Borrowed(v),
            Some(prev) => {
                let mut s = prev.into_owned();
                s.push_str(separator);
                s.push_str(v);
                Cow::Owned(s)
            }
        });
    });
    acc.filter(|v| !v.is_empty())
}

/// Looks up a cookie across every `Cookie` header field of the request (fields joined with
/// `"; "`, auth-rules D11), with the parsing rules of [`get_cookie`](crate::integration::get_cookie).
#[must_use]
pub fn request_cookie<'a, R: RequestView + ?Sized>(
    request: &'a R,
    name: &str,
) -> Option<Cow<'a, str>> {
    let mut found: Option<Cow<'a, str>> = None;
    request.for_each_header("cookie", &mut |field| {
        if found.is_none() {
            found = get_cookie_from_fields([field], name);
        }
    });
    found
}

/// The first value of a query parameter (`URLSearchParams.get`: `+` is a space, percent-decoded).
fn query_param<'a>(query: Option<&'a str>, name: &str) -> Option<Cow<'a, str>> {
    let query = query?;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// The values Clerk reads from a request (auth-rules §2), borrowed from it where possible.
///
/// Header values follow fetch `Headers.get` semantics (see [`header_value`]); every `Option`
/// here is `None` when the value is missing **or empty**.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestValues<'a> {
    /// The `Authorization` value with a leading `Bearer ` (any case) removed; the whole value
    /// when it has no such prefix (auth-rules §2.1, D9).
    pub header_token: Option<Cow<'a, str>>,
    /// `Origin`.
    pub origin: Option<Cow<'a, str>>,
    /// `Host`, falling back to the URI authority (HTTP/2).
    pub host: Option<Cow<'a, str>>,
    /// `X-Forwarded-Host`.
    pub forwarded_host: Option<Cow<'a, str>>,
    /// `X-Forwarded-Port` (read, but used by no rule).
    pub forwarded_port: Option<Cow<'a, str>>,
    /// `CloudFront-Forwarded-Proto` when non-empty, else `X-Forwarded-Proto`.
    pub forwarded_proto: Option<Cow<'a, str>>,
    /// `Referer`.
    pub referrer: Option<Cow<'a, str>>,
    /// `User-Agent`.
    pub user_agent: Option<Cow<'a, str>>,
    /// The `__session` cookie (the session JWT).
    pub session_cookie: Option<Cow<'a, str>>,
    /// The `__client_uat` cookie.
    pub client_uat: Option<Cow<'a, str>>,
    /// Whether the first `__clerk_synced` query parameter is exactly `true`.
    pub clerk_synced: bool,
    /// The first `__clerk_satellite_url` query parameter, when non-empty.
    pub clerk_satellite_url: Option<Cow<'a, str>>,
}

impl<'a> RequestValues<'a> {
    /// Reads these values from a request.
    ///
    /// ```
    /// use clerk_core::integration::RequestValues;
    ///
    /// let req = http::Request::builder()
    ///     .uri("/page?__clerk_synced=true")
    ///     .header("authorization", "Bearer abc.def.ghi")
    ///     .header("cookie", "__client_uat=0")
    ///     .body(())
    ///     .unwrap();
    /// let values = RequestValues::from_request(&req);
    /// assert_eq!(values.header_token.as_deref(), Some("abc.def.ghi"));
    /// assert_eq!(values.client_uat.as_deref(), Some("0"));
    /// assert!(values.clerk_synced);
    /// ```
    #[must_use]
    pub fn from_request<R: RequestView + ?Sized>(request: &'a R) -> Self {
        let query = request.uri_query();
        RequestValues {
            header_token: header_token(request),
            origin: header_value(request, "origin"),
            host: host(request),
            forwarded_host: header_value(request, "x-forwarded-host"),
            forwarded_port: header_value(request, "x-forwarded-port"),
            forwarded_proto: forwarded_proto(request),
            referrer: header_value(request, "referer"),
            user_agent: header_value(request, "user-agent"),
            session_cookie: non_empty_cookie(request, "__session"),
            client_uat: non_empty_cookie(request, "__client_uat"),
            clerk_synced: clerk_synced(query),
            clerk_satellite_url: clerk_satellite_url(query),
        }
    }
}

// The single values of `RequestValues`, read one at a time by `get_auth_state`, which only reads
// what its rules need.

/// `Host`, falling back to the URI authority (HTTP/2).
pub(crate) fn host<R: RequestView + ?Sized>(request: &R) -> Option<Cow<'_, str>> {
    header_value(request, "host").or_else(|| {
        request
            .authority()
            .map(http_trim)
            .filter(|a| !a.is_empty())
            .map(Cow::Borrowed)
    })
}

/// `CloudFront-Forwarded-Proto` when non-empty, else `X-Forwarded-Proto`.
pub(crate) fn forwarded_proto<R: RequestView + ?Sized>(request: &R) -> Option<Cow<'_, str>> {
    header_value(request, "cloudfront-forwarded-proto")
        .or_else(|| header_value(request, "x-forwarded-proto"))
}

/// A cookie, `None` when missing or empty.
pub(crate) fn non_empty_cookie<'a, R: RequestView + ?Sized>(
    request: &'a R,
    name: &str,
) -> Option<Cow<'a, str>> {
    request_cookie(request, name).filter(|v| !v.is_empty())
}

/// Whether the first `__clerk_synced` query parameter is exactly `true`.
pub(crate) fn clerk_synced(query: Option<&str>) -> bool {
    query_param(query, "__clerk_synced").is_some_and(|v| v == "true")
}

/// The first `__clerk_satellite_url` query parameter, when non-empty.
pub(crate) fn clerk_satellite_url(query: Option<&str>) -> Option<Cow<'_, str>> {
    query_param(query, "__clerk_satellite_url").filter(|v| !v.is_empty())
}

/// The header token alone (auth-rules §3.1): the `Authorization` value with one leading `Bearer `
/// (ASCII case-insensitive) removed, when non-empty. `get_auth_state` reads it first, so the
/// header path never parses cookies or the other headers.
pub(crate) fn header_token<R: RequestView + ?Sized>(request: &R) -> Option<Cow<'_, str>> {
    header_value(request, "authorization")
        .map(strip_bearer)
        .filter(|t| !t.is_empty())
}

/// Removes a leading `Bearer ` (ASCII case-insensitive) from an `Authorization` value.
fn strip_bearer(value: Cow<'_, str>) -> Cow<'_, str> {
    const PREFIX: &str = "bearer ";
    let has_prefix = value
        .get(..PREFIX.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(PREFIX));
    if !has_prefix {
        return value;
    }
    match value {
        Cow::Borrowed(s) => Cow::Borrowed(&s[PREFIX.len()..]),
        Cow::Owned(s) => Cow::Owned(s[PREFIX.len()..].to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(uri: &str, headers: &[(&str, &str)]) -> http::Request<()> {
        let mut b = http::Request::builder().uri(uri);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(()).unwrap()
    }

    #[test]
    fn header_semantics() {
        let r = req(
            "/",
            &[
                ("X-Forwarded-Host", " a.com "),
                ("x-forwarded-host", "b.com"),
                ("origin", "   "),
                ("user-agent", "Mozilla/5.0"),
            ],
        );
        assert_eq!(
            header_value(&r, "x-forwarded-host").as_deref(),
            Some("a.com, b.com")
        );
        assert_eq!(header_value(&r, "origin"), None);
        assert!(matches!(
            header_value(&r, "user-agent"),
            Some(Cow::Borrowed("Mozilla/5.0"))
        ));
        assert_eq!(header_value(&r, "referer"), None);
        // Non-UTF-8 values are skipped; UTF-8 non-ASCII values are kept.
        let mut r = req("/", &[]);
        r.headers_mut().append(
            "referer",
            http::HeaderValue::from_bytes(b"\xff\xfe").unwrap(),
        );
        r.headers_mut().append(
            "user-agent",
            http::HeaderValue::from_bytes("é".as_bytes()).unwrap(),
        );
        assert_eq!(header_value(&r, "referer"), None);
        assert_eq!(header_value(&r, "user-agent").as_deref(), Some("é"));
    }

    #[test]
    fn bearer_stripping() {
        let token = |v: &str| {
            let r = req("/", &[("authorization", v)]);
            RequestValues::from_request(&r)
                .header_token
                .map(Cow::into_owned)
        };
        assert_eq!(token("Bearer abc").as_deref(), Some("abc"));
        assert_eq!(token("bearer abc").as_deref(), Some("abc"));
        assert_eq!(token("BEARER abc").as_deref(), Some("abc"));
        assert_eq!(token("abc").as_deref(), Some("abc"));
        // Only as a prefix.
        assert_eq!(token("x Bearer abc").as_deref(), Some("x Bearer abc"));
        // Trimmed first: "Bearer " arrives as "Bearer", which has no "Bearer " prefix.
        assert_eq!(token("Bearer ").as_deref(), Some("Bearer"));
        assert_eq!(token("Bearer  abc").as_deref(), Some(" abc"));
        assert_eq!(token("Bearer\tabc").as_deref(), Some("Bearer\tabc"));
        assert_eq!(token(""), None);
        // Several Authorization fields are joined before stripping.
        let r = req(
            "/",
            &[("authorization", "Bearer a"), ("authorization", "b")],
        );
        assert_eq!(
            RequestValues::from_request(&r).header_token.as_deref(),
            Some("a, b")
        );
    }

    #[test]
    fn values() {
        let r = req(
            "https://internal:8080/p?__clerk_synced=true&__clerk_synced=false&__clerk_satellite_url=https%3A%2F%2Fsat.dev",
            &[
                ("origin", "https://a.com"),
                ("host", "a.com"),
                ("x-forwarded-proto", "http"),
                ("cloudfront-forwarded-proto", "https"),
                ("x-forwarded-port", "443"),
                ("referer", "https://a.com/x"),
                ("cookie", "__session=tok; __client_uat=\"0\""),
                ("cookie", "__session=later"),
            ],
        );
        let v = RequestValues::from_request(&r);
        assert_eq!(v.origin.as_deref(), Some("https://a.com"));
        assert_eq!(v.host.as_deref(), Some("a.com"));
        assert_eq!(v.forwarded_proto.as_deref(), Some("https"));
        assert_eq!(v.forwarded_port.as_deref(), Some("443"));
        assert_eq!(v.referrer.as_deref(), Some("https://a.com/x"));
        assert_eq!(v.session_cookie.as_deref(), Some("tok"));
        assert_eq!(v.client_uat.as_deref(), Some("0"));
        assert!(v.clerk_synced);
        assert_eq!(v.clerk_satellite_url.as_deref(), Some("https://sat.dev"));
        assert_eq!(v.header_token, None);
        assert_eq!(v.user_agent, None);
    }

    #[test]
    fn host_fallback_and_proto() {
        // No Host header: the URI authority is used (HTTP/2).
        let r = req(
            "https://h2.example:8443/x",
            &[("x-forwarded-proto", "https")],
        );
        let v = RequestValues::from_request(&r);
        assert_eq!(v.host.as_deref(), Some("h2.example:8443"));
        assert_eq!(v.forwarded_proto.as_deref(), Some("https"));
        // Empty CloudFront proto does not win.
        let r = req(
            "/",
            &[
                ("cloudfront-forwarded-proto", ""),
                ("x-forwarded-proto", "http"),
            ],
        );
        assert_eq!(
            RequestValues::from_request(&r).forwarded_proto.as_deref(),
            Some("http")
        );
        // Neither Host nor authority.
        let r = req("/x", &[]);
        assert_eq!(RequestValues::from_request(&r).host, None);
        // Host header wins over the authority.
        let r = req("https://auth.example/x", &[("host", "hdr.example")]);
        assert_eq!(
            RequestValues::from_request(&r).host.as_deref(),
            Some("hdr.example")
        );
    }

    #[test]
    fn query_rules() {
        let synced = |uri: &str| RequestValues::from_request(&req(uri, &[])).clerk_synced;
        assert!(synced("/?__clerk_synced=true"));
        assert!(!synced("/?__clerk_synced=false&__clerk_synced=true"));
        assert!(!synced("/?__clerk_synced=TRUE"));
        assert!(!synced("/?__clerk_synced"));
        assert!(!synced("/"));
        assert!(synced("/?a=1&__clerk_synced=%74rue"));
        let sat = |uri: &str| {
            RequestValues::from_request(&req(uri, &[]))
                .clerk_satellite_url
                .map(Cow::into_owned)
        };
        assert_eq!(sat("/?__clerk_satellite_url="), None);
        assert_eq!(
            sat("/?__clerk_satellite_url=&__clerk_satellite_url=x"),
            None
        );
        assert_eq!(sat("/?__clerk_satellite_url=a+b").as_deref(), Some("a b"));
    }

    #[test]
    fn empty_cookies_are_absent_and_parts_work() {
        let (parts, ()) = req(
            "/",
            &[
                ("cookie", "__session=; __client_uat="),
                ("Cookie", "__session=x"),
            ],
        )
        .into_parts();
        let v = RequestValues::from_request(&parts);
        // First occurrence wins even when empty; empty counts as absent.
        assert_eq!(v.session_cookie, None);
        assert_eq!(v.client_uat, None);
        assert_eq!(parts.method(), "GET");
        assert_eq!(RequestView::path(&parts), "/");
        // Through a reference.
        let by_ref: &dyn RequestView = &parts;
        assert_eq!(request_cookie(by_ref, "__session").as_deref(), Some(""));
    }
}
