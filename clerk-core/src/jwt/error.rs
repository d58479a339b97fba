//! [`TokenVerificationError`]: why a session token was not accepted.

use std::fmt;

/// Why a token was rejected: the reason codes of Clerk's `TokenVerificationErrorReason`.
///
/// [`as_str`](Self::as_str) gives the exact code Clerk uses (`token-expired`, ...), which is also what
/// the `x-clerk-auth-reason` response header carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenVerificationErrorReason {
    /// `token-expired`: `exp` is in the past (beyond the clock skew).
    TokenExpired,
    /// `token-invalid`: the token is malformed (not three segments, bad `typ`, forbidden header, too large).
    TokenInvalid,
    /// `token-invalid-algorithm`: the header `alg` is not an RSA PKCS#1 algorithm.
    TokenInvalidAlgorithm,
    /// `token-invalid-authorized-parties`: `azp` is not one of the authorized parties.
    TokenInvalidAuthorizedParties,
    /// `token-invalid-signature`: the signature does not verify with the signing key.
    TokenInvalidSignature,
    /// `token-not-active-yet`: `nbf` or `iat` is in the future (beyond the clock skew).
    TokenNotActiveYet,
    /// `token-invalid-issuer`: `iss` is not the expected issuer.
    TokenInvalidIssuer,
    /// `token-iat-in-the-future`: `iat` is in the future (beyond the clock skew); the handshake
    /// protocol only (the interstitial protocol reports `token-not-active-yet`).
    TokenIatInTheFuture,
    /// `jwk-kid-mismatch`: the JWKS has no key with the token's `kid` (the handshake protocol's
    /// name for the interstitial protocol's `jwk-remote-missing`).
    JwkKidMismatch,
    /// `token-verification-failed`: a claim has the wrong type, or the key could not be used.
    TokenVerificationFailed,
    /// `jwk-local-missing`: no local key was configured.
    JwkLocalMissing,
    /// `jwk-remote-missing`: the JWKS has no key with the token's `kid`.
    JwkRemoteMissing,
    /// `jwk-remote-invalid`: the JWKS could not be used.
    JwkRemoteInvalid,
    /// `jwk-remote-failed-to-load`: the JWKS could not be fetched.
    JwkRemoteFailedToLoad,
    /// `jwk-failed-to-resolve`: neither a local key nor a secret key to fetch the JWKS with.
    JwkFailedToResolve,
    /// `secret-key-invalid`: the Backend API refused the secret key.
    SecretKeyInvalid,
    /// `interstitial-remote-failed-to-load`: the Backend API interstitial could not be fetched.
    InterstitialRemoteFailedToLoad,
    /// `unexpected-error`: anything else (malformed base64 or JSON inside a token, a network failure).
    UnexpectedError,
}

impl TokenVerificationErrorReason {
    /// The reason code exactly as Clerk spells it.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::TokenExpired => "token-expired",
            Self::TokenInvalid => "token-invalid",
            Self::TokenInvalidAlgorithm => "token-invalid-algorithm",
            Self::TokenInvalidAuthorizedParties => "token-invalid-authorized-parties",
            Self::TokenInvalidSignature => "token-invalid-signature",
            Self::TokenNotActiveYet => "token-not-active-yet",
            Self::TokenInvalidIssuer => "token-invalid-issuer",
            Self::TokenIatInTheFuture => "token-iat-in-the-future",
            Self::JwkKidMismatch => "jwk-kid-mismatch",
            Self::TokenVerificationFailed => "token-verification-failed",
            Self::JwkLocalMissing => "jwk-local-missing",
            Self::JwkRemoteMissing => "jwk-remote-missing",
            Self::JwkRemoteInvalid => "jwk-remote-invalid",
            Self::JwkRemoteFailedToLoad => "jwk-remote-failed-to-load",
            Self::JwkFailedToResolve => "jwk-failed-to-resolve",
            Self::SecretKeyInvalid => "secret-key-invalid",
            Self::InterstitialRemoteFailedToLoad => "interstitial-remote-failed-to-load",
            Self::UnexpectedError => "unexpected-error",
        }
    }
}

impl fmt::Display for TokenVerificationErrorReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a person can do about a [`TokenVerificationError`] (Clerk's `TokenVerificationErrorAction`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenVerificationErrorAction {
    /// `Contact support@clerk.com`
    ContactSupport,
    /// `Make sure that this is a valid Clerk generate JWT.` (Clerk's wording)
    EnsureClerkJwt,
    /// `Set the CLERK_JWT_KEY environment variable.`
    SetClerkJwtKey,
    /// `Set the CLERK_SECRET_KEY or CLERK_API_KEY environment variable.`
    SetClerkSecretKeyOrApiKey,
    /// `Make sure your system clock is in sync (e.g. turn off and on automatic time synchronization).`
    EnsureClockSync,
    /// `Make sure that this is a valid Clerk-generated JWT.` (the handshake protocol's wording).
    EnsureClerkGeneratedJwt,
    /// `Go to your Dashboard and validate your secret and public keys are correct. Contact
    /// support@clerk.com if the issue persists.` (an unknown `kid`, handshake protocol).
    ValidateKeys,
}

impl TokenVerificationErrorAction {
    /// The action text exactly as Clerk words it.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ContactSupport => "Contact support@clerk.com",
            Self::EnsureClerkJwt => "Make sure that this is a valid Clerk generate JWT.",
            Self::SetClerkJwtKey => "Set the CLERK_JWT_KEY environment variable.",
            Self::SetClerkSecretKeyOrApiKey => {
                "Set the CLERK_SECRET_KEY or CLERK_API_KEY environment variable."
            }
            Self::EnsureClerkGeneratedJwt => "Make sure that this is a valid Clerk-generated JWT.",
            Self::ValidateKeys => {
                "Go to your Dashboard and validate your secret and public keys are correct. Contact support@clerk.com if the issue persists."
            }
            Self::EnsureClockSync => {
                "Make sure your system clock is in sync (e.g. turn off and on automatic time synchronization)."
            }
        }
    }
}

impl fmt::Display for TokenVerificationErrorAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A session token was not accepted.
///
/// Carries Clerk's reason code, a message in Clerk's wording and an optional action. The message
/// never contains the token itself, only claim values that explain the decision (for example the
/// `azp` or `iss` that did not match).
///
/// ```
/// use clerk_core::{decode_jwt, TokenVerificationErrorReason};
///
/// let err = decode_jwt("not-a-jwt").unwrap_err();
/// assert_eq!(err.reason(), TokenVerificationErrorReason::TokenInvalid);
/// assert_eq!(err.reason().as_str(), "token-invalid");
/// assert_eq!(err.message(), "Invalid JWT form. A JWT consists of three parts separated by dots.");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct TokenVerificationError {
    reason: TokenVerificationErrorReason,
    message: String,
    action: Option<TokenVerificationErrorAction>,
    key_fetch: bool,
    /// A segment is not base64url JSON (the handshake protocol calls that `token-invalid`).
    undecodable: bool,
}

impl TokenVerificationError {
    pub(crate) fn new(reason: TokenVerificationErrorReason, message: impl Into<String>) -> Self {
        Self {
            reason,
            message: message.into(),
            action: None,
            key_fetch: false,
            undecodable: false,
        }
    }

    pub(crate) fn mark_undecodable(mut self) -> Self {
        self.undecodable = true;
        self
    }

    pub(crate) fn mark_key_fetch_failure(mut self) -> Self {
        self.key_fetch = true;
        self
    }

    /// Whether the signing keys could not be loaded (the JWKS endpoint failed, timed out or
    /// answered without usable keys, and no usable cached key existed). The token was not judged:
    /// integrations answer `503 Service Unavailable` rather than `401`.
    #[must_use]
    pub fn is_key_fetch_failure(&self) -> bool {
        self.key_fetch
    }

    /// The same failure in the words of the handshake protocol (`@clerk/backend` 3.x): an unknown
    /// `kid` is `jwk-kid-mismatch` without the list of known kids, an `iat` in the future has its
    /// own reason, and "Clerk-generated" is spelled right. Reasons and messages otherwise agree.
    pub(crate) fn into_handshake_dialect(mut self) -> Self {
        use TokenVerificationErrorAction as A;
        use TokenVerificationErrorReason as R;
        if self.undecodable {
            self.reason = R::TokenInvalid;
            "Invalid JWT form. The header, payload, or signature could not be decoded."
                .clone_into(&mut self.message);
            self.action = None;
            return self;
        }
        match self.reason {
            R::JwkRemoteMissing => {
                self.reason = R::JwkKidMismatch;
                if let Some(end) = self.message.find(" The following kid are available: ") {
                    self.message.truncate(end);
                }
                self.action = Some(A::ValidateKeys);
            }
            R::TokenNotActiveYet if self.message.starts_with("JWT issued at date claim (iat)") => {
                self.reason = R::TokenIatInTheFuture;
            }
            _ => {}
        }
        // The engine's error name, as the JavaScript runtime prints it.
        if let Some(rest) = self
            .message
            .strip_prefix("Error verifying JWT signature. DataError: ")
        {
            self.message = format!("Error verifying JWT signature. Error: {rest}");
        }
        if self.action == Some(A::EnsureClerkJwt) {
            self.action = Some(A::EnsureClerkGeneratedJwt);
        }
        self
    }

    pub(crate) fn with_action(mut self, action: TokenVerificationErrorAction) -> Self {
        self.action = Some(action);
        self
    }

    /// The reason code.
    #[must_use]
    pub fn reason(&self) -> TokenVerificationErrorReason {
        self.reason
    }

    /// The message, in Clerk's wording.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// What a person can do about it, when Clerk names an action.
    #[must_use]
    pub fn action(&self) -> Option<TokenVerificationErrorAction> {
        self.action
    }

    /// `<message>[ <action>] (reason=<reason>, token-carrier=<carrier>)`: the message Clerk puts on an
    /// auth state that failed because of this error.
    #[must_use]
    pub fn full_message(&self, carrier: &str) -> String {
        let mut out = self.message.clone();
        if let Some(action) = self.action {
            out.push(' ');
            out.push_str(action.as_str());
        }
        out.push_str(" (reason=");
        out.push_str(self.reason.as_str());
        out.push_str(", token-carrier=");
        out.push_str(carrier);
        out.push(')');
        out
    }
}

impl fmt::Debug for TokenVerificationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenVerificationError")
            .field("reason", &self.reason.as_str())
            .field("message", &self.message)
            .field("action", &self.action)
            .field("key_fetch", &self.key_fetch)
            .finish()
    }
}

impl fmt::Display for TokenVerificationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(action) = self.action {
            write!(f, " {action}")?;
        }
        write!(f, " (reason={})", self.reason)
    }
}

impl std::error::Error for TokenVerificationError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_message_has_action_only_when_present() {
        let e = TokenVerificationError::new(
            TokenVerificationErrorReason::TokenExpired,
            "JWT is expired.",
        );
        assert_eq!(
            e.full_message("header"),
            "JWT is expired. (reason=token-expired, token-carrier=header)"
        );
        let e = e.with_action(TokenVerificationErrorAction::ContactSupport);
        assert_eq!(
            e.full_message("cookie"),
            "JWT is expired. Contact support@clerk.com (reason=token-expired, token-carrier=cookie)"
        );
    }
}
