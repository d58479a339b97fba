//! Organizations: `/organizations`.

use http::Method;
use serde_json::Value;

use super::request::Call;
use super::{DeletedObject, Organization, operation, resource, setters};

resource! {
    /// Organizations. Get it with
    /// [`ClerkClient::organizations`](crate::ClerkClient::organizations). Memberships and
    /// invitations have their own groups:
    /// [`organization_memberships`](crate::ClerkClient::organization_memberships) and
    /// [`organization_invitations`](crate::ClerkClient::organization_invitations).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let org = client
    ///     .organizations()
    ///     .create("Acme")
    ///     .created_by("user_123")
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    Organizations, organizations
}

impl Organizations {
    /// List organizations (`ListOrganizations`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let page = client
    ///     .organizations()
    ///     .list()
    ///     .query("acme")
    ///     .include_members_count(true)
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn list(&self) -> ListOrganizations {
        ListOrganizations {
            call: Call::new(
                &self.client,
                Method::GET,
                "ListOrganizations",
                &["organizations"],
            ),
        }
    }

    /// Create an organization (`CreateOrganization`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let org = client.organizations().create("Acme").slug("acme").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn create(&self, name: impl Into<String>) -> CreateOrganization {
        let mut call = Call::new(
            &self.client,
            Method::POST,
            "CreateOrganization",
            &["organizations"],
        );
        call.field("name", name.into());
        CreateOrganization { call }
    }

    /// Get an organization by id or slug (`GetOrganization`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let by_id = client.organizations().get("org_123").send().await?;
    /// let by_slug = client.organizations().get("acme").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn get(&self, organization_id_or_slug: &str) -> GetOrganization {
        GetOrganization {
            call: Call::new(
                &self.client,
                Method::GET,
                "GetOrganization",
                &["organizations", organization_id_or_slug],
            ),
        }
    }

    /// Update an organization (`UpdateOrganization`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// client.organizations().update("org_123").name("Acme Inc.").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn update(&self, organization_id: &str) -> UpdateOrganization {
        let mut call = Call::new(
            &self.client,
            Method::PATCH,
            "UpdateOrganization",
            &["organizations", organization_id],
        );
        call.json_body();
        UpdateOrganization { call }
    }

    /// Merge metadata into an organization's metadata (`MergeOrganizationMetadata`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// client
    ///     .organizations()
    ///     .merge_metadata("org_123")
    ///     .public_metadata(serde_json::json!({ "tier": "gold" }))
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn merge_metadata(&self, organization_id: &str) -> MergeOrganizationMetadata {
        let mut call = Call::new(
            &self.client,
            Method::PATCH,
            "MergeOrganizationMetadata",
            &["organizations", organization_id, "metadata"],
        );
        call.json_body();
        MergeOrganizationMetadata { call }
    }

    /// Delete an organization (`DeleteOrganization`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// client.organizations().delete("org_123").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn delete(&self, organization_id: &str) -> DeleteOrganization {
        DeleteOrganization {
            call: Call::new(
                &self.client,
                Method::DELETE,
                "DeleteOrganization",
                &["organizations", organization_id],
            ),
        }
    }
}

operation! {
    /// Request builder for [`Organizations::list`] (`ListOrganizations`).
    ListOrganizations -> Page<Organization>, paginated
}

impl ListOrganizations {
    setters! {
        /// Include `members_count` in each organization.
        query include_members_count: bool;
        /// Include `missing_member_with_elevated_permissions`.
        query include_missing_member_with_elevated_permissions: bool;
        /// Search by id, name or slug.
        query query: String;
        /// Only organizations this user is a member of.
        query user_id: [String];
        /// Only organizations with this id.
        query organization_id: [String];
        /// Sort order: `name`, `created_at` or `members_count`, prefixed with `+` or `-`.
        /// Defaults to `-created_at`.
        query order_by: String;
        /// Page size, 1 to 500. Defaults to 10.
        query limit: u64;
        /// Items to skip. Defaults to 0.
        query offset: u64;
    }
}

operation! {
    /// Request builder for [`Organizations::create`] (`CreateOrganization`).
    CreateOrganization -> Organization
}

impl CreateOrganization {
    setters! {
        /// The user who creates it; becomes an admin member.
        body created_by: String;
        /// Private metadata.
        body private_metadata: Value;
        /// Public metadata.
        body public_metadata: Value;
        /// The slug. Defaults to one derived from the name.
        body slug: String;
        /// The membership limit (0 = unlimited).
        body max_allowed_memberships: i64;
        /// Creation time to record (RFC 3339).
        body created_at: String;
        /// The role set to use.
        body role_set_key: String;
    }
}

operation! {
    /// Request builder for [`Organizations::get`] (`GetOrganization`).
    GetOrganization -> Organization
}

impl GetOrganization {
    setters! {
        /// Include `members_count`.
        query include_members_count: bool;
        /// Include `missing_member_with_elevated_permissions`.
        query include_missing_member_with_elevated_permissions: bool;
    }
}

operation! {
    /// Request builder for [`Organizations::update`] (`UpdateOrganization`).
    UpdateOrganization -> Organization
}

impl UpdateOrganization {
    setters! {
        /// The name.
        body name: String;
        /// The slug.
        body slug: String;
        /// The membership limit (0 = unlimited).
        body max_allowed_memberships: i64;
        /// Whether admins may delete the organization.
        body admin_delete_enabled: bool;
        /// Creation time to record (RFC 3339).
        body created_at: String;
        /// The role set.
        body role_set_key: Patch<String>;
    }
}

operation! {
    /// Request builder for [`Organizations::merge_metadata`] (`MergeOrganizationMetadata`).
    MergeOrganizationMetadata -> Organization
}

impl MergeOrganizationMetadata {
    setters! {
        /// Public metadata to merge.
        body public_metadata: Value;
        /// Private metadata to merge.
        body private_metadata: Value;
    }
}

operation! {
    /// Request builder for [`Organizations::delete`] (`DeleteOrganization`).
    DeleteOrganization -> DeletedObject
}
