//! `/v1/organizations/{id}/invitations`: invitations to an organization, with the
//! `organizationInvitation.created` and `.revoked` events.

use http::StatusCode;
use serde_json::{Value, json};

use super::super::exchange::Shared;
use super::super::records::OrgInvitation;
use super::super::store::new_id;
use super::errors::{Answer, ApiError, ok};
use super::instance::expiry_days;
use super::lookup::{org, user};
use super::memberships::check_role;
use super::params::{Body, Field, Query, data_page};
use super::users::check_email;

/// Filtered by `status` and `email_address`, ordered by `order_by` (`created_at` or
/// `email_address`, default `-created_at`); always `{"data", "total_count"}`.
pub(super) fn list(shared: &Shared, org_id: &str, q: &Query) -> Answer {
    let (limit, offset) = q.paging()?;
    let s = shared.lock();
    let org_id = org(&s, org_id)?.id.clone();
    let statuses = q.all("status");
    let emails = q.all("email_address");
    let mut all: Vec<(&OrgInvitation, Value)> = s
        .records
        .org_invitations
        .iter()
        .filter(|i| i.org_id == org_id)
        .map(|i| (i, s.org_invitation_json(i)))
        .filter(|(i, v)| {
            (statuses.is_empty() || statuses.iter().any(|st| v["status"] == *st))
                && (emails.is_empty() || emails.iter().any(|e| e.eq_ignore_ascii_case(&i.email)))
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
    ok(data_page(&all, limit, offset, |(_, v)| v.clone()))
}

pub(super) fn create(shared: &Shared, org_id: &str, body: &Body) -> Answer {
    let email = body.required_string("email_address")?.trim().to_owned();
    check_email(&email)?;
    let role = body.required_string("role")?;
    check_role(&role)?;
    let public_metadata = body.object("public_metadata")?.unwrap_or_else(|| json!({}));
    let private_metadata = body
        .object("private_metadata")?
        .unwrap_or_else(|| json!({}));
    body.string("redirect_url")?;
    body.bool("notify")?;
    let mut s = shared.lock();
    let o = org(&s, org_id)?.clone();
    let inviter_id = match body.string("inviter_user_id")? {
        Field::Value(id) => {
            user(&s, &id).map_err(|_| {
                ApiError::invalid(
                    "inviter_user_id",
                    "inviter_user_id must be an existing user.",
                )
            })?;
            Some(id)
        }
        Field::Absent | Field::Null => None,
    };
    let member = s.memberships.iter().any(|m| {
        m.org_id == o.id
            && s.user(&m.user_id).is_some_and(|u| {
                u.emails
                    .iter()
                    .any(|e| e.address.eq_ignore_ascii_case(&email))
            })
    });
    if member {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "already_a_member_in_organization",
            "Already a member",
            format!("{email} is already a member of the organization."),
        ));
    }
    let pending = s.records.org_invitations.iter().any(|i| {
        i.org_id == o.id
            && i.email.eq_ignore_ascii_case(&email)
            && s.org_invitation_json(i)["status"] == "pending"
    });
    if pending {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "duplicate_record",
            "duplicate record",
            format!("{email} already has a pending invitation to the organization."),
        ));
    }
    let now = s.tick();
    let invitation = OrgInvitation {
        id: new_id("orginv"),
        org_id: o.id.clone(),
        email,
        role,
        inviter_id,
        status: "pending".into(),
        public_metadata,
        private_metadata,
        expires_at: expiry_days(body, now)?,
        created_at: now,
        updated_at: now,
    };
    let out = s.org_invitation_json(&invitation);
    if s.emits() {
        let data = s.org_invitation_event_json(&invitation);
        s.emit("organizationInvitation.created", data);
    }
    s.records.org_invitations.push(invitation);
    ok(out)
}

/// Revokes a pending invitation (`400` for any other).
pub(super) fn revoke(shared: &Shared, org_id: &str, id: &str, body: &Body) -> Answer {
    body.string("requesting_user_id")?;
    let mut s = shared.lock();
    let org_id = org(&s, org_id)?.id.clone();
    let now = s.tick();
    let current = s
        .records
        .org_invitations
        .iter()
        .find(|i| i.id == id && i.org_id == org_id)
        .ok_or_else(ApiError::not_found)?;
    if s.org_invitation_json(current)["status"] != "pending" {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "organization_invitation_not_pending",
            "invitation is not pending",
            "Only pending invitations can be revoked.",
        ));
    }
    let mut i = current.clone();
    i.status = "revoked".into();
    i.updated_at = now;
    if let Some(slot) = s.records.org_invitations.iter_mut().find(|x| x.id == id) {
        *slot = i.clone();
    }
    if s.emits() {
        let data = s.org_invitation_event_json(&i);
        s.emit("organizationInvitation.revoked", data);
    }
    ok(s.org_invitation_json(&i))
}
