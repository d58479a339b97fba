//! [`SessionClaims`]: the claims of a verified Clerk session token, v1 and v2 shapes in one type.

use std::sync::Arc;

use serde_json::{Map, Value};

/// The active organization of a session, from either claim shape.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrganizationClaims {
    /// Organization id (`org_id`, or `o.id`).
    pub id: String,
    /// The member's role, always with the `org:` prefix (`org_role`, or `org:` + `o.rol`).
    pub role: Option<String>,
    /// Organization slug (`org_slug`, or `o.slg`).
    pub slug: Option<String>,
    /// The member's permissions, `org:<feature>:<action>` (`org_permissions`, or rebuilt from
    /// `o.per`, `o.fpm` and `fea` for v2 tokens).
    pub permissions: Vec<String>,
}

/// The actor of an impersonation session (`act`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Actor {
    /// The impersonating user's id (`act.sub`).
    pub sub: Option<String>,
    /// Every field of `act`.
    pub claims: Map<String, Value>,
}

/// The claims of a verified Clerk session token.
///
/// Clerk issues two shapes: v1 (`org_id`, `org_role`, `org_slug`, `org_permissions`) and v2 (`v: 2`,
/// `o: {id, rol, slg, per, fpm}`, `fea`, `pla`). Both are normalised into the same fields; every claim,
/// including custom ones from a session-token template, stays available through [`get`](Self::get)
/// and [`all`](Self::all). Cheap to clone.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionClaims {
    inner: Arc<Inner>,
}

#[derive(Debug, PartialEq)]
struct Inner {
    sub: String,
    sid: Option<String>,
    iss: Option<String>,
    azp: Option<String>,
    exp: i64,
    nbf: Option<i64>,
    iat: Option<i64>,
    version: u8,
    organization: Option<OrganizationClaims>,
    actor: Option<Actor>,
    features: Option<String>,
    plan: Option<String>,
    all: Map<String, Value>,
}

impl SessionClaims {
    /// Builds the typed view of a payload whose `sub`, `exp`, `nbf` and `iat` the verifier already
    /// checked. Returns the name of the first claim whose type is wrong.
    pub(crate) fn from_verified(all: Map<String, Value>) -> Result<Self, &'static str> {
        let sub = all
            .get("sub")
            .and_then(Value::as_str)
            .ok_or("sub")?
            .to_owned();
        let exp = all.get("exp").and_then(Value::as_i64).ok_or("exp")?;
        let opt_int = |name: &'static str| match all.get(name) {
            None => Ok(None),
            Some(v) => v.as_i64().map(Some).ok_or(name),
        };
        let nbf = opt_int("nbf")?;
        let iat = opt_int("iat")?;
        let sid = opt_string(&all, "sid")?;
        let iss = opt_string(&all, "iss")?;
        let azp = opt_string(&all, "azp")?;
        let version = match all.get("v") {
            None => 1,
            Some(v) => match v.as_u64() {
                Some(1) => 1,
                Some(2) => 2,
                _ => return Err("v"),
            },
        };
        let features = opt_string(&all, "fea")?;
        let plan = opt_string(&all, "pla")?;
        let organization = if version == 2 {
            org_v2(&all, features.as_deref())?
        } else {
            org_v1(&all)?
        };
        let actor = match all.get("act") {
            None | Some(Value::Null) => None,
            Some(Value::Object(act)) => Some(Actor {
                sub: opt_string(act, "sub").map_err(|_| "act")?,
                claims: act.clone(),
            }),
            Some(_) => return Err("act"),
        };
        Ok(Self {
            inner: Arc::new(Inner {
                sub,
                sid,
                iss,
                azp,
                exp,
                nbf,
                iat,
                version,
                organization,
                actor,
                features,
                plan,
                all,
            }),
        })
    }

    /// The user id (`sub`).
    #[must_use]
    pub fn user_id(&self) -> &str {
        &self.inner.sub
    }

    /// The session id (`sid`).
    #[must_use]
    pub fn session_id(&self) -> Option<&str> {
        self.inner.sid.as_deref()
    }

    /// The issuer (`iss`): the instance's Frontend API URL.
    #[must_use]
    pub fn issuer(&self) -> Option<&str> {
        self.inner.iss.as_deref()
    }

    /// The authorized party (`azp`): the origin the token was issued to.
    #[must_use]
    pub fn authorized_party(&self) -> Option<&str> {
        self.inner.azp.as_deref()
    }

    /// Expiry, Unix seconds (`exp`).
    #[must_use]
    pub fn expires_at(&self) -> i64 {
        self.inner.exp
    }

    /// Not-before, Unix seconds (`nbf`).
    #[must_use]
    pub fn not_before(&self) -> Option<i64> {
        self.inner.nbf
    }

    /// Issued-at, Unix seconds (`iat`).
    #[must_use]
    pub fn issued_at(&self) -> Option<i64> {
        self.inner.iat
    }

    /// The claim shape version: 1, or 2 for tokens with `v: 2`.
    #[must_use]
    pub fn version(&self) -> u8 {
        self.inner.version
    }

    /// The active organization, when the session has one.
    #[must_use]
    pub fn organization(&self) -> Option<&OrganizationClaims> {
        self.inner.organization.as_ref()
    }

    /// The impersonating actor (`act`), for impersonation sessions.
    #[must_use]
    pub fn actor(&self) -> Option<&Actor> {
        self.inner.actor.as_ref()
    }

    /// Feature claims (`fea`, v2), for example `o:reports,u:billing`.
    #[must_use]
    pub fn features(&self) -> Option<&str> {
        self.inner.features.as_deref()
    }

    /// Plan claim (`pla`, v2).
    #[must_use]
    pub fn plan(&self) -> Option<&str> {
        self.inner.plan.as_deref()
    }

    /// The session status (`sts`), e.g. `pending` for a session with tasks left (choose an
    /// organization, …); `None` when absent.
    #[must_use]
    pub fn session_status(&self) -> Option<&str> {
        self.inner.all.get("sts").and_then(Value::as_str)
    }

    /// Whether the session is pending (`sts` is `pending`): the handshake protocol treats it as
    /// signed out.
    #[must_use]
    pub fn is_pending(&self) -> bool {
        self.session_status() == Some("pending")
    }

    /// Minutes since the first and the second factor were verified (`fva`), `-1` for a factor
    /// never verified in this session; `None` when the claim is absent or malformed.
    #[must_use]
    pub fn factor_verification_age(&self) -> Option<[i64; 2]> {
        match self.inner.all.get("fva")?.as_array()?.as_slice() {
            [a, b] => Some([a.as_i64()?, b.as_i64()?]),
            _ => None,
        }
    }

    /// Any claim, including custom claims of a session-token template.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.inner.all.get(name)
    }

    /// Every claim of the token.
    #[must_use]
    pub fn all(&self) -> &Map<String, Value> {
        &self.inner.all
    }
}

fn opt_string(
    map: &Map<String, Value>,
    name: &'static str,
) -> Result<Option<String>, &'static str> {
    match map.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(name),
    }
}

fn org_v1(all: &Map<String, Value>) -> Result<Option<OrganizationClaims>, &'static str> {
    let Some(id) = opt_string(all, "org_id")?.filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let permissions = match all.get("org_permissions") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|p| p.as_str().map(str::to_owned).ok_or("org_permissions"))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("org_permissions"),
    };
    Ok(Some(OrganizationClaims {
        id,
        role: opt_string(all, "org_role")?,
        slug: opt_string(all, "org_slug")?,
        permissions,
    }))
}

fn org_v2(
    all: &Map<String, Value>,
    features: Option<&str>,
) -> Result<Option<OrganizationClaims>, &'static str> {
    let o = match all.get("o") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(o)) => o,
        Some(_) => return Err("o"),
    };
    let Some(id) = opt_string(o, "id")
        .map_err(|_| "o")?
        .filter(|s| !s.is_empty())
    else {
        return Ok(None);
    };
    let role = opt_string(o, "rol").map_err(|_| "o")?.map(|r| {
        if r.starts_with("org:") {
            r
        } else {
            format!("org:{r}")
        }
    });
    let slug = opt_string(o, "slg").map_err(|_| "o")?;
    let per = opt_string(o, "per").map_err(|_| "o")?;
    let fpm = opt_string(o, "fpm").map_err(|_| "o")?;
    let permissions = v2_permissions(features, per.as_deref(), fpm.as_deref());
    Ok(Some(OrganizationClaims {
        id,
        role,
        slug,
        permissions,
    }))
}

/// Rebuilds `org:<feature>:<permission>` from the compact v2 claims `fea`, `o.per` and `o.fpm`.
///
/// `fea` lists `<scope>:<feature>` entries. Clerk's scope rule: a feature belongs to the
/// organization when its scope contains `o` (`o`, `ou` and `uo` do, `u` does not). `o.fpm` holds
/// one decimal bitmask per organization feature, in `fea` order, and bit `i` grants the `i`-th
/// entry of `o.per`. Entries are trimmed; an empty `o.per` entry keeps its position (so later
/// bits stay aligned) and grants nothing.
///
/// A mask only means something next to the right feature and permission list, so any sign of a
/// malformed claim yields no permission at all rather than a guess that could be shifted: a `fea`
/// entry that is not exactly `<scope>:<name>` with a non-empty name, a mask that is not decimal
/// digits fitting in a `u64`, or a set bit past the end of `o.per`. Every mask is checked, even
/// one without a feature. Organization features without a mask get nothing, masks without a
/// feature are otherwise ignored, and a missing claim means no permissions.
fn v2_permissions(features: Option<&str>, per: Option<&str>, fpm: Option<&str>) -> Vec<String> {
    let (Some(features), Some(per), Some(fpm)) = (features, per, fpm) else {
        return Vec::new();
    };
    let mut org_features = Vec::new();
    for entry in features.split(',') {
        let Some((scope, name)) = entry.trim().split_once(':') else {
            return Vec::new();
        };
        if name.is_empty() || name.contains(':') {
            return Vec::new();
        }
        if scope.contains('o') {
            org_features.push(name);
        }
    }
    let perms: Vec<&str> = per.split(',').map(str::trim).collect();
    let mut masks = Vec::new();
    for mask in fpm.split(',') {
        let Some(mask) = parse_mask(mask.trim(), perms.len()) else {
            return Vec::new();
        };
        masks.push(mask);
    }
    let mut out = Vec::new();
    for (feature, mask) in org_features.into_iter().zip(masks) {
        for (i, p) in perms.iter().enumerate().take(64) {
            if mask & (1u64 << i) != 0 && !p.is_empty() {
                out.push(format!("org:{feature}:{p}"));
            }
        }
    }
    out
}

/// A mask of decimal digits whose set bits all index one of `perms` permissions.
fn parse_mask(mask: &str, perms: usize) -> Option<u64> {
    // `u64::from_str` alone would accept a leading `+`.
    if mask.is_empty() || !mask.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mask: u64 = mask.parse().ok()?;
    let beyond = u32::try_from(perms).ok().and_then(|n| mask.checked_shr(n));
    match beyond {
        Some(0) | None => Some(mask),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claims(v: Value) -> Result<SessionClaims, &'static str> {
        match v {
            Value::Object(m) => SessionClaims::from_verified(m),
            _ => unreachable!(),
        }
    }

    #[test]
    fn v1_claims() {
        let c = claims(json!({
            "sub": "user_1", "sid": "sess_1", "exp": 10, "nbf": 1, "iat": 2,
            "org_id": "org_1", "org_role": "org:admin", "org_slug": "acme",
            "org_permissions": ["org:invoices:read"], "act": {"sub": "user_admin"}, "custom": 7
        }))
        .unwrap();
        assert_eq!(c.user_id(), "user_1");
        assert_eq!(c.session_id(), Some("sess_1"));
        let org = c.organization().unwrap();
        assert_eq!(
            (org.id.as_str(), org.role.as_deref(), org.slug.as_deref()),
            ("org_1", Some("org:admin"), Some("acme"))
        );
        assert_eq!(org.permissions, vec!["org:invoices:read"]);
        assert_eq!(c.actor().unwrap().sub.as_deref(), Some("user_admin"));
        assert_eq!(c.get("custom"), Some(&json!(7)));
        assert_eq!(c.version(), 1);
    }

    #[test]
    fn v2_claims_rebuild_permissions() {
        let c = claims(json!({
            "sub": "user_1", "exp": 10, "v": 2, "fea": "o:reports,u:billing,o:invoices",
            "o": {"id": "org_1", "rol": "admin", "slg": "acme", "per": "read,manage", "fpm": "1,3"},
            "pla": "u:free"
        }))
        .unwrap();
        let org = c.organization().unwrap();
        assert_eq!(org.role.as_deref(), Some("org:admin"));
        assert_eq!(
            org.permissions,
            vec![
                "org:reports:read",
                "org:invoices:read",
                "org:invoices:manage"
            ]
        );
        assert_eq!(c.plan(), Some("u:free"));
        assert_eq!(c.version(), 2);
    }

    /// The organization permissions of `fea` × `o.per` × `o.fpm`.
    fn v2(fea: &str, per: &str, fpm: &str) -> Vec<String> {
        v2_permissions(Some(fea), Some(per), Some(fpm))
    }

    #[test]
    fn v2_scope_ou_and_uo_count_as_organization_features() {
        // The `uo:` feature owns the first mask: `o:invoices` must not inherit it.
        assert_eq!(
            v2("uo:reports,o:invoices", "read", "1,0"),
            ["org:reports:read"]
        );
        let c = claims(json!({
            "sub": "user_1", "exp": 10, "v": 2, "fea": "uo:reports,o:invoices",
            "o": {"id": "org_1", "rol": "member", "per": "read", "fpm": "1,0"}
        }))
        .unwrap();
        assert_eq!(c.organization().unwrap().permissions, ["org:reports:read"]);
    }

    #[test]
    fn v2_uo_then_o_features_each_take_their_own_mask() {
        assert_eq!(
            v2("uo:billing,o:members", "read,manage", "3,1"),
            ["org:billing:read", "org:billing:manage", "org:members:read"]
        );
    }

    #[test]
    fn v2_uo_features_around_an_o_feature_take_masks_in_fea_order() {
        assert_eq!(
            v2(
                "uo:impersonation,o:memberships,uo:feature3",
                "read,manage",
                "1,3,1"
            ),
            [
                "org:impersonation:read",
                "org:memberships:read",
                "org:memberships:manage",
                "org:feature3:read"
            ]
        );
    }

    #[test]
    fn v2_ou_counts_and_u_takes_no_mask() {
        assert_eq!(
            v2("ou:memberships,u:impersonation", "read,manage", "3"),
            ["org:memberships:read", "org:memberships:manage"]
        );
    }

    #[test]
    fn v2_o_and_uo_features_before_a_u_feature_read_bits_little_endian() {
        assert_eq!(
            v2(
                "o:repositories,uo:projects,u:goldprofileborder",
                "read,create,update,delete,revoke",
                "7,21"
            ),
            [
                "org:repositories:read",
                "org:repositories:create",
                "org:repositories:update",
                "org:projects:read",
                "org:projects:update",
                "org:projects:revoke"
            ]
        );
    }

    #[test]
    fn v2_entries_are_trimmed() {
        assert_eq!(
            v2(" uo:reports , o:invoices ", " read , manage ", " 1 , 2 "),
            ["org:reports:read", "org:invoices:manage"]
        );
    }

    #[test]
    fn v2_empty_permission_entries_keep_their_bit_position() {
        assert_eq!(
            v2("o:invoices", "read,,manage", "5"),
            ["org:invoices:read", "org:invoices:manage"]
        );
        // A bit on the empty entry grants nothing, and is not an error for the other features.
        assert_eq!(
            v2("o:invoices,o:reports", "read, ,manage", "2,1"),
            ["org:reports:read"]
        );
    }

    #[test]
    fn v2_malformed_mask_grants_no_permission() {
        for bad in [
            "",
            " ",
            "+1",
            "-1",
            "abc",
            "3abc",
            "0x1",
            "1.0",
            "1e2",
            "1 1",
            "18446744073709551616",
        ] {
            // The well-formed first mask is withdrawn too.
            let fpm = format!("1,{bad}");
            assert_eq!(
                v2("o:reports,o:invoices", "read", &fpm),
                Vec::<String>::new(),
                "fpm {fpm:?}"
            );
            assert_eq!(
                v2("o:reports", "read", bad),
                Vec::<String>::new(),
                "fpm {bad:?}"
            );
        }
    }

    #[test]
    fn v2_malformed_mask_without_a_feature_grants_no_permission() {
        assert_eq!(v2("o:reports", "read", "1,x"), Vec::<String>::new());
    }

    #[test]
    fn v2_bit_beyond_the_permissions_grants_no_permission() {
        assert_eq!(v2("o:reports", "read", "2"), Vec::<String>::new());
        assert_eq!(
            v2("o:reports,o:invoices", "read,manage", "1,4"),
            Vec::<String>::new()
        );
        assert_eq!(
            v2("o:reports", "read", "18446744073709551615"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn v2_mask_may_use_all_64_bits() {
        let per: Vec<String> = (0..64).map(|i| format!("p{i}")).collect();
        assert_eq!(
            v2("o:reports", &per.join(","), &(1u64 << 63).to_string()),
            ["org:reports:p63"]
        );
    }

    #[test]
    fn v2_malformed_feature_grants_no_permission() {
        for fea in [
            "reports,o:invoices",
            "o:invoices,reports",
            "o:,o:invoices",
            "o:invoices,o:",
            "o:invoices:read,o:reports",
            "u:a:b,o:invoices",
            "o:invoices,,o:reports",
            "o:invoices,",
            "",
        ] {
            assert_eq!(v2(fea, "read", "1,1"), Vec::<String>::new(), "fea {fea:?}");
        }
    }

    #[test]
    fn v2_organization_features_without_a_mask_get_nothing() {
        assert_eq!(
            v2("o:reports,uo:invoices", "read", "1"),
            ["org:reports:read"]
        );
    }

    #[test]
    fn v2_masks_without_a_feature_are_ignored() {
        assert_eq!(
            v2("o:reports,u:billing", "read", "1,1"),
            ["org:reports:read"]
        );
    }

    #[test]
    fn v2_missing_claims_grant_no_permission() {
        let (fea, per, fpm) = (Some("o:reports"), Some("read"), Some("1"));
        assert_eq!(v2_permissions(fea, per, fpm), ["org:reports:read"]);
        assert!(v2_permissions(None, per, fpm).is_empty());
        assert!(v2_permissions(fea, None, fpm).is_empty());
        assert!(v2_permissions(fea, per, None).is_empty());
    }

    #[test]
    fn wrong_types_are_reported() {
        assert_eq!(
            claims(json!({"sub": "u", "exp": 1, "sid": 5})).unwrap_err(),
            "sid"
        );
        assert_eq!(
            claims(json!({"sub": "u", "exp": 1, "org_id": "o", "org_permissions": "x"}))
                .unwrap_err(),
            "org_permissions"
        );
        assert_eq!(
            claims(json!({"sub": "u", "exp": 1, "v": 3})).unwrap_err(),
            "v"
        );
        assert_eq!(
            claims(json!({"sub": "u", "exp": 1, "act": "x"})).unwrap_err(),
            "act"
        );
        assert!(
            claims(json!({"sub": "u", "exp": 1}))
                .unwrap()
                .organization()
                .is_none()
        );
    }
}
