//! `/v1/email_addresses` and `/v1/phone_numbers`: a user's identifications, addressed by their
//! own id. Every change is a `user.updated` event.

use http::StatusCode;
use serde_json::Value;

use super::super::exchange::Shared;
use super::super::store::{
    Email, Phone, State, User, deleted_json, email_json, new_id, phone_json,
};
use super::errors::{Answer, ApiError, ok};
use super::lookup::user;
use super::params::Body;
use super::users::check_email;

/// Email addresses or phone numbers.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Email,
    Phone,
}

impl Kind {
    fn object(self) -> &'static str {
        match self {
            Kind::Email => "email_address",
            Kind::Phone => "phone_number",
        }
    }

    /// The owner of the identification `id`.
    fn owner<'a>(self, s: &'a State, id: &str) -> Result<&'a User, ApiError> {
        s.users
            .iter()
            .find(|u| match self {
                Kind::Email => u.emails.iter().any(|e| e.id == id),
                Kind::Phone => u.phones.iter().any(|p| p.id == id),
            })
            .ok_or_else(ApiError::not_found)
    }

    fn render(self, u: &User, id: &str) -> Value {
        match self {
            Kind::Email => u
                .emails
                .iter()
                .find(|e| e.id == id)
                .map_or(Value::Null, email_json),
            Kind::Phone => u
                .phones
                .iter()
                .find(|p| p.id == id)
                .map_or(Value::Null, phone_json),
        }
    }
}

/// A phone number in E.164: `+` and 7 to 15 digits.
fn check_phone(number: &str) -> Result<(), ApiError> {
    match number.strip_prefix('+') {
        Some(d) if (7..=15).contains(&d.len()) && d.chars().all(|c| c.is_ascii_digit()) => Ok(()),
        _ => Err(ApiError::invalid(
            "phone_number",
            "phone_number must be in E.164 format, e.g. +15555550100.",
        )),
    }
}

/// Stores the changed user, announces it and answers the identification `id`.
fn save(s: &mut State, kind: Kind, mut u: User, id: &str) -> Answer {
    u.updated_at = s.tick();
    let out = kind.render(&u, id);
    let event = s.user_json(&u);
    if let Some(slot) = s.user_mut(&u.id) {
        *slot = u;
    }
    s.emit("user.updated", event);
    ok(out)
}

pub(super) fn get(shared: &Shared, kind: Kind, id: &str) -> Answer {
    let s = shared.lock();
    ok(kind.render(kind.owner(&s, id)?, id))
}

pub(super) fn create(shared: &Shared, kind: Kind, body: &Body) -> Answer {
    let user_id = body.required_string("user_id")?;
    let value = body.required_string(kind.object())?.trim().to_owned();
    let verified = body.bool("verified")?.unwrap_or(false);
    let primary = body.bool("primary")?;
    match kind {
        Kind::Email => {
            check_email(&value)?;
            body.bool("notify_primary_email_address_changed")?;
        }
        Kind::Phone => check_phone(&value)?,
    }
    let reserved = match kind {
        Kind::Phone => body.bool("reserved_for_second_factor")?.unwrap_or(false),
        Kind::Email => false,
    };
    let mut s = shared.lock();
    let mut u = user(&s, &user_id)?.clone();
    let taken = match kind {
        Kind::Email => s.email_taken(&value, None),
        Kind::Phone => s
            .users
            .iter()
            .any(|x| x.phones.iter().any(|p| p.number == value)),
    };
    if taken {
        return Err(ApiError::taken(
            kind.object(),
            format!(
                "That {} is taken. Please try another.",
                kind.object().replace('_', " ")
            ),
        ));
    }
    let now = s.tick();
    let id = new_id("idn");
    match kind {
        Kind::Email => {
            let mut e = Email::verified(id.clone(), value, now);
            e.verified = verified;
            u.emails.push(e);
            if primary == Some(true) || u.primary_email_id.is_none() {
                u.primary_email_id = Some(id.clone());
            }
        }
        Kind::Phone => {
            let mut p = Phone::verified(id.clone(), value, now);
            p.verified = verified;
            p.reserved_for_second_factor = reserved && verified;
            u.phones.push(p);
            if primary == Some(true) || u.primary_phone_id.is_none() {
                u.primary_phone_id = Some(id.clone());
            }
        }
    }
    save(&mut s, kind, u, &id)
}

pub(super) fn update(shared: &Shared, kind: Kind, id: &str, body: &Body) -> Answer {
    let verified = body.bool("verified")?;
    let primary = body.bool("primary")?;
    let reserved = match kind {
        Kind::Phone => body.bool("reserved_for_second_factor")?,
        Kind::Email => {
            body.bool("notify_primary_email_address_changed")?;
            None
        }
    };
    let mut s = shared.lock();
    let mut u = kind.owner(&s, id)?.clone();
    let now = s.tick();
    match kind {
        Kind::Email => {
            if let Some(e) = u.emails.iter_mut().find(|e| e.id == id) {
                if let Some(v) = verified {
                    e.verified = v;
                }
                e.updated_at = now;
            }
            if primary == Some(true) {
                u.primary_email_id = Some(id.to_owned());
            }
        }
        Kind::Phone => {
            if let Some(p) = u.phones.iter_mut().find(|p| p.id == id) {
                if let Some(v) = verified {
                    p.verified = v;
                }
                if let Some(r) = reserved {
                    p.reserved_for_second_factor = r && p.verified;
                }
                p.updated_at = now;
            }
            if primary == Some(true) {
                u.primary_phone_id = Some(id.to_owned());
            }
        }
    }
    save(&mut s, kind, u, id)
}

/// Deletes an identification; the primary one cannot be deleted while others exist (make
/// another one primary first), as Clerk refuses it.
pub(super) fn delete(shared: &Shared, kind: Kind, id: &str) -> Answer {
    let mut s = shared.lock();
    let mut u = kind.owner(&s, id)?.clone();
    let (primary, count) = match kind {
        Kind::Email => (u.primary_email_id.as_deref(), u.emails.len()),
        Kind::Phone => (u.primary_phone_id.as_deref(), u.phones.len()),
    };
    if primary == Some(id) && count > 1 {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "primary_identification_cannot_be_deleted",
            "cannot delete the primary identification",
            format!(
                "This {} is the user's primary one; make another one primary first.",
                kind.object().replace('_', " ")
            ),
        ));
    }
    match kind {
        Kind::Email => {
            u.emails.retain(|e| e.id != id);
            if u.primary_email_id.as_deref() == Some(id) {
                u.primary_email_id = None;
            }
        }
        Kind::Phone => {
            u.phones.retain(|p| p.id != id);
            if u.primary_phone_id.as_deref() == Some(id) {
                u.primary_phone_id = None;
            }
        }
    }
    save(&mut s, kind, u, id)?;
    ok(deleted_json(kind.object(), id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers() {
        assert!(check_phone("+15555550100").is_ok());
        assert!(check_phone("15555550100").is_err());
        assert!(check_phone("+1").is_err());
        assert!(check_phone("+1555abc0100").is_err());
    }
}
