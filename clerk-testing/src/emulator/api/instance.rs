//! Instance-level resources: `/v1/allowlist_identifiers`, `/v1/blocklist_identifiers`,
//! `/v1/redirect_urls`, `/v1/jwt_templates`, `/v1/invitations`, `/v1/sign_in_tokens` and the
//! public `/v1/public/interstitial`.

use http::StatusCode;
use serde_json::{Value, json};

use super::super::exchange::{Req, Resp, Shared, html};
use super::super::machines::Secret;
use super::super::records::{Identifier, Invitation, RedirectUrl, SignInToken};
use super::super::store::{deleted_json, new_id};
use super::errors::{Answer, ApiError, error_response, ok};
use super::lookup::user;
use super::params::{Body, Field, Query, data_page, list_page};
use super::users::check_email;

/// How long an invitation stays valid unless `expires_in_days` says otherwise: 30 days.
const DEFAULT_INVITATION_DAYS: i64 = 30;

/// How long a sign-in token stays valid unless `expires_in_seconds` says otherwise: 30 days.
const DEFAULT_SIGN_IN_TOKEN_SECONDS: i64 = 30 * 24 * 3600;

const DAY_MS: i64 = 24 * 3600 * 1000;

fn duplicate(long: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "duplicate_record",
        "duplicate record",
        long,
    )
}

/// The `identifier_type` of an allowlist or blocklist identifier: an email address (or a
/// domain, `example.com` or `*@example.com`, which Clerk matches against email addresses), a
/// phone number in E.164, or a web3 wallet (`0x` and 40 hex digits).
fn identifier_type(identifier: &str) -> Result<&'static str, ApiError> {
    let id = identifier.trim();
    let hex = |s: &str| s.len() == 40 && s.chars().all(|c| c.is_ascii_hexdigit());
    if id.strip_prefix("0x").is_some_and(hex) {
        return Ok("web3_wallet");
    }
    if let Some(digits) = id.strip_prefix('+') {
        if (7..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()) {
            return Ok("phone_number");
        }
    } else {
        let domain = id.rsplit_once('@').map_or(id, |(_, d)| d);
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && domain
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        if domain_ok && !id.chars().any(char::is_whitespace) {
            return Ok("email_address");
        }
    }
    Err(ApiError::invalid(
        "identifier",
        "identifier must be an email address, a domain, a phone number or a web3 wallet.",
    ))
}

// ---- allowlist and blocklist ------------------------------------------------------------------

/// Which identifier list a route works on.
#[derive(Clone, Copy)]
pub(super) enum IdList {
    Allow,
    Block,
}

impl IdList {
    fn object(self) -> &'static str {
        match self {
            IdList::Allow => "allowlist_identifier",
            IdList::Block => "blocklist_identifier",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            IdList::Allow => "alid",
            IdList::Block => "blid",
        }
    }

    fn of(self, s: &mut super::super::store::State) -> &mut Vec<Identifier> {
        match self {
            IdList::Allow => &mut s.records.allowlist,
            IdList::Block => &mut s.records.blocklist,
        }
    }
}

/// Newest first. The allowlist answers a bare array (or a page with `paginated=true`); the
/// blocklist always answers `{"data", "total_count"}`, as the spec has them.
pub(super) fn identifiers_list(shared: &Shared, list: IdList, q: &Query) -> Answer {
    let mut s = shared.lock();
    let mut all: Vec<Identifier> = list.of(&mut s).clone();
    all.sort_by_key(|i| std::cmp::Reverse(i.created_at));
    let render = |i: &Identifier| s.identifier_json(list.object(), i);
    match list {
        IdList::Allow => ok(list_page(q, &all, render)?),
        IdList::Block => {
            let (limit, offset) = q.paging()?;
            ok(data_page(&all, limit, offset, render))
        }
    }
}

pub(super) fn identifiers_create(shared: &Shared, list: IdList, body: &Body) -> Answer {
    let identifier = body.required_string("identifier")?.trim().to_owned();
    let kind = identifier_type(&identifier)?;
    if let IdList::Allow = list {
        body.bool("notify")?;
    }
    let mut s = shared.lock();
    if list
        .of(&mut s)
        .iter()
        .any(|i| i.identifier.eq_ignore_ascii_case(&identifier))
    {
        return Err(duplicate("That identifier is already on the list."));
    }
    let now = s.tick();
    let entry = Identifier {
        id: new_id(list.prefix()),
        identifier,
        identifier_type: kind,
        created_at: now,
    };
    let out = s.identifier_json(list.object(), &entry);
    list.of(&mut s).push(entry);
    ok(out)
}

pub(super) fn identifiers_delete(shared: &Shared, list: IdList, id: &str) -> Answer {
    let mut s = shared.lock();
    let entries = list.of(&mut s);
    let before = entries.len();
    entries.retain(|i| i.id != id);
    if entries.len() == before {
        return Err(ApiError::not_found());
    }
    ok(deleted_json(list.object(), id))
}

// ---- redirect URLs ----------------------------------------------------------------------------

/// An absolute URL: `http(s)://host...` or an app's custom scheme (`myapp://callback`).
fn check_redirect_url(raw: &str) -> Result<(), ApiError> {
    match url::Url::parse(raw) {
        Ok(u) if !u.cannot_be_a_base() => Ok(()),
        _ => Err(ApiError::invalid(
            "url",
            "url must be an absolute URL, e.g. https://example.com/callback.",
        )),
    }
}

pub(super) fn redirect_urls_list(shared: &Shared, q: &Query) -> Answer {
    let s = shared.lock();
    let mut all: Vec<&RedirectUrl> = s.records.redirect_urls.iter().collect();
    all.sort_by_key(|r| std::cmp::Reverse(r.created_at));
    ok(list_page(q, &all, |r| s.redirect_url_json(r))?)
}

pub(super) fn redirect_urls_get(shared: &Shared, id: &str) -> Answer {
    let s = shared.lock();
    let r = s
        .records
        .redirect_urls
        .iter()
        .find(|r| r.id == id)
        .ok_or_else(ApiError::not_found)?;
    ok(s.redirect_url_json(r))
}

pub(super) fn redirect_urls_create(shared: &Shared, body: &Body) -> Answer {
    let url = body.required_string("url")?.trim().to_owned();
    check_redirect_url(&url)?;
    let mut s = shared.lock();
    if s.records.redirect_urls.iter().any(|r| r.url == url) {
        return Err(ApiError::taken("url", "That redirect URL already exists."));
    }
    let now = s.tick();
    let r = RedirectUrl {
        id: new_id("ru"),
        url,
        created_at: now,
    };
    let out = s.redirect_url_json(&r);
    s.records.redirect_urls.push(r);
    ok(out)
}

pub(super) fn redirect_urls_delete(shared: &Shared, id: &str) -> Answer {
    let mut s = shared.lock();
    let before = s.records.redirect_urls.len();
    s.records.redirect_urls.retain(|r| r.id != id);
    if s.records.redirect_urls.len() == before {
        return Err(ApiError::not_found());
    }
    ok(deleted_json("redirect_url", id))
}

// ---- JWT templates ----------------------------------------------------------------------------

pub(super) fn jwt_templates_list(shared: &Shared, q: &Query) -> Answer {
    let s = shared.lock();
    let all: Vec<_> = s.records.jwt_templates.iter().collect();
    ok(list_page(q, &all, |t| s.jwt_template_json(t))?)
}

pub(super) fn jwt_templates_get(shared: &Shared, id: &str) -> Answer {
    let s = shared.lock();
    let t = s
        .records
        .jwt_templates
        .iter()
        .find(|t| t.id == id)
        .ok_or_else(ApiError::not_found)?;
    ok(s.jwt_template_json(t))
}

// ---- invitations ------------------------------------------------------------------------------

pub(super) fn invitations_list(shared: &Shared, q: &Query) -> Answer {
    let s = shared.lock();
    let statuses = q.all("status");
    let needle = q.first("query").map(str::to_lowercase);
    let mut all: Vec<(&Invitation, Value)> = s
        .records
        .invitations
        .iter()
        .map(|i| (i, s.invitation_json(i)))
        .filter(|(i, v)| {
            (statuses.is_empty() || statuses.iter().any(|st| v["status"] == *st))
                && needle
                    .as_deref()
                    .is_none_or(|n| i.email.to_lowercase().contains(n))
        })
        .collect();
    let (field, descending) = q.order_by("-created_at");
    match field {
        "created_at" => all.sort_by_key(|(i, _)| i.created_at),
        "email_address" => all.sort_by(|(a, _), (b, _)| {
            a.email
                .to_lowercase()
                .cmp(&b.email.to_lowercase())
                .then(a.created_at.cmp(&b.created_at))
        }),
        "expires_at" => all.sort_by_key(|(i, _)| (i.expires_at, i.created_at)),
        _ => {
            return Err(ApiError::invalid(
                "order_by",
                format!("order_by {field:?} is not supported."),
            ));
        }
    }
    if descending {
        all.reverse();
    }
    ok(list_page(q, &all, |(_, v)| v.clone())?)
}

/// `expires_in_days`: 1 to 365, default 30; returns the expiry in Unix milliseconds.
pub(super) fn expiry_days(body: &Body, now: i64) -> Result<i64, ApiError> {
    let days = match body.int("expires_in_days")? {
        Field::Value(d) if (1..=365).contains(&d) => d,
        Field::Value(_) => {
            return Err(ApiError::invalid(
                "expires_in_days",
                "expires_in_days must be between 1 and 365.",
            ));
        }
        Field::Absent | Field::Null => DEFAULT_INVITATION_DAYS,
    };
    Ok(now.saturating_add(days * DAY_MS))
}

pub(super) fn invitations_create(shared: &Shared, body: &Body) -> Answer {
    let email = body.required_string("email_address")?.trim().to_owned();
    check_email(&email)?;
    let public_metadata = body.object("public_metadata")?.unwrap_or_else(|| json!({}));
    let redirect_url = match body.string("redirect_url")? {
        Field::Value(u) => {
            check_redirect_url(&u).map_err(|_| {
                ApiError::invalid("redirect_url", "redirect_url must be an absolute URL.")
            })?;
            Some(u)
        }
        Field::Absent | Field::Null => None,
    };
    body.bool("notify")?;
    let ignore_existing = body.bool("ignore_existing")?.unwrap_or(false);
    let mut s = shared.lock();
    if s.email_taken(&email, None) {
        return Err(ApiError::taken(
            "email_address",
            "That email address is taken. Please try another.",
        ));
    }
    let pending = s.records.invitations.iter().any(|i| {
        i.email.eq_ignore_ascii_case(&email) && s.invitation_json(i)["status"] == "pending"
    });
    if pending && !ignore_existing {
        return Err(duplicate(
            "There is already a pending invitation for this email address.",
        ));
    }
    let now = s.tick();
    let id = new_id("inv");
    let url = redirect_url.map(|u| {
        let sep = if u.contains('?') { '&' } else { '?' };
        format!("{u}{sep}__clerk_ticket={id}&__clerk_status=sign_up")
    });
    let invitation = Invitation {
        id,
        email,
        public_metadata,
        status: "pending".into(),
        url,
        expires_at: Some(expiry_days(body, now)?),
        created_at: now,
        updated_at: now,
    };
    let out = s.invitation_json(&invitation);
    s.records.invitations.push(invitation);
    ok(out)
}

pub(super) fn invitations_revoke(shared: &Shared, id: &str) -> Answer {
    let mut s = shared.lock();
    let now = s.tick();
    let i = s
        .records
        .invitations
        .iter()
        .find(|i| i.id == id)
        .ok_or_else(ApiError::not_found)?;
    if s.invitation_json(i)["status"] != "pending" {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invitation_not_pending",
            "invitation is not pending",
            "Only pending invitations can be revoked.",
        ));
    }
    let i = s
        .records
        .invitations
        .iter_mut()
        .find(|i| i.id == id)
        .ok_or_else(ApiError::not_found)?;
    i.status = "revoked".into();
    i.updated_at = now;
    let i = i.clone();
    ok(s.invitation_json(&i))
}

// ---- sign-in tokens ---------------------------------------------------------------------------

pub(super) fn sign_in_tokens_create(shared: &Shared, body: &Body) -> Answer {
    let user_id = body.required_string("user_id")?;
    let seconds = match body.int("expires_in_seconds")? {
        Field::Value(n) if n > 0 && n <= DEFAULT_SIGN_IN_TOKEN_SECONDS => n,
        Field::Value(_) => {
            return Err(ApiError::invalid(
                "expires_in_seconds",
                "expires_in_seconds must be between 1 and 2592000 (30 days).",
            ));
        }
        Field::Absent | Field::Null => DEFAULT_SIGN_IN_TOKEN_SECONDS,
    };
    let mut s = shared.lock();
    user(&s, &user_id)?;
    let now = s.tick();
    let t = SignInToken {
        id: new_id("sit"),
        user_id,
        token: Secret::generate("sit_token"),
        status: "pending".into(),
        expires_at: now.saturating_add(seconds * 1000),
        created_at: now,
        updated_at: now,
    };
    let out = s.sign_in_token_json(&t, &shared.url, true);
    s.records.sign_in_tokens.push(t);
    ok(out)
}

pub(super) fn sign_in_tokens_revoke(shared: &Shared, id: &str) -> Answer {
    let mut s = shared.lock();
    let now = s.tick();
    let t = s
        .records
        .sign_in_tokens
        .iter_mut()
        .find(|t| t.id == id)
        .ok_or_else(ApiError::not_found)?;
    if t.status != "pending" {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "sign_in_token_cannot_be_revoked",
            "cannot be revoked",
            format!(
                "The sign-in token is {}; only pending ones can be revoked.",
                t.status
            ),
        ));
    }
    t.status = "revoked".into();
    t.updated_at = now;
    let t = t.clone();
    ok(s.sign_in_token_json(&t, &shared.url, false))
}

// ---- interstitial -----------------------------------------------------------------------------

/// `GET /v1/public/interstitial`: public (no secret key), the page clerk-core writes for
/// `load_interstitial_from_local` with the query's keys. `400` without a publishable key or
/// Frontend API.
pub(crate) fn public_interstitial(req: &Req) -> Resp {
    let q = Query(req.query_pairs());
    let get = |k: &str| q.first(k).unwrap_or_default().to_owned();
    let frontend_api = q
        .first("frontend_api")
        .or_else(|| q.first("frontendApi"))
        .unwrap_or_default()
        .to_owned();
    let options = clerk_core::InterstitialOptions {
        publishable_key: get("publishable_key"),
        frontend_api,
        proxy_url: get("proxy_url"),
        domain: get("domain"),
        sign_in_url: get("sign_in_url"),
        ..Default::default()
    };
    if options.publishable_key.is_empty() && options.frontend_api.is_empty() {
        return error_response(
            &ApiError::missing("publishable_key").with_status(StatusCode::BAD_REQUEST),
        );
    }
    html(
        StatusCode::OK,
        clerk_core::load_interstitial_from_local(&options),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifier_types() {
        for (id, kind) in [
            ("ada@example.com", "email_address"),
            ("*@example.com", "email_address"),
            ("example.com", "email_address"),
            ("+15555550100", "phone_number"),
            ("0x0123456789abcdef0123456789abcdef01234567", "web3_wallet"),
        ] {
            assert_eq!(identifier_type(id).unwrap(), kind, "{id}");
        }
        for bad in ["", "nothing", "+12", "a b@example.com", "@", "0x12"] {
            assert!(identifier_type(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn redirect_urls() {
        assert!(check_redirect_url("https://example.com/cb").is_ok());
        assert!(check_redirect_url("myapp://callback").is_ok());
        assert!(check_redirect_url("/relative").is_err());
        assert!(check_redirect_url("not a url").is_err());
    }
}
