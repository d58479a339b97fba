//! Organization memberships: `/organizations/{id}/memberships`.

use http::Method;
use serde_json::Value;

use super::request::Call;
use super::{OrganizationMembership, operation, resource, setters};

resource! {
    /// Memberships of users in organizations. Get it with
    /// [`ClerkClient::organization_memberships`](crate::ClerkClient::organization_memberships).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// client
    ///     .organization_memberships()
    ///     .create("org_123", "user_123", "org:member")
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    OrganizationMemberships, organization_memberships
}

impl OrganizationMemberships {
    /// List an organization's memberships (`ListOrganizationMemberships`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let admins = client
    ///     .organization_memberships()
    ///     .list("org_123")
    ///     .role("org:admin")
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn list(&self, organization_id: &str) -> ListOrganizationMemberships {
        ListOrganizationMemberships {
            call: Call::new(
                &self.client,
                Method::GET,
                "ListOrganizationMemberships",
                &["organizations", organization_id, "memberships"],
            ),
        }
    }

    /// Add a user to an organization with a role (`CreateOrganizationMembership`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// client
    ///     .organization_memberships()
    ///     .create("org_123", "user_123", "org:admin")
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn create(
        &self,
        organization_id: &str,
        user_id: impl Into<String>,
        role: impl Into<String>,
    ) -> CreateOrganizationMembership {
        let mut call = Call::new(
            &self.client,
            Method::POST,
            "CreateOrganizationMembership",
            &["organizations", organization_id, "memberships"],
        );
        call.field("user_id", user_id.into());
        call.field("role", role.into());
        CreateOrganizationMembership { call }
    }

    /// Change a member's role (`UpdateOrganizationMembership`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// client
    ///     .organization_memberships()
    ///     .update("org_123", "user_123", "org:member")
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn update(
        &self,
        organization_id: &str,
        user_id: &str,
        role: impl Into<String>,
    ) -> UpdateOrganizationMembership {
        let mut call = Call::new(
            &self.client,
            Method::PATCH,
            "UpdateOrganizationMembership",
            &["organizations", organization_id, "memberships", user_id],
        );
        call.field("role", role.into());
        UpdateOrganizationMembership { call }
    }

    /// Merge metadata into a membership's metadata (`UpdateOrganizationMembershipMetadata`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// client
    ///     .organization_memberships()
    ///     .update_metadata("org_123", "user_123")
    ///     .public_metadata(serde_json::json!({ "team": "core" }))
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn update_metadata(
        &self,
        organization_id: &str,
        user_id: &str,
    ) -> UpdateOrganizationMembershipMetadata {
        let mut call = Call::new(
            &self.client,
            Method::PATCH,
            "UpdateOrganizationMembershipMetadata",
            &[
                "organizations",
                organization_id,
                "memberships",
                user_id,
                "metadata",
            ],
        );
        call.json_body();
        UpdateOrganizationMembershipMetadata { call }
    }

    /// Remove a user from an organization (`DeleteOrganizationMembership`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// client
    ///     .organization_memberships()
    ///     .delete("org_123", "user_123")
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn delete(&self, organization_id: &str, user_id: &str) -> DeleteOrganizationMembership {
        DeleteOrganizationMembership {
            call: Call::new(
                &self.client,
                Method::DELETE,
                "DeleteOrganizationMembership",
                &["organizations", organization_id, "memberships", user_id],
            ),
        }
    }
}

operation! {
    /// Request builder for [`OrganizationMemberships::list`] (`ListOrganizationMemberships`).
    ListOrganizationMemberships -> Page<OrganizationMembership>, paginated
}

impl ListOrganizationMemberships {
    setters! {
        /// Sort order: `phone_number`, `email_address`, `created_at`, `first_name`,
        /// `last_name` or `username`, prefixed with `+` or `-`.
        query order_by: String;
        /// Only memberships of this user.
        query user_id: [String];
        /// Only members with this email address.
        query email_address: [String];
        /// Only members with this phone number.
        query phone_number: [String];
        /// Only members with this username.
        query username: [String];
        /// Only members with this Web3 wallet.
        query web3_wallet: [String];
        /// Only members with this role.
        query role: [String];
        /// Free-text search over members.
        query query: String;
        /// Search within email addresses.
        query email_address_query: String;
        /// Search within phone numbers.
        query phone_number_query: String;
        /// Search within usernames.
        query username_query: String;
        /// Search within names.
        query name_query: String;
        /// Only members last active before this time (Unix ms).
        query last_active_at_before: i64;
        /// Only members last active after this time (Unix ms).
        query last_active_at_after: i64;
        /// Only memberships created before this time (Unix ms).
        query created_at_before: i64;
        /// Only memberships created after this time (Unix ms).
        query created_at_after: i64;
        /// Page size, 1 to 500. Defaults to 10.
        query limit: u64;
        /// Items to skip. Defaults to 0.
        query offset: u64;
    }
}

operation! {
    /// Request builder for [`OrganizationMemberships::create`]
    /// (`CreateOrganizationMembership`).
    CreateOrganizationMembership -> OrganizationMembership
}

impl CreateOrganizationMembership {
    setters! {
        /// Public metadata.
        body public_metadata: Value;
        /// Private metadata.
        body private_metadata: Value;
    }
}

operation! {
    /// Request builder for [`OrganizationMemberships::update`]
    /// (`UpdateOrganizationMembership`).
    UpdateOrganizationMembership -> OrganizationMembership
}

operation! {
    /// Request builder for [`OrganizationMemberships::update_metadata`]
    /// (`UpdateOrganizationMembershipMetadata`).
    UpdateOrganizationMembershipMetadata -> OrganizationMembership
}

impl UpdateOrganizationMembershipMetadata {
    setters! {
        /// Public metadata to merge.
        body public_metadata: Value;
        /// Private metadata to merge.
        body private_metadata: Value;
    }
}

operation! {
    /// Request builder for [`OrganizationMemberships::delete`]
    /// (`DeleteOrganizationMembership`).
    DeleteOrganizationMembership -> OrganizationMembership
}
