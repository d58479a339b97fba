//! Routing, `ClerkErrors` bodies and the Backend API subset (`/v1/...`, Bearer secret key).

mod clients;
mod errors;
mod handshake;
mod identifications;
mod instance;
mod lookup;
mod machine_tokens;
mod memberships;
mod org_invitations;
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
use identifications::Kind;
use instance::IdList;
pub(crate) use instance::public_interstitial;
use lookup::{org, session, user};
pub(crate) use machine_tokens::Caller;
use memberships::{check_role, membership_update, memberships_create, memberships_list};
use organizations::{orgs_create, orgs_list, orgs_update};
use params::{Body, Field, Query, data_page, merge_object};
pub(crate) use sessions::session_token;
use sessions::sessions_list;
use sessions::template_token;
use users::{
    users_count, users_create, users_disable_mfa, users_flag, users_list, users_metadata,
    users_oauth_access_tokens, users_update, users_verify_password, users_verify_totp,
};

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
        (M::POST, ["users", id, action @ ("ban" | "unban" | "lock" | "unlock")]) => {
            users_flag(shared, id, action)
        }
        (M::DELETE, ["users", id, "mfa"]) => users_disable_mfa(shared, id),
        (M::POST, ["users", id, "verify_password"]) => {
            users_verify_password(shared, id, &Body::parse(req)?)
        }
        (M::POST, ["users", id, "verify_totp"]) => {
            users_verify_totp(shared, id, &Body::parse(req)?)
        }
        (M::GET, ["users", id, "oauth_access_tokens", provider]) => {
            users_oauth_access_tokens(shared, id, provider, &q)
        }
        // clients
        (M::GET, ["clients"]) => clients::list(shared, &q),
        (M::POST, ["clients", "verify"]) => clients::verify(shared, &Body::parse(req)?),
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
        (M::GET, ["clients", id]) => clients::get(shared, id),
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
        (M::POST, ["sessions", id, "tokens"]) => {
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
        (M::POST, ["sessions", id, "tokens", template]) => {
            let s = shared.lock();
            let session = session(&s, id)?;
            let t = s
                .records
                .jwt_templates
                .iter()
                .find(|t| t.name == *template)
                .ok_or_else(ApiError::not_found)?;
            let jwt = template_token(shared, &s, session, t)?;
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
        // organization invitations
        (M::GET, ["organizations", id, "invitations"]) => org_invitations::list(shared, id, &q),
        (M::POST, ["organizations", id, "invitations"]) => {
            org_invitations::create(shared, id, &Body::parse(req)?)
        }
        (M::POST, ["organizations", id, "invitations", inv, "revoke"]) => {
            org_invitations::revoke(shared, id, inv, &Body::parse(req)?)
        }
        // invitations
        (M::GET, ["invitations"]) => instance::invitations_list(shared, &q),
        (M::POST, ["invitations"]) => instance::invitations_create(shared, &Body::parse(req)?),
        (M::POST, ["invitations", id, "revoke"]) => instance::invitations_revoke(shared, id),
        // allowlist and blocklist
        (M::GET, ["allowlist_identifiers"]) => {
            instance::identifiers_list(shared, IdList::Allow, &q)
        }
        (M::POST, ["allowlist_identifiers"]) => {
            instance::identifiers_create(shared, IdList::Allow, &Body::parse(req)?)
        }
        (M::DELETE, ["allowlist_identifiers", id]) => {
            instance::identifiers_delete(shared, IdList::Allow, id)
        }
        (M::GET, ["blocklist_identifiers"]) => {
            instance::identifiers_list(shared, IdList::Block, &q)
        }
        (M::POST, ["blocklist_identifiers"]) => {
            instance::identifiers_create(shared, IdList::Block, &Body::parse(req)?)
        }
        (M::DELETE, ["blocklist_identifiers", id]) => {
            instance::identifiers_delete(shared, IdList::Block, id)
        }
        // email addresses and phone numbers
        (M::GET, ["email_addresses", id]) => identifications::get(shared, Kind::Email, id),
        (M::POST, ["email_addresses"]) => {
            identifications::create(shared, Kind::Email, &Body::parse(req)?)
        }
        (M::PATCH, ["email_addresses", id]) => {
            identifications::update(shared, Kind::Email, id, &Body::parse(req)?)
        }
        (M::DELETE, ["email_addresses", id]) => identifications::delete(shared, Kind::Email, id),
        (M::GET, ["phone_numbers", id]) => identifications::get(shared, Kind::Phone, id),
        (M::POST, ["phone_numbers"]) => {
            identifications::create(shared, Kind::Phone, &Body::parse(req)?)
        }
        (M::PATCH, ["phone_numbers", id]) => {
            identifications::update(shared, Kind::Phone, id, &Body::parse(req)?)
        }
        (M::DELETE, ["phone_numbers", id]) => identifications::delete(shared, Kind::Phone, id),
        // redirect URLs
        (M::GET, ["redirect_urls"]) => instance::redirect_urls_list(shared, &q),
        (M::POST, ["redirect_urls"]) => instance::redirect_urls_create(shared, &Body::parse(req)?),
        (M::GET, ["redirect_urls", id]) => instance::redirect_urls_get(shared, id),
        (M::DELETE, ["redirect_urls", id]) => instance::redirect_urls_delete(shared, id),
        // sign-in tokens
        (M::POST, ["sign_in_tokens"]) => {
            instance::sign_in_tokens_create(shared, &Body::parse(req)?)
        }
        (M::POST, ["sign_in_tokens", id, "revoke"]) => instance::sign_in_tokens_revoke(shared, id),
        // JWT templates
        (M::GET, ["jwt_templates"]) => instance::jwt_templates_list(shared, &q),
        (M::GET, ["jwt_templates", id]) => instance::jwt_templates_get(shared, id),
        _ => Err(ApiError::not_found()),
    }
}
