//! The public interstitial page: `/public/interstitial`.

use http::Method;

use super::request::Call;
use super::{resource, setters};

resource! {
    /// The interstitial page Clerk serves while it refreshes a session. Get it with
    /// [`ClerkClient::interstitial`](crate::ClerkClient::interstitial). This endpoint is
    /// public: no secret key is needed or sent.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let html = client
    ///     .interstitial()
    ///     .get()
    ///     .publishable_key("pk_test_...")
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    Interstitial, interstitial
}

impl Interstitial {
    /// Get the interstitial page markup (`GetPublicInterstitial`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let html: String = client
    ///     .interstitial()
    ///     .get()
    ///     .publishable_key("pk_test_...")
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn get(&self) -> GetPublicInterstitial {
        GetPublicInterstitial {
            call: Call::new(
                &self.client,
                Method::GET,
                "GetPublicInterstitial",
                &["public", "interstitial"],
            )
            .unauthenticated(),
        }
    }
}

/// Request builder for [`Interstitial::get`] (`GetPublicInterstitial`).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send()` is awaited"]
pub struct GetPublicInterstitial {
    call: Call,
}

impl GetPublicInterstitial {
    setters! {
        /// The instance's publishable key.
        query publishable_key: String;
        /// The Frontend API host, e.g. `clerk.example.com`.
        query frontend_api: String;
        /// The proxy URL, when Clerk is served behind your proxy.
        query proxy_url: String;
        /// The satellite domain.
        query domain: String;
        /// The sign-in URL.
        query sign_in_url: String;
        /// Load clerk-js from `domain`.
        query use_domain_for_script: bool;
    }

    /// Send the request and return the page's HTML.
    ///
    /// # Errors
    ///
    /// As for the other operations (see [`Error`](crate::Error)); a 400 means a required
    /// query parameter is missing.
    pub async fn send(self) -> Result<String, crate::Error> {
        self.call.send_text().await
    }
}
