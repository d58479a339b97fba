//! The expansion: a hidden policy type per handler and a `Protected<ThatPolicy>` first
//! parameter.
//!
//! ```text
//! #[doc(hidden)] ... <vis> struct __clerk_protected_policy_<fn>;
//! impl <crate>::__private::Policy for __clerk_protected_policy_<fn> {
//!     fn roles() -> &'static [&'static str] { &[<roles>] }
//!     fn permissions() -> &'static [&'static str] { &[<permissions>] }
//!     // only when given:
//!     fn features() -> &'static [&'static str] { &[<features>] }
//!     fn plans() -> &'static [&'static str] { &[<plans>] }
//!     fn reverification() -> Option<<crate>::__private::Reverification> { Some(<Level>) }
//!     fn tokens() -> &'static [<crate>::__private::TokenType] { &[<TokenType>] }
//!     fn scopes() -> &'static [&'static str] { &[<scopes>] }
//! }
//! <attributes> <vis> <sig with `__clerk_protected: <crate>::Protected<policy>` first> <body>
//! ```
//!
//! A route whose `token = [...]` lists a machine type takes `<crate>::ProtectedCaller<policy>`
//! instead (a user or a machine).
//!
//! When anything is wrong, the output is the combined errors followed by the item exactly as
//! written, so the user sees the macro's errors and no cascade of "cannot find function".

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote};
use syn::ext::IdentExt as _;
use syn::punctuated::Punctuated;
use syn::{FnArg, Ident, LitStr, Pat, PatIdent, PatType, Token, Type};

use crate::Errors;
use crate::args::{self, ListKind};
use crate::validate::{self, Handler};

/// The name of the injected parameter. Two leading underscores: no clash with user parameters
/// and no `unused_variables` warning.
pub(crate) const PARAM: &str = "__clerk_protected";

/// The framework an entry point serves; decides the default crate path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framework {
    Axum,
    Actix,
    Rocket,
}

impl Framework {
    /// The integration crate the expansion names unless `crate = "..."` overrides it.
    fn default_crate(self) -> TokenStream {
        match self {
            Framework::Axum => quote!(::clerk_axum),
            Framework::Actix => quote!(::clerk_actix),
            Framework::Rocket => quote!(::clerk_rocket),
        }
    }
}

/// The whole macro: parse, validate, expand; or the errors and the untouched item.
pub(crate) fn clerk_protected(
    framework: Framework,
    args: TokenStream,
    item: TokenStream,
) -> TokenStream {
    let mut errors = Errors::default();
    let args = args::parse(args, &mut errors);
    let requirements = Requirements {
        roles: args.roles.unwrap_or_default(),
        permissions: args.permissions.unwrap_or_default(),
        features: args.features,
        plans: args.plans,
        reverification: args.reverification,
        tokens: args.tokens,
        scopes: args.scopes,
    };
    validate::list(ListKind::Roles, &requirements.roles, &mut errors);
    validate::list(
        ListKind::Permissions,
        &requirements.permissions,
        &mut errors,
    );
    if let Some(features) = &requirements.features {
        validate::list(ListKind::Features, features, &mut errors);
    }
    if let Some(plans) = &requirements.plans {
        validate::list(ListKind::Plans, plans, &mut errors);
    }
    if let Some(level) = &requirements.reverification {
        validate::reverification(level, &mut errors);
    }
    if let Some(tokens) = &requirements.tokens {
        validate::list(ListKind::Tokens, tokens, &mut errors);
    }
    if let Some(scopes) = &requirements.scopes {
        validate::list(ListKind::Scopes, scopes, &mut errors);
    }
    validate::combination(requirements.tokens.as_deref(), &args.names, &mut errors);
    let handler = validate::item(item.clone(), &mut errors);
    match (errors.into_error(), handler) {
        (None, Some(handler)) => {
            let krate = match args.krate {
                Some(path) => path.into_token_stream(),
                None => framework.default_crate(),
            };
            expand(&krate, &requirements, handler)
        }
        (Some(error), _) => {
            let error = error.to_compile_error();
            let item = validate::fallback(item);
            quote!(#error #item)
        }
        // `validate::item` records why it returns `None`; keep the item if that ever changes.
        (None, None) => item,
    }
}

/// What the policy type requires, validated.
#[derive(Debug, Default)]
pub(crate) struct Requirements {
    pub(crate) roles: Vec<LitStr>,
    pub(crate) permissions: Vec<LitStr>,
    /// `None` when absent: the default method of `Policy` stays.
    pub(crate) features: Option<Vec<LitStr>>,
    pub(crate) plans: Option<Vec<LitStr>>,
    /// One of `args::LEVELS`.
    pub(crate) reverification: Option<LitStr>,
    /// Token type names of `validate::TOKEN_TYPES`; `None`: session tokens only.
    pub(crate) tokens: Option<Vec<LitStr>>,
    pub(crate) scopes: Option<Vec<LitStr>>,
}

impl Requirements {
    /// The optional methods of the `Policy` impl: features, plans, reverification, each only
    /// when given.
    fn optional_methods(&self, krate: &TokenStream) -> TokenStream {
        let list = |name: &str, values: &Option<Vec<LitStr>>| {
            values.as_ref().map(|values| {
                let name = Ident::new(name, Span::call_site());
                quote! {
                    fn #name() -> &'static [&'static str] {
                        &[#(#values),*]
                    }
                }
            })
        };
        let features = list("features", &self.features);
        let plans = list("plans", &self.plans);
        let reverification = self.reverification.as_ref().map(|lit| {
            let variant = match lit.value().as_str() {
                "strict_mfa" => "StrictMfa",
                "strict" => "Strict",
                "moderate" => "Moderate",
                _ => "Lax",
            };
            let variant = Ident::new(variant, lit.span());
            quote! {
                fn reverification() -> ::core::option::Option<#krate::__private::Reverification> {
                    ::core::option::Option::Some(#krate::__private::Reverification::#variant)
                }
            }
        });
        let scopes = list("scopes", &self.scopes);
        let tokens = self.tokens.as_ref().map(|tokens| {
            let variants = tokens.iter().map(|lit| {
                let value = lit.value();
                let variant = validate::TOKEN_TYPES
                    .iter()
                    .find(|(name, _)| *name == value)
                    .map_or("SessionToken", |(_, variant)| *variant);
                let variant = Ident::new(variant, lit.span());
                quote!(#krate::__private::TokenType::#variant)
            });
            quote! {
                fn tokens() -> &'static [#krate::__private::TokenType] {
                    &[#(#variants),*]
                }
            }
        });
        quote!(#features #plans #reverification #tokens #scopes)
    }

    /// Whether the route accepts machine tokens: then the injected extractor is
    /// `ProtectedCaller` (a user or a machine), else `Protected` (a user).
    fn serves_machines(&self) -> bool {
        self.tokens
            .iter()
            .flatten()
            .any(|lit| validate::is_machine_type(&lit.value()))
    }
}

/// The expansion of a valid handler.
pub(crate) fn expand(
    krate: &TokenStream,
    requirements: &Requirements,
    handler: Handler,
) -> TokenStream {
    let roles = &requirements.roles;
    let permissions = &requirements.permissions;
    let optional = requirements.optional_methods(krate);
    let Handler {
        attrs,
        vis,
        mut sig,
        body,
    } = handler;
    let policy = policy_ident(&sig.ident);
    // A handler under `#[cfg(...)]` takes its policy type with it.
    let cfgs = attrs.iter().filter(|a| a.path().is_ident("cfg"));
    let cfgs = quote!(#(#cfgs)*);
    let doc = format!(
        "The policy of `{}`, generated by `#[clerk_protected]`.",
        sig.ident.unraw()
    );

    let param = FnArg::Typed(PatType {
        attrs: Vec::new(),
        pat: Box::new(Pat::Ident(PatIdent {
            attrs: Vec::new(),
            by_ref: None,
            mutability: None,
            ident: Ident::new(PARAM, Span::call_site()),
            subpat: None,
        })),
        colon_token: <Token![:]>::default(),
        ty: Box::new(Type::Verbatim(if requirements.serves_machines() {
            quote!(#krate::ProtectedCaller<#policy>)
        } else {
            quote!(#krate::Protected<#policy>)
        })),
    });
    let mut inputs = Punctuated::new();
    inputs.push(param);
    inputs.extend(sig.inputs);
    sig.inputs = inputs;

    quote! {
        #cfgs
        #[doc = #doc]
        #[doc(hidden)]
        #[allow(non_camel_case_types, dead_code)]
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::marker::Copy)]
        #vis struct #policy;

        #cfgs
        #[allow(unused_qualifications)]
        impl #krate::__private::Policy for #policy {
            fn roles() -> &'static [&'static str] {
                &[#(#roles),*]
            }
            fn permissions() -> &'static [&'static str] {
                &[#(#permissions),*]
            }
            #optional
        }

        #(#attrs)*
        #vis #sig #body
    }
}

/// `__clerk_protected_policy_<fn name>`: unique per module because function names are.
fn policy_ident(handler: &Ident) -> Ident {
    format_ident!("__clerk_protected_policy_{}", handler.unraw())
}

#[cfg(test)]
mod tests {
    use quote::quote;
    use syn::{File, Item, ItemFn, ItemImpl, ItemStruct};

    use super::*;

    fn expand_axum(args: TokenStream, item: TokenStream) -> File {
        let out = clerk_protected(Framework::Axum, args, item);
        match syn::parse2::<File>(out.clone()) {
            Ok(file) => file,
            Err(e) => panic!("expansion does not parse ({e}): {out}"),
        }
    }

    fn split(file: &File) -> (&ItemStruct, &ItemImpl, &ItemFn) {
        match &file.items[..] {
            [Item::Struct(s), Item::Impl(i), Item::Fn(f)] => (s, i, f),
            other => panic!("unexpected items: {}", quote!(#(#other)*)),
        }
    }

    fn text(tokens: impl ToTokens) -> String {
        tokens.to_token_stream().to_string()
    }

    /// The `&[...]` body of `fn <name>()` in the policy impl.
    fn list(imp: &ItemImpl, name: &str) -> String {
        imp.items
            .iter()
            .find_map(|item| match item {
                syn::ImplItem::Fn(f) if f.sig.ident == name => Some(text(&f.block)),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no fn {name}"))
    }

    fn compile_errors(file: &File) -> Vec<String> {
        file.items
            .iter()
            .filter_map(|item| match item {
                Item::Macro(m)
                    if m.mac
                        .path
                        .segments
                        .last()
                        .is_some_and(|s| s.ident == "compile_error") =>
                {
                    syn::parse2::<LitStr>(m.mac.tokens.clone())
                        .ok()
                        .map(|l| l.value())
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_documented_expansion() {
        let file = expand_axum(
            quote!(roles = ["org:admin"], permissions = ["org:invoices:read"]),
            quote! {
                /// Admin only.
                #[get("/admin")]
                pub async fn admin(x: X) -> R { body }
            },
        );
        let (s, imp, f) = split(&file);

        assert_eq!(s.ident, "__clerk_protected_policy_admin");
        assert_eq!(text(&s.vis), "pub");
        assert!(matches!(s.fields, syn::Fields::Unit));
        let attrs: Vec<String> = s.attrs.iter().map(text).collect();
        assert!(attrs.contains(&"# [doc (hidden)]".to_owned()), "{attrs:?}");
        assert!(attrs.iter().any(|a| a.contains("non_camel_case_types")));

        assert_eq!(text(&imp.self_ty), "__clerk_protected_policy_admin");
        let trait_path = imp.trait_.as_ref().map(|(_, p, _)| text(p));
        assert_eq!(
            trait_path.as_deref(),
            Some(":: clerk_axum :: __private :: Policy")
        );
        assert_eq!(list(imp, "roles"), "{ & [\"org:admin\"] }");
        assert_eq!(list(imp, "permissions"), "{ & [\"org:invoices:read\"] }");

        // Attributes in order, visibility, async, return type and body untouched.
        let attrs: Vec<String> = f.attrs.iter().map(text).collect();
        assert_eq!(
            attrs,
            ["# [doc = r\" Admin only.\"]", "# [get (\"/admin\")]"]
        );
        assert_eq!(text(&f.vis), "pub");
        assert!(f.sig.asyncness.is_some());
        assert_eq!(text(&f.sig.output), "-> R");
        assert_eq!(text(&f.block), "{ body }");
        let inputs: Vec<String> = f.sig.inputs.iter().map(text).collect();
        assert_eq!(
            inputs,
            [
                "__clerk_protected : :: clerk_axum :: Protected < __clerk_protected_policy_admin >",
                "x : X"
            ]
        );
    }

    #[test]
    fn features_plans_and_reverification() {
        let file = expand_axum(
            quote!(
                features = ["dashboard", "o:reports"],
                plans = ["pro"],
                reverification = "strict_mfa",
            ),
            quote!(
                fn h() {}
            ),
        );
        let (_, imp, _) = split(&file);
        assert_eq!(list(imp, "roles"), "{ & [] }");
        assert_eq!(
            list(imp, "features"),
            "{ & [\"dashboard\" , \"o:reports\"] }"
        );
        assert_eq!(list(imp, "plans"), "{ & [\"pro\"] }");
        assert_eq!(
            list(imp, "reverification"),
            "{ :: core :: option :: Option :: Some (:: clerk_axum :: __private :: Reverification :: StrictMfa) }"
        );
        for (level, variant) in [
            ("strict", "Strict"),
            ("moderate", "Moderate"),
            ("lax", "Lax"),
        ] {
            let file = expand_axum(
                quote!(reverification = #level),
                quote!(
                    fn h() {}
                ),
            );
            let (_, imp, _) = split(&file);
            assert!(list(imp, "reverification").contains(&format!("Reverification :: {variant})")));
            assert_eq!(imp.items.len(), 3, "only the given optional methods");
        }
        // Absent: the trait's defaults stay.
        let file = expand_axum(
            quote!(),
            quote!(
                fn h() {}
            ),
        );
        assert_eq!(split(&file).1.items.len(), 2);
        let file = expand_axum(
            quote!(
                features = ["x:dashboard"],
                plans = [""],
                reverification = "sometimes"
            ),
            quote!(
                fn h() {}
            ),
        );
        let errors = compile_errors(&file);
        assert_eq!(errors.len(), 3, "{errors:#?}");
        assert!(errors[0].contains("unknown scope `x`"));
        assert!(errors[1].starts_with("empty plan"));
        assert!(errors[2].starts_with("unknown reverification level \"sometimes\""));
    }

    #[test]
    fn machine_tokens_and_scopes() {
        let file = expand_axum(
            quote!(
                token = ["api_key", "oauth_token"],
                scopes = ["invoices:read"]
            ),
            quote!(
                async fn h() {}
            ),
        );
        let (_, imp, f) = split(&file);
        assert_eq!(
            list(imp, "tokens"),
            "{ & [:: clerk_axum :: __private :: TokenType :: ApiKey , :: clerk_axum :: __private :: TokenType :: OauthToken] }"
        );
        assert_eq!(list(imp, "scopes"), "{ & [\"invoices:read\"] }");
        assert_eq!(
            text(&f.sig.inputs[0]),
            "__clerk_protected : :: clerk_axum :: ProtectedCaller < __clerk_protected_policy_h >"
        );
        // Session tokens only, said or not: the user extractor.
        for args in [quote!(token = ["session_token"]), quote!()] {
            let file = expand_axum(
                args,
                quote!(
                    fn h() {}
                ),
            );
            let (_, _, f) = split(&file);
            assert!(text(&f.sig.inputs[0]).contains(":: Protected <"));
        }
        let file = expand_axum(
            quote!(
                token = ["api_key", "api_keys"],
                scopes = ["a b"],
                roles = ["org:admin"]
            ),
            quote!(
                fn h() {}
            ),
        );
        let errors = compile_errors(&file);
        assert_eq!(errors.len(), 3, "{errors:#?}");
        assert!(errors[0].starts_with("unknown token type \"api_keys\""));
        assert!(errors[1].starts_with("scope \"a b\" contains whitespace"));
        assert!(errors[2].starts_with("`roles` can never admit a machine caller"));
    }

    #[test]
    fn no_arguments_is_signed_in_only() {
        let file = expand_axum(
            quote!(),
            quote!(
                fn h() {}
            ),
        );
        let (s, imp, f) = split(&file);
        assert_eq!(text(&s.vis), "");
        assert_eq!(list(imp, "roles"), "{ & [] }");
        assert_eq!(list(imp, "permissions"), "{ & [] }");
        assert!(f.sig.asyncness.is_none());
        assert_eq!(f.sig.inputs.len(), 1);
    }

    #[test]
    fn default_and_custom_crate_paths() {
        for (framework, path) in [
            (Framework::Axum, ":: clerk_axum"),
            (Framework::Actix, ":: clerk_actix"),
            (Framework::Rocket, ":: clerk_rocket"),
        ] {
            let out = clerk_protected(
                framework,
                quote!(),
                quote!(
                    fn h() {}
                ),
            )
            .to_string();
            assert!(
                out.contains(&format!("impl {path} :: __private :: Policy")),
                "{out}"
            );
            assert!(
                out.contains(&format!("__clerk_protected : {path} :: Protected <")),
                "{out}"
            );
        }
        let file = expand_axum(
            quote!(crate = "crate::auth"),
            quote!(
                fn h() {}
            ),
        );
        let (_, imp, f) = split(&file);
        let trait_path = imp.trait_.as_ref().map(|(_, p, _)| text(p));
        assert_eq!(
            trait_path.as_deref(),
            Some("crate :: auth :: __private :: Policy")
        );
        assert!(text(&f.sig.inputs).contains("crate :: auth :: Protected <"));
    }

    #[test]
    fn generics_where_clauses_visibility_and_raw_names() {
        let file = expand_axum(
            quote!(roles = ["admin", "org:billing"]),
            quote!(
                pub(crate) fn r#type<'a, T: Clone>(x: &'a T) -> T
                where
                    T: Copy,
                {
                    *x
                }
            ),
        );
        let (s, imp, f) = split(&file);
        assert_eq!(s.ident, "__clerk_protected_policy_type");
        assert_eq!(text(&s.vis), "pub (crate)");
        assert_eq!(list(imp, "roles"), "{ & [\"admin\" , \"org:billing\"] }");
        assert_eq!(text(&f.sig.ident), "r#type");
        assert_eq!(text(&f.sig.generics), "< 'a , T : Clone >");
        // syn prints a trailing comma after the last predicate, which is valid Rust.
        assert!(text(&f.sig.generics.where_clause).starts_with("where T : Copy"));
        assert_eq!(f.sig.inputs.len(), 2);
    }

    #[test]
    fn errors_keep_the_item_untouched() {
        let item = quote!(
            pub async fn h(x: u32) -> u32 {
                x
            }
        );
        let out = clerk_protected(
            Framework::Axum,
            quote!(
                role = ["org:admin"],
                permissions = ["org:invoices", "ok:ok"],
                roles = [1]
            ),
            item.clone(),
        );
        let file = syn::parse2::<File>(out).unwrap_or_else(|e| panic!("{e}"));
        let errors = compile_errors(&file);
        assert_eq!(errors.len(), 3, "{errors:#?}");
        assert!(errors[0].starts_with("unknown argument `role`"));
        assert!(errors[1].starts_with("expected a string literal"));
        assert!(errors[2].starts_with("invalid permission \"org:invoices\""));
        let rest: Vec<&Item> = file
            .items
            .iter()
            .filter(|i| !matches!(i, Item::Macro(_)))
            .collect();
        assert_eq!(rest.len(), 1);
        assert_eq!(text(rest[0]), item.to_string());
    }

    #[test]
    fn cfg_attributes_apply_to_the_policy_type_too() {
        let file = expand_axum(
            quote!(),
            quote!(
                #[cfg(feature = "admin")]
                #[cfg_attr(test, inline)]
                fn h() {}
            ),
        );
        let (s, imp, f) = split(&file);
        let cfg = "# [cfg (feature = \"admin\")]";
        assert_eq!(text(&s.attrs[0]), cfg);
        assert_eq!(text(&imp.attrs[0]), cfg);
        assert_eq!(f.attrs.len(), 2);
    }

    #[test]
    fn applied_twice_drops_the_second_attribute_from_the_fallback() {
        let out = clerk_protected(
            Framework::Axum,
            quote!(),
            quote!(
                #[doc = "d"]
                #[clerk_protected(roles = ["org:admin"])]
                fn h() {}
            ),
        );
        let file = syn::parse2::<File>(out).unwrap_or_else(|e| panic!("{e}"));
        assert!(compile_errors(&file)[0].contains("applied twice"));
        assert_eq!(
            text(file.items.last().unwrap_or_else(|| panic!("no item"))),
            "# [doc = \"d\"] fn h () { }"
        );
    }

    #[test]
    fn argument_and_item_errors_are_combined() {
        let file = expand_axum(
            quote!(roles = []),
            quote!(
                struct S;
            ),
        );
        let errors = compile_errors(&file);
        assert_eq!(errors.len(), 2, "{errors:#?}");
        assert!(errors[0].contains("is empty"));
        assert!(errors[1].contains("not to a struct"));
        let file = expand_axum(
            quote!(roles = ["org:admin"]),
            quote!(
                fn h(&self) {}
            ),
        );
        assert!(compile_errors(&file)[0].contains("`self` receiver"));
    }

    #[test]
    fn never_panics_on_odd_input() {
        for (args, item) in [
            (quote!(), quote!()),
            (quote!(=), quote!(fn)),
            (
                quote!(roles = [[]]),
                quote!(
                    fn h() {}
                ),
            ),
            (
                quote!(crate = ""),
                quote!(
                    fn h() {}
                ),
            ),
            (quote!(::a::b = 1), quote!(fn h() -> {})),
            (
                quote!(roles = ["org:admin"]),
                quote!(
                    fn h() {}
                    fn g() {}
                ),
            ),
        ] {
            let out = clerk_protected(Framework::Rocket, args, item);
            assert!(out.to_string().contains("compile_error"), "{out}");
        }
    }
}
