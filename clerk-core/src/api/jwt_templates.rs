//! JWT templates: `/jwt_templates`.

use http::Method;

use super::request::Call;
use super::{JwtTemplate, operation, resource, setters};

resource! {
    /// JWT templates. Get it with
    /// [`ClerkClient::jwt_templates`](crate::ClerkClient::jwt_templates).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// for t in client.jwt_templates().list().send().await? {
    ///     println!("{} ({}s)", t.name, t.lifetime);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    JwtTemplates, jwt_templates
}

impl JwtTemplates {
    /// List JWT templates (`ListJWTTemplates`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let templates = client.jwt_templates().list().send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn list(&self) -> ListJwtTemplates {
        ListJwtTemplates {
            call: Call::new(
                &self.client,
                Method::GET,
                "ListJWTTemplates",
                &["jwt_templates"],
            ),
        }
    }

    /// Get a JWT template by id (`GetJWTTemplate`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let t = client.jwt_templates().get("jtmp_123").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn get(&self, template_id: &str) -> GetJwtTemplate {
        GetJwtTemplate {
            call: Call::new(
                &self.client,
                Method::GET,
                "GetJWTTemplate",
                &["jwt_templates", template_id],
            ),
        }
    }
}

operation! {
    /// Request builder for [`JwtTemplates::list`] (`ListJWTTemplates`).
    ListJwtTemplates -> Page<JwtTemplate>, paginated
}

impl ListJwtTemplates {
    setters! {
        /// Page size, 1 to 500. Defaults to 10.
        query limit: u64;
        /// Items to skip. Defaults to 0.
        query offset: u64;
    }
}

operation! {
    /// Request builder for [`JwtTemplates::get`] (`GetJWTTemplate`).
    GetJwtTemplate -> JwtTemplate
}
