//! Roles and permissions: Clerk's `has()` semantics over plain values.
//!
//! * A role is `org:<key>` or a bare `<key>`; a permission is `org:<feature>:<action>` or a
//!   bare `<feature>:<action>`. The `org:` prefix is normalised on both sides, so `admin` and
//!   `org:admin` are the same role.
//! * A policy passes when the active organisation role is **any** of its roles and the active
//!   permissions include **all** of its permissions.
//! * Without an active organisation every role and permission check fails (fail closed).
//! * A [`Policy`] may also require features, plans (all of each) and a reverification level;
//!   [`Policy::decide`] checks them on the session's claims (`fea`, `pla`, `fva`).

use std::fmt;
use std::str::FromStr;

use crate::auth::session::Auth;
use crate::check::Reverification;
use crate::machine::{MachineToken, TokenType};

const ORG_PREFIX: &str = "org:";

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Kind {
    Role,
    Permission,
}

/// A role or permission a request must hold, validated and normalised to its `org:` form.
///
/// ```
/// use clerk_core::Requirement;
///
/// let admin = Requirement::role("admin")?;
/// assert_eq!(admin.as_str(), "org:admin");
/// assert!(admin.is_satisfied_by(Some("org:admin"), &[] as &[&str]));
///
/// let read = Requirement::permission("org:invoices:read")?;
/// assert!(read.is_satisfied_by(Some("org:member"), &["org:invoices:read"]));
/// assert!(!read.is_satisfied_by(None, &["org:invoices:read"]));
/// # Ok::<(), clerk_core::InvalidRequirement>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Requirement {
    kind: Kind,
    normalized: String,
}

impl Requirement {
    /// A role requirement: `org:<key>` or `<key>`, where a key is non-empty ASCII letters,
    /// digits, `_` or `-`.
    ///
    /// # Errors
    ///
    /// [`InvalidRequirement`] when the text is not of that shape.
    pub fn role(role: &str) -> Result<Self, InvalidRequirement> {
        match role_key(role) {
            Some(body) => Ok(Requirement {
                kind: Kind::Role,
                normalized: format!("{ORG_PREFIX}{body}"),
            }),
            None => Err(InvalidRequirement::new(
                role,
                "a role looks like `org:<key>` or `<key>`",
            )),
        }
    }

    /// A permission requirement: `org:<feature>:<action>` or `<feature>:<action>`.
    ///
    /// # Errors
    ///
    /// [`InvalidRequirement`] when the text is not of that shape.
    pub fn permission(permission: &str) -> Result<Self, InvalidRequirement> {
        match permission_key(permission) {
            Some(body) => Ok(Requirement {
                kind: Kind::Permission,
                normalized: format!("{ORG_PREFIX}{body}"),
            }),
            None => Err(InvalidRequirement::new(
                permission,
                "a permission looks like `org:<feature>:<action>`",
            )),
        }
    }

    /// Parses either kind: `<feature>:<action>` (with or without `org:`) is a permission,
    /// anything else must be a role.
    ///
    /// # Errors
    ///
    /// [`InvalidRequirement`] when the text is neither.
    pub fn parse(s: &str) -> Result<Self, InvalidRequirement> {
        if strip_org(s).contains(':') {
            Self::permission(s)
        } else {
            Self::role(s)
        }
    }

    /// Whether this is a role requirement.
    #[must_use]
    pub fn is_role(&self) -> bool {
        self.kind == Kind::Role
    }

    /// Whether this is a permission requirement.
    #[must_use]
    pub fn is_permission(&self) -> bool {
        self.kind == Kind::Permission
    }

    /// The normalised text, always with the `org:` prefix.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.normalized
    }

    /// Whether the active organisation role and permissions satisfy this requirement. Without
    /// an active organisation (`org_role` is `None`) it never is.
    #[must_use]
    pub fn is_satisfied_by<S: AsRef<str>>(
        &self,
        org_role: Option<&str>,
        permissions: &[S],
    ) -> bool {
        let Some(org_role) = org_role else {
            return false;
        };
        let body = strip_org(&self.normalized);
        match self.kind {
            Kind::Role => strip_org(org_role) == body,
            Kind::Permission => permissions.iter().any(|p| strip_org(p.as_ref()) == body),
        }
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.normalized)
    }
}

impl FromStr for Requirement {
    type Err = InvalidRequirement;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<&str> for Requirement {
    type Error = InvalidRequirement;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::parse(s)
    }
}

/// A malformed role or permission string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidRequirement {
    input: String,
    expected: &'static str,
}

impl InvalidRequirement {
    fn new(input: &str, expected: &'static str) -> Self {
        InvalidRequirement {
            input: input.to_owned(),
            expected,
        }
    }
}

impl fmt::Display for InvalidRequirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid role or permission {:?}: {}",
            self.input, self.expected
        )
    }
}

impl std::error::Error for InvalidRequirement {}

fn strip_org(s: &str) -> &str {
    s.strip_prefix(ORG_PREFIX).unwrap_or(s)
}

/// The key of a well-formed role (`org:<key>` or `<key>`), without the prefix.
fn role_key(role: &str) -> Option<&str> {
    Some(strip_org(role)).filter(|body| is_key(body))
}

/// The `<feature>:<action>` of a well-formed permission, without the `org:` prefix.
fn permission_key(permission: &str) -> Option<&str> {
    let body = strip_org(permission);
    let (feature, action) = body.split_once(':')?;
    (is_key(feature) && is_key(action)).then_some(body)
}

fn is_key(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Whether the active organisation role is `role` (Clerk's `has({ role })`), with the `org:`
/// prefix normalised on both sides. No active organisation, or a malformed `role`, is `false`.
///
/// ```
/// assert!(clerk_core::integration::has_role(Some("org:admin"), "admin"));
/// assert!(clerk_core::integration::has_role(Some("admin"), "org:admin"));
/// assert!(!clerk_core::integration::has_role(None, "org:admin"));
/// ```
#[must_use]
pub fn has_role(active_org_role: Option<&str>, role: &str) -> bool {
    // Compared without the `org:` prefix on both sides: the same as comparing the normalised
    // forms, without allocating them.
    role_key(role).is_some_and(|key| active_org_role.is_some_and(|a| strip_org(a) == key))
}

/// Whether `permission` is among the active organisation permissions (Clerk's
/// `has({ permission })`), with the `org:` prefix normalised on both sides. An empty list (no
/// active organisation) or a malformed `permission` is `false`.
///
/// ```
/// assert!(clerk_core::integration::has_permission(&["org:invoices:read"], "invoices:read"));
/// assert!(!clerk_core::integration::has_permission::<&str>(&[], "org:invoices:read"));
/// ```
#[must_use]
pub fn has_permission<S: AsRef<str>>(active_permissions: &[S], permission: &str) -> bool {
    permission_key(permission).is_some_and(|key| {
        active_permissions
            .iter()
            .any(|a| strip_org(a.as_ref()) == key)
    })
}

/// Evaluates a policy over plain values: the active role must be **any** of `roles` (when
/// non-empty) and the active permissions must include **all** of `permissions` (when
/// non-empty). With no requirement at all, any signed-in request passes; with some requirement
/// and no active organisation (`org_role` is `None`), it fails. Malformed entries never match.
#[must_use]
pub fn evaluate_policy<S: AsRef<str>>(
    roles: &[&str],
    permissions: &[&str],
    org_role: Option<&str>,
    active_permissions: &[S],
) -> bool {
    if roles.is_empty() && permissions.is_empty() {
        return true;
    }
    if org_role.is_none() {
        return false;
    }
    let roles_ok = roles.is_empty() || roles.iter().any(|r| has_role(org_role, r));
    let permissions_ok = permissions
        .iter()
        .all(|p| has_permission(active_permissions, p));
    roles_ok && permissions_ok
}

/// An authorization policy checked for a signed-in request: any of [`roles`](Self::roles), all
/// of [`permissions`](Self::permissions), all of [`features`](Self::features) and
/// [`plans`](Self::plans), and a [`reverification`](Self::reverification) level. Every
/// requirement the policy lists must hold; [`decide`](Self::decide) is the decision.
///
/// Usually generated by `#[clerk_protected(roles = [...], permissions = [...], features = [...],
/// plans = [...], reverification = "...")]`; implement it by hand for a reusable policy type:
///
/// ```
/// use clerk_core::Policy;
///
/// struct BillingAdmin;
///
/// impl Policy for BillingAdmin {
///     fn roles() -> &'static [&'static str] {
///         &["org:admin", "org:billing"]
///     }
///     fn permissions() -> &'static [&'static str] {
///         &["org:invoices:read"]
///     }
/// }
///
/// assert!(BillingAdmin::evaluate(Some("org:billing"), &["org:invoices:read"]));
/// assert!(!BillingAdmin::evaluate(Some("org:member"), &["org:invoices:read"]));
/// assert!(!BillingAdmin::evaluate::<&str>(None, &[]));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a Clerk authorization policy",
    label = "`{Self}` does not implement `Policy`",
    note = "use `#[clerk_protected(roles = [...], permissions = [...])]` on the handler to generate a policy, or implement `clerk_core::Policy` for `{Self}`"
)]
pub trait Policy {
    /// Roles, any of which passes. Defaults to none (no role check).
    fn roles() -> &'static [&'static str] {
        &[]
    }

    /// Permissions, all of which are needed. Defaults to none (no permission check).
    fn permissions() -> &'static [&'static str] {
        &[]
    }

    /// Features (the `fea` claim), all of which are needed: `name`, or scoped `o:name` /
    /// `org:name` / `organization:name` (an organization feature) or `u:name` / `user:name` (a
    /// user feature). Defaults to none.
    fn features() -> &'static [&'static str] {
        &[]
    }

    /// Plans (the `pla` claim), all of which are needed, scoped as [`features`](Self::features).
    /// Defaults to none.
    fn plans() -> &'static [&'static str] {
        &[]
    }

    /// How recently the user must have verified their factors (the `fva` claim). Defaults to
    /// `None` (no reverification).
    fn reverification() -> Option<Reverification> {
        None
    }

    /// The token types the route accepts: session tokens only (users) by default. List machine
    /// types (`TokenType::ApiKey`, `M2mToken`, `OauthToken`) to serve machine callers; the
    /// configuration must verify every type listed
    /// ([`ClerkConfigBuilder::accepts_token`](crate::ClerkConfigBuilder::accepts_token)).
    fn tokens() -> &'static [TokenType] {
        &[TokenType::SessionToken]
    }

    /// Scopes a machine caller's token must all carry. Defaults to none. Users are held to the
    /// other requirements instead: session tokens carry no scopes.
    fn scopes() -> &'static [&'static str] {
        &[]
    }

    /// Whether the active organisation role and permissions satisfy the policy (see
    /// [`evaluate_policy`]). These plain values cannot show features, plans or factor ages: a
    /// policy that requires any of them, or that does not accept session tokens, never passes
    /// here (fail closed); [`decide`](Self::decide) is the whole decision.
    fn evaluate<S: AsRef<str>>(org_role: Option<&str>, permissions: &[S]) -> bool {
        Self::tokens().contains(&TokenType::SessionToken)
            && Self::features().is_empty()
            && Self::plans().is_empty()
            && Self::reverification().is_none()
            && evaluate_policy(Self::roles(), Self::permissions(), org_role, permissions)
    }

    /// The decision for `auth`: `Ok` when it is signed in and meets every requirement;
    /// [`PolicyDenial::Forbidden`] when it is signed out or misses a role, permission, feature
    /// or plan; [`PolicyDenial::Reverification`] when it has all of those but its factors were
    /// not verified recently enough (or the token carries no `fva`).
    ///
    /// # Errors
    ///
    /// The denial, as above.
    fn decide(auth: &Auth) -> Result<(), PolicyDenial> {
        crate::check::decide(auth, &requirements::<Self>())
    }

    /// The decision for a verified machine token of an accepted type: `Ok` when it carries every
    /// scope of [`scopes`](Self::scopes) and the policy asks nothing only users have (roles,
    /// permissions, features, plans, reverification: Clerk's `has()` is false for machine
    /// tokens); [`PolicyDenial::Forbidden`] otherwise.
    ///
    /// # Errors
    ///
    /// The denial, as above.
    fn decide_machine(token: &MachineToken) -> Result<(), PolicyDenial> {
        crate::check::decide_machine(token, &requirements::<Self>())
    }
}

/// The requirements of `P` as plain values.
fn requirements<P: Policy + ?Sized>() -> Requirements {
    Requirements {
        roles: P::roles(),
        permissions: P::permissions(),
        features: P::features(),
        plans: P::plans(),
        reverification: P::reverification(),
        scopes: P::scopes(),
    }
}

/// Why a signed-in session does not satisfy a [`Policy`] ([`Policy::decide`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyDenial {
    /// Signed out, or a role, permission, feature or plan is missing: `403 {"error":"forbidden"}`.
    Forbidden,
    /// Everything else holds, but the factors were not verified within this level: `403` with
    /// Clerk's reverification hint, so the client can ask the user to verify again and retry.
    Reverification(Reverification),
}

/// A policy's requirements as plain values (what [`Policy::decide`] passes on).
pub(crate) struct Requirements {
    pub(crate) roles: &'static [&'static str],
    pub(crate) permissions: &'static [&'static str],
    pub(crate) features: &'static [&'static str],
    pub(crate) plans: &'static [&'static str],
    pub(crate) reverification: Option<Reverification>,
    pub(crate) scopes: &'static [&'static str],
}

/// The policy of any signed-in request: no role or permission required.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SignedIn;

impl Policy for SignedIn {}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: &[&str] = &[];

    #[test]
    fn parse_and_validate() {
        assert_eq!(Requirement::role("admin").unwrap().as_str(), "org:admin");
        assert_eq!(
            Requirement::role("org:admin").unwrap().as_str(),
            "org:admin"
        );
        assert_eq!(
            Requirement::permission("invoices:read").unwrap().as_str(),
            "org:invoices:read"
        );
        assert_eq!(
            Requirement::permission("org:sys_memberships:manage")
                .unwrap()
                .to_string(),
            "org:sys_memberships:manage"
        );
        assert!(Requirement::parse("org:admin").unwrap().is_role());
        assert!(Requirement::parse("org:a:b").unwrap().is_permission());
        assert!("a:b".parse::<Requirement>().unwrap().is_permission());
        for bad in [
            "",
            "org:",
            "org:a b",
            "a:b:c",
            "org:a:",
            "org::b",
            ":",
            "org:a:b:c",
            "é",
        ] {
            assert!(Requirement::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Requirement::role("org:a:b").is_err());
        assert!(Requirement::permission("org:admin").is_err());
        let e = Requirement::role("a b").unwrap_err().to_string();
        assert!(e.contains("\"a b\"") && e.contains("org:<key>"), "{e}");
    }

    #[test]
    fn roles_any_of_with_normalisation() {
        assert!(has_role(Some("org:admin"), "org:admin"));
        assert!(has_role(Some("org:admin"), "admin"));
        assert!(has_role(Some("admin"), "org:admin"));
        assert!(has_role(Some("admin"), "admin"));
        assert!(!has_role(Some("org:member"), "org:admin"));
        assert!(!has_role(Some("org:Admin"), "org:admin"));
        assert!(!has_role(None, "org:admin"));
        assert!(!has_role(Some("org:admin"), "bad role"));
        // One `org:` prefix is normalised, not more; an empty key never matches.
        assert!(!has_role(Some("org:org:admin"), "org:admin"));
        assert!(!has_role(Some("org:org:admin"), "admin"));
        assert!(!has_role(Some("org:"), "org:"));
        assert!(!has_role(Some(""), ""));
        assert!(
            Requirement::role("admin")
                .is_ok_and(|r| !r.is_satisfied_by::<&str>(Some("org:org:admin"), &[]))
        );
        assert!(evaluate_policy(
            &["org:admin", "org:billing"],
            NONE,
            Some("org:billing"),
            NONE
        ));
        assert!(!evaluate_policy(
            &["org:admin", "org:billing"],
            NONE,
            Some("org:member"),
            NONE
        ));
    }

    #[test]
    fn permissions_all_of_with_normalisation() {
        let active = ["org:invoices:read", "invoices:write"];
        assert!(has_permission(&active, "org:invoices:read"));
        assert!(has_permission(&active, "invoices:read"));
        assert!(has_permission(&active, "org:invoices:write"));
        assert!(!has_permission(&active, "org:invoices:delete"));
        assert!(!has_permission(NONE, "org:invoices:read"));
        assert!(!has_permission(&active, "org:invoices"));
        assert!(!has_permission(&["org:org:invoices:read"], "invoices:read"));
        assert!(!has_permission(&[":"], ":"));
        let owned: Vec<String> = active.iter().map(|s| (*s).to_owned()).collect();
        assert!(has_permission(&owned, "invoices:read"));
        let perms = &["org:invoices:read", "org:invoices:write"];
        assert!(evaluate_policy(&[], perms, Some("org:member"), &active));
        assert!(!evaluate_policy(
            &[],
            &["org:invoices:read", "org:invoices:delete"],
            Some("org:member"),
            &active
        ));
    }

    #[test]
    fn combined_and_fail_closed() {
        let active = ["org:invoices:read"];
        // Both must hold.
        assert!(evaluate_policy(
            &["org:admin"],
            &["org:invoices:read"],
            Some("org:admin"),
            &active
        ));
        assert!(!evaluate_policy(
            &["org:admin"],
            &["org:invoices:read"],
            Some("org:member"),
            &active
        ));
        assert!(!evaluate_policy(
            &["org:admin"],
            &["org:invoices:write"],
            Some("org:admin"),
            &active
        ));
        // No active organisation fails closed, even with matching permissions.
        assert!(!evaluate_policy(&[], &["org:invoices:read"], None, &active));
        assert!(!evaluate_policy(&["org:admin"], NONE, None, NONE));
        // No requirement: any signed-in request.
        assert!(evaluate_policy(NONE, NONE, None, NONE));
        assert!(SignedIn::evaluate(None, NONE));
        // Malformed entries never match.
        assert!(!evaluate_policy(
            &["bad role"],
            NONE,
            Some("bad role"),
            NONE
        ));
    }

    #[test]
    fn policy_trait() {
        struct Admins;
        impl Policy for Admins {
            fn roles() -> &'static [&'static str] {
                &["admin", "org:owner"]
            }
        }
        assert!(Admins::evaluate(Some("org:admin"), NONE));
        assert!(Admins::evaluate(Some("owner"), NONE));
        assert!(!Admins::evaluate(Some("org:member"), NONE));
        assert!(!Admins::evaluate(None, NONE));

        struct Readers;
        impl Policy for Readers {
            fn permissions() -> &'static [&'static str] {
                &["org:invoices:read", "reports:read"]
            }
        }
        assert!(Readers::evaluate(
            Some("org:member"),
            &["invoices:read", "org:reports:read"]
        ));
        assert!(!Readers::evaluate(
            Some("org:member"),
            &["org:invoices:read"]
        ));
    }

    #[test]
    fn evaluate_fails_closed_on_what_it_cannot_see() {
        struct Pro;
        impl Policy for Pro {
            fn plans() -> &'static [&'static str] {
                &["pro"]
            }
        }
        struct Fresh;
        impl Policy for Fresh {
            fn reverification() -> Option<Reverification> {
                Some(Reverification::Strict)
            }
        }
        assert!(!Pro::evaluate(Some("org:admin"), NONE));
        assert!(!Fresh::evaluate(Some("org:admin"), NONE));
        assert!(SignedIn::features().is_empty() && SignedIn::reverification().is_none());
    }

    #[test]
    fn requirement_satisfaction() {
        let r = Requirement::role("admin").unwrap();
        assert!(r.is_satisfied_by(Some("admin"), NONE));
        assert!(!r.is_satisfied_by(None, NONE));
        let p = Requirement::permission("a:b").unwrap();
        assert!(p.is_satisfied_by(Some("x"), &["a:b"]));
        assert!(!p.is_satisfied_by(None, &["a:b"]));
        assert!(!p.is_satisfied_by(Some("x"), NONE));
    }
}
