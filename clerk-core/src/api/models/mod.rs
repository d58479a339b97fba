//! Response and request models.
//!
//! Models are tolerant of change: unknown fields are ignored, absent fields take their
//! default, every enum has an `Unknown(String)` catch-all for values added later, nullable
//! fields are `Option`, and timestamps are Unix milliseconds (`i64`; see
//! [`system_time_from_unix_ms`]). Structs are `#[non_exhaustive]` so fields can be added.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

mod misc;
mod organization;
mod session;
mod user;

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
