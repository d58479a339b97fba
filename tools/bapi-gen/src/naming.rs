//! Rust names from spec names, and doc text from spec descriptions.

/// Split `GetJWTTemplate`, `verification_otp`, `JWKS.ed25519.PublicKey`, `frontendApi` into
/// lower-case words.
fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if c.is_ascii_uppercase() && !cur.is_empty() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            // `aB` starts a word; so does the last capital of `ABc` (`JWTTemplate`).
            // After a digit only when a word follows (`Web3Wallet`, but `M2MToken`).
            if prev.is_ascii_lowercase()
                || (prev.is_ascii_digit() && next_lower)
                || (prev.is_ascii_uppercase() && next_lower)
            {
                out.push(std::mem::take(&mut cur));
            }
        }
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `GetJWTTemplate` -> `GetJwtTemplate`, `verification_otp` -> `VerificationOtp`.
pub(crate) fn upper_camel(s: &str) -> String {
    let mut out = String::new();
    for w in words(s) {
        let mut cs = w.chars();
        if let Some(f) = cs.next() {
            out.push(f.to_ascii_uppercase());
            out.extend(cs);
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    if out.is_empty() {
        out.push_str("Empty");
    }
    out
}

/// `frontendApi` -> `frontend_api`, with keywords escaped as `type_`.
pub(crate) fn snake(s: &str) -> String {
    let mut out = words(s).join("_");
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "box", "break", "const", "continue", "crate", "dyn", "else", "enum",
    "extern", "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod",
    "move", "mut", "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true",
    "try", "type", "unsafe", "use", "where", "while", "yield",
];

/// The first paragraph of a spec description as one line of Markdown that rustdoc accepts
/// without warnings: brackets and angle brackets escaped (no accidental links or HTML), URLs
/// in code spans (no bare URLs).
pub(crate) fn doc_line(s: &str) -> String {
    let para = s.split("\n\n").next().unwrap_or_default();
    let mut out = String::new();
    for word in para.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        if word.contains("http://") || word.contains("https://") {
            out.push('`');
            out.push_str(&word.replace('`', ""));
            out.push('`');
            continue;
        }
        for c in word.chars() {
            match c {
                '[' | ']' | '<' | '>' | '*' | '_' | '#' | '|' => {
                    if in_code(&out) {
                        out.push(c);
                    } else {
                        out.push('\\');
                        out.push(c);
                    }
                }
                _ => out.push(c),
            }
        }
    }
    // An unbalanced code span would swallow what follows in the generated docs.
    if out.matches('`').count() % 2 == 1 {
        out = out.replace('`', "");
    }
    out.trim_end_matches(':').to_owned()
}

/// Whether the text so far leaves us inside a code span.
fn in_code(s: &str) -> bool {
    s.matches('`').count() % 2 == 1
}

/// A sentence with a final period.
pub(crate) fn sentence(s: &str) -> String {
    let s = s.trim();
    if s.is_empty() || s.ends_with('.') || s.ends_with('!') || s.ends_with('?') {
        s.to_owned()
    } else {
        format!("{s}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(upper_camel("GetJWTTemplate"), "GetJwtTemplate");
        assert_eq!(upper_camel("createM2MToken"), "CreateM2mToken");
        assert_eq!(upper_camel("verification_otp"), "VerificationOtp");
        assert_eq!(
            upper_camel("JWKS.ed25519.PublicKey"),
            "JwksEd25519PublicKey"
        );
        assert_eq!(upper_camel("Invitation.Revoked"), "InvitationRevoked");
        assert_eq!(upper_camel("org:admin"), "OrgAdmin");
        assert_eq!(upper_camel("2fa"), "V2fa");
        assert_eq!(snake("frontendApi"), "frontend_api");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("statementID"), "statement_id");
        assert_eq!(snake("GetOAuthApplication"), "get_o_auth_application");
    }

    #[test]
    fn doc_lines_are_rustdoc_safe() {
        assert_eq!(
            doc_line("See [docs](https://clerk.com/x) <b>now</b>:\n\nmore"),
            r"See `[docs](https://clerk.com/x)` \<b\>now\</b\>"
        );
        assert_eq!(doc_line("the `user_id` field"), "the `user_id` field");
        assert_eq!(doc_line("a user_id"), r"a user\_id");
    }
}
