//! Redirect URLs: `/redirect_urls`.

use http::Method;

use super::request::Call;
use super::{DeletedObject, RedirectUrl, operation, resource, setters};

resource! {
    /// URLs allowed as redirect targets in native and mobile flows. Get it with
    /// [`ClerkClient::redirect_urls`](crate::ClerkClient::redirect_urls).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// client.redirect_urls().create("myapp://oauth-callback").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    RedirectUrls, redirect_urls
}

impl RedirectUrls {
    /// List redirect URLs (`ListRedirectURLs`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let urls = client.redirect_urls().list().send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn list(&self) -> ListRedirectUrls {
        ListRedirectUrls {
            call: Call::new(
                &self.client,
                Method::GET,
                "ListRedirectURLs",
                &["redirect_urls"],
            ),
        }
    }

    /// Get a redirect URL by id (`GetRedirectURL`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let url = client.redirect_urls().get("ru_123").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn get(&self, id: &str) -> GetRedirectUrl {
        GetRedirectUrl {
            call: Call::new(
                &self.client,
                Method::GET,
                "GetRedirectURL",
                &["redirect_urls", id],
            ),
        }
    }

    /// Allow a redirect URL (`CreateRedirectURL`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// client.redirect_urls().create("myapp://callback").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn create(&self, url: impl Into<String>) -> CreateRedirectUrl {
        let mut call = Call::new(
            &self.client,
            Method::POST,
            "CreateRedirectURL",
            &["redirect_urls"],
        );
        call.field("url", url.into());
        CreateRedirectUrl { call }
    }

    /// Remove a redirect URL (`DeleteRedirectURL`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// client.redirect_urls().delete("ru_123").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn delete(&self, id: &str) -> DeleteRedirectUrl {
        DeleteRedirectUrl {
            call: Call::new(
                &self.client,
                Method::DELETE,
                "DeleteRedirectURL",
                &["redirect_urls", id],
            ),
        }
    }
}

operation! {
    /// Request builder for [`RedirectUrls::list`] (`ListRedirectURLs`).
    ListRedirectUrls -> Page<RedirectUrl>, paginated
}

impl ListRedirectUrls {
    setters! {
        /// Page size, 1 to 500. Defaults to 10.
        query limit: u64;
        /// Items to skip. Defaults to 0.
        query offset: u64;
    }
}

operation! {
    /// Request builder for [`RedirectUrls::get`] (`GetRedirectURL`).
    GetRedirectUrl -> RedirectUrl
}

operation! {
    /// Request builder for [`RedirectUrls::create`] (`CreateRedirectURL`).
    CreateRedirectUrl -> RedirectUrl
}

operation! {
    /// Request builder for [`RedirectUrls::delete`] (`DeleteRedirectURL`).
    DeleteRedirectUrl -> DeletedObject
}
