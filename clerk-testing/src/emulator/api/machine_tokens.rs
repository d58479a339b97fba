//! Machine authentication: machines, API keys, M2M tokens, OAuth access token verification.
//!
//! Verification answers `404` for an unknown, revoked or expired credential (the SDK reads a
//! `200` as valid without looking at `revoked` or `expired`), with the messages `@clerk/backend`
//! expects to map (`API key not found`, `Machine token not found`, `OAuth token not found`).

use http::{Method, StatusCode};
use serde_json::{Value, json};

use super::super::exchange::{Req, Shared};
use super::super::machines::{Machine, Secret, Validity, hex_id};
use super::super::store::new_id;
use super::errors::{Answer, ApiError, ok};
use super::params::{Body, Field};

/// Who sent the Backend API request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Caller {
    /// The instance's secret key.
    Instance,
    /// A machine's secret key: the machine id.
    Machine(String),
}

/// The error of a malformed parameter on these routes: the spec lists `400` for them.
fn bad(e: ApiError) -> ApiError {
    e.with_status(StatusCode::BAD_REQUEST)
}

fn not_found(message: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "resource_not_found",
        message,
        format!("{message}."),
    )
}

/// The routes a machine secret key may call: creating and verifying M2M tokens.
pub(crate) fn machine_route(method: &Method, path: &[&str]) -> bool {
    *method == Method::POST && matches!(path, ["m2m_tokens"] | ["m2m_tokens", "verify"])
}

/// The machine-authentication routes; `None` for any other route.
pub(crate) fn route(
    shared: &Shared,
    req: &Req,
    caller: &Caller,
    method: &Method,
    path: &[&str],
) -> Option<Answer> {
    use Method as M;
    let answer = match (method, path) {
        (&M::POST, ["machines"]) => machines_create(shared, req),
        (&M::GET, ["machines", id]) => {
            let s = shared.lock();
            s.machine(id)
                .map(|m| (StatusCode::OK, s.machine_json(m, false)))
                .ok_or_else(ApiError::not_found)
        }
        (&M::GET, ["machines", id, "secret_key"]) => {
            let s = shared.lock();
            s.machine(id)
                .map(|m| {
                    (
                        StatusCode::OK,
                        json!({"object": "machine_secret_key", "secret": m.secret_key.0}),
                    )
                })
                .ok_or_else(ApiError::not_found)
        }
        (&M::POST, ["api_keys"]) => api_keys_create(shared, req),
        (&M::POST, ["api_keys", "verify"]) => api_keys_verify(shared, req),
        (&M::POST, ["api_keys", id, "revoke"]) => {
            let reason = revocation_reason(req);
            reason.and_then(|reason| {
                let mut s = shared.lock();
                let now = s.tick();
                let k = s
                    .api_keys
                    .iter_mut()
                    .find(|k| k.id == *id)
                    .ok_or_else(|| not_found("API key not found"))?;
                revoke(&mut k.validity, reason);
                k.updated_at = now;
                ok(super::super::store::State::api_key_json(k, now, false))
            })
        }
        (&M::POST, ["m2m_tokens"]) => m2m_create(shared, req, caller),
        (&M::POST, ["m2m_tokens", "verify"]) => m2m_verify(shared, req),
        (&M::POST, ["m2m_tokens", id, "revoke"]) => revocation_reason(req).and_then(|reason| {
            let mut s = shared.lock();
            let now = s.tick();
            let t = s
                .m2m_tokens
                .iter_mut()
                .find(|t| t.id == *id)
                .ok_or_else(|| not_found("Machine token not found"))?;
            revoke(&mut t.validity, reason);
            t.updated_at = now;
            ok(super::super::store::State::m2m_json(t, now, false))
        }),
        (&M::POST, ["oauth_applications", "access_tokens", "verify"]) => oauth_verify(shared, req),
        _ => return None,
    };
    Some(answer)
}

fn revocation_reason(req: &Req) -> Result<Option<String>, ApiError> {
    let body = Body::parse(req)?;
    match body.string("revocation_reason").map_err(bad)? {
        Field::Value(r) => Ok(Some(r)),
        Field::Absent | Field::Null => Ok(None),
    }
}

fn revoke(v: &mut Validity, reason: Option<String>) {
    v.revoked = true;
    v.revocation_reason = reason;
}

/// `seconds_until_expiration` (a positive number, or `null`) as milliseconds.
fn lifetime_ms(body: &Body) -> Result<Option<i64>, ApiError> {
    let invalid = || {
        bad(ApiError::invalid(
            "seconds_until_expiration",
            "seconds_until_expiration must be a positive number.",
        ))
    };
    match body.value("seconds_until_expiration") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => {
            let secs = v
                .as_f64()
                .filter(|s| *s > 0.0 && s.is_finite())
                .ok_or_else(invalid)?;
            // Up to about 292 million years: anything longer is refused rather than wrapped.
            if secs > 9.0e12 {
                return Err(invalid());
            }
            #[allow(clippy::cast_possible_truncation)]
            Ok(Some((secs * 1000.0).round() as i64))
        }
    }
}

/// `POST /machines`: `name`, optional `scoped_machines` (existing machine ids) and
/// `default_token_ttl` (seconds).
fn machines_create(shared: &Shared, req: &Req) -> Answer {
    let body = Body::parse(req)?;
    let name = body.required_string("name").map_err(bad)?;
    if name.chars().count() > 255 {
        return Err(bad(ApiError::invalid(
            "name",
            "name must be at most 255 characters.",
        )));
    }
    let scoped = body.strings("scoped_machines").map_err(bad)?;
    let ttl = match body.int("default_token_ttl").map_err(bad)? {
        Field::Value(n) if (1..=315_360_000).contains(&n) => n,
        Field::Value(_) => {
            return Err(bad(ApiError::invalid(
                "default_token_ttl",
                "default_token_ttl must be between 1 and 315360000.",
            )));
        }
        Field::Absent | Field::Null => 3600,
    };
    let mut s = shared.lock();
    if let Some(unknown) = scoped.iter().find(|id| s.machine(id).is_none()) {
        return Err(bad(ApiError::invalid(
            "scoped_machines",
            format!("{unknown} is not a machine of this instance."),
        )));
    }
    let now = s.tick();
    let machine = Machine {
        id: new_id("mch"),
        name,
        secret_key: Secret::generate("ak"),
        scoped_machines: scoped,
        default_token_ttl: ttl,
        created_at: now,
        updated_at: now,
    };
    let out = s.machine_json(&machine, true);
    s.machines.push(machine);
    ok(out)
}

/// Whether `subject` names a user, organization or machine of the store.
fn subject_exists(shared: &Shared, subject: &str) -> bool {
    let s = shared.lock();
    if subject.starts_with("user_") {
        s.user(subject).is_some()
    } else if subject.starts_with("org_") {
        s.orgs.iter().any(|o| o.id == subject)
    } else if subject.starts_with("mch_") {
        s.machine(subject).is_some()
    } else {
        false
    }
}

/// `POST /api_keys`.
fn api_keys_create(shared: &Shared, req: &Req) -> Answer {
    let body = Body::parse(req)?;
    let name = body.required_string("name").map_err(bad)?;
    let subject = body.required_string("subject").map_err(bad)?;
    if !subject_exists(shared, &subject) {
        return Err(bad(ApiError::invalid(
            "subject",
            "subject must be the id of a user, organization or machine of this instance.",
        )));
    }
    let key_type = match body.string("type").map_err(bad)? {
        Field::Value(t) if !t.trim().is_empty() => t,
        Field::Value(_) => return Err(bad(ApiError::invalid("type", "type must not be empty."))),
        Field::Absent | Field::Null => "api_key".into(),
    };
    let description = match body.string("description").map_err(bad)? {
        Field::Value(d) => Some(d),
        Field::Absent | Field::Null => None,
    };
    let created_by = match body.string("created_by").map_err(bad)? {
        Field::Value(d) => Some(d),
        Field::Absent | Field::Null => None,
    };
    let scopes = body.strings("scopes").map_err(bad)?;
    let claims = body.value("claims").cloned().unwrap_or(Value::Null);
    let lifetime = lifetime_ms(&body)?;
    let mut s = shared.lock();
    let now = s.tick();
    let key = super::super::machines::ApiKey {
        id: hex_id("ak"),
        secret: Secret::generate("ak"),
        key_type,
        name,
        description,
        subject,
        scopes,
        claims,
        created_by,
        validity: Validity {
            expiration: lifetime.map(|l| now.saturating_add(l)),
            ..Validity::default()
        },
        last_used_at: None,
        created_at: now,
        updated_at: now,
    };
    let out = super::super::store::State::api_key_json(&key, now, true);
    s.api_keys.push(key);
    ok(out)
}

/// A required string field of a verification body.
fn token_field(body: &Body, name: &str) -> Result<String, ApiError> {
    body.required_string(name).map_err(bad)
}

/// `POST /api_keys/verify` `{"secret"}`.
fn api_keys_verify(shared: &Shared, req: &Req) -> Answer {
    let secret = token_field(&Body::parse(req)?, "secret")?;
    let mut s = shared.lock();
    let now = s.tick();
    let k = s
        .api_keys
        .iter_mut()
        .find(|k| k.secret.matches(&secret) && k.validity.valid(now))
        .ok_or_else(|| not_found("API key not found"))?;
    k.last_used_at = Some(now);
    ok(super::super::store::State::api_key_json(k, now, false))
}

/// `POST /m2m_tokens`: for the calling machine (machine secret key), or for `machine_id` (an
/// emulator extension) when the instance secret key calls.
fn m2m_create(shared: &Shared, req: &Req, caller: &Caller) -> Answer {
    let body = Body::parse(req)?;
    let machine_id = match caller {
        Caller::Machine(id) => id.clone(),
        Caller::Instance => body.required_string("machine_id").map_err(bad)?,
    };
    let jwt = match body.string("token_format").map_err(bad)? {
        Field::Value(f) if f == "jwt" => true,
        Field::Value(f) if f == "opaque" => false,
        Field::Value(_) => {
            return Err(bad(ApiError::invalid(
                "token_format",
                "token_format must be opaque or jwt.",
            )));
        }
        Field::Absent | Field::Null => false,
    };
    let claims = body.value("claims").cloned().unwrap_or(Value::Null);
    if !(claims.is_null() || claims.is_object()) {
        return Err(bad(ApiError::invalid(
            "claims",
            "claims must be an object.",
        )));
    }
    let lifetime = lifetime_ms(&body)?;
    if let Field::Value(n) = body.int("min_remaining_ttl_seconds").map_err(bad)?
        && n < 0
    {
        return Err(bad(ApiError::invalid(
            "min_remaining_ttl_seconds",
            "min_remaining_ttl_seconds must be 0 or more.",
        )));
    }
    let mut s = shared.lock();
    let t = s
        .issue_m2m(&shared.instance, &machine_id, claims, lifetime, jwt)
        .ok_or_else(|| bad(ApiError::invalid("machine_id", "machine not found.")))?;
    let now = t.created_at;
    Ok((
        StatusCode::CREATED,
        super::super::store::State::m2m_json(t, now, true),
    ))
}

/// `POST /m2m_tokens/verify` `{"token"}` (opaque or JWT, as issued).
fn m2m_verify(shared: &Shared, req: &Req) -> Answer {
    let token = token_field(&Body::parse(req)?, "token")?;
    let mut s = shared.lock();
    let now = s.tick();
    let t = s
        .m2m_tokens
        .iter_mut()
        .find(|t| t.token.matches(&token) && t.validity.valid(now))
        .ok_or_else(|| not_found("Machine token not found"))?;
    t.last_used_at = Some(now);
    ok(super::super::store::State::m2m_json(t, now, false))
}

/// `POST /oauth_applications/access_tokens/verify` `{"access_token"}` (or the deprecated
/// `secret`).
fn oauth_verify(shared: &Shared, req: &Req) -> Answer {
    let body = Body::parse(req)?;
    let token = match body.string("access_token").map_err(bad)? {
        Field::Value(t) if !t.is_empty() => t,
        _ => token_field(&body, "secret").map_err(|_| bad(ApiError::missing("access_token")))?,
    };
    let s = shared.lock();
    let now = super::super::store::now_ms();
    let t = s
        .oauth_tokens
        .iter()
        .find(|t| t.token.matches(&token) && t.validity.valid(now))
        .ok_or_else(|| not_found("OAuth token not found"))?;
    ok(super::super::store::State::oauth_json(t, now))
}
