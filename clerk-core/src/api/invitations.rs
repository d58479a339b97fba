//! Instance invitations: `/invitations`.

use http::Method;
use serde_json::Value;

use super::request::Call;
use super::{Invitation, InvitationStatus, operation, resource, setters};

resource! {
    /// Invitations to sign up to the instance. Get it with
    /// [`ClerkClient::invitations`](crate::ClerkClient::invitations).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let inv = client
    ///     .invitations()
    ///     .create("ada@example.com")
    ///     .redirect_url("https://example.com/welcome")
    ///     .send()
    ///     .await?;
    /// client.invitations().revoke(&inv.id).send().await?;
    /// # Ok(())
    /// # }
    /// ```
    Invitations, invitations
}

impl Invitations {
    /// List invitations (`ListInvitations`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let page = client.invitations().list().query("example.com").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn list(&self) -> ListInvitations {
        ListInvitations {
            call: Call::new(
                &self.client,
                Method::GET,
                "ListInvitations",
                &["invitations"],
            ),
        }
    }

    /// Invite an email address (`CreateInvitation`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// client.invitations().create("ada@example.com").notify(false).send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn create(&self, email_address: impl Into<String>) -> CreateInvitation {
        let mut call = Call::new(
            &self.client,
            Method::POST,
            "CreateInvitation",
            &["invitations"],
        );
        call.field("email_address", email_address.into());
        CreateInvitation { call }
    }

    /// Revoke a pending invitation (`RevokeInvitation`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// client.invitations().revoke("inv_123").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn revoke(&self, invitation_id: &str) -> RevokeInvitation {
        RevokeInvitation {
            call: Call::new(
                &self.client,
                Method::POST,
                "RevokeInvitation",
                &["invitations", invitation_id, "revoke"],
            ),
        }
    }
}

operation! {
    /// Request builder for [`Invitations::list`] (`ListInvitations`).
    ListInvitations -> Page<Invitation>, paginated
}

impl ListInvitations {
    setters! {
        /// Only invitations with this status.
        query status: InvitationStatus;
        /// Search by email address or id.
        query query: String;
        /// Sort order: `created_at`, `email_address` or `expires_at`, prefixed with `+` or
        /// `-`.
        query order_by: String;
        /// Page size, 1 to 500. Defaults to 10.
        query limit: u64;
        /// Items to skip. Defaults to 0.
        query offset: u64;
    }
}

operation! {
    /// Request builder for [`Invitations::create`] (`CreateInvitation`).
    CreateInvitation -> Invitation
}

impl CreateInvitation {
    setters! {
        /// Public metadata given to the user on sign-up.
        body public_metadata: Value;
        /// Where the invitation link leads.
        body redirect_url: String;
        /// Whether Clerk emails the invitation. Defaults to `true`.
        body notify: bool;
        /// Create the invitation even if one is pending for this address.
        body ignore_existing: bool;
        /// Days until the invitation expires.
        body expires_in_days: u32;
        /// The email template: `invitation` or `waitlist_invitation`.
        body template_slug: String;
    }
}

operation! {
    /// Request builder for [`Invitations::revoke`] (`RevokeInvitation`).
    RevokeInvitation -> Invitation
}
