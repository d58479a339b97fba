//! Instance data in the store beside users and organizations: allowlist and blocklist
//! identifiers, redirect URLs, JWT templates, sign-in tokens, invitations and organization
//! invitations, and their rendering in the Backend API's JSON shapes (`AllowlistIdentifier`,
//! `BlocklistIdentifier`, `RedirectURL`, `JWTTemplate`, `SignInToken`, `Invitation`,
//! `OrganizationInvitation`).
//!
//! Sign-in tokens are secrets and never appear in `Debug` output.

use serde_json::{Value, json};

use super::machines::{INSTANCE_ID, Secret};
use super::store::{State, avatar_url, now_ms, role_name};

/// An allowlist or blocklist identifier.
#[derive(Debug, Clone)]
pub(crate) struct Identifier {
    pub(crate) id: String,
    pub(crate) identifier: String,
    /// `email_address`, `phone_number` or `web3_wallet`.
    pub(crate) identifier_type: &'static str,
    pub(crate) created_at: i64,
}

/// A redirect URL an app may send users to after OAuth or magic links.
#[derive(Debug, Clone)]
pub(crate) struct RedirectUrl {
    pub(crate) id: String,
    pub(crate) url: String,
    pub(crate) created_at: i64,
}

/// A JWT template: claims added to the session token `CreateSessionTokenFromTemplate` mints.
#[derive(Debug, Clone)]
pub(crate) struct JwtTemplate {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) claims: Value,
    /// Token lifetime in seconds.
    pub(crate) lifetime: i64,
    pub(crate) allowed_clock_skew: i64,
    pub(crate) created_at: i64,
}

/// A sign-in token: a ticket that signs its user in once on the emulator's sign-in page.
#[derive(Debug, Clone)]
pub(crate) struct SignInToken {
    pub(crate) id: String,
    pub(crate) user_id: String,
    pub(crate) token: Secret,
    /// `pending`, `accepted` or `revoked`.
    pub(crate) status: String,
    pub(crate) expires_at: i64,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

/// An invitation to the instance.
#[derive(Debug, Clone)]
pub(crate) struct Invitation {
    pub(crate) id: String,
    pub(crate) email: String,
    pub(crate) public_metadata: Value,
    /// `pending`, `accepted` or `revoked` (`expired` is computed).
    pub(crate) status: String,
    pub(crate) url: Option<String>,
    pub(crate) expires_at: Option<i64>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

/// An invitation to an organization.
#[derive(Debug, Clone)]
pub(crate) struct OrgInvitation {
    pub(crate) id: String,
    pub(crate) org_id: String,
    pub(crate) email: String,
    pub(crate) role: String,
    pub(crate) inviter_id: Option<String>,
    /// `pending`, `accepted` or `revoked` (`expired` is computed).
    pub(crate) status: String,
    pub(crate) public_metadata: Value,
    pub(crate) private_metadata: Value,
    pub(crate) expires_at: i64,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

/// The instance data of [`State`].
#[derive(Debug, Default)]
pub(crate) struct Records {
    pub(crate) allowlist: Vec<Identifier>,
    pub(crate) blocklist: Vec<Identifier>,
    pub(crate) redirect_urls: Vec<RedirectUrl>,
    pub(crate) jwt_templates: Vec<JwtTemplate>,
    pub(crate) sign_in_tokens: Vec<SignInToken>,
    pub(crate) invitations: Vec<Invitation>,
    pub(crate) org_invitations: Vec<OrgInvitation>,
}

/// The id of the demo JWT template.
pub(crate) const DEMO_JWT_TEMPLATE: &str = "jtmp_demo";

/// `pending` past `expires_at` reads as `expired`, as Clerk renders it.
fn effective_status(status: &str, expires_at: Option<i64>) -> &str {
    match expires_at {
        Some(at) if status == "pending" && at <= now_ms() => "expired",
        _ => status,
    }
}

impl State {
    /// The demo JWT template `demo`: audience `emulator`, 60 s.
    pub(crate) fn seed_demo_records(&mut self) {
        let now = self.tick();
        self.records.jwt_templates.push(JwtTemplate {
            id: DEMO_JWT_TEMPLATE.into(),
            name: "demo".into(),
            claims: json!({"aud": "emulator"}),
            lifetime: 60,
            allowed_clock_skew: 5,
            created_at: now,
        });
    }

    pub(crate) fn identifier_json(&self, object: &str, i: &Identifier) -> Value {
        json!({
            "object": object,
            "id": i.id,
            "identifier": i.identifier,
            "identifier_type": i.identifier_type,
            "instance_id": INSTANCE_ID,
            "created_at": i.created_at,
            "updated_at": i.created_at,
        })
    }

    pub(crate) fn redirect_url_json(&self, r: &RedirectUrl) -> Value {
        json!({
            "object": "redirect_url",
            "id": r.id,
            "url": r.url,
            "created_at": r.created_at,
            "updated_at": r.created_at,
        })
    }

    pub(crate) fn jwt_template_json(&self, t: &JwtTemplate) -> Value {
        json!({
            "object": "jwt_template",
            "id": t.id,
            "name": t.name,
            "claims": t.claims,
            "lifetime": t.lifetime,
            "allowed_clock_skew": t.allowed_clock_skew,
            "custom_signing_key": false,
            "signing_algorithm": "RS256",
            "created_at": t.created_at,
            "updated_at": t.created_at,
        })
    }

    /// A sign-in token; the token itself and its URL only when `reveal` (on creation, as
    /// Clerk answers).
    pub(crate) fn sign_in_token_json(
        &self,
        t: &SignInToken,
        base_url: &str,
        reveal: bool,
    ) -> Value {
        let mut v = json!({
            "object": "sign_in_token",
            "id": t.id,
            "user_id": t.user_id,
            "status": t.status,
            "url": null,
            "created_at": t.created_at,
            "updated_at": t.updated_at,
        });
        if reveal {
            v["token"] = json!(t.token.0);
            v["url"] = json!(format!("{base_url}/sign-in?__clerk_ticket={}", t.token.0));
        }
        v
    }

    pub(crate) fn invitation_json(&self, i: &Invitation) -> Value {
        let mut v = json!({
            "object": "invitation",
            "id": i.id,
            "email_address": i.email,
            "public_metadata": i.public_metadata,
            "revoked": i.status == "revoked",
            "status": effective_status(&i.status, i.expires_at),
            "expires_at": i.expires_at,
            "created_at": i.created_at,
            "updated_at": i.updated_at,
        });
        if let Some(url) = &i.url {
            v["url"] = json!(url);
        }
        v
    }

    pub(crate) fn org_invitation_json(&self, i: &OrgInvitation) -> Value {
        let inviter = i.inviter_id.as_deref().and_then(|id| self.user(id));
        let public_inviter_data = inviter.map_or(Value::Null, |u| {
            json!({
                "user_id": u.id,
                "first_name": u.first_name,
                "last_name": u.last_name,
                "image_url": avatar_url(&u.id),
                "has_image": false,
                "identifier": u.identifier().unwrap_or_default(),
            })
        });
        json!({
            "object": "organization_invitation",
            "id": i.id,
            "email_address": i.email,
            "role": i.role,
            "role_name": role_name(&i.role),
            "organization_id": i.org_id,
            "inviter_id": i.inviter_id,
            "public_inviter_data": public_inviter_data,
            "status": effective_status(&i.status, Some(i.expires_at)),
            "public_metadata": i.public_metadata,
            "private_metadata": i.private_metadata,
            "url": null,
            "expires_at": i.expires_at,
            "created_at": i.created_at,
            "updated_at": i.updated_at,
        })
    }

    /// The `data` of an `organizationInvitation.*` event: the invitation with
    /// `public_organization_data`.
    pub(crate) fn org_invitation_event_json(&self, i: &OrgInvitation) -> Value {
        let mut v = self.org_invitation_json(i);
        if let Some(o) = self.org(&i.org_id) {
            v["public_organization_data"] = json!({
                "id": o.id,
                "name": o.name,
                "slug": o.slug,
                "image_url": avatar_url(&o.id),
                "has_image": false,
            });
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expired_is_computed_and_tokens_stay_out_of_debug() {
        assert_eq!(effective_status("pending", Some(1)), "expired");
        assert_eq!(effective_status("pending", Some(i64::MAX)), "pending");
        assert_eq!(effective_status("revoked", Some(1)), "revoked");
        assert_eq!(effective_status("pending", None), "pending");
        let t = SignInToken {
            id: "sit_1".into(),
            user_id: "user_1".into(),
            token: Secret("ticket-secret-value".into()),
            status: "pending".into(),
            expires_at: 0,
            created_at: 0,
            updated_at: 0,
        };
        assert!(!format!("{t:?}").contains("ticket-secret-value"));
        let s = State::default();
        let v = s.sign_in_token_json(&t, "http://127.0.0.1:1", false);
        assert!(v.get("token").is_none() && v["url"].is_null());
        let v = s.sign_in_token_json(&t, "http://127.0.0.1:1", true);
        assert_eq!(v["token"], "ticket-secret-value");
    }
}
