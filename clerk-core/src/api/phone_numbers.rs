//! Phone numbers: `/phone_numbers`.

use http::Method;

use super::request::Call;
use super::{DeletedObject, PhoneNumber, operation, resource, setters};

resource! {
    /// Phone numbers of users. Get it with
    /// [`ClerkClient::phone_numbers`](crate::ClerkClient::phone_numbers).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let phone = client
    ///     .phone_numbers()
    ///     .create("user_123", "+15555550100")
    ///     .verified(true)
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    PhoneNumbers, phone_numbers
}

impl PhoneNumbers {
    /// Get a phone number by id (`GetPhoneNumber`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let phone = client.phone_numbers().get("idn_123").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn get(&self, phone_number_id: &str) -> GetPhoneNumber {
        GetPhoneNumber {
            call: Call::new(
                &self.client,
                Method::GET,
                "GetPhoneNumber",
                &["phone_numbers", phone_number_id],
            ),
        }
    }

    /// Add a phone number (E.164) to a user (`CreatePhoneNumber`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// client
    ///     .phone_numbers()
    ///     .create("user_123", "+15555550100")
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn create(
        &self,
        user_id: impl Into<String>,
        phone_number: impl Into<String>,
    ) -> CreatePhoneNumber {
        let mut call = Call::new(
            &self.client,
            Method::POST,
            "CreatePhoneNumber",
            &["phone_numbers"],
        );
        call.field("user_id", user_id.into());
        call.field("phone_number", phone_number.into());
        CreatePhoneNumber { call }
    }

    /// Update a phone number (`UpdatePhoneNumber`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// client
    ///     .phone_numbers()
    ///     .update("idn_123")
    ///     .reserved_for_second_factor(true)
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn update(&self, phone_number_id: &str) -> UpdatePhoneNumber {
        let mut call = Call::new(
            &self.client,
            Method::PATCH,
            "UpdatePhoneNumber",
            &["phone_numbers", phone_number_id],
        );
        call.json_body();
        UpdatePhoneNumber { call }
    }

    /// Delete a phone number (`DeletePhoneNumber`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// client.phone_numbers().delete("idn_123").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn delete(&self, phone_number_id: &str) -> DeletePhoneNumber {
        DeletePhoneNumber {
            call: Call::new(
                &self.client,
                Method::DELETE,
                "DeletePhoneNumber",
                &["phone_numbers", phone_number_id],
            ),
        }
    }
}

operation! {
    /// Request builder for [`PhoneNumbers::get`] (`GetPhoneNumber`).
    GetPhoneNumber -> PhoneNumber
}

operation! {
    /// Request builder for [`PhoneNumbers::create`] (`CreatePhoneNumber`).
    CreatePhoneNumber -> PhoneNumber
}

impl CreatePhoneNumber {
    setters! {
        /// Mark the number as verified.
        body verified: bool;
        /// Make it the user's primary number.
        body primary: bool;
        /// Reserve it for second factor authentication.
        body reserved_for_second_factor: bool;
    }
}

operation! {
    /// Request builder for [`PhoneNumbers::update`] (`UpdatePhoneNumber`).
    UpdatePhoneNumber -> PhoneNumber
}

impl UpdatePhoneNumber {
    setters! {
        /// Mark the number as verified or not.
        body verified: bool;
        /// Make it the user's primary number.
        body primary: bool;
        /// Reserve it for second factor authentication.
        body reserved_for_second_factor: bool;
    }
}

operation! {
    /// Request builder for [`PhoneNumbers::delete`] (`DeletePhoneNumber`).
    DeletePhoneNumber -> DeletedObject
}
