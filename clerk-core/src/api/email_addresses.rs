//! Email addresses: `/email_addresses`.

use http::Method;

use super::request::Call;
use super::{DeletedObject, EmailAddress, operation, resource, setters};

resource! {
    /// Email addresses of users. Get it with
    /// [`ClerkClient::email_addresses`](crate::ClerkClient::email_addresses).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let email = client
    ///     .email_addresses()
    ///     .create("user_123", "ada@example.com")
    ///     .verified(true)
    ///     .primary(true)
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    EmailAddresses, email_addresses
}

impl EmailAddresses {
    /// Get an email address by id (`GetEmailAddress`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let email = client.email_addresses().get("idn_123").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn get(&self, email_address_id: &str) -> GetEmailAddress {
        GetEmailAddress {
            call: Call::new(
                &self.client,
                Method::GET,
                "GetEmailAddress",
                &["email_addresses", email_address_id],
            ),
        }
    }

    /// Add an email address to a user (`CreateEmailAddress`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// client
    ///     .email_addresses()
    ///     .create("user_123", "ada@example.com")
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn create(
        &self,
        user_id: impl Into<String>,
        email_address: impl Into<String>,
    ) -> CreateEmailAddress {
        let mut call = Call::new(
            &self.client,
            Method::POST,
            "CreateEmailAddress",
            &["email_addresses"],
        );
        call.field("user_id", user_id.into());
        call.field("email_address", email_address.into());
        CreateEmailAddress { call }
    }

    /// Update an email address (`UpdateEmailAddress`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// client.email_addresses().update("idn_123").primary(true).send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn update(&self, email_address_id: &str) -> UpdateEmailAddress {
        let mut call = Call::new(
            &self.client,
            Method::PATCH,
            "UpdateEmailAddress",
            &["email_addresses", email_address_id],
        );
        call.json_body();
        UpdateEmailAddress { call }
    }

    /// Delete an email address (`DeleteEmailAddress`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// client.email_addresses().delete("idn_123").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn delete(&self, email_address_id: &str) -> DeleteEmailAddress {
        DeleteEmailAddress {
            call: Call::new(
                &self.client,
                Method::DELETE,
                "DeleteEmailAddress",
                &["email_addresses", email_address_id],
            ),
        }
    }
}

operation! {
    /// Request builder for [`EmailAddresses::get`] (`GetEmailAddress`).
    GetEmailAddress -> EmailAddress
}

operation! {
    /// Request builder for [`EmailAddresses::create`] (`CreateEmailAddress`).
    CreateEmailAddress -> EmailAddress
}

impl CreateEmailAddress {
    setters! {
        /// Mark the address as verified.
        body verified: bool;
        /// Make it the user's primary address.
        body primary: bool;
        /// Notify the previous primary address when `primary` is set.
        body notify_primary_email_address_changed: bool;
    }
}

operation! {
    /// Request builder for [`EmailAddresses::update`] (`UpdateEmailAddress`).
    UpdateEmailAddress -> EmailAddress
}

impl UpdateEmailAddress {
    setters! {
        /// Mark the address as verified or not.
        body verified: bool;
        /// Make it the user's primary address.
        body primary: bool;
        /// Notify the previous primary address when `primary` is set.
        body notify_primary_email_address_changed: bool;
    }
}

operation! {
    /// Request builder for [`EmailAddresses::delete`] (`DeleteEmailAddress`).
    DeleteEmailAddress -> DeletedObject
}
