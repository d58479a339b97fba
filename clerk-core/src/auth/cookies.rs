//! `Cookie` header parsing as Clerk's JavaScript SDK does it (docs/auth-rules.md §2.2, the `cookie`
//! 0.5.0 rules), with the decode-once fix (D10) and several `Cookie` fields joined with `"; "` (D11).

use std::borrow::Cow;

/// Looks up one cookie in a `Cookie` header value without building a map.
///
/// Rules (auth-rules §2.2): the header is split on `;`; in each piece the name is the text before the
/// first `=`, trimmed (pieces without `=` are skipped); the value is the rest, trimmed, with its
/// first and last characters dropped when it starts with `"`; a value containing `%` is
/// percent-decoded once as UTF-8, keeping the raw value when that fails. The **first**
/// occurrence of a name wins. An empty value is returned as `Some("")`.
///
/// ```
/// use clerk_core::integration::get_cookie;
///
/// let header = r#"a=1; __session="tok%20en"; __session=second"#;
/// assert_eq!(get_cookie(header, "__session").as_deref(), Some("tok en"));
/// assert_eq!(get_cookie(header, "missing"), None);
/// ```
#[must_use]
pub fn get_cookie<'a>(header: &'a str, name: &str) -> Option<Cow<'a, str>> {
    raw_pairs(header)
        .find(|(key, _)| *key == name)
        .map(|(_, value)| decode_cookie_value(value))
}

/// Looks up one cookie across several `Cookie` header fields, as if they were joined with `"; "`
/// (auth-rules D11). The first occurrence in field order wins.
///
/// ```
/// use clerk_core::integration::get_cookie_from_fields;
///
/// let fields = ["a=1", "__client_uat=0; __client_uat=1"];
/// assert_eq!(get_cookie_from_fields(fields, "__client_uat").as_deref(), Some("0"));
/// ```
#[must_use]
pub fn get_cookie_from_fields<'a, I>(fields: I, name: &str) -> Option<Cow<'a, str>>
where
    I: IntoIterator<Item = &'a str>,
{
    fields.into_iter().find_map(|field| get_cookie(field, name))
}

/// Iterates over the `(name, value)` pairs of a `Cookie` header in order, duplicates included,
/// with the same parsing rules as [`get_cookie`]. Callers that want "first wins" must skip later
/// duplicates themselves.
pub fn cookie_pairs(header: &str) -> impl Iterator<Item = (&str, Cow<'_, str>)> {
    raw_pairs(header).map(|(k, v)| (k, decode_cookie_value(v)))
}

/// `(name, raw value)` pairs: trimmed, surrounding quotes dropped, not yet decoded.
fn raw_pairs(header: &str) -> impl Iterator<Item = (&str, &str)> {
    header.split(';').filter_map(|piece| {
        let eq = piece.find('=')?;
        let key = js_trim(&piece[..eq]);
        let mut value = js_trim(&piece[eq + 1..]);
        if value.starts_with('"') {
            // JS `val.slice(1, -1)`: drop the first and the last character (if any).
            let inner = &value[1..];
            value = match inner.char_indices().last() {
                Some((i, _)) => &inner[..i],
                None => inner,
            };
        }
        Some((key, value))
    })
}

fn decode_cookie_value(value: &str) -> Cow<'_, str> {
    if value.contains('%') {
        match decode_uri_component(value) {
            Some(decoded) => Cow::Owned(decoded),
            None => Cow::Borrowed(value),
        }
    } else {
        Cow::Borrowed(value)
    }
}

/// JavaScript `decodeURIComponent`: every `%XX` is decoded; a `%` not followed by two hex digits,
/// or a result that is not UTF-8, is an error (`None`).
pub(crate) fn decode_uri_component(input: &str) -> Option<String> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hi = hex_value(*bytes.get(i + 1)?)?;
            let lo = hex_value(*bytes.get(i + 2)?)?;
            out.push(hi << 4 | lo);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// JavaScript `String.prototype.trim`: removes WhiteSpace and LineTerminator code points.
pub(crate) fn js_trim(s: &str) -> &str {
    s.trim_matches(is_js_whitespace)
}

/// JavaScript WhiteSpace or LineTerminator (ECMA-262 §12.2, §12.3).
pub(crate) fn is_js_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t' | '\u{b}'
            | '\u{c}'
            | ' '
            | '\u{a0}'
            | '\u{feff}'
            | '\n'
            | '\r'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(h: &str, n: &str) -> Option<String> {
        get_cookie(h, n).map(Cow::into_owned)
    }

    #[test]
    fn basic_and_whitespace() {
        let h = "  __session = abc ;__client_uat=123;other=x";
        assert_eq!(get(h, "__session").as_deref(), Some("abc"));
        assert_eq!(get(h, "__client_uat").as_deref(), Some("123"));
        assert_eq!(get(h, "other").as_deref(), Some("x"));
        assert_eq!(get(h, "nope"), None);
        // Names are case-sensitive.
        assert_eq!(get(h, "__SESSION"), None);
        // Tabs and other JS whitespace are trimmed too.
        assert_eq!(
            get("\t__session=\u{feff}v\u{a0}", "__session").as_deref(),
            Some("v")
        );
    }

    #[test]
    fn quotes() {
        assert_eq!(get(r#"a="quoted""#, "a").as_deref(), Some("quoted"));
        assert_eq!(get(r#"a= "quoted" "#, "a").as_deref(), Some("quoted"));
        // Starts with a quote: first and last characters dropped, whatever the last one is.
        assert_eq!(get(r#"a="abc"#, "a").as_deref(), Some("ab"));
        assert_eq!(get(r#"a=""#, "a").as_deref(), Some(""));
        assert_eq!(get(r#"a="é""#, "a").as_deref(), Some("é"));
        // A quote only at the end is kept.
        assert_eq!(get(r#"a=abc""#, "a").as_deref(), Some(r#"abc""#));
        // Quoted "0" is "0" after parsing (relevant for `__client_uat`).
        assert_eq!(
            get(r#"__client_uat="0""#, "__client_uat").as_deref(),
            Some("0")
        );
    }

    #[test]
    fn duplicates_first_wins() {
        let h = "__session=first; __session=second";
        assert_eq!(get(h, "__session").as_deref(), Some("first"));
        // Even when the first is empty.
        assert_eq!(get("a=; a=x", "a").as_deref(), Some(""));
        let all: Vec<_> = cookie_pairs(h).collect();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].1, "second");
    }

    #[test]
    fn several_fields() {
        let fields = ["a=1; __session=one", "__session=two; b=2"];
        assert_eq!(
            get_cookie_from_fields(fields, "__session").as_deref(),
            Some("one")
        );
        assert_eq!(get_cookie_from_fields(fields, "b").as_deref(), Some("2"));
        // A field without trailing `;` does not swallow the next field's first cookie.
        let fields = ["a=1", "__session=two"];
        assert_eq!(
            get_cookie_from_fields(fields, "__session").as_deref(),
            Some("two")
        );
        assert_eq!(get_cookie_from_fields(fields, "a").as_deref(), Some("1"));
        assert_eq!(get_cookie_from_fields([], "a"), None);
    }

    #[test]
    fn percent_decoding_once_never_fails() {
        assert_eq!(get("a=%ZZ", "a").as_deref(), Some("%ZZ"));
        assert_eq!(get("a=%", "a").as_deref(), Some("%"));
        assert_eq!(get("a=abc%2", "a").as_deref(), Some("abc%2"));
        assert_eq!(get("a=a%20b", "a").as_deref(), Some("a b"));
        assert_eq!(get("a=%C3%A9", "a").as_deref(), Some("é"));
        // Invalid UTF-8 after decoding: raw kept.
        assert_eq!(get("a=%FF", "a").as_deref(), Some("%FF"));
        // Decoded once only: %2541 -> %41, not A.
        assert_eq!(get("a=%2541", "a").as_deref(), Some("%41"));
        // `+` is not a space in cookies.
        assert_eq!(get("a=a+b%21", "a").as_deref(), Some("a+b!"));
        // Borrowed when nothing to decode.
        assert!(matches!(
            get_cookie("a=plain", "a"),
            Some(Cow::Borrowed("plain"))
        ));
        // Quotes are dropped before decoding.
        assert_eq!(get(r#"a="%41""#, "a").as_deref(), Some("A"));
    }

    #[test]
    fn pieces_without_equals_and_empty_values() {
        let h = "junk; ; a; b=; =nameless; c==x; d=e=f";
        assert_eq!(get(h, "a"), None);
        assert_eq!(get(h, "junk"), None);
        assert_eq!(get(h, "b").as_deref(), Some(""));
        assert_eq!(get(h, "").as_deref(), Some("nameless"));
        assert_eq!(get(h, "c").as_deref(), Some("=x"));
        assert_eq!(get(h, "d").as_deref(), Some("e=f"));
        assert_eq!(get("", "a"), None);
        assert_eq!(get(";;;", "a"), None);
    }
}
