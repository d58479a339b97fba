//! Machine authentication in the store: machines and their secret keys, API keys, M2M tokens and
//! OAuth access tokens, and their rendering in the Backend API's JSON shapes (`Machine`,
//! `APIKey`, `M2MToken`, `OAuthAccessToken`).
//!
//! Secrets (API key secrets, machine secret keys, opaque tokens) never appear in `Debug` output.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::store::{ALPHANUMERIC, HEX, State, random_chars};
use crate::TestInstance;

/// The `cat` header of Clerk's JWT-format M2M tokens.
pub(crate) const M2M_CATEGORY: &str = "cl_B7d4PD333AAA";

/// The emulated instance's id, in machine objects.
pub(crate) const INSTANCE_ID: &str = "ins_emulator";

/// The demo machine's id.
pub(crate) const DEMO_MACHINE: &str = "mch_demo";

/// How long an OAuth access token issued by the emulator lives: one hour.
pub(crate) const OAUTH_TOKEN_LIFETIME_MS: i64 = 3600 * 1000;

/// A secret: compared and handed out, never printed by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(pub(crate) String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl Secret {
    /// `<prefix>_` and 40 random letters and digits.
    pub(crate) fn generate(prefix: &str) -> Self {
        Self(format!("{prefix}_{}", random_chars(40, ALPHANUMERIC)))
    }

    pub(crate) fn matches(&self, candidate: &str) -> bool {
        constant_time_eq(self.0.as_bytes(), candidate.as_bytes())
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `<prefix>_` and 32 lowercase hex digits: the id shape of API keys, M2M tokens and OAuth
/// access tokens.
pub(crate) fn hex_id(prefix: &str) -> String {
    format!("{prefix}_{}", random_chars(32, HEX))
}

/// A machine (`mch_...`) with its secret key (`ak_...`) and the machines it may call.
#[derive(Debug, Clone)]
pub(crate) struct Machine {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) secret_key: Secret,
    pub(crate) scoped_machines: Vec<String>,
    pub(crate) default_token_ttl: i64,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

/// What revocation and expiry every machine credential has.
#[derive(Debug, Clone, Default)]
pub(crate) struct Validity {
    pub(crate) revoked: bool,
    pub(crate) revocation_reason: Option<String>,
    /// Unix milliseconds.
    pub(crate) expiration: Option<i64>,
}

impl Validity {
    pub(crate) fn expired(&self, now: i64) -> bool {
        self.expiration.is_some_and(|e| e <= now)
    }

    /// Neither revoked nor expired.
    pub(crate) fn valid(&self, now: i64) -> bool {
        !self.revoked && !self.expired(now)
    }
}

/// An API key (`ak_` id, `ak_` secret) of a user, organization or machine.
#[derive(Debug, Clone)]
pub(crate) struct ApiKey {
    pub(crate) id: String,
    pub(crate) secret: Secret,
    pub(crate) key_type: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) subject: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) claims: Value,
    pub(crate) created_by: Option<String>,
    pub(crate) validity: Validity,
    pub(crate) last_used_at: Option<i64>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

/// A machine-to-machine token: opaque (`mt_...`) or a JWT; `subject` is the machine that asked
/// for it, `scopes` the machines it may call.
#[derive(Debug, Clone)]
pub(crate) struct M2mToken {
    pub(crate) id: String,
    pub(crate) token: Secret,
    pub(crate) subject: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) claims: Value,
    pub(crate) validity: Validity,
    pub(crate) last_used_at: Option<i64>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

/// An OAuth access token Clerk (as identity provider) issued to an OAuth application for a user.
#[derive(Debug, Clone)]
pub(crate) struct OAuthToken {
    pub(crate) id: String,
    pub(crate) token: Secret,
    pub(crate) client_id: String,
    pub(crate) subject: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) validity: Validity,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

/// Signs `claims` with the instance key (RS256, the JWKS `kid`) under `header` fields.
pub(crate) fn sign_jwt(instance: &TestInstance, extra_header: &Value, claims: &Value) -> String {
    let mut header = json!({"alg": "RS256", "kid": instance.kid()});
    if let (Some(h), Some(extra)) = (header.as_object_mut(), extra_header.as_object()) {
        for (k, v) in extra {
            h.insert(k.clone(), v.clone());
        }
    }
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature = instance.sign(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// `claims` as a JSON object for a token's payload: an object's members, nothing otherwise.
fn custom_claims(claims: &Value) -> serde_json::Map<String, Value> {
    claims.as_object().cloned().unwrap_or_default()
}

impl State {
    /// The demo machine `mch_demo` (allowed to call itself) and an API key of `user_admin`.
    pub(crate) fn seed_demo_machines(&mut self) {
        let now = self.tick();
        self.machines.push(Machine {
            id: DEMO_MACHINE.into(),
            name: "Demo machine".into(),
            secret_key: Secret::generate("ak"),
            scoped_machines: vec![DEMO_MACHINE.into()],
            default_token_ttl: 3600,
            created_at: now,
            updated_at: now,
        });
        let now = self.tick();
        self.api_keys.push(ApiKey {
            id: hex_id("ak"),
            secret: Secret::generate("ak"),
            key_type: "api_key".into(),
            name: "Demo API key".into(),
            description: Some("Ada Admin's API key (emulator demo data)".into()),
            subject: "user_admin".into(),
            scopes: vec!["read".into(), "write".into()],
            claims: Value::Null,
            created_by: None,
            validity: Validity::default(),
            last_used_at: None,
            created_at: now,
            updated_at: now,
        });
    }

    /// Issues an API key of `subject` with `scopes` and no expiry, as `POST /v1/api_keys`
    /// does; returns its secret.
    pub(crate) fn issue_api_key(&mut self, subject: &str, scopes: Vec<String>) -> String {
        let now = self.tick();
        let secret = Secret::generate("ak");
        let out = secret.0.clone();
        self.api_keys.push(ApiKey {
            id: hex_id("ak"),
            secret,
            key_type: "api_key".into(),
            name: "Test API key".into(),
            description: None,
            subject: subject.into(),
            scopes,
            claims: Value::Null,
            created_by: None,
            validity: Validity::default(),
            last_used_at: None,
            created_at: now,
            updated_at: now,
        });
        out
    }

    pub(crate) fn machine(&self, id: &str) -> Option<&Machine> {
        self.machines.iter().find(|m| m.id == id)
    }

    /// The machine whose secret key this is.
    pub(crate) fn machine_by_secret(&self, secret: &str) -> Option<&Machine> {
        self.machines.iter().find(|m| m.secret_key.matches(secret))
    }

    /// A machine without its secret key (`scoped_machines` objects).
    fn machine_summary(m: &Machine) -> Value {
        json!({
            "object": "machine",
            "id": m.id,
            "name": m.name,
            "instance_id": INSTANCE_ID,
            "created_at": m.created_at,
            "updated_at": m.updated_at,
            "default_token_ttl": m.default_token_ttl,
        })
    }

    /// The `Machine` shape with its scoped machines; `with_secret` adds `secret_key` (creation).
    pub(crate) fn machine_json(&self, m: &Machine, with_secret: bool) -> Value {
        let mut v = Self::machine_summary(m);
        let scoped: Vec<Value> = m
            .scoped_machines
            .iter()
            .filter_map(|id| self.machine(id))
            .map(Self::machine_summary)
            .collect();
        v["scoped_machines"] = Value::Array(scoped);
        if with_secret {
            v["secret_key"] = json!(m.secret_key.0);
        }
        v
    }

    /// The `APIKey` shape; `with_secret` adds `secret` (creation only).
    pub(crate) fn api_key_json(k: &ApiKey, now: i64, with_secret: bool) -> Value {
        let mut v = json!({
            "object": "api_key",
            "id": k.id,
            "type": k.key_type,
            "subject": k.subject,
            "name": k.name,
            "description": k.description,
            "claims": k.claims,
            "scopes": k.scopes,
            "revoked": k.validity.revoked,
            "revocation_reason": k.validity.revocation_reason,
            "expired": k.validity.expired(now),
            "expiration": k.validity.expiration,
            "created_by": k.created_by,
            "last_used_at": k.last_used_at,
            "created_at": k.created_at,
            "updated_at": k.updated_at,
        });
        if with_secret {
            v["secret"] = json!(k.secret.0);
        }
        v
    }

    /// The `M2MToken` shape; `with_token` adds `token` (creation only).
    pub(crate) fn m2m_json(t: &M2mToken, now: i64, with_token: bool) -> Value {
        let mut v = json!({
            "object": "machine_to_machine_token",
            "id": t.id,
            "subject": t.subject,
            "claims": t.claims,
            "scopes": t.scopes,
            "revoked": t.validity.revoked,
            "revocation_reason": t.validity.revocation_reason,
            "expired": t.validity.expired(now),
            "expiration": t.validity.expiration,
            "last_used_at": t.last_used_at,
            "created_at": t.created_at,
            "updated_at": t.updated_at,
        });
        if with_token {
            v["token"] = json!(t.token.0);
        }
        v
    }

    /// The `OAuthAccessToken` verification shape (the spec's, which has no `type`).
    pub(crate) fn oauth_json(t: &OAuthToken, now: i64) -> Value {
        json!({
            "object": "clerk_idp_oauth_access_token",
            "id": t.id,
            "client_id": t.client_id,
            "subject": t.subject,
            "scopes": t.scopes,
            "revoked": t.validity.revoked,
            "revocation_reason": t.validity.revocation_reason,
            "expired": t.validity.expired(now),
            "expiration": t.validity.expiration,
            "created_at": t.created_at,
            "updated_at": t.updated_at,
        })
    }

    /// Issues an M2M token for `machine_id` (which must exist): opaque (`mt_` and 40 letters and
    /// digits) or, with `jwt`, an RS256 JWT with `cat: cl_B7d4PD333AAA`, `sub` = the machine,
    /// `scopes` = the machines it may call (space separated), `jti` = the token's id and the
    /// custom `claims`. `lifetime_ms` `None` = the machine's default TTL.
    pub(crate) fn issue_m2m(
        &mut self,
        instance: &TestInstance,
        machine_id: &str,
        claims: Value,
        lifetime_ms: Option<i64>,
        jwt: bool,
    ) -> Option<&M2mToken> {
        let machine = self.machine(machine_id)?.clone();
        let now = self.tick();
        let id = hex_id("mt");
        let lifetime = lifetime_ms.unwrap_or(machine.default_token_ttl.saturating_mul(1000));
        let expiration = now.saturating_add(lifetime);
        let token = if jwt {
            let mut payload = custom_claims(&claims);
            for (k, v) in [
                ("iss", json!(instance.issuer())),
                ("sub", json!(machine.id)),
                ("scopes", json!(machine.scoped_machines.join(" "))),
                ("jti", json!(id)),
                ("iat", json!(now / 1000)),
                ("nbf", json!(now / 1000)),
                ("exp", json!(expiration / 1000)),
            ] {
                payload.insert(k.into(), v);
            }
            Secret(sign_jwt(
                instance,
                &json!({"typ": "JWT", "cat": M2M_CATEGORY}),
                &Value::Object(payload),
            ))
        } else {
            Secret::generate("mt")
        };
        self.m2m_tokens.push(M2mToken {
            id,
            token,
            subject: machine.id,
            scopes: machine.scoped_machines,
            claims,
            validity: Validity {
                expiration: Some(expiration),
                ..Validity::default()
            },
            last_used_at: None,
            created_at: now,
            updated_at: now,
        });
        self.m2m_tokens.last()
    }

    /// Issues an OAuth access token of `user_id` for the OAuth application `client_id`, valid
    /// for an hour: opaque (`oat_` and 40 letters and digits) or, with `jwt`, an RS256 JWT with
    /// `typ: at+jwt`, `sub`, `client_id`, `scp` (array) and `scope` (space separated), `jti` = the
    /// token's id.
    pub(crate) fn issue_oauth(
        &mut self,
        instance: &TestInstance,
        user_id: &str,
        client_id: &str,
        scopes: Vec<String>,
        jwt: bool,
    ) -> String {
        let now = self.tick();
        let id = hex_id("oat");
        let expiration = now.saturating_add(OAUTH_TOKEN_LIFETIME_MS);
        let token = if jwt {
            let payload = json!({
                "iss": instance.issuer(),
                "sub": user_id,
                "client_id": client_id,
                "scp": scopes,
                "scope": scopes.join(" "),
                "jti": id,
                "iat": now / 1000,
                "nbf": now / 1000,
                "exp": expiration / 1000,
            });
            Secret(sign_jwt(instance, &json!({"typ": "at+jwt"}), &payload))
        } else {
            Secret::generate("oat")
        };
        let out = token.0.clone();
        self.oauth_tokens.push(OAuthToken {
            id,
            token,
            client_id: client_id.into(),
            subject: user_id.into(),
            scopes,
            validity: Validity {
                expiration: Some(expiration),
                ..Validity::default()
            },
            created_at: now,
            updated_at: now,
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let mut s = State::default();
        s.seed_demo_machines();
        let key = s.api_keys[0].secret.0.clone();
        let machine_key = s.machines[0].secret_key.0.clone();
        let debug = format!("{s:?}");
        assert!(
            !debug.contains(&key) && !debug.contains(&machine_key),
            "{debug}"
        );
        assert!(key.starts_with("ak_") && machine_key.starts_with("ak_"));
        assert!(s.api_keys[0].id.len() == 35 && s.api_keys[0].id.starts_with("ak_"));
    }

    #[test]
    fn validity() {
        let v = Validity {
            expiration: Some(10),
            ..Validity::default()
        };
        assert!(v.valid(9) && !v.valid(10) && v.expired(11));
        let r = Validity {
            revoked: true,
            ..Validity::default()
        };
        assert!(!r.valid(0) && !r.expired(0));
        assert!(constant_time_eq(b"abc", b"abc") && !constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
