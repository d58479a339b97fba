//! Organization invitations: `/organizations/{id}/invitations`.

use http::Method;
use serde_json::Value;

use super::request::Call;
use super::{InvitationStatus, OrganizationInvitation, operation, resource, setters};

resource! {
    /// Invitations to join an organization. Get it with
    /// [`ClerkClient::organization_invitations`](crate::ClerkClient::organization_invitations).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let inv = client
    ///     .organization_invitations()
    ///     .create("org_123", "ada@example.com", "org:member")
    ///     .inviter_user_id("user_123")
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    OrganizationInvitations, organization_invitations
}

impl OrganizationInvitations {
    /// Invite an email address to an organization (`CreateOrganizationInvitation`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// client
    ///     .organization_invitations()
    ///     .create("org_123", "ada@example.com", "org:member")
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn create(
        &self,
        organization_id: &str,
        email_address: impl Into<String>,
        role: impl Into<String>,
    ) -> CreateOrganizationInvitation {
        let mut call = Call::new(
            &self.client,
            Method::POST,
            "CreateOrganizationInvitation",
            &["organizations", organization_id, "invitations"],
        );
        call.field("email_address", email_address.into());
        call.field("role", role.into());
        CreateOrganizationInvitation { call }
    }

    /// List an organization's invitations (`ListOrganizationInvitations`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// use clerk_core::api::InvitationStatus;
    ///
    /// let pending = client
    ///     .organization_invitations()
    ///     .list("org_123")
    ///     .status(InvitationStatus::Pending)
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn list(&self, organization_id: &str) -> ListOrganizationInvitations {
        ListOrganizationInvitations {
            call: Call::new(
                &self.client,
                Method::GET,
                "ListOrganizationInvitations",
                &["organizations", organization_id, "invitations"],
            ),
        }
    }

    /// Revoke a pending invitation (`RevokeOrganizationInvitation`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// client
    ///     .organization_invitations()
    ///     .revoke("org_123", "orginv_123")
    ///     .requesting_user_id("user_123")
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn revoke(
        &self,
        organization_id: &str,
        invitation_id: &str,
    ) -> RevokeOrganizationInvitation {
        let mut call = Call::new(
            &self.client,
            Method::POST,
            "RevokeOrganizationInvitation",
            &[
                "organizations",
                organization_id,
                "invitations",
                invitation_id,
                "revoke",
            ],
        );
        call.json_body();
        RevokeOrganizationInvitation { call }
    }
}

operation! {
    /// Request builder for [`OrganizationInvitations::create`]
    /// (`CreateOrganizationInvitation`).
    CreateOrganizationInvitation -> OrganizationInvitation
}

impl CreateOrganizationInvitation {
    setters! {
        /// The user sending the invitation.
        body inviter_user_id: String;
        /// Public metadata.
        body public_metadata: Value;
        /// Private metadata.
        body private_metadata: Value;
        /// Where the invitation link leads.
        body redirect_url: String;
        /// Days until the invitation expires.
        body expires_in_days: u32;
        /// Whether Clerk emails the invitation. Defaults to `true`.
        body notify: bool;
    }
}

operation! {
    /// Request builder for [`OrganizationInvitations::list`] (`ListOrganizationInvitations`).
    ListOrganizationInvitations -> Page<OrganizationInvitation>, paginated
}

impl ListOrganizationInvitations {
    setters! {
        /// Only invitations with this status.
        query status: InvitationStatus;
        /// Only invitations to this address.
        query email_address: String;
        /// Sort order: `created_at` or `email_address`, prefixed with `+` or `-`.
        query order_by: String;
        /// Page size, 1 to 500. Defaults to 10.
        query limit: u64;
        /// Items to skip. Defaults to 0.
        query offset: u64;
    }
}

operation! {
    /// Request builder for [`OrganizationInvitations::revoke`]
    /// (`RevokeOrganizationInvitation`).
    RevokeOrganizationInvitation -> OrganizationInvitation
}

impl RevokeOrganizationInvitation {
    setters! {
        /// The user revoking the invitation.
        body requesting_user_id: String;
    }
}
