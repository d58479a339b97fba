//! Smaller resources: invitations, allow/blocklist identifiers, redirect URLs, sign-in
//! tokens, JWT templates and the JWKS.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::InvitationStatus;

/// An invitation to sign up to the instance.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Invitation {
    /// Always `"invitation"`.
    pub object: String,
    /// The id, e.g. `inv_...`.
    pub id: String,
    /// The invited address.
    pub email_address: String,
    /// Public metadata given to the user on sign-up.
    pub public_metadata: Value,
    /// Whether the invitation was revoked (present on revoke answers).
    pub revoked: Option<bool>,
    /// The status.
    pub status: InvitationStatus,
    /// The invitation link.
    pub url: Option<String>,
    /// Expiry (Unix ms).
    pub expires_at: Option<i64>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}

super::string_enum! {
    /// The kind of an allowlist or blocklist identifier.
    pub enum IdentifierType {
        /// An email address or a domain (`*@example.com`).
        EmailAddress = "email_address",
        /// A phone number.
        PhoneNumber = "phone_number",
        /// A Web3 wallet.
        Web3Wallet = "web3_wallet",
    }
}

/// An identifier allowed to sign up.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct AllowlistIdentifier {
    /// Always `"allowlist_identifier"`.
    pub object: String,
    /// The id, e.g. `alid_...`.
    pub id: String,
    /// The invitation sent for this identifier, if any.
    pub invitation_id: Option<String>,
    /// The identifier.
    pub identifier: String,
    /// Its kind.
    pub identifier_type: Option<IdentifierType>,
    /// The instance.
    pub instance_id: Option<String>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}

/// An identifier blocked from signing up.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct BlocklistIdentifier {
    /// Always `"blocklist_identifier"`.
    pub object: String,
    /// The id, e.g. `blid_...`.
    pub id: String,
    /// The identifier.
    pub identifier: String,
    /// Its kind.
    pub identifier_type: Option<IdentifierType>,
    /// The instance.
    pub instance_id: Option<String>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}

/// A URL allowed as a redirect target (native and mobile flows).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct RedirectUrl {
    /// Always `"redirect_url"`.
    pub object: String,
    /// The id, e.g. `ru_...`.
    pub id: String,
    /// The URL.
    pub url: String,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}

super::string_enum! {
    /// The status of a sign-in token.
    pub enum SignInTokenStatus {
        /// Not used yet.
        Pending = "pending",
        /// Used to sign in.
        Accepted = "accepted",
        /// Revoked.
        Revoked = "revoked",
    }
}

/// A sign-in token: a one-time link that signs a user in.
///
/// `Debug` does not show the token or the URL that contains it.
#[derive(Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct SignInToken {
    /// Always `"sign_in_token"`.
    pub object: String,
    /// The id, e.g. `sit_...`.
    pub id: String,
    /// The status.
    pub status: SignInTokenStatus,
    /// The user it signs in.
    pub user_id: String,
    /// The token (present only on creation).
    pub token: Option<String>,
    /// The sign-in URL containing the token (present only on creation).
    pub url: Option<String>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}

impl fmt::Debug for SignInToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignInToken")
            .field("id", &self.id)
            .field("status", &self.status)
            .field("user_id", &self.user_id)
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .field("url", &self.url.as_ref().map(|_| "[redacted]"))
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .finish_non_exhaustive()
    }
}

/// A JWT template for custom session tokens.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct JwtTemplate {
    /// Always `"jwt_template"`.
    pub object: String,
    /// The id, e.g. `jtmp_...`.
    pub id: String,
    /// The template name, used with
    /// [`Sessions::create_token_from_template`](crate::api::Sessions::create_token_from_template).
    pub name: String,
    /// The claims template.
    pub claims: Value,
    /// Token lifetime in seconds.
    pub lifetime: i64,
    /// Allowed clock skew in seconds.
    pub allowed_clock_skew: i64,
    /// Whether a custom signing key is used.
    pub custom_signing_key: bool,
    /// The signing algorithm, e.g. `"RS256"`.
    pub signing_algorithm: String,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}

/// A JSON Web Key Set.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Jwks {
    /// The keys.
    pub keys: Vec<Jwk>,
}

/// One public key of a [`Jwks`]. Key-type specific members not listed here are kept in
/// [`other`](Self::other).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Jwk {
    /// The key id.
    pub kid: Option<String>,
    /// The algorithm, e.g. `"RS256"`.
    pub alg: Option<String>,
    /// The intended use, e.g. `"sig"`.
    #[serde(rename = "use")]
    pub use_: Option<String>,
    /// The key type, e.g. `"RSA"`.
    pub kty: String,
    /// RSA modulus (base64url).
    pub n: Option<String>,
    /// RSA exponent (base64url).
    pub e: Option<String>,
    /// Elliptic curve name.
    pub crv: Option<String>,
    /// EC / OKP x coordinate (base64url).
    pub x: Option<String>,
    /// EC y coordinate (base64url).
    pub y: Option<String>,
    /// Other members.
    #[serde(flatten)]
    pub other: serde_json::Map<String, Value>,
}
