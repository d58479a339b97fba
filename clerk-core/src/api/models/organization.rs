//! Organizations, memberships and organization invitations.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// An organization.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Organization {
    /// Always `"organization"`.
    pub object: String,
    /// The id, e.g. `org_...`.
    pub id: String,
    /// The name.
    pub name: String,
    /// The URL-friendly slug.
    pub slug: String,
    /// The logo URL.
    pub image_url: Option<String>,
    /// Whether a logo was uploaded.
    pub has_image: bool,
    /// The member count, when requested with `include_members_count`.
    pub members_count: Option<i64>,
    /// Whether a member with elevated permissions is missing, when requested.
    pub missing_member_with_elevated_permissions: Option<bool>,
    /// The number of pending invitations, when present.
    pub pending_invitations_count: Option<i64>,
    /// The membership limit (0 = unlimited).
    pub max_allowed_memberships: i64,
    /// Whether admins may delete the organization.
    pub admin_delete_enabled: bool,
    /// Public metadata.
    pub public_metadata: Value,
    /// Private metadata.
    pub private_metadata: Option<Value>,
    /// The creator's user id.
    pub created_by: Option<String>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
    /// Last activity (Unix ms).
    pub last_active_at: Option<i64>,
    /// The role set this organization uses.
    pub role_set_key: Option<String>,
}

/// Public data of the user in an organization membership.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct OrganizationMembershipPublicUserData {
    /// The user's id.
    pub user_id: String,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Profile image URL.
    pub image_url: Option<String>,
    /// Whether the user has a profile image.
    pub has_image: bool,
    /// The user's primary identifier (email, phone, username).
    pub identifier: Option<String>,
    /// The username.
    pub username: Option<String>,
    /// Whether the user is banned.
    pub banned: Option<bool>,
    /// Whether the user was deprovisioned.
    pub deprovisioned: Option<bool>,
}

/// A user's membership in an organization.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct OrganizationMembership {
    /// Always `"organization_membership"`.
    pub object: String,
    /// The id, e.g. `orgmem_...`.
    pub id: String,
    /// The role key, e.g. `"org:admin"`.
    pub role: String,
    /// The role's display name.
    pub role_name: Option<String>,
    /// The permissions granted by the role.
    pub permissions: Vec<String>,
    /// Public metadata.
    pub public_metadata: Value,
    /// Private metadata.
    pub private_metadata: Option<Value>,
    /// The organization.
    pub organization: Organization,
    /// The member's public data.
    pub public_user_data: Option<OrganizationMembershipPublicUserData>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}

super::string_enum! {
    /// The status of an invitation.
    pub enum InvitationStatus {
        /// Sent, not yet accepted.
        Pending = "pending",
        /// Accepted.
        Accepted = "accepted",
        /// Revoked.
        Revoked = "revoked",
        /// Expired.
        Expired = "expired",
    }
}

/// Public data of the user who sent an organization invitation.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct OrganizationInvitationPublicUserData {
    /// The inviter's user id.
    pub user_id: String,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Profile image URL.
    pub image_url: Option<String>,
    /// Whether the inviter has a profile image.
    pub has_image: bool,
    /// The inviter's primary identifier.
    pub identifier: Option<String>,
}

/// An invitation to join an organization.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct OrganizationInvitation {
    /// Always `"organization_invitation"`.
    pub object: String,
    /// The id, e.g. `orginv_...`.
    pub id: String,
    /// The invited address.
    pub email_address: String,
    /// The role the invitee will get.
    pub role: String,
    /// The role's display name.
    pub role_name: Option<String>,
    /// The organization.
    pub organization_id: Option<String>,
    /// Who sent the invitation.
    pub inviter_id: Option<String>,
    /// Public data of the inviter.
    pub public_inviter_data: Option<OrganizationInvitationPublicUserData>,
    /// The status.
    pub status: Option<InvitationStatus>,
    /// Public metadata.
    pub public_metadata: Value,
    /// Private metadata.
    pub private_metadata: Option<Value>,
    /// The invitation link.
    pub url: Option<String>,
    /// Expiry (Unix ms).
    pub expires_at: Option<i64>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}
