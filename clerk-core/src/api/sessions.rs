//! Sessions: `/sessions`.

use http::Method;

use super::request::Call;
use super::{Session, SessionStatus, SessionToken, operation, resource, setters};

resource! {
    /// Sessions. Get it with [`ClerkClient::sessions`](crate::ClerkClient::sessions).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// use clerk_core::api::SessionStatus;
    ///
    /// let active = client
    ///     .sessions()
    ///     .list()
    ///     .user_id("user_123")
    ///     .status(SessionStatus::Active)
    ///     .send()
    ///     .await?;
    /// for s in &active {
    ///     client.sessions().revoke(&s.id).send().await?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    Sessions, sessions
}

impl Sessions {
    /// List sessions of a user or a client (`GetSessionList`); set `user_id` or `client_id`.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let sessions = client.sessions().list().user_id("user_123").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn list(&self) -> ListSessions {
        ListSessions {
            call: Call::new(&self.client, Method::GET, "GetSessionList", &["sessions"]),
        }
    }

    /// Get a session by id (`GetSession`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let session = client.sessions().get("sess_123").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn get(&self, session_id: &str) -> GetSession {
        GetSession {
            call: Call::new(
                &self.client,
                Method::GET,
                "GetSession",
                &["sessions", session_id],
            ),
        }
    }

    /// Revoke a session, signing the user out on that client (`RevokeSession`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let session = client.sessions().revoke("sess_123").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn revoke(&self, session_id: &str) -> RevokeSession {
        RevokeSession {
            call: Call::new(
                &self.client,
                Method::POST,
                "RevokeSession",
                &["sessions", session_id, "revoke"],
            ),
        }
    }

    /// Create a session token (a JWT) for a session (`CreateSessionToken`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let token = client.sessions().create_token("sess_123").send().await?;
    /// let jwt: &str = &token.jwt;
    /// # Ok(())
    /// # }
    /// ```
    pub fn create_token(&self, session_id: &str) -> CreateSessionToken {
        let mut call = Call::new(
            &self.client,
            Method::POST,
            "CreateSessionToken",
            &["sessions", session_id, "tokens"],
        );
        call.json_body();
        CreateSessionToken { call }
    }

    /// Create a token for a session from a JWT template (`CreateSessionTokenFromTemplate`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let token = client
    ///     .sessions()
    ///     .create_token_from_template("sess_123", "supabase")
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn create_token_from_template(
        &self,
        session_id: &str,
        template_name: &str,
    ) -> CreateSessionTokenFromTemplate {
        let mut call = Call::new(
            &self.client,
            Method::POST,
            "CreateSessionTokenFromTemplate",
            &["sessions", session_id, "tokens", template_name],
        );
        call.json_body();
        CreateSessionTokenFromTemplate { call }
    }
}

operation! {
    /// Request builder for [`Sessions::list`] (`GetSessionList`).
    ListSessions -> Page<Session>, paginated
}

impl ListSessions {
    setters! {
        /// Only sessions of this client.
        query client_id: String;
        /// Only sessions of this user.
        query user_id: String;
        /// Only sessions with this status.
        query status: SessionStatus;
        /// Page size, 1 to 500. Defaults to 10.
        query limit: u64;
        /// Items to skip. Defaults to 0.
        query offset: u64;
    }
}

operation! {
    /// Request builder for [`Sessions::get`] (`GetSession`).
    GetSession -> Session
}

operation! {
    /// Request builder for [`Sessions::revoke`] (`RevokeSession`).
    RevokeSession -> Session
}

operation! {
    /// Request builder for [`Sessions::create_token`] (`CreateSessionToken`).
    CreateSessionToken -> SessionToken
}

impl CreateSessionToken {
    setters! {
        /// Token lifetime in seconds. Defaults to the instance's session token lifetime.
        body expires_in_seconds: u64;
    }
}

operation! {
    /// Request builder for [`Sessions::create_token_from_template`]
    /// (`CreateSessionTokenFromTemplate`).
    CreateSessionTokenFromTemplate -> SessionToken
}

impl CreateSessionTokenFromTemplate {
    setters! {
        /// Token lifetime in seconds. Defaults to the template's lifetime.
        body expires_in_seconds: u64;
    }
}
