//! Clients: `/clients`.

use http::Method;

use super::request::Call;
use super::{Client, operation, resource, setters};

resource! {
    /// Clients (browsers and devices holding sessions). Get it with
    /// [`ClerkClient::clients`](crate::ClerkClient::clients).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let c = client.clients().get("client_123").send().await?;
    /// println!("{} sessions", c.sessions.len());
    /// # Ok(())
    /// # }
    /// ```
    Clients, clients
}

impl Clients {
    /// List clients (`GetClientList`). Deprecated by Clerk; may answer 410.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let page = client.clients().list().limit(10).send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn list(&self) -> ListClients {
        ListClients {
            call: Call::new(&self.client, Method::GET, "GetClientList", &["clients"]),
        }
    }

    /// Get a client by id (`GetClient`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let c = client.clients().get("client_123").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn get(&self, client_id: &str) -> GetClient {
        GetClient {
            call: Call::new(
                &self.client,
                Method::GET,
                "GetClient",
                &["clients", client_id],
            ),
        }
    }

    /// Look up the client of a `__client` token (`VerifyClient`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let c = client.clients().verify("eyJ...").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn verify(&self, token: impl Into<String>) -> VerifyClient {
        let mut call = Call::new(
            &self.client,
            Method::POST,
            "VerifyClient",
            &["clients", "verify"],
        );
        call.field("token", token.into());
        VerifyClient { call }
    }
}

operation! {
    /// Request builder for [`Clients::list`] (`GetClientList`).
    ListClients -> Page<Client>, paginated
}

impl ListClients {
    setters! {
        /// Page size, 1 to 500. Defaults to 10.
        query limit: u64;
        /// Items to skip. Defaults to 0.
        query offset: u64;
    }
}

operation! {
    /// Request builder for [`Clients::get`] (`GetClient`).
    GetClient -> Client
}

operation! {
    /// Request builder for [`Clients::verify`] (`VerifyClient`).
    VerifyClient -> Client
}
