//! Users: `/users`.

use http::Method;
use serde_json::Value;

use super::request::Call;
use super::{
    DeletedObject, DisabledMfa, OAuthAccessToken, OrganizationMembership, Page,
    PasswordVerification, TotalCount, TotpVerification, User, operation, resource, setters,
};

resource! {
    /// Users of the instance. Get it with [`ClerkClient::users`](crate::ClerkClient::users).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let user = client
    ///     .users()
    ///     .create()
    ///     .email_address("ada@example.com")
    ///     .first_name("Ada")
    ///     .send()
    ///     .await?;
    /// client.users().update(&user.id).last_name("Lovelace").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    Users, users
}

/// The filters shared by [`ListUsers`] and [`CountUsers`].
macro_rules! user_filters {
    () => {
        setters! {
            /// Only users with this email address.
            query email_address: [String];
            /// Only users with this phone number.
            query phone_number: [String];
            /// Only users with this external id.
            query external_id: [String];
            /// Only users with this username.
            query username: [String];
            /// Only users with this Web3 wallet address.
            query web3_wallet: [String];
            /// Only users with this id.
            query user_id: [String];
            /// Only members of this organization (id).
            query organization_id: [String];
            /// Only users with this user id at the OAuth provider set with `provider`.
            query provider_user_id: [String];
            /// The OAuth provider for `provider_user_id`, e.g. `"oauth_google"`.
            query provider: String;
            /// Free-text search over ids, email addresses, phone numbers, usernames, Web3
            /// wallets and names.
            query query: String;
            /// Search within email addresses.
            query email_address_query: String;
            /// Search within phone numbers.
            query phone_number_query: String;
            /// Search within usernames.
            query username_query: String;
            /// Search within first and last names.
            query name_query: String;
            /// Only banned (`true`) or not banned (`false`) users.
            query banned: bool;
            /// Only users last active before this time (Unix ms).
            query last_active_at_before: i64;
            /// Only users last active after this time (Unix ms).
            query last_active_at_after: i64;
            /// Only users created before this time (Unix ms).
            query created_at_before: i64;
            /// Only users created after this time (Unix ms).
            query created_at_after: i64;
            /// Only users whose last sign-in was before this time (Unix ms).
            query last_sign_in_at_before: i64;
            /// Only users whose last sign-in was after this time (Unix ms).
            query last_sign_in_at_after: i64;
        }
    };
}

impl Users {
    /// List users, newest first by default (`GetUserList`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let page = client
    ///     .users()
    ///     .list()
    ///     .email_address("ada@example.com")
    ///     .order_by("-created_at")
    ///     .limit(10)
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn list(&self) -> ListUsers {
        ListUsers {
            call: Call::new(&self.client, Method::GET, "GetUserList", &["users"]),
        }
    }

    /// Count users matching the filters (`GetUsersCount`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let banned = client.users().count().banned(true).send().await?.total_count;
    /// # Ok(())
    /// # }
    /// ```
    pub fn count(&self) -> CountUsers {
        CountUsers {
            call: Call::new(
                &self.client,
                Method::GET,
                "GetUsersCount",
                &["users", "count"],
            ),
        }
    }

    /// Get a user by id (`GetUser`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let user = client.users().get("user_123").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn get(&self, user_id: &str) -> GetUser {
        GetUser {
            call: Call::new(&self.client, Method::GET, "GetUser", &["users", user_id]),
        }
    }

    /// Create a user (`CreateUser`). Which fields are required depends on the instance's
    /// settings.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let user = client
    ///     .users()
    ///     .create()
    ///     .email_address("ada@example.com")
    ///     .password("correct horse battery staple")
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn create(&self) -> CreateUser {
        let mut call = Call::new(&self.client, Method::POST, "CreateUser", &["users"]);
        call.json_body();
        CreateUser { call }
    }

    /// Update a user (`UpdateUser`). Only the fields set are changed.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// use clerk_core::api::Patch;
    ///
    /// client
    ///     .users()
    ///     .update("user_123")
    ///     .first_name("Ada")
    ///     .username(Patch::Null) // clear it
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn update(&self, user_id: &str) -> UpdateUser {
        let mut call = Call::new(
            &self.client,
            Method::PATCH,
            "UpdateUser",
            &["users", user_id],
        );
        call.json_body();
        UpdateUser { call }
    }

    /// Merge metadata into a user's metadata (`UpdateUserMetadata`): top-level keys are
    /// merged deeply, a `null` value deletes a key.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// use serde_json::json;
    ///
    /// client
    ///     .users()
    ///     .update_metadata("user_123")
    ///     .public_metadata(json!({ "plan": "pro" }))
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn update_metadata(&self, user_id: &str) -> UpdateUserMetadata {
        let mut call = Call::new(
            &self.client,
            Method::PATCH,
            "UpdateUserMetadata",
            &["users", user_id, "metadata"],
        );
        call.json_body();
        UpdateUserMetadata { call }
    }

    /// Delete a user (`DeleteUser`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let deleted = client.users().delete("user_123").send().await?;
    /// assert!(deleted.deleted);
    /// # Ok(())
    /// # }
    /// ```
    pub fn delete(&self, user_id: &str) -> DeleteUser {
        DeleteUser {
            call: Call::new(
                &self.client,
                Method::DELETE,
                "DeleteUser",
                &["users", user_id],
            ),
        }
    }

    /// Get a user's OAuth access tokens for a provider, e.g. `"oauth_google"`
    /// (`GetOAuthAccessToken`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let tokens = client
    ///     .users()
    ///     .oauth_access_token("user_123", "oauth_google")
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn oauth_access_token(&self, user_id: &str, provider: &str) -> GetOAuthAccessToken {
        GetOAuthAccessToken {
            call: Call::new(
                &self.client,
                Method::GET,
                "GetOAuthAccessToken",
                &["users", user_id, "oauth_access_tokens", provider],
            ),
        }
    }

    /// Disable all of a user's MFA methods (`DisableMFA`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// client.users().disable_mfa("user_123").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn disable_mfa(&self, user_id: &str) -> DisableMfa {
        DisableMfa {
            call: Call::new(
                &self.client,
                Method::DELETE,
                "DisableMFA",
                &["users", user_id, "mfa"],
            ),
        }
    }

    /// List a user's organization memberships (`UsersGetOrganizationMemberships`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let memberships = client
    ///     .users()
    ///     .organization_memberships("user_123")
    ///     .limit(20)
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn organization_memberships(&self, user_id: &str) -> ListUserOrganizationMemberships {
        ListUserOrganizationMemberships {
            call: Call::new(
                &self.client,
                Method::GET,
                "UsersGetOrganizationMemberships",
                &["users", user_id, "organization_memberships"],
            ),
        }
    }

    /// Check a user's password (`VerifyPassword`). An incorrect password is an
    /// [`ErrorKind::Api`](crate::ErrorKind::Api) error with status 422.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let ok = client
    ///     .users()
    ///     .verify_password("user_123", "hunter2")
    ///     .send()
    ///     .await?
    ///     .verified;
    /// # Ok(())
    /// # }
    /// ```
    pub fn verify_password(&self, user_id: &str, password: impl Into<String>) -> VerifyPassword {
        let mut call = Call::new(
            &self.client,
            Method::POST,
            "VerifyPassword",
            &["users", user_id, "verify_password"],
        );
        call.field("password", password.into());
        VerifyPassword { call }
    }

    /// Check a TOTP or backup code of a user (`VerifyTOTP`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let ok = client.users().verify_totp("user_123", "123456").send().await?.verified;
    /// # Ok(())
    /// # }
    /// ```
    pub fn verify_totp(&self, user_id: &str, code: impl Into<String>) -> VerifyTotp {
        let mut call = Call::new(
            &self.client,
            Method::POST,
            "VerifyTOTP",
            &["users", user_id, "verify_totp"],
        );
        call.field("code", code.into());
        VerifyTotp { call }
    }

    /// Ban a user: sign them out everywhere and block sign-in (`BanUser`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// let user = client.users().ban("user_123").send().await?;
    /// assert!(user.banned);
    /// # Ok(())
    /// # }
    /// ```
    pub fn ban(&self, user_id: &str) -> BanUser {
        BanUser {
            call: Call::new(
                &self.client,
                Method::POST,
                "BanUser",
                &["users", user_id, "ban"],
            ),
        }
    }

    /// Lift a ban (`UnbanUser`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// client.users().unban("user_123").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn unban(&self, user_id: &str) -> UnbanUser {
        UnbanUser {
            call: Call::new(
                &self.client,
                Method::POST,
                "UnbanUser",
                &["users", user_id, "unban"],
            ),
        }
    }

    /// Lock a user out, as after too many failed attempts (`LockUser`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// client.users().lock("user_123").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn lock(&self, user_id: &str) -> LockUser {
        LockUser {
            call: Call::new(
                &self.client,
                Method::POST,
                "LockUser",
                &["users", user_id, "lock"],
            ),
        }
    }

    /// Remove a lockout (`UnlockUser`).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// client.users().unlock("user_123").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn unlock(&self, user_id: &str) -> UnlockUser {
        UnlockUser {
            call: Call::new(
                &self.client,
                Method::POST,
                "UnlockUser",
                &["users", user_id, "unlock"],
            ),
        }
    }
}

operation! {
    /// Request builder for [`Users::list`] (`GetUserList`).
    ListUsers -> Page<User>, paginated
}

impl ListUsers {
    user_filters!();

    /// Only users last active at or after this time (Unix ms).
    #[deprecated(note = "deprecated by Clerk: use `last_active_at_after`")]
    pub fn last_active_at_since(mut self, value: i64) -> Self {
        self.call.query("last_active_at_since", value);
        self
    }

    setters! {
        /// Sort order: `created_at`, `updated_at`, `email_address`, `web3wallet`,
        /// `first_name`, `last_name`, `phone_number`, `username`, `last_active_at` or
        /// `last_sign_in_at`, prefixed with `+` (ascending) or `-` (descending). Defaults to
        /// `-created_at`.
        query order_by: String;
        /// Page size, 1 to 500. Defaults to 10.
        query limit: u64;
        /// Items to skip. Defaults to 0. A large offset is slow: walk long lists with
        /// [`starting_after`](Self::starting_after) or [`into_cursor_stream`](Self::into_cursor_stream).
        query offset: u64;
        /// The cursor: the id of the last user of the previous page; the page holds the users
        /// after it. Needs the `created_at` ordering (the default) and no `offset`.
        query starting_after: String;
    }

    /// Stream every user by cursor (`starting_after`): each page costs the same however far
    /// into the list it is, where `offset` pages get slower and eventually time out. Needs the
    /// `created_at` ordering (the default; Clerk answers `422` to another `order_by`); an
    /// `offset` set on the builder is dropped. Stops at the first error, which is yielded.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_core::Error> {
    /// # let client = clerk_core::ClerkClient::from_env()?;
    /// use futures_util::TryStreamExt as _;
    ///
    /// let mut users = Box::pin(client.users().list().limit(500).into_cursor_stream());
    /// while let Some(user) = users.try_next().await? {
    ///     println!("{}", user.id);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_cursor_stream(
        self,
    ) -> impl futures_util::Stream<Item = Result<User, crate::Error>> + Send + 'static {
        crate::api::page::paginate_by_cursor(self.call, |user: &User| user.id.as_str())
    }
}

operation! {
    /// Request builder for [`Users::count`] (`GetUsersCount`).
    CountUsers -> TotalCount
}

impl CountUsers {
    user_filters!();
}

operation! {
    /// Request builder for [`Users::get`] (`GetUser`).
    GetUser -> User
}

operation! {
    /// Request builder for [`Users::create`] (`CreateUser`).
    CreateUser -> User
}

impl CreateUser {
    setters! {
        /// The id of the user in your own system.
        body external_id: String;
        /// First name.
        body first_name: String;
        /// Last name.
        body last_name: String;
        /// Locale (BCP 47), e.g. `"en-GB"`.
        body locale: String;
        /// An email address; the first is the primary.
        body email_address: [String];
        /// A phone number (E.164); the first is the primary.
        body phone_number: [String];
        /// A Web3 wallet address; the first is the primary.
        body web3_wallet: [String];
        /// Username.
        body username: String;
        /// Plain-text password.
        body password: String;
        /// A password hash to import, with `password_hasher`.
        body password_digest: String;
        /// The hashing algorithm of `password_digest`, e.g. `"bcrypt"`.
        body password_hasher: String;
        /// Skip the password strength and breach checks.
        body skip_password_checks: bool;
        /// Allow creating the user without a password.
        body skip_password_requirement: bool;
        /// A TOTP secret to import.
        body totp_secret: String;
        /// A backup code to import.
        body backup_codes: [String];
        /// Public metadata.
        body public_metadata: Value;
        /// Private metadata.
        body private_metadata: Value;
        /// Unsafe metadata.
        body unsafe_metadata: Value;
        /// Whether the user may delete their own account.
        body delete_self_enabled: bool;
        /// When the user accepted the legal terms (RFC 3339).
        body legal_accepted_at: String;
        /// Skip the legal terms acceptance check.
        body skip_legal_checks: bool;
        /// Skip the instance's user requirements checks.
        body skip_user_requirement: bool;
        /// Whether the user may create organizations.
        body create_organization_enabled: bool;
        /// How many organizations the user may create.
        body create_organizations_limit: i64;
        /// Creation time to record, for imports (RFC 3339).
        body created_at: String;
        /// Whether the user bypasses client trust checks.
        body bypass_client_trust: bool;
        /// Create the user banned.
        body banned: bool;
        /// Create the user locked.
        body locked: bool;
    }
}

operation! {
    /// Request builder for [`Users::update`] (`UpdateUser`).
    UpdateUser -> User
}

impl UpdateUser {
    setters! {
        /// The id of the user in your own system.
        body external_id: Patch<String>;
        /// First name.
        body first_name: Patch<String>;
        /// Last name.
        body last_name: Patch<String>;
        /// Locale (BCP 47).
        body locale: Patch<String>;
        /// Make this (verified) email address the primary one.
        body primary_email_address_id: String;
        /// Notify the previous primary address of the change.
        body notify_primary_email_address_changed: bool;
        /// Make this (verified) phone number the primary one.
        body primary_phone_number_id: String;
        /// Make this (verified) Web3 wallet the primary one.
        body primary_web3_wallet_id: String;
        /// Username.
        body username: Patch<String>;
        /// The id of an uploaded image to use as profile image.
        body profile_image_id: String;
        /// A new plain-text password.
        body password: String;
        /// A new password hash, with `password_hasher`.
        body password_digest: String;
        /// The hashing algorithm of `password_digest`.
        body password_hasher: String;
        /// Skip the password strength and breach checks.
        body skip_password_checks: bool;
        /// Sign the user out of their other sessions when the password changes.
        body sign_out_of_other_sessions: bool;
        /// A TOTP secret.
        body totp_secret: String;
        /// A backup code.
        body backup_codes: [String];
        /// Whether the user may delete their own account.
        body delete_self_enabled: bool;
        /// Whether the user may create organizations.
        body create_organization_enabled: bool;
        /// When the user accepted the legal terms (RFC 3339).
        body legal_accepted_at: Patch<String>;
        /// Skip the legal terms acceptance check.
        body skip_legal_checks: bool;
        /// How many organizations the user may create (`Patch::Null`: unlimited).
        body create_organizations_limit: Patch<i64>;
        /// Creation time to record (RFC 3339).
        body created_at: String;
        /// Whether the user bypasses client trust checks.
        body bypass_client_trust: bool;
    }
}

operation! {
    /// Request builder for [`Users::update_metadata`] (`UpdateUserMetadata`).
    UpdateUserMetadata -> User
}

impl UpdateUserMetadata {
    setters! {
        /// Public metadata to merge.
        body public_metadata: Value;
        /// Private metadata to merge.
        body private_metadata: Value;
        /// Unsafe metadata to merge.
        body unsafe_metadata: Value;
    }
}

operation! {
    /// Request builder for [`Users::delete`] (`DeleteUser`).
    DeleteUser -> DeletedObject
}

operation! {
    /// Request builder for [`Users::oauth_access_token`] (`GetOAuthAccessToken`).
    GetOAuthAccessToken -> Page<OAuthAccessToken>
}

impl GetOAuthAccessToken {
    setters! {
        /// Page size. Defaults to 10.
        query limit: u64;
        /// Items to skip. Defaults to 0.
        query offset: u64;
    }
}

operation! {
    /// Request builder for [`Users::disable_mfa`] (`DisableMFA`).
    DisableMfa -> DisabledMfa
}

operation! {
    /// Request builder for [`Users::organization_memberships`]
    /// (`UsersGetOrganizationMemberships`).
    ListUserOrganizationMemberships -> Page<OrganizationMembership>, paginated
}

impl ListUserOrganizationMemberships {
    setters! {
        /// Page size, 1 to 500. Defaults to 10.
        query limit: u64;
        /// Items to skip. Defaults to 0.
        query offset: u64;
    }
}

operation! {
    /// Request builder for [`Users::verify_password`] (`VerifyPassword`).
    VerifyPassword -> PasswordVerification
}

operation! {
    /// Request builder for [`Users::verify_totp`] (`VerifyTOTP`).
    VerifyTotp -> TotpVerification
}

operation! {
    /// Request builder for [`Users::ban`] (`BanUser`).
    BanUser -> User
}

operation! {
    /// Request builder for [`Users::unban`] (`UnbanUser`).
    UnbanUser -> User
}

operation! {
    /// Request builder for [`Users::lock`] (`LockUser`).
    LockUser -> User
}

operation! {
    /// Request builder for [`Users::unlock`] (`UnlockUser`).
    UnlockUser -> User
}
