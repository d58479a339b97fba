//! Strict JSON for token segments: duplicate object keys are an error at every depth.
//!
//! `serde_json::Value` keeps the last of two duplicate keys, which would let a token carry two `sub`
//! or `azp` values and have different readers see different ones. Token headers and payloads are
//! parsed through [`StrictValue`] instead.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// A JSON value whose objects had no duplicate keys.
pub(crate) struct StrictValue(pub(crate) Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(StrictValue)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(StrictVisitor)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(StrictValue(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        // Collected, sorted and built in one go: token objects are small and usually already
        // sorted, so this compares each key about twice where inserting one by one into the
        // map (after a lookup for duplicates) walked the tree twice per key.
        let mut entries: Vec<(String, Value)> = Vec::with_capacity(16);
        while let Some(key) = map.next_key::<String>()? {
            let StrictValue(v) = map.next_value()?;
            entries.push((key, v));
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        if let Some(pair) = entries.windows(2).find(|pair| pair[0].0 == pair[1].0) {
            return Err(de::Error::custom(format_args!(
                "duplicate key {:?}",
                truncate(&pair[0].0, 64)
            )));
        }
        Ok(Value::Object(entries.into_iter().collect()))
    }
}

/// Parses a JSON object with no duplicate keys at any depth.
pub(crate) fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, String> {
    match serde_json::from_slice::<StrictValue>(bytes) {
        Ok(StrictValue(Value::Object(map))) => Ok(map),
        Ok(_) => Err("expected a JSON object".to_owned()),
        Err(e) => Err(e.to_string()),
    }
}

/// JavaScript's `JSON.stringify` for a claim that may be absent (`undefined`).
pub(crate) fn js_stringify(value: Option<&Value>) -> String {
    match value {
        None => "undefined".to_owned(),
        Some(v) => serde_json::to_string(v).unwrap_or_else(|_| "undefined".to_owned()),
    }
}

/// Cuts a string to at most `max` characters (on a char boundary), for echoing untrusted values.
pub(crate) fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_rejected_at_every_depth() {
        assert!(parse_object(br#"{"a":1,"a":2}"#).is_err());
        assert!(parse_object(br#"{"a":{"b":1,"b":1}}"#).is_err());
        assert!(parse_object(br#"{"a":[{"b":1,"b":1}]}"#).is_err());
        assert!(parse_object(br#"{"a":1,"b":{"a":2}}"#).is_ok());
    }

    #[test]
    fn non_objects_and_deep_nesting_are_errors_not_panics() {
        assert!(parse_object(b"[]").is_err());
        assert!(parse_object(b"null").is_err());
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(5000), "]".repeat(5000));
        assert!(parse_object(deep.as_bytes()).is_err());
    }

    #[test]
    fn stringify_matches_javascript_for_claims() {
        assert_eq!(js_stringify(None), "undefined");
        assert_eq!(js_stringify(Some(&Value::from("a\"b"))), r#""a\"b""#);
        assert_eq!(js_stringify(Some(&Value::from(12))), "12");
        assert_eq!(
            js_stringify(Some(&serde_json::json!(["x", 1]))),
            r#"["x",1]"#
        );
    }
}
