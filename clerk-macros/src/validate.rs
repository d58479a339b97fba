//! Validation: the shape of roles, permissions, features and plans, the reverification level, and
//! the item the attribute is applied to.
//!
//! The key rules mirror `clerk_core::Requirement` (clerk-core/src/authz.rs): a role is
//! `org:<key>` or `<key>`, a permission `org:<feature>:<action>` or `<feature>:<action>`, and a
//! key is non-empty ASCII letters, digits, `_` or `-`. A proc-macro crate cannot use clerk-core
//! at compile time without building all of it for the host, so the few lines are duplicated
//! here; a unit test checks both agree on a corpus of inputs. What the macro accepts is exactly
//! what clerk-core's `Policy::evaluate` can match.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Item, LitStr, Signature, Visibility};

use crate::Errors;
use crate::args::{LEVELS, ListKind};

const ORG_PREFIX: &str = "org:";

fn strip_org(s: &str) -> &str {
    s.strip_prefix(ORG_PREFIX).unwrap_or(s)
}

/// Same rule as clerk-core's `is_key`.
fn is_key(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Same rule as `clerk_core::Requirement::role`.
pub(crate) fn is_role(s: &str) -> bool {
    is_key(strip_org(s))
}

/// Same rule as `clerk_core::Requirement::permission`.
pub(crate) fn is_permission(s: &str) -> bool {
    match strip_org(s).split_once(':') {
        Some((feature, action)) => is_key(feature) && is_key(action),
        None => false,
    }
}

/// The scopes a feature or plan may name (clerk-core's `billing_has`): organization or user.
const SCOPES: [&str; 5] = ["o", "org", "organization", "u", "user"];

/// A feature or plan as clerk-core's `Policy::decide` can match it: `<name>` or
/// `<scope>:<name>`, the scope one of [`SCOPES`], the name a key.
pub(crate) fn is_billing(s: &str) -> bool {
    match s.split_once(':') {
        Some((scope, name)) => SCOPES.contains(&scope) && is_key(name),
        None => is_key(s),
    }
}

/// Why a feature or plan is not valid (it is not [`is_billing`]), after the whitespace check.
fn billing_shape(kind: ListKind, value: &str) -> String {
    let noun = kind.noun();
    let example = match kind {
        ListKind::Plans => "\"pro\" or \"o:pro\"",
        _ => "\"dashboard\" or \"o:dashboard\"",
    };
    if value.is_empty() {
        return format!("empty {noun}: name one, e.g. {example}, or remove the empty string");
    }
    let shape = format!(
        "a {noun} looks like {example}: an optional scope (`o`, `org` or `organization` for the \
         organization's, `u` or `user` for the user's) and a name of ASCII letters, digits, `_` \
         or `-`"
    );
    match value.split_once(':') {
        Some((_, name)) if name.contains(':') => {
            format!("invalid {noun} {value:?} has more than one `:`: {shape}")
        }
        Some((scope, _)) if !SCOPES.contains(&scope) => {
            format!("invalid {noun} {value:?}: unknown scope `{scope}`; {shape}")
        }
        _ => format!("invalid {noun} {value:?}: {shape}"),
    }
}

/// The token types `token = [...]` accepts (clerk-core's `TokenType::as_str`), with the
/// `TokenType` variant each names.
pub(crate) const TOKEN_TYPES: [(&str, &str); 4] = [
    ("session_token", "SessionToken"),
    ("api_key", "ApiKey"),
    ("m2m_token", "M2mToken"),
    ("oauth_token", "OauthToken"),
];

/// Whether `value` names a machine token type (not `session_token`).
pub(crate) fn is_machine_type(value: &str) -> bool {
    value != "session_token" && TOKEN_TYPES.iter().any(|(name, _)| *name == value)
}

/// Why `value` is not a token type.
fn token_type_shape(value: &str) -> String {
    let names = "\"session_token\", \"api_key\", \"m2m_token\" and \"oauth_token\"";
    if value == "any" {
        return "\"any\" is not a token type here: list the types the route accepts, e.g. \
                `token = [\"session_token\", \"api_key\", \"m2m_token\", \"oauth_token\"]`"
            .to_owned();
    }
    let squeezed = value.trim().to_ascii_lowercase().replace(['-', ' '], "_");
    let hint = TOKEN_TYPES
        .iter()
        .map(|(name, _)| *name)
        .find(|name| {
            !squeezed.is_empty()
                && (squeezed == *name
                    || squeezed.replace('_', "") == name.replace('_', "")
                    || name.starts_with(&format!("{squeezed}_")))
        })
        .map(|name| format!("; did you mean \"{name}\"?"))
        .unwrap_or_default();
    format!("unknown token type {value:?}: the token types are {names}{hint}")
}

/// Why `value` is not a scope: Clerk's scopes are non-empty and hold no whitespace (OAuth
/// tokens carry them space-separated) or control characters.
fn scope_shape(value: &str) -> Option<String> {
    if value.is_empty() {
        return Some(
            "empty scope: name one, e.g. \"invoices:read\", or remove the empty string".to_owned(),
        );
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some(format!(
            "scope {value:?} contains whitespace or a control character, which no token's scope \
             can: list each scope as its own string, e.g. `scopes = [\"invoices:read\", \"invoices:write\"]`"
        ));
    }
    None
}

/// Why `value` is not a valid element of a `kind` list, as a message that says how to fix it.
pub(crate) fn check(kind: ListKind, value: &str) -> Result<(), String> {
    match kind {
        ListKind::Tokens if TOKEN_TYPES.iter().any(|(name, _)| *name == value) => return Ok(()),
        ListKind::Tokens => return Err(token_type_shape(value)),
        ListKind::Scopes => return scope_shape(value).map_or(Ok(()), Err),
        _ => {}
    }
    let valid = match kind {
        ListKind::Roles => is_role,
        ListKind::Permissions => is_permission,
        ListKind::Features | ListKind::Plans | ListKind::Tokens | ListKind::Scopes => is_billing,
    };
    if valid(value) {
        return Ok(());
    }
    let noun = kind.noun();
    if value.chars().any(char::is_whitespace) {
        let squeezed: String = value.chars().filter(|c| !c.is_whitespace()).collect();
        let fix = if valid(&squeezed) {
            format!("write {squeezed:?}")
        } else {
            format!("remove it, e.g. {}", kind.example())
        };
        return Err(format!(
            "{noun} {value:?} contains whitespace, which Clerk keys never do: {fix}"
        ));
    }
    if matches!(kind, ListKind::Features | ListKind::Plans) {
        return Err(billing_shape(kind, value));
    }
    if value.is_empty() {
        return Err(format!(
            "empty {noun}: name one, e.g. {}, or remove the empty string",
            kind.example()
        ));
    }
    let shape = match kind {
        ListKind::Roles => {
            "a role looks like \"org:<key>\", where <key> is ASCII letters, digits, `_` or `-` \
             (e.g. \"org:admin\")"
        }
        ListKind::Permissions => {
            "a permission looks like \"org:<feature>:<action>\", where each part is ASCII letters, \
             digits, `_` or `-` (e.g. \"org:invoices:read\")"
        }
        ListKind::Features | ListKind::Plans | ListKind::Tokens | ListKind::Scopes => {
            unreachable!("checked above")
        }
    };
    let moved = match kind {
        ListKind::Roles if is_permission(value) => {
            format!("; {value:?} is a permission: move it to `permissions = [...]`")
        }
        ListKind::Permissions if is_role(value) => {
            format!("; {value:?} is a role: move it to `roles = [...]`")
        }
        _ => String::new(),
    };
    Err(format!("invalid {noun} {value:?}: {shape}{moved}"))
}

/// Checks the `reverification = "..."` level, spanning the error on its string literal.
pub(crate) fn reverification(lit: &LitStr, errors: &mut Errors) {
    let value = lit.value();
    if LEVELS.contains(&value.as_str()) {
        return;
    }
    let hint = LEVELS
        .into_iter()
        .find(|level| {
            let squeezed = value.trim().to_ascii_lowercase().replace(['-', ' '], "_");
            !squeezed.is_empty() && squeezed == *level
        })
        .map(|level| format!("; did you mean \"{level}\"?"))
        .unwrap_or_default();
    errors.push(syn::Error::new(
        lit.span(),
        format!(
            "unknown reverification level {value:?}: the levels are \"strict_mfa\" (both factors within \
             10 minutes), \"strict\" (10 minutes), \"moderate\" (60 minutes) and \"lax\" (a day){hint}"
        ),
    ));
}

/// Checks every element of a list, spanning each error on its string literal. A token type or
/// scope listed twice is a mistake too (a copy-paste slip that hides a missing one).
pub(crate) fn list(kind: ListKind, values: &[LitStr], errors: &mut Errors) {
    for (i, lit) in values.iter().enumerate() {
        let value = lit.value();
        if let Err(message) = check(kind, &value) {
            errors.push(syn::Error::new(lit.span(), message));
        } else if matches!(kind, ListKind::Tokens | ListKind::Scopes)
            && values[..i].iter().any(|earlier| earlier.value() == value)
        {
            errors.push(syn::Error::new(
                lit.span(),
                format!("{} {value:?} is listed twice: remove one", kind.noun()),
            ));
        }
    }
}

/// The arguments that ask what only users have: Clerk's `has()` is false for machine tokens.
const USERS_ONLY: [&str; 5] = [
    "roles",
    "permissions",
    "features",
    "plans",
    "reverification",
];

/// The combinations that could never admit a caller: `scopes` on a route that accepts no
/// machine token, and a requirement only users can meet on a route that accepts machine tokens.
pub(crate) fn combination(
    tokens: Option<&[LitStr]>,
    names: &[(&'static str, Span)],
    errors: &mut Errors,
) {
    let machines: Vec<String> = tokens
        .unwrap_or_default()
        .iter()
        .map(LitStr::value)
        .filter(|t| is_machine_type(t))
        .collect();
    let span_of = |name: &str| names.iter().find(|(n, _)| *n == name).map(|(_, s)| *s);
    if machines.is_empty() {
        if let Some(span) = span_of("scopes") {
            errors.push(syn::Error::new(
                span,
                "`scopes` are carried by machine tokens, and this route accepts session tokens \
                 only: add the machine token types to `token = [...]`, e.g. `token = [\"api_key\"]`",
            ));
        }
        return;
    }
    let accepted = machines
        .iter()
        .map(|t| format!("{t:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    for name in USERS_ONLY {
        if let Some(span) = span_of(name) {
            errors.push(syn::Error::new(
                span,
                format!(
                    "`{name}` can never admit a machine caller (API keys, M2M and OAuth tokens \
                     carry no roles, permissions, features, plans or factor ages: Clerk's `has()` \
                     is false for them), and this route accepts {accepted}: require `scopes` of \
                     machines, and serve users with `{name}` on a route of their own"
                ),
            ));
        }
    }
}

/// A free function with a body, parsed only as far as the expansion needs: the body is kept as
/// tokens, untouched.
#[derive(Debug)]
pub(crate) struct Handler {
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    pub(crate) sig: Signature,
    pub(crate) body: TokenStream,
}

impl Parse for Handler {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        let sig = input.parse()?;
        let body: proc_macro2::Group = input.parse()?;
        if body.delimiter() != proc_macro2::Delimiter::Brace {
            return Err(syn::Error::new(body.span(), "expected a function body"));
        }
        if !input.is_empty() {
            return Err(input.error("unexpected tokens after the function"));
        }
        Ok(Handler {
            attrs,
            vis,
            sig,
            body: body.into_token_stream(),
        })
    }
}

/// Parses the annotated item as a handler and checks it: a function with a body, no `self`
/// receiver, not annotated twice. `None` (with the mistake recorded) when it cannot be
/// expanded.
pub(crate) fn item(tokens: TokenStream, errors: &mut Errors) -> Option<Handler> {
    let handler = match syn::parse2::<Handler>(tokens.clone()) {
        Ok(handler) => handler,
        Err(error) => {
            errors.push(not_a_function(tokens).unwrap_or(error));
            return None;
        }
    };
    let mut ok = true;
    if let Some(receiver) = handler.sig.receiver() {
        errors.push(syn::Error::new_spanned(
            receiver,
            "#[clerk_protected] cannot be used on a method with a `self` receiver: a handler is a \
             free function; move it out of the `impl` block, or remove `self`",
        ));
        ok = false;
    }
    if let Some(again) = handler.attrs.iter().find(|a| is_clerk_protected(a)) {
        errors.push(syn::Error::new_spanned(
            again,
            "#[clerk_protected] is applied twice: merge the arguments into one attribute, e.g. \
             #[clerk_protected(roles = [...], permissions = [...])]",
        ));
        ok = false;
    }
    ok.then_some(handler)
}

/// The item to emit next to the errors: as written, except that a second `#[clerk_protected]`
/// below this one is dropped (it would expand on its own and add errors of its own).
pub(crate) fn fallback(tokens: TokenStream) -> TokenStream {
    match syn::parse2::<Handler>(tokens.clone()) {
        Ok(Handler {
            mut attrs,
            vis,
            sig,
            body,
        }) if attrs.iter().any(is_clerk_protected) => {
            attrs.retain(|a| !is_clerk_protected(a));
            quote!(#(#attrs)* #vis #sig #body)
        }
        _ => tokens,
    }
}

fn kw_name(keyword: &impl ToTokens, name: &syn::Ident) -> TokenStream {
    quote!(#keyword #name)
}

fn is_clerk_protected(attr: &Attribute) -> bool {
    attr.path()
        .segments
        .last()
        .is_some_and(|s| s.ident.to_string().starts_with("clerk_protected"))
}

/// The "not a function" error for an item that is not a handler, spanned on its keyword and
/// name. `None` when the tokens are a function after all (then syn's own error is better).
fn not_a_function(tokens: TokenStream) -> Option<syn::Error> {
    let item = syn::parse2::<Item>(tokens.clone()).ok();
    let (what, span): (&str, TokenStream) = match &item {
        Some(Item::Fn(_)) => return None,
        Some(Item::Struct(i)) => ("a struct", kw_name(&i.struct_token, &i.ident)),
        Some(Item::Enum(i)) => ("an enum", kw_name(&i.enum_token, &i.ident)),
        Some(Item::Union(i)) => ("a union", kw_name(&i.union_token, &i.ident)),
        Some(Item::Const(i)) => ("a constant", kw_name(&i.const_token, &i.ident)),
        Some(Item::Static(i)) => ("a static", kw_name(&i.static_token, &i.ident)),
        Some(Item::Mod(i)) => ("a module", kw_name(&i.mod_token, &i.ident)),
        Some(Item::Trait(i)) => ("a trait", kw_name(&i.trait_token, &i.ident)),
        Some(Item::Type(i)) => ("a type alias", kw_name(&i.type_token, &i.ident)),
        Some(Item::Impl(i)) => ("an `impl` block", i.impl_token.to_token_stream()),
        Some(Item::Use(i)) => ("a `use` declaration", i.use_token.to_token_stream()),
        Some(_) | None => ("this item", TokenStream::new()),
    };
    let message = format!(
        "#[clerk_protected] can only be applied to a handler function, not to {what}: put it on an \
         `async fn` (or `fn`) handler, above its route attribute"
    );
    Some(if span.is_empty() {
        syn::Error::new(Span::call_site(), message)
    } else {
        syn::Error::new_spanned(span, message)
    })
}

#[cfg(test)]
mod tests {
    use clerk_core::Requirement;
    use quote::quote;

    use super::*;

    const CORPUS: &[&str] = &[
        "",
        "org:",
        "org",
        "admin",
        "org:admin",
        "org:Admin",
        "org:sys_memberships:manage",
        "org:billing-manager",
        "org:a b",
        " org:admin",
        "org:admin\n",
        "a:b",
        "a:b:c",
        "org:a:",
        "org::b",
        ":",
        "org:a:b:c",
        "org:org:admin",
        "é",
        "org:adm!n",
        "org:invoices:read",
        "invoices:read",
        "org:invoices:re ad",
        "ORG:admin",
        "org:9",
    ];

    #[test]
    fn mirrors_clerk_core_requirement() {
        for s in CORPUS {
            assert_eq!(is_role(s), Requirement::role(s).is_ok(), "role {s:?}");
            assert_eq!(
                is_permission(s),
                Requirement::permission(s).is_ok(),
                "permission {s:?}"
            );
            assert_eq!(
                check(ListKind::Roles, s).is_ok(),
                Requirement::role(s).is_ok()
            );
            assert_eq!(
                check(ListKind::Permissions, s).is_ok(),
                Requirement::permission(s).is_ok()
            );
        }
    }

    #[test]
    fn messages_say_how_to_fix() {
        let e = check(ListKind::Roles, "org: admin").unwrap_err();
        assert_eq!(
            e,
            "role \"org: admin\" contains whitespace, which Clerk keys never do: write \"org:admin\""
        );
        let e = check(ListKind::Permissions, "org:in voices:re ad:x").unwrap_err();
        assert!(e.contains("remove it, e.g. \"org:invoices:read\""), "{e}");
        let e = check(ListKind::Roles, "org:invoices:read").unwrap_err();
        assert!(
            e.starts_with("invalid role \"org:invoices:read\": a role looks like \"org:<key>\"")
        );
        assert!(
            e.ends_with("is a permission: move it to `permissions = [...]`"),
            "{e}"
        );
        let e = check(ListKind::Permissions, "org:invoices").unwrap_err();
        assert!(
            e.ends_with("\"org:invoices\" is a role: move it to `roles = [...]`"),
            "{e}"
        );
        let e = check(ListKind::Permissions, "org:a:b:c").unwrap_err();
        assert!(!e.contains("move it"), "{e}");
    }

    #[test]
    fn features_and_plans() {
        for ok in [
            "dashboard",
            "o:dashboard",
            "org:reports",
            "organization:a-b_9",
            "u:profile",
            "user:x",
        ] {
            assert!(check(ListKind::Features, ok).is_ok(), "{ok:?}");
            assert!(check(ListKind::Plans, ok).is_ok(), "{ok:?}");
        }
        let e = check(ListKind::Features, "x:dashboard").unwrap_err();
        assert!(
            e.starts_with("invalid feature \"x:dashboard\": unknown scope `x`;"),
            "{e}"
        );
        let e = check(ListKind::Plans, "o:pro:plus").unwrap_err();
        assert!(
            e.starts_with("invalid plan \"o:pro:plus\" has more than one `:`"),
            "{e}"
        );
        let e = check(ListKind::Features, "o: dashboard").unwrap_err();
        assert!(e.ends_with("write \"o:dashboard\""), "{e}");
        let e = check(ListKind::Plans, "").unwrap_err();
        assert!(e.starts_with("empty plan: name one"), "{e}");
        let e = check(ListKind::Roles, "").unwrap_err();
        assert!(e.starts_with("empty role: name one"), "{e}");
        for bad in ["o:", ":pro", "pro!", "é", "o:a b"] {
            assert!(check(ListKind::Plans, bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn reverification_levels() {
        let level = |s: &str| {
            let mut errors = Errors::default();
            reverification(&LitStr::new(s, Span::call_site()), &mut errors);
            errors.messages()
        };
        for ok in LEVELS {
            assert!(level(ok).is_empty(), "{ok}");
            assert!(clerk_core::Reverification::parse(ok).is_some(), "{ok}");
        }
        let e = level("strict-mfa");
        assert!(e[0].starts_with("unknown reverification level \"strict-mfa\""));
        assert!(e[0].ends_with("; did you mean \"strict_mfa\"?"), "{e:?}");
        assert!(!level("paranoid")[0].contains("did you mean"));
        assert!(!level("")[0].contains("did you mean"));
    }

    #[test]
    fn token_types_mirror_clerk_core() {
        for (name, variant) in TOKEN_TYPES {
            let parsed = clerk_core::TokenType::parse(name);
            assert_eq!(parsed.map(|t| format!("{t:?}")).as_deref(), Some(variant));
            assert!(check(ListKind::Tokens, name).is_ok());
            assert_eq!(is_machine_type(name), name != "session_token");
        }
        let e = check(ListKind::Tokens, "api-key").unwrap_err();
        assert!(
            e.starts_with("unknown token type \"api-key\": the token types are"),
            "{e}"
        );
        assert!(e.ends_with("did you mean \"api_key\"?"), "{e}");
        for (typo, meant) in [
            ("apikey", "api_key"),
            ("m2m", "m2m_token"),
            ("OAuth_Token", "oauth_token"),
            ("session", "session_token"),
        ] {
            let e = check(ListKind::Tokens, typo).unwrap_err();
            assert!(e.ends_with(&format!("did you mean {meant:?}?")), "{e}");
        }
        let e = check(ListKind::Tokens, "any").unwrap_err();
        assert!(e.contains("list the types the route accepts"), "{e}");
        assert!(
            !check(ListKind::Tokens, "jwt")
                .unwrap_err()
                .contains("did you mean")
        );
        assert!(!is_machine_type("any") && !is_machine_type(""));
    }

    #[test]
    fn scopes_and_duplicates() {
        for ok in ["read", "invoices:read", "https://api.example/read", "é"] {
            assert!(check(ListKind::Scopes, ok).is_ok(), "{ok:?}");
        }
        let e = check(ListKind::Scopes, "read write").unwrap_err();
        assert!(e.contains("list each scope as its own string"), "{e}");
        assert!(
            check(ListKind::Scopes, "")
                .unwrap_err()
                .starts_with("empty scope")
        );
        assert!(check(ListKind::Scopes, "a\tb").is_err());
        let lits = |values: &[&str]| -> Vec<LitStr> {
            values
                .iter()
                .map(|v| LitStr::new(v, Span::call_site()))
                .collect()
        };
        let mut errors = Errors::default();
        list(
            ListKind::Tokens,
            &lits(&["api_key", "api_key"]),
            &mut errors,
        );
        list(ListKind::Scopes, &lits(&["a", "b", "a"]), &mut errors);
        list(ListKind::Roles, &lits(&["admin", "admin"]), &mut errors);
        assert_eq!(
            errors.messages(),
            [
                "token type \"api_key\" is listed twice: remove one",
                "scope \"a\" is listed twice: remove one"
            ]
        );
    }

    #[test]
    fn combinations_that_could_never_admit_a_caller() {
        let messages = |tokens: Option<&[&str]>, names: &[&'static str]| {
            let tokens: Option<Vec<LitStr>> = tokens.map(|t| {
                t.iter()
                    .map(|v| LitStr::new(v, Span::call_site()))
                    .collect()
            });
            let names: Vec<(&'static str, Span)> =
                names.iter().map(|n| (*n, Span::call_site())).collect();
            let mut errors = Errors::default();
            combination(tokens.as_deref(), &names, &mut errors);
            errors.messages()
        };
        // Fine: scopes for machines, roles for users, both kinds of caller on one route.
        assert!(messages(Some(&["api_key"]), &["token", "scopes"]).is_empty());
        assert!(messages(Some(&["session_token"]), &["token", "roles"]).is_empty());
        assert!(messages(None, &["roles", "reverification"]).is_empty());
        assert!(
            messages(
                Some(&["session_token", "oauth_token"]),
                &["token", "scopes"]
            )
            .is_empty()
        );
        // Scopes without a machine type.
        for tokens in [None, Some(&["session_token"][..])] {
            let e = messages(tokens, &["scopes"]);
            assert_eq!(e.len(), 1);
            assert!(
                e[0].starts_with("`scopes` are carried by machine tokens"),
                "{e:?}"
            );
        }
        // A users-only requirement with machine types: one error per argument.
        let e = messages(
            Some(&["session_token", "api_key", "m2m_token"]),
            &["token", "roles", "plans", "reverification"],
        );
        assert_eq!(e.len(), 3, "{e:?}");
        assert!(
            e[0].starts_with("`roles` can never admit a machine caller"),
            "{e:?}"
        );
        assert!(
            e[0].contains("this route accepts \"api_key\", \"m2m_token\""),
            "{e:?}"
        );
        assert!(e[1].starts_with("`plans`") && e[2].starts_with("`reverification`"));
    }

    fn item_errors(tokens: TokenStream) -> (bool, Vec<String>) {
        let mut errors = Errors::default();
        let handler = item(tokens, &mut errors);
        (handler.is_some(), errors.messages())
    }

    #[test]
    fn items() {
        let (ok, errors) = item_errors(quote!(
            /// Docs.
            #[get("/")]
            pub(crate) async fn h<T: Clone>(x: T) -> T
            where
                T: Copy,
            {
                x
            }
        ));
        assert!(ok && errors.is_empty(), "{errors:?}");

        let (ok, errors) = item_errors(quote!(
            async fn h(&self) {}
        ));
        assert!(!ok);
        assert!(errors[0].contains("`self` receiver"), "{errors:?}");
        let (_, errors) = item_errors(quote!(
            fn h(self: Box<Self>) {}
        ));
        assert!(errors[0].contains("`self` receiver"), "{errors:?}");

        let (ok, errors) = item_errors(quote!(
            #[clerk_protected(roles = ["a"])]
            fn h() {}
        ));
        assert!(!ok && errors[0].contains("applied twice"), "{errors:?}");

        for (tokens, what) in [
            (
                quote!(
                    pub struct S;
                ),
                "a struct",
            ),
            (
                quote!(
                    enum E {}
                ),
                "an enum",
            ),
            (quote!(impl S { fn h() {} }), "an `impl` block"),
            (
                quote!(
                    mod m {}
                ),
                "a module",
            ),
            (
                quote!(
                    const C: u8 = 1;
                ),
                "a constant",
            ),
            (
                quote!(
                    fn h();
                ),
                "this item",
            ),
            (
                quote!(
                    extern "C" {}
                ),
                "this item",
            ),
        ] {
            let (ok, errors) = item_errors(tokens);
            assert!(!ok);
            assert_eq!(errors.len(), 1);
            assert!(errors[0].contains(&format!("not to {what}:")), "{errors:?}");
        }
    }
}
