//! [`Check`]: Clerk's `has()` with every dimension — role, permission, feature, plan and
//! reverification (docs/auth-rules.md §9.9).

use crate::auth::session::Auth;
use crate::authz::{PolicyDenial, Requirements, evaluate_policy, has_permission, has_role};
use crate::jwt::claims::SessionClaims;
use crate::machine::MachineToken;

/// What [`Auth::check`] asks: any of a role, a permission, a feature, a plan and a
/// reverification. The answer is `true` when at least one asked dimension passes and none fails
/// (an empty check is `false`), as Clerk's `has()`.
///
/// ```
/// use clerk_core::{Check, Reverification};
///
/// let check = Check::new()
///     .role("org:admin")
///     .feature("dashboard")
///     .reverification(Reverification::Strict);
/// # let _ = check;
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[must_use]
pub struct Check {
    role: Option<String>,
    permission: Option<String>,
    feature: Option<String>,
    plan: Option<String>,
    reverification: Option<Reverification>,
}

/// How recently the user must have verified their factors (Clerk's reverification levels).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reverification {
    /// `strict_mfa`: both factors (when the user has two) within 10 minutes.
    StrictMfa,
    /// `strict`: the second factor (or the first without one) within 10 minutes.
    Strict,
    /// `moderate`: the second factor (or the first) within 60 minutes.
    Moderate,
    /// `lax`: the second factor (or the first) within a day.
    Lax,
    /// A level within `after_minutes` (which must be positive).
    Custom {
        /// Which factors.
        level: FactorLevel,
        /// The freshness window, in minutes.
        after_minutes: i64,
    },
}

/// The factors a [`Reverification`] looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FactorLevel {
    /// `first_factor`.
    FirstFactor,
    /// `second_factor` (the first factor for a user without a second one).
    SecondFactor,
    /// `multi_factor`: both factors (the first for a user without a second one).
    MultiFactor,
}

impl FactorLevel {
    /// Clerk's name: `first_factor`, `second_factor` or `multi_factor`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FirstFactor => "first_factor",
            Self::SecondFactor => "second_factor",
            Self::MultiFactor => "multi_factor",
        }
    }
}

impl Reverification {
    /// `strict_mfa`, `strict`, `moderate` or `lax`.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "strict_mfa" => Some(Self::StrictMfa),
            "strict" => Some(Self::Strict),
            "moderate" => Some(Self::Moderate),
            "lax" => Some(Self::Lax),
            _ => None,
        }
    }

    /// The level's name in the macro and in Clerk's `has({ reverification })`: `strict_mfa`,
    /// `strict`, `moderate` or `lax`; `None` for [`Custom`](Self::Custom).
    #[must_use]
    pub fn name(self) -> Option<&'static str> {
        match self {
            Self::StrictMfa => Some("strict_mfa"),
            Self::Strict => Some("strict"),
            Self::Moderate => Some("moderate"),
            Self::Lax => Some("lax"),
            Self::Custom { .. } => None,
        }
    }

    /// The factors this level looks at (`strict_mfa` is [`FactorLevel::MultiFactor`], the other
    /// named levels [`FactorLevel::SecondFactor`]).
    #[must_use]
    pub fn factor_level(self) -> FactorLevel {
        self.level().0
    }

    /// The freshness window in minutes: 10 for `strict_mfa` and `strict`, 60 for `moderate`,
    /// 1440 for `lax`.
    #[must_use]
    pub fn after_minutes(self) -> i64 {
        self.level().1
    }

    fn level(self) -> (FactorLevel, i64) {
        match self {
            Self::StrictMfa => (FactorLevel::MultiFactor, 10),
            Self::Strict => (FactorLevel::SecondFactor, 10),
            Self::Moderate => (FactorLevel::SecondFactor, 60),
            Self::Lax => (FactorLevel::SecondFactor, 1440),
            Self::Custom {
                level,
                after_minutes,
            } => (level, after_minutes),
        }
    }

    /// Whether factor verification ages `[first, second]` (minutes, `-1` = never) satisfy it.
    #[must_use]
    pub fn is_satisfied_by(self, fva: [i64; 2]) -> bool {
        let (level, after) = self.level();
        if after <= 0 || fva.iter().any(|&f| f < -1) {
            return false;
        }
        let fresh = |f: i64| f != -1 && after > f;
        let [f1, f2] = fva;
        if f1 == -1 && f2 == -1 {
            return false;
        }
        match level {
            FactorLevel::FirstFactor => fresh(f1),
            FactorLevel::SecondFactor if f2 == -1 => fresh(f1),
            FactorLevel::SecondFactor => fresh(f2),
            FactorLevel::MultiFactor if f2 == -1 => fresh(f1),
            FactorLevel::MultiFactor if f1 == -1 => false,
            FactorLevel::MultiFactor => fresh(f1) && fresh(f2),
        }
    }
}

impl Check {
    /// An empty check (answers `false`).
    pub fn new() -> Self {
        Self::default()
    }

    /// The active organization role (`admin` and `org:admin` are the same).
    pub fn role(mut self, role: impl Into<String>) -> Self {
        self.role = Some(role.into());
        self
    }

    /// A permission of the active organization (`org:invoices:read`).
    pub fn permission(mut self, permission: impl Into<String>) -> Self {
        self.permission = Some(permission.into());
        self
    }

    /// A feature (`fea`), optionally scoped: `o:`/`org:`/`organization:` or `u:`/`user:`.
    pub fn feature(mut self, feature: impl Into<String>) -> Self {
        self.feature = Some(feature.into());
        self
    }

    /// A plan (`pla`), optionally scoped as [`feature`](Self::feature).
    pub fn plan(mut self, plan: impl Into<String>) -> Self {
        self.plan = Some(plan.into());
        self
    }

    /// A reverification level (`fva`).
    pub fn reverification(mut self, level: Reverification) -> Self {
        self.reverification = Some(level);
        self
    }

    /// The answer for `auth` (see [`Check`]).
    pub(crate) fn evaluate(&self, auth: &Auth) -> bool {
        let Some(claims) = auth.session_claims().filter(|_| auth.user_id().is_some()) else {
            return false;
        };
        let mut results = Vec::with_capacity(3);
        if self.role.is_some() || self.permission.is_some() {
            results.push(
                auth.org_id().is_some() && {
                    let role_ok = self
                        .role
                        .as_deref()
                        .is_none_or(|r| has_role(auth.org_role(), r));
                    let permission_ok = self
                        .permission
                        .as_deref()
                        .is_none_or(|p| has_permission(auth.org_permissions(), p));
                    role_ok && permission_ok
                },
            );
        }
        if self.feature.is_some() || self.plan.is_some() {
            let ok = |asked: &Option<String>, claim: Option<&str>| {
                asked
                    .as_deref()
                    .is_none_or(|a| billing_has(claim.filter(|c| !c.is_empty()), a))
            };
            results.push(ok(&self.feature, claims.features()) && ok(&self.plan, claims.plan()));
        }
        if let Some(level) = self.reverification {
            results.push(
                claims
                    .factor_verification_age()
                    .is_some_and(|fva| level.is_satisfied_by(fva)),
            );
        }
        !results.is_empty() && results.iter().all(|&r| r)
    }
}

/// [`Policy::decide`](crate::Policy::decide): every requirement of the policy must hold (roles:
/// any; permissions, features, plans: all). A missing role, permission, feature or plan is
/// [`PolicyDenial::Forbidden`]; only when they all hold is the reverification level checked, so
/// a user is never asked to verify again for a route they cannot use anyway.
pub(crate) fn decide(auth: &Auth, policy: &Requirements) -> Result<(), PolicyDenial> {
    if !auth.is_signed_in() {
        return Err(PolicyDenial::Forbidden);
    }
    let claims = auth.session_claims();
    let billing = |asked: &[&str], claim: Option<&str>| {
        let claim = claim.filter(|c| !c.is_empty());
        asked.iter().all(|a| billing_has(claim, a))
    };
    let entitled = evaluate_policy(
        policy.roles,
        policy.permissions,
        auth.org_role(),
        auth.org_permissions(),
    ) && billing(policy.features, claims.and_then(SessionClaims::features))
        && billing(policy.plans, claims.and_then(SessionClaims::plan));
    if !entitled {
        return Err(PolicyDenial::Forbidden);
    }
    match policy.reverification {
        Some(level)
            if !claims
                .and_then(SessionClaims::factor_verification_age)
                .is_some_and(|fva| level.is_satisfied_by(fva)) =>
        {
            Err(PolicyDenial::Reverification(level))
        }
        _ => Ok(()),
    }
}

/// The decision for a machine token (`Policy::decide_machine`): every scope carried, and no
/// requirement only a user can meet (Clerk's `has()` is false for machine tokens, so a policy
/// with roles, permissions, features, plans or reverification never admits one).
pub(crate) fn decide_machine(
    token: &MachineToken,
    policy: &Requirements,
) -> Result<(), PolicyDenial> {
    let users_only = !policy.roles.is_empty()
        || !policy.permissions.is_empty()
        || !policy.features.is_empty()
        || !policy.plans.is_empty()
        || policy.reverification.is_some();
    let scoped = policy
        .scopes
        .iter()
        .all(|asked| token.scopes().iter().any(|held| held == asked));
    if users_only || !scoped {
        return Err(PolicyDenial::Forbidden);
    }
    Ok(())
}

/// Whether a `fea`/`pla` claim (`<scope>:<name>,…`, scopes `o`, `u`, `ou`, `uo`) holds `asked`
/// (`name`, or `<scope>:name` with `o`/`org`/`organization` or `u`/`user`). A malformed claim
/// holds nothing.
fn billing_has(claim: Option<&str>, asked: &str) -> bool {
    let Some(claim) = claim else { return false };
    let (scope, name) = match asked.split_once(':') {
        Some((scope, name)) => {
            let scope = match scope {
                "o" | "org" | "organization" => 'o',
                "u" | "user" => 'u',
                _ => return false,
            };
            (Some(scope), name)
        }
        None => (None, asked),
    };
    let mut entries = Vec::new();
    for entry in claim.split(',') {
        let Some((s, n)) = entry.trim().split_once(':') else {
            return false;
        };
        entries.push((s, n));
    }
    entries.iter().any(|(s, n)| {
        *n == name && matches!(*s, "o" | "u" | "ou" | "uo") && scope.is_none_or(|c| s.contains(c))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reverification_levels() {
        assert!(Reverification::Strict.is_satisfied_by([3, -1]));
        assert!(!Reverification::Strict.is_satisfied_by([30, -1]));
        assert!(Reverification::Strict.is_satisfied_by([30, 5]));
        assert!(!Reverification::StrictMfa.is_satisfied_by([-1, 5]));
        assert!(!Reverification::Lax.is_satisfied_by([-1, -1]));
        let custom = Reverification::Custom {
            level: FactorLevel::MultiFactor,
            after_minutes: 3,
        };
        assert!(!custom.is_satisfied_by([1, 5]));
        assert!(custom.is_satisfied_by([1, 2]));
        let zero = Reverification::Custom {
            level: FactorLevel::FirstFactor,
            after_minutes: 0,
        };
        assert!(!zero.is_satisfied_by([0, 0]));
    }

    #[test]
    fn billing_claims() {
        let fea = Some("o:dashboard,u:profile,ou:both");
        assert!(billing_has(fea, "dashboard"));
        assert!(billing_has(fea, "u:profile"));
        assert!(!billing_has(fea, "o:profile"));
        assert!(billing_has(fea, "org:both") && billing_has(fea, "user:both"));
        assert!(!billing_has(fea, "x:dashboard"));
        assert!(!billing_has(Some("dashboard"), "dashboard"));
        assert!(!billing_has(None, "dashboard"));
    }
}
