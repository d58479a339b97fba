//! Parsing the attribute arguments: `roles = [...]`, `permissions = [...]`, `features = [...]`,
//! `plans = [...]`, `reverification = "..."`, `token = [...]`, `scopes = [...]`, `crate = "..."`.
//!
//! Parsing never stops at the first mistake it can recover from: an unknown or duplicate
//! argument, an empty list, a non-string element or a bad `crate` path is recorded in
//! [`Errors`] and parsing goes on, so every mistake is reported at once. Only malformed syntax
//! (say, a missing comma) ends parsing early.

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::meta::ParseNestedMeta;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned as _;
use syn::{Expr, ExprLit, Lit, LitStr, Path, Token};

use crate::Errors;

/// The arguments that `#[clerk_protected(...)]` accepts, in the order the docs list them.
const VALID: &str = "`roles = [...]`, `permissions = [...]`, `features = [...]`, `plans = [...]`, \
                     `reverification = \"...\"`, `token = [...]`, `scopes = [...]` and `crate = \"...\"`";

/// The argument names, for "did you mean" hints.
const NAMES: [&str; 8] = [
    "roles",
    "permissions",
    "features",
    "plans",
    "reverification",
    "token",
    "scopes",
    "crate",
];

/// The reverification levels `reverification = "..."` accepts (clerk-core's
/// `Reverification::parse`).
pub(crate) const LEVELS: [&str; 4] = ["strict_mfa", "strict", "moderate", "lax"];

/// The parsed arguments. Lists are `None` when absent; duplicates and invalid values are
/// reported, not stored.
#[derive(Debug, Default)]
pub(crate) struct Args {
    /// `roles = ["org:admin", ...]`: any of them passes.
    pub(crate) roles: Option<Vec<LitStr>>,
    /// `permissions = ["org:invoices:read", ...]`: all of them are needed.
    pub(crate) permissions: Option<Vec<LitStr>>,
    /// `features = ["dashboard", "o:reports"]`: all of them are needed.
    pub(crate) features: Option<Vec<LitStr>>,
    /// `plans = ["pro"]`: all of them are needed.
    pub(crate) plans: Option<Vec<LitStr>>,
    /// `reverification = "strict"`: one level, checked here against [`LEVELS`].
    pub(crate) reverification: Option<LitStr>,
    /// `token = ["api_key", "m2m_token"]`: the token types the route accepts.
    pub(crate) tokens: Option<Vec<LitStr>>,
    /// `scopes = ["invoices:read"]`: all of them are needed of a machine token.
    pub(crate) scopes: Option<Vec<LitStr>>,
    /// Where each given argument's name is, for errors about combinations.
    pub(crate) names: Vec<(&'static str, Span)>,
    /// `crate = "my_app::auth"`: where `Protected` and `__private::Policy` live.
    pub(crate) krate: Option<Path>,
}

/// Which list an argument holds; decides the wording of messages and examples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListKind {
    Roles,
    Permissions,
    Features,
    Plans,
    Tokens,
    Scopes,
}

impl ListKind {
    /// The argument's name.
    pub(crate) fn key(self) -> &'static str {
        match self {
            ListKind::Roles => "roles",
            ListKind::Permissions => "permissions",
            ListKind::Features => "features",
            ListKind::Plans => "plans",
            ListKind::Tokens => "token",
            ListKind::Scopes => "scopes",
        }
    }

    /// A valid element, quoted, for messages.
    pub(crate) fn example(self) -> &'static str {
        match self {
            ListKind::Roles => "\"org:admin\"",
            ListKind::Permissions => "\"org:invoices:read\"",
            ListKind::Features => "\"dashboard\"",
            ListKind::Plans => "\"pro\"",
            ListKind::Tokens => "\"api_key\"",
            ListKind::Scopes => "\"invoices:read\"",
        }
    }

    /// What one element is called in messages.
    pub(crate) fn noun(self) -> &'static str {
        match self {
            ListKind::Roles => "role",
            ListKind::Permissions => "permission",
            ListKind::Features => "feature",
            ListKind::Plans => "plan",
            ListKind::Tokens => "token type",
            ListKind::Scopes => "scope",
        }
    }
}

/// Parses the attribute's arguments, recording every mistake in `errors`. Returns what could be
/// parsed; it is only expanded when `errors` stays empty.
pub(crate) fn parse(tokens: TokenStream, errors: &mut Errors) -> Args {
    let mut args = Args::default();
    let parser = syn::meta::parser(|meta| parse_one(&meta, &mut args, errors));
    if let Err(error) = parser.parse2(tokens) {
        errors.push(error);
    }
    args
}

fn parse_one(meta: &ParseNestedMeta<'_>, args: &mut Args, errors: &mut Errors) -> syn::Result<()> {
    let name = meta.path.get_ident().map(ToString::to_string);
    if let Some(known) = NAMES.into_iter().find(|n| name.as_deref() == Some(*n))
        && !args.names.iter().any(|(n, _)| *n == known)
    {
        args.names.push((known, meta.path.span()));
    }
    match name.as_deref() {
        Some("roles") => list_arg(meta, ListKind::Roles, &mut args.roles, errors),
        Some("permissions") => list_arg(meta, ListKind::Permissions, &mut args.permissions, errors),
        Some("features") => list_arg(meta, ListKind::Features, &mut args.features, errors),
        Some("plans") => list_arg(meta, ListKind::Plans, &mut args.plans, errors),
        Some("reverification") => reverification_arg(meta, &mut args.reverification, errors),
        Some("token") => list_arg(meta, ListKind::Tokens, &mut args.tokens, errors),
        Some("scopes") => list_arg(meta, ListKind::Scopes, &mut args.scopes, errors),
        Some("crate") => crate_arg(meta, &mut args.krate, errors),
        _ => {
            let given = path_text(&meta.path);
            let hint = NAMES
                .into_iter()
                .find(|valid| {
                    !given.is_empty() && (valid.starts_with(&given) || given.starts_with(valid))
                })
                .map(|valid| format!("; did you mean `{valid}`?"))
                .unwrap_or_default();
            errors.push(syn::Error::new_spanned(
                &meta.path,
                format!("unknown argument `{given}` for #[clerk_protected]: the valid arguments are {VALID}{hint}"),
            ));
            skip_value(meta.input)
        }
    }
}

/// `roles = [...]` or `permissions = [...]`.
fn list_arg(
    meta: &ParseNestedMeta<'_>,
    kind: ListKind,
    slot: &mut Option<Vec<LitStr>>,
    errors: &mut Errors,
) -> syn::Result<()> {
    let key = kind.key();
    if slot.is_some() {
        errors.push(syn::Error::new_spanned(
            &meta.path,
            format!(
                "duplicate argument `{key}`: list every {} in one `{key} = [...]`",
                kind.noun()
            ),
        ));
        // Still check the second list, so its own mistakes show up in the same build.
        let mut ignored = None;
        return list_value(meta, kind, &mut ignored, errors);
    }
    list_value(meta, kind, slot, errors)
}

fn list_value(
    meta: &ParseNestedMeta<'_>,
    kind: ListKind,
    slot: &mut Option<Vec<LitStr>>,
    errors: &mut Errors,
) -> syn::Result<()> {
    let key = kind.key();
    let example = kind.example();
    if !meta.input.peek(Token![=]) {
        errors.push(meta.error(format!("expected a list: write `{key} = [{example}]`")));
        return skip_value(meta.input);
    }
    let value = meta.value()?;
    if !value.peek(syn::token::Bracket) {
        let rest = take_value(value)?;
        errors.push(syn::Error::new_spanned(
            rest,
            format!("`{key}` takes a list of strings in brackets: write `{key} = [{example}]`"),
        ));
        return Ok(());
    }
    let content;
    let brackets = syn::bracketed!(content in value);
    let elements = Punctuated::<Expr, Token![,]>::parse_terminated(&content)?;
    if elements.is_empty() {
        errors.push(syn::Error::new(
            brackets.span.join(),
            format!(
                "`{key} = []` is empty: list at least one {}, e.g. `{key} = [{example}]`, or remove `{key}` \
                 (a bare `#[clerk_protected]` only requires a signed-in user)",
                kind.noun()
            ),
        ));
    }
    let mut strings = Vec::with_capacity(elements.len());
    for element in elements {
        match element {
            Expr::Lit(ExprLit {
                lit: Lit::Str(s),
                attrs,
            }) if attrs.is_empty() && s.suffix().is_empty() => strings.push(s),
            other => errors.push(syn::Error::new_spanned(
                other,
                format!(
                    "expected a string literal: each {} is written in double quotes, e.g. `{key} = [{example}]`",
                    kind.noun()
                ),
            )),
        }
    }
    *slot = Some(strings);
    Ok(())
}

/// `reverification = "strict"`: one level name in a string. Whether the name is a level is
/// checked by `validate::reverification`, spanned on the string.
fn reverification_arg(
    meta: &ParseNestedMeta<'_>,
    slot: &mut Option<LitStr>,
    errors: &mut Errors,
) -> syn::Result<()> {
    const EXAMPLE: &str = "`reverification = \"strict\"`";
    let levels = "`\"strict_mfa\"`, `\"strict\"`, `\"moderate\"` or `\"lax\"`";
    if slot.is_some() {
        errors.push(syn::Error::new_spanned(
            &meta.path,
            "duplicate argument `reverification`: give one level",
        ));
        return skip_value(meta.input);
    }
    if !meta.input.peek(Token![=]) {
        errors.push(meta.error(format!(
            "expected a level in a string: write {EXAMPLE} ({levels})"
        )));
        return skip_value(meta.input);
    }
    let value = meta.value()?;
    let rest = take_value(value)?;
    match syn::parse2::<Expr>(rest.clone()) {
        Ok(Expr::Lit(ExprLit {
            lit: Lit::Str(s),
            attrs,
        })) if attrs.is_empty() && s.suffix().is_empty() => *slot = Some(s),
        _ => errors.push(syn::Error::new_spanned(
            rest,
            format!("`reverification` takes one level in a string: write {EXAMPLE} ({levels})"),
        )),
    }
    Ok(())
}

/// `crate = "path::to::integration"`.
fn crate_arg(
    meta: &ParseNestedMeta<'_>,
    slot: &mut Option<Path>,
    errors: &mut Errors,
) -> syn::Result<()> {
    const EXAMPLE: &str = "`crate = \"my_app::auth\"`";
    if slot.is_some() {
        errors.push(syn::Error::new_spanned(
            &meta.path,
            "duplicate argument `crate`: give the integration crate's path once",
        ));
        return skip_value(meta.input);
    }
    if !meta.input.peek(Token![=]) {
        errors.push(meta.error(format!("expected a path in a string: write {EXAMPLE}")));
        return skip_value(meta.input);
    }
    let value = meta.value()?;
    if !value.peek(LitStr) {
        let rest = take_value(value)?;
        errors.push(syn::Error::new_spanned(
            rest,
            format!("`crate` takes a path in a string: write {EXAMPLE}"),
        ));
        return Ok(());
    }
    let lit: LitStr = value.parse()?;
    match lit.parse_with(Path::parse_mod_style) {
        Ok(path) => *slot = Some(path),
        Err(_) => errors.push(syn::Error::new(
            lit.span(),
            format!(
                "`crate = {:?}` is not a path: give the path of the clerk integration crate (or a module \
                 re-exporting it), e.g. {EXAMPLE} or `crate = \"::clerk_axum\"`",
                lit.value()
            ),
        )),
    }
    Ok(())
}

/// Consumes the rest of one argument (up to the next top-level comma) so parsing can go on
/// after a recorded mistake.
fn skip_value(input: ParseStream<'_>) -> syn::Result<()> {
    take_value(input).map(drop)
}

fn take_value(input: ParseStream<'_>) -> syn::Result<TokenStream> {
    let mut tokens = TokenStream::new();
    while !input.is_empty() && !input.peek(Token![,]) {
        tokens.extend([input.parse::<TokenTree>()?]);
    }
    Ok(tokens)
}

fn path_text(path: &Path) -> String {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let joined = segments.join("::");
    if path.leading_colon.is_some() {
        format!("::{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    fn parse_ok(tokens: TokenStream) -> Args {
        let mut errors = Errors::default();
        let args = parse(tokens, &mut errors);
        assert!(errors.is_empty(), "{:?}", errors.messages());
        args
    }

    fn parse_err(tokens: TokenStream) -> Vec<String> {
        let mut errors = Errors::default();
        parse(tokens, &mut errors);
        errors.messages()
    }

    fn values(list: Option<&Vec<LitStr>>) -> Option<Vec<String>> {
        list.map(|l| l.iter().map(LitStr::value).collect())
    }

    #[test]
    fn empty_args() {
        let args = parse_ok(quote!());
        assert!(args.roles.is_none() && args.permissions.is_none() && args.krate.is_none());
    }

    #[test]
    fn every_argument() {
        let args = parse_ok(quote!(
            roles = ["org:admin", "org:billing",],
            permissions = ["org:invoices:read"],
            crate = "my_app::auth",
        ));
        assert_eq!(
            values(args.roles.as_ref()),
            Some(vec!["org:admin".to_owned(), "org:billing".to_owned()])
        );
        assert_eq!(
            values(args.permissions.as_ref()),
            Some(vec!["org:invoices:read".to_owned()])
        );
        let krate = args.krate.map(|p| quote!(#p).to_string());
        assert_eq!(krate.as_deref(), Some("my_app :: auth"));
    }

    #[test]
    fn any_order_and_absolute_crate_path() {
        let args = parse_ok(quote!(crate = "::clerk_axum", permissions = ["a:b"]));
        assert!(args.roles.is_none());
        assert_eq!(
            values(args.permissions.as_ref()),
            Some(vec!["a:b".to_owned()])
        );
        let krate = args.krate.map(|p| quote!(#p).to_string());
        assert_eq!(krate.as_deref(), Some(":: clerk_axum"));
    }

    #[test]
    fn unknown_argument_lists_the_valid_ones() {
        let errors = parse_err(quote!(role = ["org:admin"]));
        assert_eq!(errors.len(), 1);
        assert!(errors[0].contains("unknown argument `role`"), "{errors:?}");
        assert!(errors[0].contains(
            "`roles = [...]`, `permissions = [...]`, `features = [...]`, `plans = [...]`, \
             `reverification = \"...\"`, `token = [...]`, `scopes = [...]` and `crate"
        ));
        assert!(errors[0].contains("did you mean `roles`?"));
        let errors = parse_err(quote!(audience = ["x"]));
        assert!(!errors[0].contains("did you mean"), "{errors:?}");
        let errors = parse_err(quote!(tokens = ["api_key"], scope = ["x"]));
        assert!(errors[0].contains("did you mean `token`?"), "{errors:?}");
        assert!(errors[1].contains("did you mean `scopes`?"), "{errors:?}");
    }

    #[test]
    fn token_and_scopes_arguments() {
        let args = parse_ok(quote!(
            token = ["api_key", "m2m_token"],
            scopes = ["invoices:read"],
        ));
        assert_eq!(
            values(args.tokens.as_ref()),
            Some(vec!["api_key".to_owned(), "m2m_token".to_owned()])
        );
        assert_eq!(
            values(args.scopes.as_ref()),
            Some(vec!["invoices:read".to_owned()])
        );
        let names: Vec<&str> = args.names.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["token", "scopes"]);
        let errors = parse_err(quote!(token = "api_key", scopes = []));
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors[0].contains("`token` takes a list of strings"),
            "{errors:?}"
        );
        assert!(errors[1].contains("`scopes = []` is empty"), "{errors:?}");
        let errors = parse_err(quote!(token = ["api_key"], token = ["m2m_token"]));
        assert!(
            errors[0].contains("duplicate argument `token`"),
            "{errors:?}"
        );
    }

    #[test]
    fn billing_and_reverification_arguments() {
        let args = parse_ok(quote!(
            features = ["dashboard", "o:reports"],
            plans = ["pro"],
            reverification = "strict",
            roles = ["org:admin"],
        ));
        assert_eq!(
            values(args.features.as_ref()),
            Some(vec!["dashboard".to_owned(), "o:reports".to_owned()])
        );
        assert_eq!(values(args.plans.as_ref()), Some(vec!["pro".to_owned()]));
        assert_eq!(
            args.reverification.map(|l| l.value()).as_deref(),
            Some("strict")
        );
        let errors = parse_err(quote!(
            feature = ["a"],
            plan = ["b"],
            reverifications = "strict"
        ));
        assert!(errors[0].contains("did you mean `features`?"), "{errors:?}");
        assert!(errors[1].contains("did you mean `plans`?"), "{errors:?}");
        assert!(
            errors[2].contains("did you mean `reverification`?"),
            "{errors:?}"
        );
        let errors = parse_err(quote!(
            features = [],
            plans = [pro],
            reverification = strict,
            reverification = "lax",
            reverification = ["strict"],
        ));
        assert_eq!(errors.len(), 4, "{errors:#?}");
        assert!(errors[0].contains("`features = []` is empty"));
        assert!(errors[1].contains("expected a string literal: each plan"));
        assert!(errors[2].contains("`reverification` takes one level in a string"));
        assert!(errors[3].contains("duplicate argument `reverification`"));
        let errors = parse_err(quote!(reverification = ["strict"]));
        assert!(
            errors[0].contains("takes one level in a string"),
            "{errors:?}"
        );
        let errors = parse_err(quote!(reverification));
        assert!(
            errors[0].contains("expected a level in a string"),
            "{errors:?}"
        );
        let errors = parse_err(quote!(reverification = 10));
        assert!(
            errors[0].contains("takes one level in a string"),
            "{errors:?}"
        );
    }

    #[test]
    fn parsing_goes_on_after_recoverable_mistakes() {
        let errors = parse_err(quote!(
            role = ["org:admin"],
            roles = [],
            roles = [admin, 1],
            permissions = "org:invoices:read",
            crate = "not a path",
        ));
        assert_eq!(errors.len(), 7, "{errors:#?}");
        assert!(errors[0].contains("unknown argument `role`"));
        assert!(errors[1].contains("`roles = []` is empty"));
        assert!(errors[2].contains("duplicate argument `roles`"));
        assert!(errors[3].contains("expected a string literal"));
        assert!(errors[4].contains("expected a string literal"));
        assert!(errors[5].contains("takes a list of strings in brackets"));
        assert!(errors[6].contains("`crate = \"not a path\"` is not a path"));
    }

    #[test]
    fn value_shape_mistakes() {
        let errors = parse_err(quote!(roles));
        assert!(
            errors[0].contains("write `roles = [\"org:admin\"]`"),
            "{errors:?}"
        );
        let errors = parse_err(quote!(permissions("org:a:b")));
        assert!(errors[0].contains("write `permissions = [\"org:invoices:read\"]`"));
        let errors = parse_err(quote!(crate = my_app));
        assert!(
            errors[0].contains("`crate` takes a path in a string"),
            "{errors:?}"
        );
        let errors = parse_err(quote!(crate = "a", crate = "b"));
        assert!(
            errors[0].contains("duplicate argument `crate`"),
            "{errors:?}"
        );
        let errors = parse_err(quote!(roles = ["org:admin"suffix]));
        assert!(
            errors[0].contains("expected a string literal"),
            "{errors:?}"
        );
    }

    #[test]
    fn syntax_errors_are_reported_not_panicked() {
        for tokens in [
            quote!(roles = ["org:admin"] permissions = []),
            quote!("org:admin"),
            quote!(roles = [,]),
            quote!(,),
        ] {
            let errors = parse_err(tokens);
            assert!(!errors.is_empty());
        }
    }
}
