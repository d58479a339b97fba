//! Blocklist identifiers: `/blocklist_identifiers`.

use http::Method;

use super::request::Call;
use super::{BlocklistIdentifier, DeletedObject, Page, operation, resource};

resource! {
    /// Identifiers blocked from signing up. Get it with
    /// [`ClerkClient::blocklist_identifiers`](crate::ClerkClient::blocklist_identifiers).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// client.blocklist_identifiers().create("spam@example.com").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    BlocklistIdentifiers, blocklist_identifiers
}

impl BlocklistIdentifiers {
    /// List blocklist identifiers (`ListBlocklistIdentifiers`); not paginated.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let all = client.blocklist_identifiers().list().send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn list(&self) -> ListBlocklistIdentifiers {
        ListBlocklistIdentifiers {
            call: Call::new(
                &self.client,
                Method::GET,
                "ListBlocklistIdentifiers",
                &["blocklist_identifiers"],
            ),
        }
    }

    /// Block an identifier (`CreateBlocklistIdentifier`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// client.blocklist_identifiers().create("*@spam.example").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn create(&self, identifier: impl Into<String>) -> CreateBlocklistIdentifier {
        let mut call = Call::new(
            &self.client,
            Method::POST,
            "CreateBlocklistIdentifier",
            &["blocklist_identifiers"],
        );
        call.field("identifier", identifier.into());
        CreateBlocklistIdentifier { call }
    }

    /// Unblock an identifier (`DeleteBlocklistIdentifier`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// client.blocklist_identifiers().delete("blid_123").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn delete(&self, identifier_id: &str) -> DeleteBlocklistIdentifier {
        DeleteBlocklistIdentifier {
            call: Call::new(
                &self.client,
                Method::DELETE,
                "DeleteBlocklistIdentifier",
                &["blocklist_identifiers", identifier_id],
            ),
        }
    }
}

operation! {
    /// Request builder for [`BlocklistIdentifiers::list`] (`ListBlocklistIdentifiers`).
    ListBlocklistIdentifiers -> Page<BlocklistIdentifier>
}

operation! {
    /// Request builder for [`BlocklistIdentifiers::create`] (`CreateBlocklistIdentifier`).
    CreateBlocklistIdentifier -> BlocklistIdentifier
}

operation! {
    /// Request builder for [`BlocklistIdentifiers::delete`] (`DeleteBlocklistIdentifier`).
    DeleteBlocklistIdentifier -> DeletedObject
}
