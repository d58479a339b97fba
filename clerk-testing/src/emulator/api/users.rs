//! `/v1/users`.

use std::cmp::Ordering;

use http::StatusCode;
use serde_json::json;

use super::super::exchange::Shared;
use super::super::store::{self, State, User, new_id};
use super::errors::{Answer, ApiError, ok};
use super::lookup::user;
use super::params::{Body, Field, Query, cmp_opt, contains_ci, lower, merge_object, page};

// ---- users ----------------------------------------------------------------------------------

pub(super) fn user_matches(s: &State, u: &User, q: &Query) -> bool {
    let any = |key: &str, test: &dyn Fn(&str) -> bool| {
        let wanted = q.all(key);
        wanted.is_empty() || wanted.into_iter().any(test)
    };
    any("email_address", &|e| {
        u.emails.iter().any(|x| x.address.eq_ignore_ascii_case(e))
    }) && any("user_id", &|id| u.id == id)
        && any("external_id", &|id| u.external_id.as_deref() == Some(id))
        && any("username", &|n| {
            u.username
                .as_deref()
                .is_some_and(|x| x.eq_ignore_ascii_case(n))
        })
        && any("phone_number", &|p| u.phones.iter().any(|x| x.number == p))
        && any("organization_id", &|o| s.membership(o, &u.id).is_some())
        && q.first("banned").is_none_or(|b| (b == "true") == u.banned)
        && q.first("query").is_none_or(|needle| {
            let needle = needle.to_lowercase();
            contains_ci(Some(&u.id), &needle)
                || contains_ci(u.first_name.as_deref(), &needle)
                || contains_ci(u.last_name.as_deref(), &needle)
                || contains_ci(Some(&u.display_name()), &needle)
                || contains_ci(u.username.as_deref(), &needle)
                || contains_ci(u.external_id.as_deref(), &needle)
                || u.emails
                    .iter()
                    .any(|e| contains_ci(Some(&e.address), &needle))
                || u.phones
                    .iter()
                    .any(|p| contains_ci(Some(&p.number), &needle))
        })
}

fn filtered_users<'a>(s: &'a State, q: &Query) -> Result<Vec<&'a User>, ApiError> {
    let mut users: Vec<&User> = s.users.iter().filter(|u| user_matches(s, u, q)).collect();
    let (field, descending) = q.order_by("-created_at");
    let cmp: fn(&User, &User) -> Ordering = match field {
        "created_at" => |a, b| a.created_at.cmp(&b.created_at),
        "updated_at" => |a, b| a.updated_at.cmp(&b.updated_at),
        "email_address" => |a, b| cmp_opt(lower(a.primary_email()), lower(b.primary_email())),
        "first_name" => |a, b| {
            cmp_opt(
                lower(a.first_name.as_deref()),
                lower(b.first_name.as_deref()),
            )
        },
        "last_name" => |a, b| cmp_opt(lower(a.last_name.as_deref()), lower(b.last_name.as_deref())),
        "username" => |a, b| cmp_opt(lower(a.username.as_deref()), lower(b.username.as_deref())),
        "phone_number" => |a, b| {
            cmp_opt(
                a.phones.first().map(|p| &p.number),
                b.phones.first().map(|p| &p.number),
            )
        },
        "last_sign_in_at" => |a, b| cmp_opt(a.last_sign_in_at, b.last_sign_in_at),
        "last_active_at" => |a, b| cmp_opt(a.last_active_at, b.last_active_at),
        _ => {
            return Err(ApiError::invalid(
                "order_by",
                format!("order_by {field:?} is not supported."),
            ));
        }
    };
    users.sort_by(|a, b| {
        let o = cmp(a, b).then_with(|| a.created_at.cmp(&b.created_at));
        if descending { o.reverse() } else { o }
    });
    Ok(users)
}

pub(super) fn users_list(shared: &Shared, q: &Query) -> Answer {
    let (limit, offset) = q.paging()?;
    let s = shared.lock();
    let users = filtered_users(&s, q)?;
    ok(page(&users, limit, offset, |u| s.user_json(u)))
}

pub(super) fn users_count(shared: &Shared, q: &Query) -> Answer {
    let s = shared.lock();
    let n = filtered_users(&s, q)?.len();
    ok(json!({"object": "total_count", "total_count": n}))
}

pub(super) fn check_email(address: &str) -> Result<(), ApiError> {
    let valid = address
        .split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
    if valid {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "email_address",
            "email_address must be a valid email address.",
        ))
    }
}

pub(super) fn users_create(shared: &Shared, body: &Body) -> Answer {
    let emails = body.strings("email_address")?;
    let phones = body.strings("phone_number")?;
    let mut s = shared.lock();
    for e in &emails {
        check_email(e)?;
        if s.email_taken(e, None) {
            return Err(ApiError::taken(
                "email_address",
                "That email address is taken. Please try another.",
            ));
        }
    }
    let now = s.tick();
    let mut u = User::new(new_id("user"), now);
    body.string("first_name")?.apply(&mut u.first_name);
    body.string("last_name")?.apply(&mut u.last_name);
    body.string("external_id")?.apply(&mut u.external_id);
    body.string("username")?.apply(&mut u.username);
    if let Some(name) = &u.username
        && s.username_taken(name, None)
    {
        return Err(ApiError::taken(
            "username",
            "That username is taken. Please try another.",
        ));
    }
    for address in emails {
        u.emails
            .push(store::Email::verified(new_id("idn"), address, now));
    }
    u.primary_email_id = u.emails.first().map(|e| e.id.clone());
    for number in phones {
        u.phones
            .push(store::Phone::verified(new_id("idn"), number, now));
    }
    u.primary_phone_id = u.phones.first().map(|p| p.id.clone());
    apply_user_settings(&mut u, body)?;
    if let Some(v) = body.bool("banned")? {
        u.banned = v;
    }
    if let Some(v) = body.bool("locked")? {
        u.locked = v;
    }
    let out = s.user_json(&u);
    s.users.push(u);
    s.emit("user.created", out.clone());
    ok(out)
}

/// Fields shared by create and update: password, metadata (replaced), flags.
fn apply_user_settings(u: &mut User, body: &Body) -> Result<(), ApiError> {
    if let Field::Value(password) = body.string("password")? {
        if password.chars().count() < 8 {
            return Err(ApiError::invalid(
                "password",
                "Passwords must be 8 characters or more.",
            ));
        }
        u.password_enabled = true;
        u.password = Some(store::PasswordDigest::of(&password));
    }
    if let Some(v) = body.object("public_metadata")? {
        u.public_metadata = v;
    }
    if let Some(v) = body.object("private_metadata")? {
        u.private_metadata = v;
    }
    if let Some(v) = body.object("unsafe_metadata")? {
        u.unsafe_metadata = v;
    }
    if let Some(v) = body.bool("delete_self_enabled")? {
        u.delete_self_enabled = v;
    }
    if let Some(v) = body.bool("create_organization_enabled")? {
        u.create_organization_enabled = v;
    }
    body.int("create_organizations_limit")?
        .apply(&mut u.create_organizations_limit);
    Ok(())
}

pub(super) fn users_update(shared: &Shared, id: &str, body: &Body) -> Answer {
    let mut s = shared.lock();
    let now = s.tick();
    let mut u = user(&s, id)?.clone();
    body.string("first_name")?.apply(&mut u.first_name);
    body.string("last_name")?.apply(&mut u.last_name);
    body.string("external_id")?.apply(&mut u.external_id);
    body.string("username")?.apply(&mut u.username);
    if let Some(name) = &u.username
        && s.username_taken(name, Some(id))
    {
        return Err(ApiError::taken(
            "username",
            "That username is taken. Please try another.",
        ));
    }
    if let Field::Value(primary) = body.string("primary_email_address_id")? {
        if !u.emails.iter().any(|e| e.id == primary) {
            return Err(ApiError::invalid(
                "primary_email_address_id",
                "primary_email_address_id must be one of the user's email addresses.",
            ));
        }
        u.primary_email_id = Some(primary);
    }
    apply_user_settings(&mut u, body)?;
    u.updated_at = now;
    let out = s.user_json(&u);
    if let Some(slot) = s.user_mut(id) {
        *slot = u;
    }
    s.emit("user.updated", out.clone());
    ok(out)
}

pub(super) fn users_metadata(shared: &Shared, id: &str, body: &Body) -> Answer {
    let mut s = shared.lock();
    let now = s.tick();
    let mut u = user(&s, id)?.clone();
    merge_object(body, "public_metadata", &mut u.public_metadata)?;
    merge_object(body, "private_metadata", &mut u.private_metadata)?;
    merge_object(body, "unsafe_metadata", &mut u.unsafe_metadata)?;
    u.updated_at = now;
    let out = s.user_json(&u);
    if let Some(slot) = s.user_mut(id) {
        *slot = u;
    }
    s.emit("user.updated", out.clone());
    ok(out)
}

/// Ban (revoking the user's active sessions, as Clerk does), unban, lock or unlock.
pub(super) fn users_flag(shared: &Shared, id: &str, action: &str) -> Answer {
    let mut s = shared.lock();
    user(&s, id)?;
    if action == "ban" {
        let now = store::now_ms();
        let active: Vec<String> = s
            .sessions
            .iter()
            .filter(|x| x.user_id == id && x.is_active(now))
            .map(|x| x.id.clone())
            .collect();
        for sid in active {
            s.end_session(&sid, "revoked");
        }
    }
    let now = s.tick();
    let Some(u) = s.user_mut(id) else {
        return Err(ApiError::not_found());
    };
    match action {
        "ban" => u.banned = true,
        "unban" => u.banned = false,
        "lock" => u.locked = true,
        _ => u.locked = false,
    }
    u.updated_at = now;
    let u = u.clone();
    let out = s.user_json(&u);
    s.emit("user.updated", out.clone());
    ok(out)
}

/// `DELETE /v1/users/{id}/mfa`: the emulator's users have no second factors to remove, so
/// only phone numbers reserved for second factor are released.
pub(super) fn users_disable_mfa(shared: &Shared, id: &str) -> Answer {
    let mut s = shared.lock();
    let now = s.tick();
    let mut u = user(&s, id)?.clone();
    for p in &mut u.phones {
        p.reserved_for_second_factor = false;
    }
    u.updated_at = now;
    let event = s.user_json(&u);
    if let Some(slot) = s.user_mut(id) {
        *slot = u;
    }
    s.emit("user.updated", event);
    ok(json!({"user_id": id}))
}

/// `{"verified": true}`, or `422` for a wrong password or a user without one.
pub(super) fn users_verify_password(shared: &Shared, id: &str, body: &Body) -> Answer {
    let password = match body.string("password")? {
        Field::Value(p) if !p.is_empty() => p,
        _ => return Err(ApiError::missing("password")),
    };
    let s = shared.lock();
    let u = user(&s, id)?;
    match &u.password {
        Some(digest) if digest.matches(&password) => ok(json!({"verified": true})),
        Some(_) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_password_incorrect",
            "Password is incorrect",
            "Password is incorrect. Try again, or use another method.",
        )),
        None => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "password_not_set",
            "no password set",
            "This user has no password set through the Backend API.",
        )),
    }
}

/// The emulator enrols no TOTP authenticator, so every code is refused with `422`.
pub(super) fn users_verify_totp(shared: &Shared, id: &str, body: &Body) -> Answer {
    let code = body.required_string("code")?;
    let s = shared.lock();
    user(&s, id)?;
    if !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ApiError::invalid(
            "code",
            "code must be a TOTP or backup code.",
        ));
    }
    Err(ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "totp_not_enabled",
        "TOTP is not enabled",
        "This user has no TOTP authenticator or backup codes.",
    ))
}

/// The emulator's users have no OAuth (external) accounts: an empty list for an
/// `oauth_<provider>`, `422` for anything else.
pub(super) fn users_oauth_access_tokens(
    shared: &Shared,
    id: &str,
    provider: &str,
    q: &Query,
) -> Answer {
    let name = provider
        .strip_prefix("oauth_")
        .map(|p| p.strip_prefix("custom_").unwrap_or(p));
    if !name.is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
    {
        return Err(ApiError::invalid(
            "provider",
            "provider must be an OAuth provider, e.g. oauth_google.",
        ));
    }
    let s = shared.lock();
    user(&s, id)?;
    let none: [serde_json::Value; 0] = [];
    ok(super::params::list_page(q, &none, Clone::clone)?)
}
