//! The development sign-in page (`/sign-in`), sign-out (`/sign-out`), the home page (`/`), and
//! the loopback rules for redirects and origins.

use http::StatusCode;
use url::{Host, Url};

use super::exchange::{Req, Resp, Shared, html, see_other};
use super::store::{User, new_id};
use crate::escape_html as escape;

/// `raw` as a URL when it is an absolute `http(s)` URL on a loopback host (`127.0.0.0/8`,
/// `[::1]`, `localhost`, `*.localhost`) without credentials.
pub(crate) fn loopback_url(raw: &str) -> Option<Url> {
    let url = Url::parse(raw).ok()?;
    if !matches!(url.scheme(), "http" | "https")
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return None;
    }
    let loopback = match url.host()? {
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback(),
        Host::Domain(d) => {
            let d = d.to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
    };
    loopback.then_some(url)
}

/// The request's `Origin` when it is a loopback origin.
pub(crate) fn loopback_origin(req: &Req) -> Option<String> {
    req.header("origin")
        .and_then(loopback_url)
        .map(|u| u.origin().ascii_serialization())
}

/// Whether a state-changing request may proceed: no `Origin` (a top-level form post from an
/// old browser or a tool) or a loopback one.
fn origin_allowed(req: &Req) -> bool {
    req.header("origin").is_none() || loopback_origin(req).is_some()
}

/// The `redirect_url` of the query or form: `Ok(None)` when absent, `Err` when it is not a
/// loopback http(s) URL.
fn redirect_url(pairs: &[(String, String)]) -> Result<Option<String>, String> {
    match pairs.iter().find(|(k, _)| k == "redirect_url") {
        None => Ok(None),
        Some((_, v)) if v.is_empty() => Ok(None),
        Some((_, v)) => loopback_url(v).map(|u| Some(u.to_string())).ok_or_else(|| {
            format!(
                "redirect_url {v:?} is not allowed: the emulator only redirects to http(s) URLs \
                 on 127.0.0.1, [::1] or localhost."
            )
        }),
    }
}

const STYLE: &str = r#"
:root { color-scheme: light dark; --bg: #f5f6f8; --card: #ffffff; --fg: #1b1f24; --muted: #5d6672;
  --border: #e1e4e8; --accent: #6c47ff; --accent-fg: #ffffff; --warn: #b42318; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0e1014; --card: #171a20; --fg: #e7e9ec; --muted: #99a2ad; --border: #2a2f37;
    --accent: #8b6cff; --warn: #f97066; }
}
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: flex; justify-content: center; align-items: flex-start;
  padding: 56px 16px; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { width: 100%; max-width: 460px; }
.card { background: var(--card); border: 1px solid var(--border); border-radius: 14px; padding: 28px; }
h1 { font-size: 20px; margin: 0 0 4px; }
p { margin: 0 0 16px; color: var(--muted); }
.tag { display: inline-block; font-size: 12px; padding: 1px 8px; border-radius: 999px;
  border: 1px solid var(--border); color: var(--muted); margin-left: 6px; }
form { margin: 0 0 10px; }
button.user { display: flex; align-items: center; gap: 12px; width: 100%; padding: 12px 14px;
  border: 1px solid var(--border); border-radius: 10px; background: transparent; color: inherit;
  font: inherit; text-align: left; cursor: pointer; }
button.user:hover, button.user:focus-visible { border-color: var(--accent); outline: none; }
.avatar { flex: none; width: 38px; height: 38px; border-radius: 50%; display: grid; place-items: center;
  background: var(--accent); color: var(--accent-fg); font-weight: 600; }
.who { display: flex; flex-direction: column; min-width: 0; }
.who small { color: var(--muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.error { color: var(--warn); }
a { color: var(--accent); }
footer { margin-top: 16px; font-size: 13px; color: var(--muted); text-align: center; }
code { font-size: 13px; }
"#;

fn layout(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Clerk emulator</title><style>{STYLE}</style></head>\
         <body><main>{body}<footer>Local Clerk emulator: test data only, no real accounts.</footer>\
         </main></body></html>\n",
        title = escape(title),
    )
}

fn error_page(status: StatusCode, message: &str) -> Resp {
    html(
        status,
        layout(
            "Error",
            &format!(
                "<div class=\"card\"><h1>Cannot continue</h1><p class=\"error\">{}</p>\
                 <p><a href=\"/sign-in\">Back to sign-in</a></p></div>",
                escape(message)
            ),
        ),
    )
}

fn initials(u: &User) -> String {
    let mut s: String = [u.first_name.as_deref(), u.last_name.as_deref()]
        .into_iter()
        .flatten()
        .filter_map(|n| n.chars().next())
        .collect();
    if s.is_empty() {
        s = u.display_name().chars().take(1).collect();
    }
    s.to_uppercase()
}

/// The signed-in user of this browser, if any.
fn current_user(shared: &Shared, req: &Req) -> Option<String> {
    let client = req.cookie(&shared.client_cookie_name())?;
    let s = shared.lock();
    let (session, _) = s.client_session(&client)?;
    s.user(&session.user_id).map(User::display_name)
}

/// `GET /sign-in?redirect_url=`: the list of users.
pub(crate) fn page(shared: &Shared, req: &Req) -> Resp {
    let pairs = req.query_pairs();
    let redirect = match redirect_url(&pairs) {
        Ok(r) => r,
        Err(e) => return error_page(StatusCode::BAD_REQUEST, &e),
    };
    if let Some((_, ticket)) = pairs.iter().find(|(k, _)| k == "__clerk_ticket") {
        return ticket_sign_in(shared, req, ticket, redirect);
    }
    let current = current_user(shared, req);
    let s = shared.lock();
    let mut items = String::new();
    for u in s.users.iter().take(100) {
        let membership = s.memberships.iter().find(|m| m.user_id == u.id);
        let badge = membership
            .and_then(|m| s.org(&m.org_id).map(|o| format!("{} · {}", m.role, o.name)))
            .unwrap_or_else(|| "no organization".to_owned());
        items.push_str(&format!(
            "<form method=\"post\" action=\"/sign-in\">\
             <input type=\"hidden\" name=\"user_id\" value=\"{id}\">\
             <input type=\"hidden\" name=\"redirect_url\" value=\"{redirect}\">\
             <button class=\"user\" type=\"submit\"><span class=\"avatar\">{initials}</span>\
             <span class=\"who\"><strong>{name}<span class=\"tag\">{badge}</span></strong>\
             <small>{email}</small></span></button></form>",
            id = escape(&u.id),
            redirect = escape(redirect.as_deref().unwrap_or("")),
            initials = escape(&initials(u)),
            name = escape(&u.display_name()),
            badge = escape(&badge),
            email = escape(u.primary_email().unwrap_or(&u.id)),
        ));
    }
    drop(s);
    if items.is_empty() {
        items.push_str("<p>No users yet: create some through the Backend API.</p>");
    }
    let back = match &redirect {
        Some(r) => format!("<p>You will return to <code>{}</code>.</p>", escape(r)),
        None => String::new(),
    };
    let signed_in = match current {
        Some(name) => format!(
            "<p>Signed in as <strong>{}</strong> · <a href=\"/sign-out{}\">Sign out</a></p>",
            escape(&name),
            redirect
                .as_deref()
                .map(|r| format!("?redirect_url={}", escape(&encode(r))))
                .unwrap_or_default()
        ),
        None => String::new(),
    };
    html(
        StatusCode::OK,
        layout(
            "Sign in",
            &format!(
                "<div class=\"card\"><h1>Sign in</h1><p>Choose a test user to continue.</p>\
                 {signed_in}{items}{back}</div>"
            ),
        ),
    )
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The emulator's client cookie, or an expired one when `client_id` is `None`.
fn client_cookie(shared: &Shared, client_id: Option<&str>) -> String {
    match client_id {
        Some(id) => format!(
            "{}={id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=604800",
            shared.client_cookie_name()
        ),
        None => format!(
            "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0",
            shared.client_cookie_name()
        ),
    }
}

/// `POST /sign-in` (form: `user_id`, `redirect_url`): starts a session, sets the emulator's
/// client cookie and redirects (303) back.
pub(crate) fn submit(shared: &Shared, req: &Req) -> Resp {
    if !origin_allowed(req) {
        return error_page(
            StatusCode::FORBIDDEN,
            "Sign-in requests must come from a loopback origin.",
        );
    }
    let form = req.form_pairs();
    let redirect = match redirect_url(&form) {
        Ok(r) => r,
        Err(e) => return error_page(StatusCode::BAD_REQUEST, &e),
    };
    let Some(user_id) = form
        .iter()
        .find(|(k, _)| k == "user_id")
        .map(|(_, v)| v.as_str())
    else {
        return error_page(StatusCode::BAD_REQUEST, "Choose a user to sign in as.");
    };
    finish_sign_in(shared, req, user_id, redirect)
}

/// Signs `user_id` in on this browser and redirects back; banned and locked users are refused.
fn finish_sign_in(shared: &Shared, req: &Req, user_id: &str, redirect: Option<String>) -> Resp {
    let client_id = req
        .cookie(&shared.client_cookie_name())
        .filter(|c| c.starts_with("client_") && c.len() <= 64 && c.is_ascii())
        .unwrap_or_else(|| new_id("client"));
    {
        let mut s = shared.lock();
        match s.user(user_id) {
            None => return error_page(StatusCode::BAD_REQUEST, "That user does not exist."),
            Some(u) if u.banned || u.locked => {
                return error_page(
                    StatusCode::FORBIDDEN,
                    "That user is banned or locked and cannot sign in.",
                );
            }
            Some(_) => {}
        }
        s.sign_in(user_id, &client_id);
    }
    let location = match redirect {
        Some(url) => with_dev_browser(shared, &url, &client_id),
        None => "/".to_owned(),
    };
    see_other(&location, &[client_cookie(shared, Some(&client_id))])
}

/// `GET /sign-in?__clerk_ticket=<sign-in token>`: the URL `POST /v1/sign_in_tokens` answers.
/// A pending, unexpired token signs its user in once and becomes `accepted`.
fn ticket_sign_in(shared: &Shared, req: &Req, ticket: &str, redirect: Option<String>) -> Resp {
    let user_id = {
        let mut s = shared.lock();
        let now = s.tick();
        let token = s
            .records
            .sign_in_tokens
            .iter_mut()
            .find(|t| t.token.matches(ticket));
        match token {
            Some(t) if t.status == "pending" && t.expires_at > now => {
                t.status = "accepted".into();
                t.updated_at = now;
                t.user_id.clone()
            }
            _ => {
                return error_page(
                    StatusCode::BAD_REQUEST,
                    "This sign-in link is invalid, used, revoked or expired.",
                );
            }
        }
    };
    finish_sign_in(shared, req, &user_id, redirect)
}

/// On a development instance, `url` with `__clerk_db_jwt=<a dev browser of this client>`
/// appended, as Clerk's development sign-in pages send the browser back: the app's next request
/// syncs through the handshake (`dev-browser-sync`). The interstitial protocol ignores it.
fn with_dev_browser(shared: &Shared, url: &str, client_id: &str) -> String {
    if !super::handshake::is_development(shared) {
        return url.to_owned();
    }
    let Ok(mut parsed) = url::Url::parse(url) else {
        return url.to_owned();
    };
    let token = shared.lock().create_dev_browser(Some(client_id));
    parsed
        .query_pairs_mut()
        .append_pair("__clerk_db_jwt", &token);
    parsed.into()
}

/// Ends this browser's session (if any); returns the cookie to set.
pub(crate) fn end_client_session(shared: &Shared, req: &Req) -> String {
    if let Some(client) = req.cookie(&shared.client_cookie_name()) {
        let mut s = shared.lock();
        let active = s
            .client_session(&client)
            .map(|(session, _)| session.id.clone());
        if let Some(id) = active {
            s.end_session(&id, "ended");
        }
    }
    client_cookie(shared, None)
}

/// `GET|POST /sign-out?redirect_url=`: ends the session and redirects (303) back, or to the
/// sign-in page.
pub(crate) fn sign_out(shared: &Shared, req: &Req) -> Resp {
    if !origin_allowed(req) {
        return error_page(
            StatusCode::FORBIDDEN,
            "Sign-out requests must come from a loopback origin.",
        );
    }
    let mut pairs = req.query_pairs();
    pairs.extend(req.form_pairs());
    let redirect = match redirect_url(&pairs) {
        Ok(r) => r,
        Err(e) => return error_page(StatusCode::BAD_REQUEST, &e),
    };
    let client = super::handshake::client_from_cookie(shared, req);
    let cookie = end_client_session(shared, req);
    let location = match (redirect, client) {
        (Some(url), Some(client)) => with_dev_browser(shared, &url, &client),
        (Some(url), None) => url,
        (None, _) => "/sign-in".to_owned(),
    };
    see_other(&location, &[cookie])
}

/// `GET /`: what this emulator is and who is signed in.
pub(crate) fn home(shared: &Shared, req: &Req) -> Resp {
    let who = match current_user(shared, req) {
        Some(name) => format!(
            "<p>This browser is signed in as <strong>{}</strong> · \
             <a href=\"/sign-out\">Sign out</a></p>",
            escape(&name)
        ),
        None => "<p>This browser is signed out · <a href=\"/sign-in\">Sign in</a></p>".to_owned(),
    };
    let url = escape(&shared.url);
    let webhooks = match &shared.webhook {
        Some(target) => format!(
            "<br>Webhooks: to <code>{}</code>, \
             <a href=\"/emulator/webhooks\"><code>/emulator/webhooks</code></a>",
            escape(&target.url)
        ),
        None => String::new(),
    };
    html(
        StatusCode::OK,
        layout(
            "Home",
            &format!(
                "<div class=\"card\"><h1>Clerk emulator</h1>{who}\
                 <p>Backend API: <code>{url}/v1</code><br>JWKS: <code>{url}/v1/jwks</code>, \
                 <a href=\"/.well-known/jwks.json\"><code>/.well-known/jwks.json</code></a><br>\
                 Script: <code>{url}/npm/@clerk/clerk-js@4/dist/clerk.browser.js</code>{webhooks}</p></div>"
            ),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_http_urls_are_allowed() {
        for ok in [
            "http://127.0.0.1:3000/me?x=1",
            "https://localhost/",
            "http://[::1]:8080/",
            "http://app.localhost:3000/",
            "http://127.1.2.3/",
        ] {
            assert!(loopback_url(ok).is_some(), "{ok}");
        }
        for bad in [
            "https://evil.example/",
            "//evil.example/",
            "/relative",
            "javascript:alert(1)",
            "http://127.0.0.1@evil.example/",
            "http://user:pw@127.0.0.1/",
            "ftp://127.0.0.1/",
            "http://localhost.evil.example/",
            "http://0x7f000001.evil/",
        ] {
            assert!(loopback_url(bad).is_none(), "{bad}");
        }
        assert_eq!(
            escape("<a href=\"x\">'&"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;"
        );
    }
}
