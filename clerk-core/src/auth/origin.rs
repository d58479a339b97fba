//! The cross-origin test (docs/auth-rules.md §3.3), JavaScript `parseInt` (rule C8) and the
//! browser user-agent test (§3.2).

use std::fmt;

use url::Url;

use super::cookies::is_js_whitespace;

/// A URL that the WHATWG URL parser rejects. Its `Display` is exactly `Invalid URL`, the text the
/// auth state carries as its message (auth-rules §3.3, K5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InvalidUrl;

impl fmt::Display for InvalidUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Invalid URL")
    }
}

impl std::error::Error for InvalidUrl {}

/// Whether the URL `u` (an `Origin` or `Referer` value) is cross-origin to the request's own
/// origin, built from the forwarded host or `Host` and the forwarded proto (auth-rules §3.3).
///
/// * `forwarded_host` / `forwarded_proto`: when present (non-empty), their text before the first
///   `,` is used, untrimmed; the scheme falls back to the scheme of `u`.
/// * A missing or empty host or scheme means **not** cross-origin.
/// * Origins are compared by their ASCII serialisation (default ports dropped, lower case,
///   IPv6 in brackets; non-special schemes serialise as `null` on both sides and are equal).
///
/// # Errors
///
/// [`InvalidUrl`] when `u` (for example `null`) or `<scheme>://<host>` does not parse.
///
/// ```
/// use clerk_core::integration::is_cross_origin;
///
/// assert_eq!(is_cross_origin("https://app.example", Some("app.example"), None, None), Ok(false));
/// assert_eq!(is_cross_origin("https://evil.example", Some("app.example"), None, None), Ok(true));
/// assert!(is_cross_origin("null", Some("app.example"), None, None).is_err());
/// ```
pub fn is_cross_origin(
    u: &str,
    host: Option<&str>,
    forwarded_host: Option<&str>,
    forwarded_proto: Option<&str>,
) -> Result<bool, InvalidUrl> {
    let url = Url::parse(u).map_err(|_| InvalidUrl)?;
    let host = match forwarded_host.filter(|h| !h.is_empty()) {
        Some(fwd) => first_value(fwd),
        None => host.unwrap_or(""),
    };
    let scheme = match forwarded_proto.filter(|p| !p.is_empty()) {
        Some(fwd) => first_value(fwd),
        None => url.scheme(),
    };
    if host.is_empty() || scheme.is_empty() {
        return Ok(false);
    }
    let own = Url::parse(&format!("{scheme}://{host}")).map_err(|_| InvalidUrl)?;
    Ok(own.origin().ascii_serialization() != url.origin().ascii_serialization())
}

fn first_value(s: &str) -> &str {
    s.split(',').next().unwrap_or(s)
}

/// JavaScript `parseInt(s)` (radix omitted), as used on `__client_uat` (auth-rules §3.2, K6).
///
/// Leading whitespace is skipped, an optional `+`/`-` accepted, a `0x`/`0X` prefix selects
/// hexadecimal, and the longest run of digits is read; no digits gives `None` (JavaScript `NaN`).
/// Returned as `f64` like JavaScript: huge inputs give large (or infinite) values, never a panic.
///
/// ```
/// use clerk_core::integration::js_parse_int;
///
/// assert_eq!(js_parse_int("0x10"), Some(16.0));
/// assert_eq!(js_parse_int(" 5"), Some(5.0));
/// assert_eq!(js_parse_int("12abc"), Some(12.0));
/// assert_eq!(js_parse_int("abc"), None);
/// ```
#[must_use]
pub fn js_parse_int(s: &str) -> Option<f64> {
    let s = s.trim_start_matches(is_js_whitespace);
    let (negative, s) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let value = if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        let digits = hex.bytes().take_while(u8::is_ascii_hexdigit).count();
        if digits == 0 {
            return None;
        }
        hex.as_bytes()[..digits].iter().fold(0f64, |acc, &b| {
            let d = (b as char).to_digit(16).unwrap_or(0);
            acc * 16.0 + f64::from(d)
        })
    } else {
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        // Correctly rounded decimal conversion; overflow gives infinity, as in JavaScript.
        s[..digits].parse::<f64>().ok()?
    };
    Some(if negative { -value } else { value })
}

/// Whether a user agent belongs to a browser by Clerk's test (auth-rules §3.2): it starts with
/// `Mozilla/` or contains `Amazon CloudFront` (case-sensitive). An absent UA is `""`.
///
/// ```
/// assert!(clerk_core::integration::is_browser_user_agent("Mozilla/5.0 (X11; Linux x86_64)"));
/// assert!(!clerk_core::integration::is_browser_user_agent("curl/8.0"));
/// ```
#[must_use]
pub fn is_browser_user_agent(user_agent: &str) -> bool {
    user_agent.starts_with("Mozilla/") || user_agent.contains("Amazon CloudFront")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn co(
        u: &str,
        host: Option<&str>,
        fh: Option<&str>,
        fp: Option<&str>,
    ) -> Result<bool, InvalidUrl> {
        is_cross_origin(u, host, fh, fp)
    }

    #[test]
    fn same_and_cross() {
        assert_eq!(
            co("https://example.com", Some("example.com"), None, None),
            Ok(false)
        );
        assert_eq!(
            co("https://other.com", Some("example.com"), None, None),
            Ok(true)
        );
        // Case-insensitive host and scheme.
        assert_eq!(
            co("HTTPS://EXAMPLE.com", Some("Example.COM"), None, None),
            Ok(false)
        );
        assert_eq!(
            co(
                "https://example.com",
                Some("example.com"),
                None,
                Some("HTTPS")
            ),
            Ok(false)
        );
        // Different port.
        assert_eq!(
            co("https://example.com:8443", Some("example.com"), None, None),
            Ok(true)
        );
        assert_eq!(
            co("http://localhost:3000", Some("localhost:3000"), None, None),
            Ok(false)
        );
        assert_eq!(
            co("http://localhost:3000", Some("localhost:3001"), None, None),
            Ok(true)
        );
    }

    #[test]
    fn default_ports_dropped() {
        assert_eq!(
            co("https://example.com", Some("example.com:443"), None, None),
            Ok(false)
        );
        assert_eq!(
            co("https://example.com:443", Some("example.com"), None, None),
            Ok(false)
        );
        assert_eq!(
            co("http://example.com", Some("example.com:80"), None, None),
            Ok(false)
        );
        assert_eq!(
            co("http://example.com:80", Some("example.com"), None, None),
            Ok(false)
        );
        // 80 is not the default of https.
        assert_eq!(
            co("https://example.com", Some("example.com:80"), None, None),
            Ok(true)
        );
    }

    #[test]
    fn ipv6() {
        assert_eq!(
            co("http://[::1]:3000", Some("[::1]:3000"), None, None),
            Ok(false)
        );
        assert_eq!(
            co("http://[0:0::1]:3000", Some("[::1]:3000"), None, None),
            Ok(false)
        );
        assert_eq!(
            co("https://[::1]", Some("[::1]:443"), None, None),
            Ok(false)
        );
        assert_eq!(
            co("http://[::1]:3000", Some("[::2]:3000"), None, None),
            Ok(true)
        );
        // An unbracketed IPv6 host does not parse.
        assert_eq!(co("http://[::1]", Some("::1"), None, None), Err(InvalidUrl));
    }

    #[test]
    fn forwarded_headers() {
        // Forwarded host wins over host.
        assert_eq!(
            co(
                "https://public.com",
                Some("internal:8080"),
                Some("public.com"),
                None
            ),
            Ok(false)
        );
        assert_eq!(
            co(
                "https://public.com",
                Some("public.com"),
                Some("internal:8080"),
                None
            ),
            Ok(true)
        );
        // Forwarded proto wins over the origin's scheme.
        assert_eq!(
            co(
                "http://example.com",
                Some("example.com"),
                None,
                Some("https")
            ),
            Ok(true)
        );
        assert_eq!(
            co(
                "https://example.com",
                Some("example.com"),
                None,
                Some("https")
            ),
            Ok(false)
        );
        // Without a forwarded proto, an http origin against an https site looks same-origin.
        assert_eq!(
            co("http://example.com", Some("example.com"), None, None),
            Ok(false)
        );
        // Comma lists: first element only.
        assert_eq!(
            co(
                "https://a.com",
                Some("x"),
                Some("a.com,b.com"),
                Some("https,http")
            ),
            Ok(false)
        );
        assert_eq!(
            co("https://b.com", Some("x"), Some("a.com,b.com"), None),
            Ok(true)
        );
        // The first element is not trimmed: "https " makes the built URL invalid.
        assert_eq!(
            co("https://a.com", Some("a.com"), None, Some("https ,http")),
            Err(InvalidUrl)
        );
        // Empty forwarded values count as absent.
        assert_eq!(
            co("https://a.com", Some("a.com"), Some(""), Some("")),
            Ok(false)
        );
        // A list starting with a comma has an empty first element: no host, not cross-origin.
        assert_eq!(
            co("https://a.com", Some("b.com"), Some(",a.com"), None),
            Ok(false)
        );
    }

    #[test]
    fn origin_with_path_and_non_special() {
        assert_eq!(
            co(
                "https://example.com/some/path?q=1",
                Some("example.com"),
                None,
                None
            ),
            Ok(false)
        );
        assert_eq!(
            co(
                "https://example.com/x",
                Some("example.com:8080"),
                None,
                None
            ),
            Ok(true)
        );
        // Non-special schemes: both origins are opaque ("null") and compare equal.
        assert_eq!(
            co("chrome-extension://abc", Some("example.com"), None, None),
            Ok(false)
        );
        assert_eq!(co("foo://bar", Some("example.com"), None, None), Ok(false));
    }

    #[test]
    fn invalid_and_missing() {
        let err = co("null", Some("example.com"), None, None).unwrap_err();
        assert_eq!(err.to_string(), "Invalid URL");
        assert_eq!(co("", Some("example.com"), None, None), Err(InvalidUrl));
        assert_eq!(
            co("/relative", Some("example.com"), None, None),
            Err(InvalidUrl)
        );
        // No host information at all: never cross-origin.
        assert_eq!(co("https://evil.com", None, None, None), Ok(false));
        assert_eq!(co("https://evil.com", Some(""), None, None), Ok(false));
        // A host that cannot form a URL.
        assert_eq!(
            co("https://a.com", Some("exa mple.com"), None, None),
            Err(InvalidUrl)
        );
        // A host with a path is parsed by the URL parser like JavaScript does.
        assert_eq!(co("https://a.com", Some("a.com/x"), None, None), Ok(false));
    }

    /// The cross-origin inputs of vectors D301–D315 (cross-origin ⇔ the case is signed out).
    #[test]
    fn spec_vectors_d3xx() {
        type Case<'a> = (
            &'a str,
            Option<&'a str>,
            Option<&'a str>,
            Option<&'a str>,
            bool,
        );
        #[rustfmt::skip]
        let cases: &[Case<'_>] = &[
            ("http://[::1]", Some("[::1]"), None, None, false),
            ("https://localhost:443", Some("localhost"), None, None, false),
            ("https://localhost:80", Some("localhost:443"), None, None, true),
            ("https://localhost", Some("someserver"), Some("localhost"), Some("http"), true),
            ("https://localhost", Some("localhost"), None, Some("http"), true),
            ("https://accounts.clerk.com", Some("localhost"), None, None, true),
            ("https://localhost:443", Some("localhost:3001"), None, None, true),
            ("http://localhost:3000", Some("127.0.0.1:3000"), Some("localhost:3000"), None, false),
            ("http://localhost:3000", Some("127.0.0.1:3000"), Some("localhost:4000"), None, true),
            ("http://localhost", Some("localhost"), None, None, false),
            ("https://localhost", Some("localhost"), None, None, false),
            ("https://main.d38v5rl8fqcx2i.amplifyapp.com", Some("prod.eu-central-1.gateway.amplify.aws.dev"),
                Some("main.d38v5rl8fqcx2i.amplifyapp.com"), Some("https,http"), false),
            ("https://aws-clerk-nextjs-production.up.railway.app", Some("aws-clerk-nextjs-production.up.railway.app"),
                Some("aws-clerk-nextjs-production.up.railway.app"), Some("https,http"), false),
            ("http://localhost:4011/protected", Some("localhost:4011"), Some("localhost:4011"), Some("http"), false),
            ("http://example.com/", None, Some("example.com"), None, false),
        ];
        for (i, (u, host, fh, fp, expected)) in cases.iter().enumerate() {
            assert_eq!(co(u, *host, *fh, *fp), Ok(*expected), "case {i}: {u}");
        }
    }

    #[test]
    fn parse_int() {
        assert_eq!(js_parse_int("0x10"), Some(16.0));
        assert_eq!(js_parse_int("0XfF"), Some(255.0));
        assert_eq!(js_parse_int("-0x10"), Some(-16.0));
        assert_eq!(js_parse_int("0x"), None);
        assert_eq!(js_parse_int("0xg"), None);
        assert_eq!(js_parse_int(" 5"), Some(5.0));
        assert_eq!(js_parse_int("\n\t\u{a0}\u{feff}7"), Some(7.0));
        assert_eq!(js_parse_int("12abc"), Some(12.0));
        assert_eq!(js_parse_int("1.9"), Some(1.0));
        assert_eq!(js_parse_int("+3"), Some(3.0));
        assert_eq!(js_parse_int("-1"), Some(-1.0));
        assert_eq!(js_parse_int("abc"), None);
        assert_eq!(js_parse_int(""), None);
        assert_eq!(js_parse_int("-"), None);
        assert_eq!(js_parse_int("+-1"), None);
        assert_eq!(js_parse_int("1e3"), Some(1.0));
        let zero = js_parse_int("00").unwrap();
        assert!(zero <= 0.0);
        assert!(js_parse_int("-0").unwrap() <= 0.0);
        assert!(js_parse_int("-1").unwrap() <= 0.0);
        // Huge inputs: no panic, JS-like values.
        assert_eq!(js_parse_int("99999999999999999999999"), Some(1e23));
        let long = "9".repeat(400);
        assert_eq!(js_parse_int(&long), Some(f64::INFINITY));
        let long_hex = format!("0x{}", "f".repeat(400));
        assert_eq!(js_parse_int(&long_hex), Some(f64::INFINITY));
        assert_eq!(js_parse_int("1700000000"), Some(1_700_000_000.0));
    }

    #[test]
    fn browser_ua() {
        assert!(is_browser_user_agent("Mozilla/5.0"));
        assert!(is_browser_user_agent("Amazon CloudFront"));
        assert!(is_browser_user_agent("x Amazon CloudFront y"));
        assert!(!is_browser_user_agent("mozilla/5.0"));
        assert!(!is_browser_user_agent(" Mozilla/5.0"));
        assert!(!is_browser_user_agent("Mozilla"));
        assert!(!is_browser_user_agent(""));
        assert!(!is_browser_user_agent("curl/7.0"));
    }
}
