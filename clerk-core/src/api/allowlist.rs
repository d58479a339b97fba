//! Allowlist identifiers: `/allowlist_identifiers`.

use http::Method;

use super::request::Call;
use super::{AllowlistIdentifier, DeletedObject, operation, resource, setters};

resource! {
    /// Identifiers allowed to sign up when the allowlist is on. Get it with
    /// [`ClerkClient::allowlist_identifiers`](crate::ClerkClient::allowlist_identifiers).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let id = client
    ///     .allowlist_identifiers()
    ///     .create("*@example.com")
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    AllowlistIdentifiers, allowlist_identifiers
}

impl AllowlistIdentifiers {
    /// List allowlist identifiers (`ListAllowlistIdentifiers`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let all = client.allowlist_identifiers().list().send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn list(&self) -> ListAllowlistIdentifiers {
        ListAllowlistIdentifiers {
            call: Call::new(
                &self.client,
                Method::GET,
                "ListAllowlistIdentifiers",
                &["allowlist_identifiers"],
            ),
        }
    }

    /// Allow an email address, a domain (`*@example.com`), a phone number or a Web3 wallet
    /// (`CreateAllowlistIdentifier`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// client
    ///     .allowlist_identifiers()
    ///     .create("ada@example.com")
    ///     .notify(true)
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn create(&self, identifier: impl Into<String>) -> CreateAllowlistIdentifier {
        let mut call = Call::new(
            &self.client,
            Method::POST,
            "CreateAllowlistIdentifier",
            &["allowlist_identifiers"],
        );
        call.field("identifier", identifier.into());
        CreateAllowlistIdentifier { call }
    }

    /// Remove an identifier from the allowlist (`DeleteAllowlistIdentifier`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// client.allowlist_identifiers().delete("alid_123").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn delete(&self, identifier_id: &str) -> DeleteAllowlistIdentifier {
        DeleteAllowlistIdentifier {
            call: Call::new(
                &self.client,
                Method::DELETE,
                "DeleteAllowlistIdentifier",
                &["allowlist_identifiers", identifier_id],
            ),
        }
    }
}

operation! {
    /// Request builder for [`AllowlistIdentifiers::list`] (`ListAllowlistIdentifiers`).
    ListAllowlistIdentifiers -> Page<AllowlistIdentifier>, paginated
}

impl ListAllowlistIdentifiers {
    setters! {
        /// Page size, 1 to 500. Defaults to 10.
        query limit: u64;
        /// Items to skip. Defaults to 0.
        query offset: u64;
    }
}

operation! {
    /// Request builder for [`AllowlistIdentifiers::create`] (`CreateAllowlistIdentifier`).
    CreateAllowlistIdentifier -> AllowlistIdentifier
}

impl CreateAllowlistIdentifier {
    setters! {
        /// Whether to email an invitation to the identifier (email addresses only).
        body notify: bool;
    }
}

operation! {
    /// Request builder for [`AllowlistIdentifiers::delete`] (`DeleteAllowlistIdentifier`).
    DeleteAllowlistIdentifier -> DeletedObject
}
