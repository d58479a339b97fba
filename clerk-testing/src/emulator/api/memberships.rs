//! `/v1/organizations/{id}/memberships`.

use http::StatusCode;
use serde_json::{Value, json};

use super::super::exchange::Shared;
use super::super::store::{Membership, State, new_id};
use super::errors::{Answer, ApiError, ok};
use super::lookup::{org, user};
use super::params::{Body, Query, data_page};
use super::users::user_matches;

// ---- memberships ----------------------------------------------------------------------------

pub(super) fn check_role(role: &str) -> Result<(), ApiError> {
    match role.strip_prefix("org:") {
        Some(key) if !key.is_empty() && !key.contains(':') => Ok(()),
        _ => Err(ApiError::invalid(
            "role",
            "role must be a role key such as org:admin or org:member.",
        )),
    }
}

/// Adds a membership; sessions of the user without an active organization make this one
/// active (the emulator has no organization switcher).
pub(super) fn add_membership(
    s: &mut State,
    org_id: &str,
    user_id: &str,
    role: &str,
    public_metadata: Option<Value>,
    private_metadata: Option<Value>,
) -> Membership {
    let now = s.tick();
    let m = Membership {
        id: new_id("orgmem"),
        org_id: org_id.to_owned(),
        user_id: user_id.to_owned(),
        role: role.to_owned(),
        public_metadata: public_metadata.unwrap_or_else(|| json!({})),
        private_metadata: private_metadata.unwrap_or_else(|| json!({})),
        created_at: now,
        updated_at: now,
    };
    s.memberships.push(m.clone());
    for session in s.sessions.iter_mut().filter(|x| x.user_id == user_id) {
        if session.last_active_organization_id.is_none() {
            session.last_active_organization_id = Some(org_id.to_owned());
        }
    }
    if s.emits() {
        let data = s.membership_json(&m);
        s.emit("organizationMembership.created", data);
    }
    m
}

pub(super) fn memberships_list(shared: &Shared, org_id: &str, q: &Query) -> Answer {
    let (limit, offset) = q.paging()?;
    let s = shared.lock();
    let org_id = org(&s, org_id)?.id.clone();
    let users = q.all("user_id");
    let roles = q.all("role");
    let needle = q.first("query").map(str::to_lowercase);
    let mut all: Vec<&Membership> = s
        .memberships
        .iter()
        .filter(|m| {
            m.org_id == org_id
                && (users.is_empty() || users.contains(&m.user_id.as_str()))
                && (roles.is_empty() || roles.contains(&m.role.as_str()))
                && needle.as_deref().is_none_or(|n| {
                    s.user(&m.user_id).is_some_and(|u| {
                        user_matches(&s, u, &Query(vec![("query".into(), n.into())]))
                    })
                })
        })
        .collect();
    let (field, descending) = q.order_by("-created_at");
    if field != "created_at" {
        return Err(ApiError::invalid(
            "order_by",
            format!("order_by {field:?} is not supported."),
        ));
    }
    all.sort_by(|a, b| {
        let o = a.created_at.cmp(&b.created_at);
        if descending { o.reverse() } else { o }
    });
    ok(data_page(&all, limit, offset, |m| s.membership_json(m)))
}

pub(super) fn memberships_create(shared: &Shared, org_id: &str, body: &Body) -> Answer {
    let user_id = body.required_string("user_id")?;
    let role = body.required_string("role")?;
    check_role(&role)?;
    let public = body.object("public_metadata")?;
    let private = body.object("private_metadata")?;
    let mut s = shared.lock();
    let o = org(&s, org_id)?.clone();
    user(&s, &user_id)?;
    if s.membership(&o.id, &user_id).is_some() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "already_a_member_in_organization",
            "Already a member",
            format!("{user_id} is already a member of the organization."),
        ));
    }
    let limit = usize::try_from(o.max_allowed_memberships).unwrap_or(0);
    if limit > 0 && s.members_count(&o.id) >= limit {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "organization_membership_quota_exceeded",
            "Membership quota exceeded",
            "The organization has reached its maximum number of memberships.",
        ));
    }
    let m = add_membership(&mut s, &o.id, &user_id, &role, public, private);
    ok(s.membership_json(&m))
}

/// Applies `change` to a membership; nothing changes when it fails.
pub(super) fn membership_update(
    shared: &Shared,
    org_id: &str,
    user_id: &str,
    change: impl FnOnce(&mut Membership) -> Result<(), ApiError>,
) -> Answer {
    let mut s = shared.lock();
    let now = s.tick();
    let org_id = org(&s, org_id)?.id.clone();
    let mut m = s
        .membership(&org_id, user_id)
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    change(&mut m)?;
    m.updated_at = now;
    if let Some(slot) = s.memberships.iter_mut().find(|x| x.id == m.id) {
        *slot = m.clone();
    }
    let out = s.membership_json(&m);
    s.emit("organizationMembership.updated", out.clone());
    ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles() {
        assert!(check_role("org:billing").is_ok());
        assert!(check_role("admin").is_err());
        assert!(check_role("org:a:b").is_err());
    }
}
