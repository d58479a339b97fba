//! Users and their identifiers.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::OrganizationMembership;

/// A user of the instance.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct User {
    /// The user's id, e.g. `user_2Nz...`.
    pub id: String,
    /// Always `"user"`.
    pub object: String,
    /// The id of the user in your own system.
    pub external_id: Option<String>,
    /// The id of the primary email address, if any.
    pub primary_email_address_id: Option<String>,
    /// The id of the primary phone number, if any.
    pub primary_phone_number_id: Option<String>,
    /// The id of the primary Web3 wallet, if any.
    pub primary_web3_wallet_id: Option<String>,
    /// The username, if usernames are enabled and set.
    pub username: Option<String>,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// The user's locale (BCP 47), if set.
    pub locale: Option<String>,
    /// The profile image URL.
    pub image_url: Option<String>,
    /// Whether the user uploaded a profile image.
    pub has_image: bool,
    /// Metadata readable from the frontend, writable from the backend.
    pub public_metadata: Value,
    /// Metadata readable and writable from the backend only.
    pub private_metadata: Option<Value>,
    /// Metadata readable and writable from the frontend.
    pub unsafe_metadata: Value,
    /// The user's email addresses.
    pub email_addresses: Vec<EmailAddress>,
    /// The user's phone numbers.
    pub phone_numbers: Vec<PhoneNumber>,
    /// The user's Web3 wallets.
    pub web3_wallets: Vec<Web3Wallet>,
    /// The user's passkeys (raw JSON).
    pub passkeys: Vec<Value>,
    /// Whether the user has a password.
    pub password_enabled: bool,
    /// Whether any second factor is enabled.
    pub two_factor_enabled: bool,
    /// Whether TOTP is enabled.
    pub totp_enabled: bool,
    /// Whether backup codes are enabled.
    pub backup_code_enabled: bool,
    /// When MFA was enabled (Unix ms).
    pub mfa_enabled_at: Option<i64>,
    /// When MFA was disabled (Unix ms).
    pub mfa_disabled_at: Option<i64>,
    /// When the password was last changed (Unix ms).
    pub password_last_updated_at: Option<i64>,
    /// OAuth accounts (raw JSON, one object per provider account).
    pub external_accounts: Vec<Value>,
    /// SAML accounts (raw JSON).
    pub saml_accounts: Vec<Value>,
    /// Enterprise accounts (raw JSON).
    pub enterprise_accounts: Vec<Value>,
    /// Organization memberships, when requested.
    pub organization_memberships: Vec<OrganizationMembership>,
    /// Last sign-in (Unix ms).
    pub last_sign_in_at: Option<i64>,
    /// Whether the user is banned.
    pub banned: bool,
    /// Whether the user is locked out.
    pub locked: bool,
    /// Whether the user was deprovisioned by SCIM.
    pub deprovisioned: bool,
    /// Seconds until the lockout ends, when locked.
    pub lockout_expires_in_seconds: Option<i64>,
    /// Verification attempts left before a lockout.
    pub verification_attempts_remaining: Option<i64>,
    /// Last update (Unix ms).
    pub updated_at: i64,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Whether the user may delete their own account.
    pub delete_self_enabled: bool,
    /// Whether the user may create organizations.
    pub create_organization_enabled: bool,
    /// How many organizations the user may create, if limited.
    pub create_organizations_limit: Option<i64>,
    /// Last activity (Unix ms).
    pub last_active_at: Option<i64>,
    /// When the user accepted the legal terms (Unix ms).
    pub legal_accepted_at: Option<i64>,
    /// Whether the user bypasses client trust checks.
    pub bypass_client_trust: bool,
}

impl User {
    /// The primary email address, if any.
    pub fn primary_email_address(&self) -> Option<&EmailAddress> {
        let id = self.primary_email_address_id.as_deref()?;
        self.email_addresses
            .iter()
            .find(|e| e.id.as_deref() == Some(id))
    }

    /// The primary phone number, if any.
    pub fn primary_phone_number(&self) -> Option<&PhoneNumber> {
        let id = self.primary_phone_number_id.as_deref()?;
        self.phone_numbers
            .iter()
            .find(|p| p.id.as_deref() == Some(id))
    }
}

/// A link from an identifier to another object (e.g. an OAuth account).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct IdentificationLink {
    /// The linked object's type, e.g. `"oauth_google"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The linked object's id.
    pub id: String,
}

/// An email address of a user.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct EmailAddress {
    /// The id, e.g. `idn_...`.
    pub id: Option<String>,
    /// Always `"email_address"`.
    pub object: String,
    /// The address.
    pub email_address: String,
    /// Whether the address is reserved.
    pub reserved: bool,
    /// The verification state (raw JSON: its shape depends on the strategy).
    pub verification: Option<Value>,
    /// Objects this address is linked to.
    pub linked_to: Vec<IdentificationLink>,
    /// Whether the address matches an SSO connection.
    pub matches_sso_connection: Option<bool>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}

impl EmailAddress {
    /// Whether the verification status is `"verified"`.
    pub fn is_verified(&self) -> bool {
        verification_status(&self.verification) == Some("verified")
    }
}

fn verification_status(v: &Option<Value>) -> Option<&str> {
    v.as_ref()?.get("status")?.as_str()
}

/// A phone number of a user.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct PhoneNumber {
    /// The id, e.g. `idn_...`.
    pub id: Option<String>,
    /// Always `"phone_number"`.
    pub object: String,
    /// The number in E.164 format.
    pub phone_number: String,
    /// Whether the number is reserved for second factor authentication.
    pub reserved_for_second_factor: bool,
    /// Whether it is the default second factor.
    pub default_second_factor: bool,
    /// Whether the number is reserved.
    pub reserved: bool,
    /// The verification state (raw JSON).
    pub verification: Option<Value>,
    /// Objects this number is linked to.
    pub linked_to: Vec<IdentificationLink>,
    /// Backup codes, present only right after they were generated.
    pub backup_codes: Option<Vec<String>>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}

impl PhoneNumber {
    /// Whether the verification status is `"verified"`.
    pub fn is_verified(&self) -> bool {
        verification_status(&self.verification) == Some("verified")
    }
}

/// A Web3 wallet of a user.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Web3Wallet {
    /// The id.
    pub id: Option<String>,
    /// Always `"web3_wallet"`.
    pub object: String,
    /// The wallet address.
    pub web3_wallet: String,
    /// The verification state (raw JSON).
    pub verification: Option<Value>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}

/// An OAuth access token of a user for a provider.
///
/// `Debug` does not show the token or its secret.
#[derive(Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct OAuthAccessToken {
    /// Always `"oauth_access_token"`.
    pub object: String,
    /// The external account this token belongs to.
    pub external_account_id: String,
    /// The user's id at the provider.
    pub provider_user_id: String,
    /// The access token.
    pub token: String,
    /// When the token expires (Unix seconds, as Clerk sends it).
    pub expires_at: Option<i64>,
    /// The provider, e.g. `"oauth_google"`.
    pub provider: String,
    /// Public metadata of the external account.
    pub public_metadata: Value,
    /// A label, if any.
    pub label: Option<String>,
    /// Granted scopes (OAuth 2.0).
    pub scopes: Option<Vec<String>>,
    /// The OIDC id token, when available.
    pub id_token: Option<String>,
    /// The token secret (OAuth 1.0).
    pub token_secret: Option<String>,
}

impl fmt::Debug for OAuthAccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthAccessToken")
            .field("external_account_id", &self.external_account_id)
            .field("provider", &self.provider)
            .field("provider_user_id", &self.provider_user_id)
            .field("token", &"[redacted]")
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

/// The answer to a password check.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct PasswordVerification {
    /// Whether the password was correct.
    pub verified: bool,
}

super::string_enum! {
    /// Which kind of code was accepted by a TOTP check.
    pub enum TotpCodeType {
        /// A time-based one-time password.
        Totp = "totp",
        /// A backup code.
        BackupCode = "backup_code",
    }
}

/// The answer to a TOTP or backup code check.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct TotpVerification {
    /// Whether the code was correct.
    pub verified: bool,
    /// Which kind of code it was.
    pub code_type: Option<TotpCodeType>,
}

/// The answer to disabling a user's MFA.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct DisabledMfa {
    /// The user whose MFA was disabled.
    pub user_id: String,
}
