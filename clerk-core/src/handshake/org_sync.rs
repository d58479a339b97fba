//! Organization sync (docs/auth-rules.md §9.8): URL patterns that name the organization a page
//! is about, so that the session's active organization follows the URL through a handshake.

use std::sync::Arc;

use super::context::Context;
use super::redirect::{Redirect, maybe_handshake};
use crate::auth::reason::{AuthReason, AuthStatus};
use crate::auth::request::RequestView;
use crate::auth::state::AuthState;
use crate::config::{ConfigError, ConfigErrorKind};
use crate::jwt::Verified;

/// Organization sync patterns (handshake protocol): when a page's path matches an organization
/// pattern naming `:id` or `:slug`, and the session's active organization is another one, the
/// request goes through a handshake that activates it; a personal-account pattern deactivates
/// the organization.
///
/// Patterns match the whole path, case-insensitively, with an optional trailing slash. They are
/// literal text with `:name` parameters (one path segment) and `(.*)` (anything).
///
/// ```
/// use clerk_core::{ClerkConfig, OrganizationSync};
///
/// let sync = OrganizationSync::new(["/orgs/:slug", "/orgs/:slug/(.*)"], ["/me", "/me/(.*)"]);
/// let config = ClerkConfig::builder()
///     .secret_key("sk_live_xxx")
///     .publishable_key("pk_live_Y2xlcmsuZXhhbXBsZS5jb20k")
///     .protocol(clerk_core::AuthProtocol::Handshake)
///     .organization_sync(sync)
///     .build()?;
/// # let _ = config;
/// # Ok::<(), clerk_core::ConfigError>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct OrganizationSync {
    organization: Vec<Pattern>,
    personal: Vec<Pattern>,
    /// Why a pattern does not compile (reported when the configuration is built).
    error: Option<String>,
}

/// What a path names.
enum Target {
    OrganizationId(String),
    OrganizationSlug(String),
    PersonalAccount,
}

impl OrganizationSync {
    /// Organization patterns (with an `:id` or `:slug` parameter) and personal-account patterns.
    #[must_use]
    pub fn new<I, S, J, T>(organization_patterns: I, personal_account_patterns: J) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
        J: IntoIterator<Item = T>,
        T: Into<String>,
    {
        let mut error = None;
        let mut compile = |patterns: Vec<String>| {
            let compiled: Result<Vec<Pattern>, String> =
                patterns.iter().map(|p| Pattern::compile(p)).collect();
            compiled.unwrap_or_else(|e| {
                error.get_or_insert(format!("Invalid pattern \"{}\": {e}", patterns.join(",")));
                Vec::new()
            })
        };
        let organization = compile(organization_patterns.into_iter().map(Into::into).collect());
        let personal = compile(
            personal_account_patterns
                .into_iter()
                .map(Into::into)
                .collect(),
        );
        Self {
            organization,
            personal,
            error,
        }
    }

    /// The configuration error of a pattern that does not compile.
    pub(crate) fn check(&self) -> Result<(), ConfigError> {
        match &self.error {
            None => Ok(()),
            Some(message) => Err(ConfigError::new(
                ConfigErrorKind::InvalidOrganizationPattern,
                "organization_sync",
                message.clone(),
                "Use literal paths with `:id`/`:slug` parameters and `(.*)`, e.g. /orgs/:slug/(.*).",
            )),
        }
    }

    fn target(&self, path: &str) -> Option<Target> {
        for pattern in &self.organization {
            if let Some(params) = pattern.matches(path) {
                let get = |name: &str| {
                    params
                        .iter()
                        .find(|(n, _)| n == name)
                        .map(|(_, v)| v.clone())
                };
                if let Some(id) = get("id") {
                    return Some(Target::OrganizationId(id));
                }
                if let Some(slug) = get("slug") {
                    return Some(Target::OrganizationSlug(slug));
                }
                break;
            }
        }
        self.personal
            .iter()
            .any(|p| p.matches(path).is_some())
            .then_some(Target::PersonalAccount)
    }
}

/// The `organization_id` of handshake URLs when the request path matches a pattern: the id or
/// slug it names, `""` for a personal-account path.
pub(crate) fn url_organization<R: RequestView + ?Sized>(ctx: &Context<'_, R>) -> Option<String> {
    let sync = ctx.settings.organization_sync.as_ref()?;
    Some(match sync.target(ctx.request.path())? {
        Target::OrganizationId(v) | Target::OrganizationSlug(v) => v,
        Target::PersonalAccount => String::new(),
    })
}

/// R16: a handshake activating the organization the path names, when it is not the active one.
pub(crate) fn activation<R: RequestView + ?Sized>(
    ctx: &Context<'_, R>,
    verified: &Arc<Verified>,
) -> Option<AuthState> {
    let sync = ctx.settings.organization_sync.as_ref()?;
    if verified.claims.is_pending() {
        return None;
    }
    let org = verified.claims.organization();
    let needed = match sync.target(ctx.request.path())? {
        Target::OrganizationId(id) => org.is_none_or(|o| o.id != id),
        Target::OrganizationSlug(slug) => org.is_none_or(|o| o.slug.as_deref() != Some(&slug)),
        Target::PersonalAccount => org.is_some(),
    };
    if !needed {
        return None;
    }
    if ctx.redirect_count() >= 3.0 {
        tracing::warn!(
            "clerk: the active organization does not match the URL, and the handshake redirect limit is reached; the request goes on"
        );
        return None;
    }
    let state = maybe_handshake(
        ctx,
        AuthReason::ActiveOrganizationMismatch,
        "",
        Redirect::Handshake,
    );
    (state.status() == AuthStatus::Handshake).then_some(state)
}

/// A compiled path pattern.
#[derive(Clone, Debug)]
struct Pattern(Vec<Token>);

#[derive(Clone, Debug)]
enum Token {
    Literal(String),
    /// `:name`: one or more characters other than `/`, `#`, `?`.
    Param(String),
    /// `(.*)`: anything.
    Any,
}

impl Pattern {
    fn compile(pattern: &str) -> Result<Self, String> {
        let mut tokens = Vec::new();
        let mut literal = String::new();
        let mut chars = pattern.chars().peekable();
        let flush = |literal: &mut String, tokens: &mut Vec<Token>| {
            if !literal.is_empty() {
                tokens.push(Token::Literal(std::mem::take(literal).to_lowercase()));
            }
        };
        while let Some(c) = chars.next() {
            match c {
                '\\' => literal.push(chars.next().ok_or("trailing escape")?),
                ':' => {
                    let mut name = String::new();
                    while let Some(&n) = chars
                        .peek()
                        .filter(|n| n.is_ascii_alphanumeric() || **n == '_')
                    {
                        name.push(n);
                        chars.next();
                    }
                    if name.is_empty() {
                        return Err(format!("Missing parameter name at {}", tokens.len()));
                    }
                    flush(&mut literal, &mut tokens);
                    tokens.push(Token::Param(name));
                }
                '(' => {
                    let mut inner = String::new();
                    for n in chars.by_ref() {
                        if n == ')' {
                            break;
                        }
                        inner.push(n);
                    }
                    if inner != ".*" {
                        return Err(format!("Unsupported group \"({inner})\""));
                    }
                    flush(&mut literal, &mut tokens);
                    tokens.push(Token::Any);
                }
                '*' | '+' | '?' | '{' | '}' | ')' => {
                    return Err(format!("Unexpected {c:?}"));
                }
                c => literal.push(c),
            }
        }
        flush(&mut literal, &mut tokens);
        Ok(Self(tokens))
    }

    /// The parameters when `path` matches (the whole path, any case, one optional trailing `/`).
    fn matches(&self, path: &str) -> Option<Vec<(String, String)>> {
        let lower = path.to_lowercase();
        if lower.len() != path.len() {
            return None;
        }
        let mut params = Vec::new();
        if match_from(&self.0, path, &lower, &mut params) {
            Some(params)
        } else {
            None
        }
    }
}

fn match_from(
    tokens: &[Token],
    path: &str,
    lower: &str,
    params: &mut Vec<(String, String)>,
) -> bool {
    let Some((token, rest)) = tokens.split_first() else {
        return path.is_empty() || path == "/";
    };
    match token {
        Token::Literal(text) => {
            lower.starts_with(text.as_str())
                && match_from(rest, &path[text.len()..], &lower[text.len()..], params)
        }
        Token::Param(name) => {
            let limit = path.find(['/', '#', '?']).unwrap_or(path.len());
            for end in 1..=limit {
                if !path.is_char_boundary(end) {
                    continue;
                }
                params.push((name.clone(), path[..end].to_owned()));
                if match_from(rest, &path[end..], &lower[end..], params) {
                    return true;
                }
                params.pop();
            }
            false
        }
        Token::Any => (0..=path.len()).any(|end| {
            path.is_char_boundary(end) && match_from(rest, &path[end..], &lower[end..], params)
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        let p = Pattern::compile("/orgs/:slug").unwrap();
        assert_eq!(
            p.matches("/orgs/Globex").unwrap(),
            vec![("slug".to_owned(), "Globex".to_owned())]
        );
        assert!(p.matches("/orgs/globex/").is_some());
        assert!(p.matches("/ORGS/globex").is_some());
        assert!(p.matches("/orgs/globex/x").is_none());
        assert!(p.matches("/orgs/").is_none());
        let p = Pattern::compile("/orgs/:slug/(.*)").unwrap();
        assert!(p.matches("/orgs/a/b/c").is_some());
        assert!(Pattern::compile("/orgs/:slug?").is_err());
        assert!(Pattern::compile("/x/(\\d+)").is_err());
        assert!(
            OrganizationSync::new(["/a/:"], Vec::<String>::new())
                .check()
                .is_err()
        );
    }
}
