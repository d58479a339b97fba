//! Routing, `ClerkErrors` bodies and the Backend API subset (`/v1/...`, Bearer secret key).

mod errors;
mod handshake;
mod lookup;
mod machine_tokens;
mod memberships;
mod organizations;
mod params;
mod sessions;
mod users;

use std::time::Duration;

use http::{Method, StatusCode};
use serde_json::json;

use super::exchange::{Req, Shared};
use super::store::{Membership, deleted_json, deleted_org_json, new_id};
use errors::{Answer, ok};
pub(crate) use errors::{ApiError, error_response};
use lookup::{org, session, user};
pub(crate) use machine_tokens::Caller;
use memberships::{check_role, membership_update, memberships_create, memberships_list};
use organizations::{orgs_create, orgs_list, orgs_update};
use params::{Body, Field, Query, data_page, merge_object};
pub(crate) use sessions::session_token;
use sessions::sessions_list;
use users::{users_count, users_create, users_list, users_metadata, users_update};

// ---- routing --------------------------------------------------------------------------------

/// `Authorization: Bearer <secret key>`: the instance's secret key, or a machine's secret key
/// (accepted only by the routes a machine calls: creating and verifying M2M tokens).
pub(crate) fn authorize(shared: &Shared, req: &Req) -> Result<Caller, ApiError> {
    let Some(header) = req.header("authorization") else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "authorization_header_missing",
            "Authorization header missing",
            "You need to send an Authorization header with a Bearer secret key.",
        ));
    };
    let token = header
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("bearer "))
        .and_then(|_| header.get(7..))
        .map(str::trim);
    if token == Some(shared.instance.secret_key()) {
        return Ok(Caller::Instance);
    }
    let machine = token.and_then(|t| shared.lock().machine_by_secret(t).map(|m| m.id.clone()));
    let path: Vec<&str> = req.path.split('/').filter(|s| !s.is_empty()).collect();
    let path = path.strip_prefix(&["v1"][..]).unwrap_or(&path);
    match machine {
        Some(id) if machine_tokens::machine_route(&req.method, path) => Ok(Caller::Machine(id)),
        _ => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "clerk_key_invalid",
            "The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.",
            "The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.",
        )),
    }
}

pub(crate) fn backend_api(shared: &Shared, req: &Req, caller: &Caller, path: &[&str]) -> Answer {
    use Method as M;
    let q = Query(req.query_pairs());
    let method = if req.method == M::HEAD {
        M::GET
    } else {
        req.method.clone()
    };
    if let Some(answer) = machine_tokens::route(shared, req, caller, &method, path) {
        return answer;
    }
    match (method, path) {
        (M::GET, ["jwks"]) => ok(shared.instance.jwks()),
        // users
        (M::GET, ["users"]) => users_list(shared, &q),
        (M::GET, ["users", "count"]) => users_count(shared, &q),
        (M::POST, ["users"]) => users_create(shared, &Body::parse(req)?),
        (M::GET, ["users", id]) => {
            let s = shared.lock();
            ok(s.user_json(user(&s, id)?))
        }
        (M::PATCH, ["users", id]) => users_update(shared, id, &Body::parse(req)?),
        (M::PATCH, ["users", id, "metadata"]) => users_metadata(shared, id, &Body::parse(req)?),
        (M::DELETE, ["users", id]) => {
            let mut s = shared.lock();
            if !s.delete_user(id) {
                return Err(ApiError::not_found());
            }
            ok(deleted_json("user", id))
        }
        (M::GET, ["users", id, "organization_memberships"]) => {
            let s = shared.lock();
            user(&s, id)?;
            let all: Vec<&Membership> = s.memberships.iter().filter(|m| m.user_id == *id).collect();
            let (limit, offset) = q.paging()?;
            ok(data_page(&all, limit, offset, |m| s.membership_json(m)))
        }
        // handshake protocol
        (M::GET, ["clients", "handshake_payload"]) => handshake::handshake_payload(shared, &q),
        (M::POST, ["sessions", id, "refresh"]) => {
            handshake::refresh(shared, id, &q, &Body::parse(req)?)
        }
        // sessions
        (M::GET, ["sessions"]) => sessions_list(shared, &q),
        (M::POST, ["sessions"]) => {
            let body = Body::parse(req)?;
            let user_id = body.required_string("user_id")?;
            let mut s = shared.lock();
            let id = s
                .sign_in(&user_id, &new_id("client"))
                .ok_or_else(ApiError::not_found)?;
            ok(s.session_json(session(&s, &id)?))
        }
        (M::GET, ["sessions", id]) => {
            let s = shared.lock();
            ok(s.session_json(session(&s, id)?))
        }
        (M::POST, ["sessions", id, "revoke"]) => {
            let mut s = shared.lock();
            if !s.end_session(id, "revoked") {
                return Err(ApiError::not_found());
            }
            ok(s.session_json(session(&s, id)?))
        }
        (M::POST, ["sessions", id, "tokens"] | ["sessions", id, "tokens", _]) => {
            let body = Body::parse(req)?;
            let lifetime = match body.int("expires_in_seconds")? {
                Field::Value(n) => Duration::from_secs(
                    u64::try_from(n)
                        .map_err(|_| ApiError::invalid("expires_in_seconds", "must be positive"))?,
                ),
                Field::Absent | Field::Null => shared.token_lifetime,
            };
            let s = shared.lock();
            let session = session(&s, id)?;
            let jwt = session_token(shared, &s, session, lifetime, None)?;
            ok(json!({"object": "token", "jwt": jwt}))
        }
        // organizations
        (M::GET, ["organizations"]) => orgs_list(shared, &q),
        (M::POST, ["organizations"]) => orgs_create(shared, &Body::parse(req)?),
        (M::GET, ["organizations", id]) => {
            let s = shared.lock();
            ok(s.org_json(org(&s, id)?, q.flag("include_members_count")))
        }
        (M::PATCH, ["organizations", id]) => orgs_update(shared, id, &Body::parse(req)?),
        (M::PATCH, ["organizations", id, "metadata"]) => {
            let body = Body::parse(req)?;
            let mut s = shared.lock();
            let now = s.tick();
            let mut o = org(&s, id)?.clone();
            // On a copy, so a bad second field leaves the organization as it was.
            merge_object(&body, "public_metadata", &mut o.public_metadata)?;
            merge_object(&body, "private_metadata", &mut o.private_metadata)?;
            o.updated_at = now;
            let out = s.org_json(&o, false);
            if let Some(slot) = s.orgs.iter_mut().find(|x| x.id == o.id) {
                *slot = o;
            }
            s.emit("organization.updated", out.clone());
            ok(out)
        }
        (M::DELETE, ["organizations", id]) => {
            let mut s = shared.lock();
            let o = org(&s, id)?.clone();
            s.delete_org(&o.id);
            ok(deleted_org_json(&o))
        }
        // memberships
        (M::GET, ["organizations", id, "memberships"]) => memberships_list(shared, id, &q),
        (M::POST, ["organizations", id, "memberships"]) => {
            memberships_create(shared, id, &Body::parse(req)?)
        }
        (M::PATCH, ["organizations", id, "memberships", user_id]) => {
            let body = Body::parse(req)?;
            let role = body.required_string("role")?;
            check_role(&role)?;
            membership_update(shared, id, user_id, |m| {
                m.role = role;
                Ok(())
            })
        }
        (M::PATCH, ["organizations", id, "memberships", user_id, "metadata"]) => {
            let body = Body::parse(req)?;
            membership_update(shared, id, user_id, |m| {
                merge_object(&body, "public_metadata", &mut m.public_metadata)?;
                merge_object(&body, "private_metadata", &mut m.private_metadata)
            })
        }
        (M::DELETE, ["organizations", id, "memberships", user_id]) => {
            let mut s = shared.lock();
            let org_id = org(&s, id)?.id.clone();
            let m = s
                .membership(&org_id, user_id)
                .cloned()
                .ok_or_else(ApiError::not_found)?;
            let body = s.membership_json(&m);
            s.memberships.retain(|x| x.id != m.id);
            s.emit("organizationMembership.deleted", body.clone());
            ok(body)
        }
        _ => Err(ApiError::not_found()),
    }
}
