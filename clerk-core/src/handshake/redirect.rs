//! Where a handshake state sends the browser (docs/auth-rules.md §9.5–§9.6): the eligibility of
//! the request, the redirect-loop guard, the Frontend API handshake URL and the development sync
//! URLs.

use url::Url;

use super::context::Context;
use crate::auth::reason::{AuthReason, AuthStatus};
use crate::auth::request::RequestView;
use crate::auth::state::AuthState;
use crate::keys::InstanceType;

/// The value of `__clerk_api_version` in the handshake URL: the Frontend API version the SDK
/// speaks (`@clerk/backend` 3.25.0's).
pub(crate) const CLERK_API_VERSION: &str = "2026-05-12";

/// Where a handshake state redirects.
pub(crate) enum Redirect {
    /// The Frontend API handshake.
    Handshake,
    /// A given URL (development satellite sync).
    To(String),
}

/// A handshake state when the request is a page navigation and not looping, else signed out
/// with the same reason and message.
pub(crate) fn maybe_handshake<R: RequestView + ?Sized>(
    ctx: &Context<'_, R>,
    reason: AuthReason,
    message: &str,
    redirect: Redirect,
) -> AuthState {
    let signed_out = || super::rules::signed_out(ctx.config, reason, message, Vec::new());
    if !is_eligible(ctx) {
        return signed_out();
    }
    let count = ctx.redirect_count();
    if count == 3.0 {
        tracing::info!(
            reason = reason.as_str(),
            "clerk: a handshake redirect loop was detected; the request is treated as signed out"
        );
        return signed_out();
    }
    let location = match redirect {
        Redirect::Handshake => handshake_url(ctx, reason),
        Redirect::To(url) => Some(url),
    };
    // A request whose authority makes no URL is not redirected anywhere.
    let Some(location) = location else {
        return signed_out();
    };
    let headers = vec![
        ("location", location),
        ("cache-control", "no-store".to_owned()),
        (
            "set-cookie",
            format!(
                "__clerk_redirect_count={}; SameSite=Lax; HttpOnly; Max-Age=2",
                js_number(count + 1.0)
            ),
        ),
    ];
    AuthState::from_parts(
        ctx.config,
        AuthStatus::Handshake,
        Some(reason),
        Some(message.to_owned()),
        None,
        headers,
    )
}

/// A number as JavaScript prints it (integers without a fraction).
fn js_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// A `GET` page or frame navigation (`sec-fetch-dest`), or, without `sec-fetch-dest`, a `GET`
/// accepting HTML first.
fn is_eligible<R: RequestView + ?Sized>(ctx: &Context<'_, R>) -> bool {
    if !ctx.is_get() {
        return false;
    }
    match ctx.header("sec-fetch-dest").as_deref() {
        Some("document" | "iframe") => true,
        Some(_) => false,
        None => ctx
            .header("accept")
            .is_some_and(|a| a.starts_with("text/html")),
    }
}

/// The frontend API the handshake goes to: the proxy URL (made absolute with the request's
/// origin when relative), else the instance's frontend API host.
fn frontend_api<R: RequestView + ?Sized>(ctx: &Context<'_, R>) -> String {
    let proxy = &ctx.settings.proxy_url;
    if proxy.starts_with('/') {
        let origin = ctx.url().map(|u| u.origin().ascii_serialization());
        format!("{}{proxy}", origin.unwrap_or_default())
    } else if proxy.is_empty() {
        ctx.settings.original_frontend_api.clone()
    } else {
        proxy.clone()
    }
}

/// The request URL without the given query parameters (the query re-serialised form-style).
pub(crate) fn without_params(url: &Url, names: &[&str]) -> Url {
    let mut url = url.clone();
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(n, _)| !names.contains(&n.as_ref()))
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect();
    url.set_query(None);
    if !kept.is_empty() {
        url.query_pairs_mut().extend_pairs(kept);
    }
    url
}

/// `<frontend API>/v1/client/handshake?redirect_url=…&…` (docs/auth-rules.md §9.6).
pub(crate) fn handshake_url<R: RequestView + ?Sized>(
    ctx: &Context<'_, R>,
    reason: AuthReason,
) -> Option<String> {
    let fapi = frontend_api(ctx);
    let base = if fapi.starts_with("http") {
        fapi
    } else {
        format!("https://{fapi}")
    };
    let redirect_url = without_params(ctx.url()?, &["__clerk_db_jwt", "__dev_session"]);
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("redirect_url", redirect_url.as_str())
        .append_pair("__clerk_api_version", CLERK_API_VERSION)
        .append_pair(
            "suffixed_cookies",
            if ctx.suffixed { "true" } else { "false" },
        )
        .append_pair("__clerk_hs_reason", reason.as_str())
        .append_pair("format", "nonce");
    if let Some(session) = ctx
        .session
        .clone()
        .or_else(|| ctx.header_token().map(|t| t.into_owned()))
    {
        query.append_pair("__session", &session);
    }
    if ctx.settings.is_development()
        && let Some(dev_browser) = ctx.dev_browser()
    {
        query.append_pair("__clerk_db_jwt", &dev_browser);
    }
    if let Some(organization) = super::org_sync::url_organization(ctx) {
        query.append_pair("organization_id", &organization);
    }
    Some(format!(
        "{}/v1/client/handshake?{}",
        base.trim_end_matches('/'),
        query.finish()
    ))
}

/// R3: a development satellite syncs through the primary's sign-in URL, with
/// `__clerk_redirect_url` = this request's URL.
pub(crate) fn sign_in_sync_url<R: RequestView + ?Sized>(ctx: &Context<'_, R>) -> Option<String> {
    let mut url = Url::parse(ctx.config.sign_in_url()).ok()?;
    url.query_pairs_mut()
        .append_pair("__clerk_redirect_url", ctx.url()?.as_str());
    Some(url.into())
}

/// R4: a development primary sends the browser back to the satellite URL of
/// `__clerk_redirect_url` with its dev browser token and `__clerk_synced=true`. An unparsable
/// URL skips the rule.
pub(crate) fn satellite_return_url<R: RequestView + ?Sized>(
    ctx: &Context<'_, R>,
) -> Option<String> {
    let raw = ctx
        .query("__clerk_redirect_url")
        .filter(|v| !v.is_empty())?;
    let mut url = Url::parse(&raw).ok()?;
    if let Some(dev_browser) = ctx.dev_browser() {
        url.query_pairs_mut()
            .append_pair("__clerk_db_jwt", &dev_browser);
    }
    // `searchParams.set`: the first `__clerk_synced` takes the value in place, others go.
    let mut pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect();
    match pairs.iter().position(|(n, _)| n == "__clerk_synced") {
        Some(i) => {
            pairs[i].1 = "true".to_owned();
            let mut seen = false;
            pairs.retain(|(n, _)| {
                if n != "__clerk_synced" {
                    return true;
                }
                let keep = !seen;
                seen = true;
                keep
            });
        }
        None => pairs.push(("__clerk_synced".to_owned(), "true".to_owned())),
    }
    url.set_query(None);
    url.query_pairs_mut().extend_pairs(pairs);
    Some(url.into())
}

/// R15: the `Referer` is on another origin and is not one of Clerk's own pages.
pub(crate) fn is_foreign_referrer<R: RequestView + ?Sized>(ctx: &Context<'_, R>) -> bool {
    let Some(referrer) = ctx.header("referer") else {
        return false;
    };
    let Ok(referrer) = Url::parse(&referrer) else {
        return false;
    };
    let Some(url) = ctx.url() else {
        return false;
    };
    if referrer.origin() == url.origin() {
        return false;
    }
    !is_known_clerk_referrer(ctx, &referrer)
}

fn is_known_clerk_referrer<R: RequestView + ?Sized>(ctx: &Context<'_, R>, referrer: &Url) -> bool {
    let host = referrer.host_str().unwrap_or("");
    let fapi = frontend_api(ctx);
    let fapi_host = if fapi.starts_with("http") {
        Url::parse(&fapi)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default()
    } else {
        fapi.clone()
    };
    if host == fapi_host {
        return true;
    }
    if ctx.settings.instance != InstanceType::Production && is_dev_account_portal(host) {
        return true;
    }
    let portal =
        ctx.settings
            .original_frontend_api
            .replacen("clerk.accountsstage.", "accountsstage.", 1);
    let portal = if let Some(i) = portal.find("clerk.accounts.") {
        format!(
            "{}accounts.{}",
            &portal[..i],
            &portal[i + "clerk.accounts.".len()..]
        )
    } else if let Some(i) = portal.find("clerk.") {
        format!("{}accounts.{}", &portal[..i], &portal[i + "clerk.".len()..])
    } else {
        portal
    };
    referrer.origin().ascii_serialization() == format!("https://{portal}")
}

/// A development account portal host.
fn is_dev_account_portal(host: &str) -> bool {
    if host.starts_with("accounts.")
        && [".lcl.dev", ".lclstage.dev", ".lclclerk.com"]
            .iter()
            .any(|s| host.ends_with(s))
    {
        return true;
    }
    [
        ".accounts.dev",
        ".accountsstage.dev",
        ".accounts.lclclerk.com",
    ]
    .iter()
    .any(|s| host.ends_with(s) && !host.ends_with(&format!(".clerk{s}")))
}
