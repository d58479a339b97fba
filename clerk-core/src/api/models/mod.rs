//! Response and request models.
//!
//! Models are tolerant of change: unknown fields are ignored, absent fields take their
//! default, every enum has an `Unknown(String)` catch-all for values added later, nullable
//! fields are `Option`, and timestamps are Unix milliseconds (`i64`; see
//! [`system_time_from_unix_ms`]). Structs are `#[non_exhaustive]` so fields can be added.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

// Generated from Clerk's OpenAPI spec by tools/bapi-gen.
mod generated;
mod misc;
mod organization;
mod session;
mod user;

pub use generated::*;
pub use misc::*;
pub use organization::*;
pub use session::*;
pub use user::*;

/// Declare a string enum with an `Unknown(String)` catch-all and string (de)serialization.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version of the crate does not know yet.
            Unknown(String),
        }

        impl $name {
            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $value, )*
                    Self::Unknown(s) => s,
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $( $value => Self::$variant, )*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl Default for $name {
            /// `Unknown("")`, used only when the field is absent.
            fn default() -> Self {
                Self::Unknown(String::new())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Ok(Self::from(&*s))
            }
        }
    };
}
pub(crate) use string_enum;

/// Convert a Clerk timestamp (Unix milliseconds) to a [`SystemTime`].
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use clerk_core::api::system_time_from_unix_ms;
///
/// assert_eq!(system_time_from_unix_ms(1_500), UNIX_EPOCH + Duration::from_millis(1_500));
/// ```
pub fn system_time_from_unix_ms(ms: i64) -> SystemTime {
    let magnitude = Duration::from_millis(ms.unsigned_abs());
    if ms >= 0 {
        UNIX_EPOCH.checked_add(magnitude).unwrap_or(UNIX_EPOCH)
    } else {
        UNIX_EPOCH.checked_sub(magnitude).unwrap_or(UNIX_EPOCH)
    }
}

/// A field of a PATCH body: left out, set to `null`, or set to a value.
///
/// Update builders take `impl Into<Patch<T>>`, so pass a value to set it and
/// [`Patch::Null`] to clear it; a setter that is not called leaves the field unchanged.
///
/// ```
/// use clerk_core::api::Patch;
///
/// let set: Patch<String> = "Ada".into();
/// let clear: Patch<String> = Patch::Null;
/// assert_eq!(set, Patch::Value("Ada".to_owned()));
/// assert!(Patch::<String>::default().is_absent());
/// # let _ = clear;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Patch<T> {
    /// Leave the field unchanged (not serialized).
    #[default]
    Absent,
    /// Set the field to `null`.
    Null,
    /// Set the field to this value.
    Value(T),
}

impl<T> Patch<T> {
    /// Whether the field is left out; use with `#[serde(skip_serializing_if = "Patch::is_absent")]`.
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }
}

impl<T> From<T> for Patch<T> {
    fn from(value: T) -> Self {
        Self::Value(value)
    }
}

impl From<&str> for Patch<String> {
    fn from(value: &str) -> Self {
        Self::Value(value.to_owned())
    }
}

impl<T> From<Option<T>> for Patch<T> {
    /// `None` becomes [`Patch::Null`].
    fn from(value: Option<T>) -> Self {
        match value {
            Some(v) => Self::Value(v),
            None => Self::Null,
        }
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            // Only reached without skip_serializing_if; null is the closest meaning.
            Self::Absent | Self::Null => s.serialize_none(),
            Self::Value(v) => v.serialize(s),
        }
    }
}

/// The answer to a DELETE: which object was deleted.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct DeletedObject {
    /// The object type, e.g. `"user"`.
    pub object: String,
    /// The deleted object's id.
    pub id: Option<String>,
    /// The deleted object's slug, for objects that have one.
    pub slug: Option<String>,
    /// Whether the object was deleted.
    pub deleted: bool,
    /// The deleted object's external id, for objects that have one.
    pub external_id: Option<String>,
}

/// A count, e.g. the answer to `GET /users/count`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct TotalCount {
    /// Always `"total_count"`.
    pub object: String,
    /// The count.
    pub total_count: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Body {
        #[serde(skip_serializing_if = "Patch::is_absent")]
        first_name: Patch<String>,
        #[serde(skip_serializing_if = "Patch::is_absent")]
        last_name: Patch<String>,
        #[serde(skip_serializing_if = "Patch::is_absent")]
        limit: Patch<i64>,
    }

    #[test]
    fn patch_distinguishes_absent_null_and_value() {
        let b = Body {
            first_name: "Ada".into(),
            last_name: Patch::Null,
            limit: Patch::Absent,
        };
        assert_eq!(
            serde_json::to_string(&b).unwrap(),
            r#"{"first_name":"Ada","last_name":null}"#
        );
        let none: Option<String> = None;
        assert_eq!(Patch::from(none), Patch::<String>::Null);
        assert_eq!(Patch::from(Some(3i64)), Patch::Value(3));
    }

    #[test]
    fn patch_setter_infers_integer_literals() {
        fn takes(v: impl Into<Patch<i64>>) -> Patch<i64> {
            v.into()
        }
        assert_eq!(takes(5), Patch::Value(5));
    }

    #[test]
    fn timestamps() {
        assert_eq!(system_time_from_unix_ms(0), UNIX_EPOCH);
        assert_eq!(
            system_time_from_unix_ms(-1000),
            UNIX_EPOCH - Duration::from_secs(1)
        );
        let _ = system_time_from_unix_ms(i64::MAX);
        let _ = system_time_from_unix_ms(i64::MIN);
    }

    #[allow(unreachable_pub)]
    mod color {
        string_enum! {
            /// Test enum.
            pub enum Color {
                /// Red.
                Red = "red",
            }
        }
    }
    use color::Color;

    #[test]
    fn string_enum_round_trips_unknown_values() {
        let c: Color = serde_json::from_str(r#""red""#).unwrap();
        assert_eq!(c, Color::Red);
        let c: Color = serde_json::from_str(r#""ultraviolet""#).unwrap();
        assert_eq!(c, Color::Unknown("ultraviolet".into()));
        assert_eq!(serde_json::to_string(&c).unwrap(), r#""ultraviolet""#);
        assert_eq!(Color::Red.to_string(), "red");
    }
}

/// Decoding of recorded response shapes (`tests/fixtures/api/`).
#[cfg(test)]
mod fixtures {
    use super::*;
    use crate::api::Page;

    macro_rules! fixture {
        ($name:literal) => {
            include_str!(concat!("../../../tests/fixtures/api/", $name))
        };
    }

    #[test]
    fn user_full_with_unknown_fields() {
        let u: User = serde_json::from_str(fixture!("user.json")).unwrap();
        assert_eq!(u.id, "user_2abc");
        assert_eq!(u.first_name.as_deref(), Some("Ada"));
        assert_eq!(u.username, None);
        assert_eq!(u.public_metadata["plan"], "pro");
        assert_eq!(
            u.primary_email_address().map(|e| e.email_address.as_str()),
            Some("ada@example.com")
        );
        assert!(u.primary_email_address().unwrap().is_verified());
        assert_eq!(u.primary_phone_number(), None);
        assert_eq!(
            system_time_from_unix_ms(u.created_at),
            UNIX_EPOCH + Duration::from_millis(1_700_000_000_000)
        );
    }

    #[test]
    fn user_with_optional_fields_absent() {
        let u: User = serde_json::from_str(fixture!("user_minimal.json")).unwrap();
        assert_eq!(u.id, "user_min");
        assert_eq!(u.image_url, None);
        assert_eq!(u.private_metadata, None);
        assert_eq!(u.unsafe_metadata, serde_json::Value::Null);
        assert!(u.organization_memberships.is_empty());
        assert_eq!(u.create_organizations_limit, None);
        assert!(!u.deprovisioned);
    }

    #[test]
    fn organization_and_memberships_page() {
        let o: Organization = serde_json::from_str(fixture!("organization.json")).unwrap();
        assert_eq!(o.slug, "acme");
        assert_eq!(o.members_count, Some(3));
        assert_eq!(o.role_set_key, None);
        assert_eq!(o.last_active_at, None);
        let p: Page<OrganizationMembership> =
            serde_json::from_str(fixture!("organization_memberships.json")).unwrap();
        assert_eq!(p.total_count, Some(1));
        let m = &p.data[0];
        assert_eq!(m.role, "org:admin");
        assert_eq!(m.organization.id, "org_2xyz");
        let pud = m.public_user_data.as_ref().unwrap();
        assert_eq!(pud.identifier.as_deref(), Some("ada@example.com"));
        assert_eq!(pud.last_name, None);
        assert_eq!(pud.username, None);
    }

    #[test]
    fn sessions_with_and_without_optional_fields_and_unknown_status() {
        let s: Session = serde_json::from_str(fixture!("session.json")).unwrap();
        assert_eq!(s.status, SessionStatus::Active);
        assert_eq!(s.actor.as_ref().unwrap()["sub"], "user_admin");
        assert_eq!(s.last_active_organization_id.as_deref(), Some("org_2xyz"));
        assert_eq!(s.tasks.as_ref().map(Vec::len), Some(1));

        let s: Session =
            serde_json::from_str(fixture!("session_minimal_unknown_status.json")).unwrap();
        assert_eq!(s.status, SessionStatus::Unknown("quarantined".into()));
        assert_eq!(s.status.as_str(), "quarantined");
        assert_eq!(s.actor, None);
        assert_eq!(s.latest_activity, None);
        assert_eq!(s.tasks, None);
        // round-trips the unknown value unchanged
        let back = serde_json::to_value(&s).unwrap();
        assert_eq!(back["status"], "quarantined");
    }

    #[test]
    fn invitation_list_with_unknown_status() {
        let p: Page<Invitation> = serde_json::from_str(fixture!("invitations.json")).unwrap();
        assert_eq!(p.total_count, None);
        assert_eq!(p.data[0].status, InvitationStatus::Pending);
        assert_eq!(
            p.data[1].status,
            InvitationStatus::Unknown("bounced".into())
        );
        assert_eq!(p.data[1].url, None);
    }

    #[test]
    fn tokens_are_redacted_in_debug() {
        let t: SignInToken = serde_json::from_str(fixture!("sign_in_token.json")).unwrap();
        assert!(t.token.as_deref().unwrap().contains("SECRET"));
        let shown = format!("{t:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        let st = SessionToken {
            object: "token".into(),
            jwt: "eyJ.SECRET.x".into(),
        };
        assert!(!format!("{st:?}").contains("SECRET"));
        let o = OAuthAccessToken {
            token: "ya29.SECRET".into(),
            ..Default::default()
        };
        assert!(!format!("{o:?}").contains("SECRET"));
    }

    #[test]
    fn generated_models_redact_secrets_in_debug() {
        let m: MachineSecretKey =
            serde_json::from_str(r#"{"object":"machine_secret_key","secret":"ak_SECRET","new":1}"#)
                .unwrap();
        assert_eq!(m.secret, "ak_SECRET");
        assert!(!format!("{m:?}").contains("SECRET"));
        let t: TestingToken = serde_json::from_str(r#"{"token":"SECRET"}"#).unwrap();
        assert!(!format!("{t:?}").contains("SECRET"));
        let a = CreateApiKeyResponse {
            secret: "SECRET".into(),
            ..Default::default()
        };
        assert!(!format!("{a:?}").contains("SECRET"));
    }

    #[test]
    fn deleted_object_and_total_count() {
        let d: DeletedObject =
            serde_json::from_str(r#"{"object":"user","id":"user_1","deleted":true}"#).unwrap();
        assert!(d.deleted);
        assert_eq!(d.slug, None);
        let c: TotalCount =
            serde_json::from_str(r#"{"object":"total_count","total_count":12}"#).unwrap();
        assert_eq!(c.total_count, 12);
    }
}
