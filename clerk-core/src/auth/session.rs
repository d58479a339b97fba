//! [`Auth`]: the auth object of a request (Clerk's `toAuth()`).

use std::fmt;
use std::sync::Arc;

use serde_json::{Map, Value, json};

use crate::authz::{Policy, Requirement};
use crate::config::{ClerkConfig, redact_secret_key};
use crate::jwt::{Actor, SessionClaims, Verified};
use crate::machine::{MachineToken, TokenType};

/// The auth object of a request: who is signed in, with which session and organization.
///
/// Obtained from [`AuthState::to_auth`](crate::AuthState::to_auth). For a signed-out request every
/// field is `None`. Cheap to clone. `Debug` shows ids, never the session token.
#[derive(Clone)]
pub struct Auth {
    signed_in: Option<Arc<Verified>>,
    config: ClerkConfig,
    /// A pending session, treated as signed out (handshake protocol).
    pending: Option<Arc<Verified>>,
    /// The token type (handshake protocol): a machine auth object has no session.
    token_type: Option<TokenType>,
    /// The verified machine token of a machine auth object.
    machine: Option<Arc<MachineToken>>,
}

impl Auth {
    pub(crate) fn signed_in(config: ClerkConfig, session: Arc<Verified>) -> Self {
        Self {
            signed_in: Some(session),
            config,
            pending: None,
            token_type: Some(TokenType::SessionToken),
            machine: None,
        }
    }

    /// The signed-out auth object of a pending session (handshake protocol): every field `None`
    /// but [`session_status`](Self::session_status).
    pub(crate) fn pending(config: ClerkConfig, session: Arc<Verified>) -> Self {
        Self {
            signed_in: None,
            config,
            pending: Some(session),
            token_type: Some(TokenType::SessionToken),
            machine: None,
        }
    }

    pub(crate) fn signed_out(config: ClerkConfig) -> Self {
        Self {
            signed_in: None,
            config,
            pending: None,
            token_type: Some(TokenType::SessionToken),
            machine: None,
        }
    }

    /// Whether a user is signed in.
    #[must_use]
    pub fn is_signed_in(&self) -> bool {
        self.signed_in.is_some()
    }

    /// The verified session token's claims.
    #[must_use]
    pub fn session_claims(&self) -> Option<&SessionClaims> {
        self.signed_in.as_ref().map(|s| &s.claims)
    }

    /// The user id (`sub`).
    #[must_use]
    pub fn user_id(&self) -> Option<&str> {
        self.session_claims().map(SessionClaims::user_id)
    }

    /// The session id (`sid`).
    #[must_use]
    pub fn session_id(&self) -> Option<&str> {
        self.session_claims().and_then(SessionClaims::session_id)
    }

    /// The active organization's id.
    #[must_use]
    pub fn org_id(&self) -> Option<&str> {
        self.org().map(|o| o.id.as_str())
    }

    /// The user's role in the active organization, with the `org:` prefix.
    #[must_use]
    pub fn org_role(&self) -> Option<&str> {
        self.org().and_then(|o| o.role.as_deref())
    }

    /// The active organization's slug.
    #[must_use]
    pub fn org_slug(&self) -> Option<&str> {
        self.org().and_then(|o| o.slug.as_deref())
    }

    /// The user's permissions in the active organization (`org:<feature>:<action>`).
    #[must_use]
    pub fn org_permissions(&self) -> &[String] {
        self.org().map_or(&[], |o| o.permissions.as_slice())
    }

    /// The impersonating actor, for impersonation sessions.
    #[must_use]
    pub fn actor(&self) -> Option<&Actor> {
        self.session_claims().and_then(SessionClaims::actor)
    }

    /// The auth object of a verified machine token.
    pub(crate) fn for_machine(config: ClerkConfig, token: Arc<MachineToken>) -> Self {
        Self {
            signed_in: None,
            config,
            pending: None,
            token_type: Some(token.token_type()),
            machine: Some(token),
        }
    }

    /// The unauthenticated auth object of a machine token type.
    pub(crate) fn machine_signed_out(config: ClerkConfig, token_type: TokenType) -> Self {
        Self {
            token_type: Some(token_type),
            ..Self::signed_out(config)
        }
    }

    /// The auth object of a token of a type the configuration does not accept.
    pub(crate) fn invalid_token(config: ClerkConfig) -> Self {
        Self {
            token_type: None,
            ..Self::signed_out(config)
        }
    }

    /// The kind of token behind this auth object (handshake protocol): `session_token` for a
    /// session (signed in or out), a machine type, or `None` for a token of a type the
    /// configuration does not accept.
    #[must_use]
    pub fn token_type(&self) -> Option<TokenType> {
        self.token_type
    }

    /// The verified machine token (API key, M2M token, OAuth access token), for a machine
    /// caller.
    #[must_use]
    pub fn machine(&self) -> Option<&MachineToken> {
        self.machine.as_deref()
    }

    /// Whether a user session or a machine token is verified (Clerk's `isAuthenticated`).
    #[must_use]
    pub fn is_authenticated(&self) -> bool {
        self.signed_in.is_some() || self.machine.is_some()
    }

    /// The session status (`sts`): `pending` for a pending session (which is signed out),
    /// `None` when the token does not say.
    #[must_use]
    pub fn session_status(&self) -> Option<&str> {
        match &self.pending {
            Some(_) => Some("pending"),
            None => self
                .session_claims()
                .and_then(SessionClaims::session_status),
        }
    }

    /// Minutes since the first and second factor verifications (`fva`; `-1` = never).
    #[must_use]
    pub fn factor_verification_age(&self) -> Option<[i64; 2]> {
        self.session_claims()
            .and_then(SessionClaims::factor_verification_age)
    }

    /// For a pending session (signed out here), the signed-in auth object it would be if pending
    /// sessions were accepted (Clerk's `toAuth({treatPendingAsSignedOut: false})`); otherwise
    /// `None`.
    #[must_use]
    pub fn to_signed_in_even_if_pending(&self) -> Option<Auth> {
        self.pending
            .as_ref()
            .map(|session| Self::signed_in(self.config.clone(), Arc::clone(session)))
    }

    /// Clerk's `has()` over every dimension (role, permission, feature, plan, reverification):
    /// see [`Check`](crate::Check).
    ///
    /// ```
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use clerk_core::{Check, ClerkConfig, get_auth_state};
    /// let config = ClerkConfig::builder()
    ///     .secret_key("sk_live_xxx")
    ///     .publishable_key("pk_live_Y2xlcmsuZXhhbXBsZS5jb20k")
    ///     .build()?;
    /// let request = http::Request::get("https://example.com/").body(())?;
    /// let auth = get_auth_state(&config, &request).await.to_auth().unwrap();
    /// assert!(!auth.check(&Check::new().feature("dashboard"))); // signed out
    /// # Ok(()) }
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(run()).unwrap();
    /// ```
    #[must_use]
    pub fn check(&self, check: &crate::Check) -> bool {
        check.evaluate(self)
    }

    fn org(&self) -> Option<&crate::jwt::OrganizationClaims> {
        self.session_claims().and_then(SessionClaims::organization)
    }

    /// Clerk's `has()`: whether the active organization grants `requirement` (a role such as
    /// `org:admin`, or a permission such as `org:invoices:read`). The `org:` prefix is optional on
    /// both sides; without an active organization it is `false`, and so is a malformed
    /// requirement.
    ///
    /// ```
    /// # fn check(auth: &clerk_core::Auth) {
    /// if auth.has("org:admin") || auth.has("org:invoices:read") {
    ///     // ...
    /// }
    /// # }
    /// ```
    #[must_use]
    pub fn has(&self, requirement: &str) -> bool {
        Requirement::parse(requirement)
            .is_ok_and(|r| r.is_satisfied_by(self.org_role(), self.org_permissions()))
    }

    /// Whether the session satisfies policy `P` (any of its roles, all of its permissions,
    /// features and plans, and its reverification); always `false` when signed out.
    #[must_use]
    pub fn satisfies<P: Policy>(&self) -> bool {
        self.is_signed_in() && P::decide(self).is_ok()
    }

    /// The session token: without a template, the token that was verified for this request;
    /// with one, a fresh token minted by the Backend API (`POST /sessions/{sid}/tokens/{template}`).
    /// `None` when signed out.
    ///
    /// # Errors
    ///
    /// [`crate::Error`] when the Backend API call fails.
    pub async fn get_token(&self, template: Option<&str>) -> Result<Option<String>, crate::Error> {
        let Some(session) = &self.signed_in else {
            return Ok(None);
        };
        let Some(template) = template.filter(|t| !t.is_empty()) else {
            return Ok(Some(session.token.to_string()));
        };
        let Some(sid) = session.claims.session_id() else {
            return Ok(None);
        };
        let client = self.config.backend_api_client()?;
        let token = client
            .sessions()
            .create_token_from_template(sid, template)
            .send()
            .await?;
        Ok(Some(token.jwt))
    }

    /// Options and state for troubleshooting, with secrets cut to a short prefix and no token
    /// (Clerk's `debug()`, never with tokens: auth-rules D4).
    #[must_use]
    pub fn debug(&self) -> Map<String, Value> {
        let c = &self.config;
        let mut map = Map::new();
        map.insert("secretKey".into(), json!(redact_secret_key(c.secret_key())));
        map.insert(
            "jwtKey".into(),
            json!(if c.jwt_key().is_empty() {
                ""
            } else {
                "[redacted]"
            }),
        );
        map.insert("publishableKey".into(), json!(c.publishable_key()));
        map.insert("frontendApi".into(), json!(c.frontend_api()));
        map.insert("apiUrl".into(), json!(c.api_url()));
        map.insert("apiVersion".into(), json!(c.api_version()));
        map.insert("domain".into(), json!(c.domain()));
        map.insert("proxyUrl".into(), json!(c.proxy_url()));
        map.insert("isSatellite".into(), json!(c.is_satellite()));
        map.insert("isSignedIn".into(), json!(self.is_signed_in()));
        map.insert("userId".into(), json!(self.user_id()));
        map.insert("sessionId".into(), json!(self.session_id()));
        map.insert("orgId".into(), json!(self.org_id()));
        map
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth")
            .field("user_id", &self.user_id())
            .field("session_id", &self.session_id())
            .field("org_id", &self.org_id())
            .field("org_role", &self.org_role())
            .field("org_permissions", &self.org_permissions())
            .finish_non_exhaustive()
    }
}
