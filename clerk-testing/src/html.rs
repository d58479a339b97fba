//! HTML escaping, shared by the emulator's pages and the example apps.

/// Escapes `text` for HTML element content and attribute values: `&`, `<`, `>`, `"` and `'`
/// become `&amp;`, `&lt;`, `&gt;`, `&quot;` and `&#39;`; everything else stays as it is.
///
/// ```
/// assert_eq!(
///     clerk_testing::escape_html("<b title=\"x\">Tom & Jerry's</b>"),
///     "&lt;b title=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/b&gt;",
/// );
/// ```
#[must_use]
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
