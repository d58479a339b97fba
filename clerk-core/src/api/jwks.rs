//! The instance's JSON Web Key Set: `/jwks`.

use http::Method;

use super::request::Call;
use super::{Jwks, operation, resource};

resource! {
    /// The instance's JSON Web Key Set. Get it with
    /// [`ClerkClient::jwks`](crate::ClerkClient::jwks).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let jwks = client.jwks().get().send().await?;
    /// println!("{} keys", jwks.keys.len());
    /// # Ok(())
    /// # }
    /// ```
    JwksResource, jwks
}

impl JwksResource {
    /// Get the public keys session tokens are signed with (`GetJWKS`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let jwks = client.jwks().get().send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn get(&self) -> GetJwks {
        GetJwks {
            call: Call::new(&self.client, Method::GET, "GetJWKS", &["jwks"]),
        }
    }
}

operation! {
    /// Request builder for [`JwksResource::get`] (`GetJWKS`).
    GetJwks -> Jwks
}
