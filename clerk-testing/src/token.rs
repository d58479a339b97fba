//! [`TokenBuilder`]: Clerk-shaped session tokens, v1 or v2.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};

use crate::instance::TestInstance;

/// The session-token claim shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClaimsVersion {
    /// `org_id`, `org_role`, `org_slug`, `org_permissions`.
    #[default]
    V1,
    /// `v: 2`, `o: {id, rol, slg, per, fpm}`, `fea`.
    V2,
}

/// Builds and signs a session token for a [`TestInstance`].
///
/// Defaults: user `user_test`, session `sess_test`, issued now, `nbf` 10 s earlier, valid for
/// 60 s, `azp` unset, v1 claims.
#[derive(Debug, Clone)]
#[must_use]
pub struct TokenBuilder {
    instance: TestInstance,
    user_id: String,
    session_id: Option<String>,
    org_id: Option<String>,
    org_role: Option<String>,
    org_slug: Option<String>,
    org_permissions: Vec<String>,
    compact_permissions: Option<CompactPermissions>,
    version: ClaimsVersion,
    issued_at: Option<i64>,
    not_before: Option<i64>,
    expires_at: Option<i64>,
    lifetime: Duration,
    authorized_party: Option<String>,
    actor: Option<Value>,
    kid: Option<String>,
    features: Option<String>,
    plan: Option<String>,
    factor_verification_age: Option<[i64; 2]>,
    custom: Map<String, Value>,
}

impl TokenBuilder {
    pub(crate) fn new(instance: TestInstance) -> Self {
        Self {
            instance,
            user_id: "user_test".into(),
            session_id: Some("sess_test".into()),
            org_id: None,
            org_role: None,
            org_slug: None,
            org_permissions: Vec::new(),
            compact_permissions: None,
            version: ClaimsVersion::V1,
            issued_at: None,
            not_before: None,
            expires_at: None,
            lifetime: Duration::from_secs(60),
            authorized_party: None,
            actor: None,
            kid: None,
            features: None,
            plan: None,
            factor_verification_age: None,
            custom: Map::new(),
        }
    }

    /// The user id (`sub`). Defaults to `user_test`.
    pub fn user_id(mut self, user_id: impl Into<String>) -> Self {
        self.user_id = user_id.into();
        self
    }

    /// The session id (`sid`); `None` leaves it out. Defaults to `sess_test`.
    pub fn session_id(mut self, session_id: Option<&str>) -> Self {
        self.session_id = session_id.map(str::to_owned);
        self
    }

    /// The active organization id. Defaults to none.
    pub fn org_id(mut self, org_id: impl Into<String>) -> Self {
        self.org_id = Some(org_id.into());
        self
    }

    /// The role in the active organization (`org:admin`). Defaults to none.
    pub fn org_role(mut self, role: impl Into<String>) -> Self {
        self.org_role = Some(role.into());
        self
    }

    /// The active organization's slug. Defaults to none.
    pub fn org_slug(mut self, slug: impl Into<String>) -> Self {
        self.org_slug = Some(slug.into());
        self
    }

    /// Permissions in the active organization (`org:<feature>:<action>`). Defaults to none.
    pub fn org_permissions<I, S>(mut self, permissions: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.org_permissions = permissions.into_iter().map(Into::into).collect();
        self
    }

    /// The v2 compact permission claims, verbatim: `fea` (`<scope>:<feature>` entries, any
    /// scope: `u`, `o`, `ou`, `uo`, ...), `o.per` (permission names) and `o.fpm` (one bitmask
    /// per organization feature). Replaces the compact form that
    /// [`org_permissions`](Self::org_permissions) would produce, so a test can mint exactly what
    /// Clerk issues, malformed claims included. Defaults to none.
    ///
    /// Only [`ClaimsVersion::V2`] tokens carry them: `fea` always, `o.per` and `o.fpm` inside
    /// `o`, so with an [`org_id`](Self::org_id). [`ClaimsVersion::V1`] tokens ignore them and
    /// carry `org_permissions`.
    ///
    /// ```
    /// use clerk_testing::{ClaimsVersion, TestInstance};
    ///
    /// let instance = TestInstance::new();
    /// let claims = instance
    ///     .token()
    ///     .version(ClaimsVersion::V2)
    ///     .org_id("org_1")
    ///     .compact_permissions("uo:reports,o:invoices", "read", "1,0")
    ///     .claims();
    /// assert_eq!(claims["fea"], "uo:reports,o:invoices");
    /// assert_eq!(claims["o"]["per"], "read");
    /// assert_eq!(claims["o"]["fpm"], "1,0");
    /// ```
    pub fn compact_permissions(
        mut self,
        fea: impl Into<String>,
        per: impl Into<String>,
        fpm: impl Into<String>,
    ) -> Self {
        self.compact_permissions = Some(CompactPermissions {
            fea: fea.into(),
            per: per.into(),
            fpm: fpm.into(),
        });
        self
    }

    /// The claim shape. Defaults to [`ClaimsVersion::V1`].
    pub fn version(mut self, version: ClaimsVersion) -> Self {
        self.version = version;
        self
    }

    /// Issued-at, Unix seconds; `nbf` defaults to 10 s before and `exp` to the lifetime after.
    /// Defaults to now.
    pub fn issued_at(mut self, unix_seconds: i64) -> Self {
        self.issued_at = Some(unix_seconds);
        self
    }

    /// Not-before, Unix seconds. Defaults to issued-at minus 10 s.
    pub fn not_before(mut self, unix_seconds: i64) -> Self {
        self.not_before = Some(unix_seconds);
        self
    }

    /// Expiry, Unix seconds. Defaults to issued-at plus the lifetime.
    pub fn expires_at(mut self, unix_seconds: i64) -> Self {
        self.expires_at = Some(unix_seconds);
        self
    }

    /// Lifetime from issued-at to expiry. Defaults to 60 s (Clerk's).
    pub fn lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
    }

    /// The authorized party (`azp`), the origin the token is for. Defaults to none.
    pub fn authorized_party(mut self, origin: impl Into<String>) -> Self {
        self.authorized_party = Some(origin.into());
        self
    }

    /// The actor (`act`) of an impersonation session, e.g. `{"sub": "user_admin"}`. Defaults to
    /// none.
    pub fn actor(mut self, actor: Value) -> Self {
        self.actor = Some(actor);
        self
    }

    /// The header `kid`. Defaults to the instance's key id.
    pub fn kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// A custom claim (as a session-token template adds). Overrides a standard claim of the same
    /// name.
    pub fn claim(mut self, name: impl Into<String>, value: Value) -> Self {
        self.custom.insert(name.into(), value);
        self
    }

    /// The billing features (`fea`), verbatim: `<scope>:<name>` entries, scope `o`, `u`, `ou` or
    /// `uo`, e.g. `o:dashboard,u:profile`. Replaces the `fea` that
    /// [`compact_permissions`](Self::compact_permissions) or the organization permissions of a
    /// v2 token would carry (give the organization features their masks with
    /// `compact_permissions` instead when the token also grants permissions). Set in v1 tokens
    /// too: clerk-core reads `fea` whatever the version.
    pub fn features(mut self, fea: impl Into<String>) -> Self {
        self.features = Some(fea.into());
        self
    }

    /// The billing plans (`pla`), verbatim, scoped as [`features`](Self::features), e.g.
    /// `o:pro`. Set in v1 and v2 tokens.
    pub fn plan(mut self, pla: impl Into<String>) -> Self {
        self.plan = Some(pla.into());
        self
    }

    /// The factor verification ages (`fva`): minutes since the first and the second factor were
    /// verified, `-1` for one never verified in this session. Set in v1 and v2 tokens; absent by
    /// default.
    ///
    /// ```
    /// let token = clerk_testing::TestInstance::new().token().factor_verification_age([3, -1]);
    /// assert_eq!(token.claims()["fva"], serde_json::json!([3, -1]));
    /// ```
    pub fn factor_verification_age(mut self, fva: [i64; 2]) -> Self {
        self.factor_verification_age = Some(fva);
        self
    }

    /// The claims the token will carry.
    #[must_use]
    pub fn claims(&self) -> Map<String, Value> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        let iat = self.issued_at.unwrap_or(now);
        let lifetime = i64::try_from(self.lifetime.as_secs()).unwrap_or(i64::MAX);
        let mut c = Map::new();
        c.insert("iss".into(), json!(self.instance.issuer()));
        c.insert("sub".into(), json!(self.user_id));
        if let Some(sid) = &self.session_id {
            c.insert("sid".into(), json!(sid));
        }
        c.insert("iat".into(), json!(iat));
        c.insert("nbf".into(), json!(self.not_before.unwrap_or(iat - 10)));
        c.insert(
            "exp".into(),
            json!(self.expires_at.unwrap_or(iat.saturating_add(lifetime))),
        );
        if let Some(azp) = &self.authorized_party {
            c.insert("azp".into(), json!(azp));
        }
        if let Some(act) = &self.actor {
            c.insert("act".into(), act.clone());
        }
        match self.version {
            ClaimsVersion::V1 => {
                if let Some(org) = &self.org_id {
                    c.insert("org_id".into(), json!(org));
                    c.insert("org_role".into(), json!(self.org_role));
                    c.insert("org_slug".into(), json!(self.org_slug));
                    c.insert("org_permissions".into(), json!(self.org_permissions));
                }
            }
            ClaimsVersion::V2 => {
                c.insert("v".into(), json!(2));
                // Set verbatim, `fea` goes out even without an organization: user features
                // (`u:`) mean something there too.
                if let Some(compact) = &self.compact_permissions {
                    c.insert("fea".into(), json!(compact.fea));
                }
                if let Some(org) = &self.org_id {
                    let CompactPermissions { fea, per, fpm } = self
                        .compact_permissions
                        .clone()
                        .unwrap_or_else(|| compact_form(&self.org_permissions));
                    let mut o = Map::new();
                    o.insert("id".into(), json!(org));
                    if let Some(role) = &self.org_role {
                        o.insert(
                            "rol".into(),
                            json!(role.strip_prefix("org:").unwrap_or(role)),
                        );
                    }
                    if let Some(slug) = &self.org_slug {
                        o.insert("slg".into(), json!(slug));
                    }
                    o.insert("per".into(), json!(per));
                    o.insert("fpm".into(), json!(fpm));
                    c.insert("o".into(), Value::Object(o));
                    c.insert("fea".into(), json!(fea));
                }
            }
        }
        if let Some(fea) = &self.features {
            c.insert("fea".into(), json!(fea));
        }
        if let Some(pla) = &self.plan {
            c.insert("pla".into(), json!(pla));
        }
        if let Some(fva) = self.factor_verification_age {
            c.insert("fva".into(), json!(fva));
        }
        for (k, v) in &self.custom {
            c.insert(k.clone(), v.clone());
        }
        c
    }

    /// Signs the token (RS256, `typ: JWT`).
    #[must_use]
    pub fn sign(&self) -> String {
        let kid = self.kid.as_deref().unwrap_or(self.instance.kid());
        let header = json!({"alg": "RS256", "kid": kid, "typ": "JWT"});
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(Value::Object(self.claims()).to_string())
        );
        let signature = self.instance.sign(signing_input.as_bytes());
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }
}

/// The v2 compact permission claims: `fea`, `o.per`, `o.fpm`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CompactPermissions {
    fea: String,
    per: String,
    fpm: String,
}

/// `org:<feature>:<action>` permissions to the v2 compact form: `fea` (`o:` features), `o.per`
/// (actions) and `o.fpm` (one bitmask per feature, bit `i` = action `i`).
fn compact_form(permissions: &[String]) -> CompactPermissions {
    let mut features: Vec<&str> = Vec::new();
    let mut actions: Vec<&str> = Vec::new();
    let parsed: Vec<(&str, &str)> = permissions
        .iter()
        .filter_map(|p| {
            let rest = p.strip_prefix("org:").unwrap_or(p);
            rest.split_once(':')
        })
        .collect();
    for (feature, action) in &parsed {
        if !features.contains(feature) {
            features.push(feature);
        }
        if !actions.contains(action) {
            actions.push(action);
        }
    }
    let masks: Vec<String> = features
        .iter()
        .map(|f| {
            parsed
                .iter()
                .filter(|(pf, _)| pf == f)
                .filter_map(|(_, a)| actions.iter().position(|x| x == a))
                .fold(0u64, |m, i| m | (1 << i))
                .to_string()
        })
        .collect();
    let fea = features
        .iter()
        .map(|f| format!("o:{f}"))
        .collect::<Vec<_>>()
        .join(",");
    CompactPermissions {
        fea,
        per: actions.join(","),
        fpm: masks.join(","),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2_tokens_verify_and_normalise_like_v1() {
        let instance = TestInstance::new();
        let options = clerk_core::VerifyJwtOptions::new(
            clerk_core::VerificationKey::from_pem(instance.jwt_key()).unwrap(),
        )
        .issuer(instance.issuer());
        for version in [ClaimsVersion::V1, ClaimsVersion::V2] {
            let token = instance
                .token()
                .version(version)
                .user_id("user_2")
                .org_id("org_1")
                .org_role("org:admin")
                .org_slug("acme")
                .org_permissions(["org:invoices:read", "org:reports:read"])
                .actor(json!({"sub": "user_support"}))
                .claim("plan", json!("pro"))
                .sign();
            let claims = clerk_core::verify_jwt(&token, &options).unwrap();
            let org = claims.organization().unwrap();
            assert_eq!(claims.user_id(), "user_2");
            assert_eq!(org.role.as_deref(), Some("org:admin"));
            assert_eq!(
                org.permissions,
                ["org:invoices:read", "org:reports:read"],
                "{version:?}"
            );
            assert_eq!(claims.actor().unwrap().sub.as_deref(), Some("user_support"));
            assert_eq!(claims.get("plan"), Some(&json!("pro")));
        }
    }

    #[test]
    fn compact_permissions_are_set_verbatim_on_v2_tokens_only() {
        let instance = TestInstance::new();
        let builder = instance
            .token()
            .org_id("org_1")
            .org_permissions(["org:invoices:read"])
            .compact_permissions("uo:reports,u:badge", "read,,manage", "5");
        let v2 = builder.clone().version(ClaimsVersion::V2).claims();
        assert_eq!(v2["fea"], "uo:reports,u:badge");
        assert_eq!(
            (&v2["o"]["id"], &v2["o"]["per"], &v2["o"]["fpm"]),
            (&json!("org_1"), &json!("read,,manage"), &json!("5"))
        );
        // User features without an organization: `fea` only.
        let solo = instance
            .token()
            .version(ClaimsVersion::V2)
            .compact_permissions("u:badge", "", "")
            .claims();
        assert_eq!(solo["fea"], "u:badge");
        assert!(!solo.contains_key("o"));
        // v1 keeps `org_permissions`.
        let v1 = builder.claims();
        assert_eq!(v1["org_permissions"], json!(["org:invoices:read"]));
        assert!(!v1.contains_key("fea") && !v1.contains_key("o"));
    }

    #[test]
    fn v2_permissions_round_trip_through_clerk_core() {
        let p = [
            "org:invoices:read",
            "org:invoices:write",
            "org:reports:read",
        ];
        let CompactPermissions { fea, per, fpm } = compact_form(&p.map(String::from));
        assert_eq!(
            (fea.as_str(), per.as_str(), fpm.as_str()),
            ("o:invoices,o:reports", "read,write", "3,1")
        );
    }
}
