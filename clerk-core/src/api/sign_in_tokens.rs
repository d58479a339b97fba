//! Sign-in tokens: `/sign_in_tokens`.

use http::Method;

use super::request::Call;
use super::{SignInToken, operation, resource, setters};

resource! {
    /// One-time sign-in links ("magic links" issued by your backend). Get it with
    /// [`ClerkClient::sign_in_tokens`](crate::ClerkClient::sign_in_tokens).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let token = client
    ///     .sign_in_tokens()
    ///     .create("user_123")
    ///     .expires_in_seconds(600)
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    SignInTokens, sign_in_tokens
}

impl SignInTokens {
    /// Create a sign-in token for a user (`CreateSignInToken`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let token = client.sign_in_tokens().create("user_123").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn create(&self, user_id: impl Into<String>) -> CreateSignInToken {
        let mut call = Call::new(
            &self.client,
            Method::POST,
            "CreateSignInToken",
            &["sign_in_tokens"],
        );
        call.field("user_id", user_id.into());
        CreateSignInToken { call }
    }

    /// Revoke an unused sign-in token (`RevokeSignInToken`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// client.sign_in_tokens().revoke("sit_123").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn revoke(&self, sign_in_token_id: &str) -> RevokeSignInToken {
        RevokeSignInToken {
            call: Call::new(
                &self.client,
                Method::POST,
                "RevokeSignInToken",
                &["sign_in_tokens", sign_in_token_id, "revoke"],
            ),
        }
    }
}

operation! {
    /// Request builder for [`SignInTokens::create`] (`CreateSignInToken`).
    CreateSignInToken -> SignInToken
}

impl CreateSignInToken {
    setters! {
        /// Seconds until the token expires. Defaults to 30 days.
        body expires_in_seconds: u64;
        /// An organization to activate on sign-in.
        body org_id: String;
    }
}

operation! {
    /// Request builder for [`SignInTokens::revoke`] (`RevokeSignInToken`).
    RevokeSignInToken -> SignInToken
}
