//! Request parameters: the query string, the JSON body, list pages and the comparisons that
//! filtering and ordering use.

use std::cmp::Ordering;

use http::StatusCode;
use serde_json::{Map, Value, json};

use super::super::exchange::Req;
use super::super::store::merge_metadata;
use super::errors::ApiError;

// ---- query and body helpers -----------------------------------------------------------------

/// Decoded query pairs.
pub(super) struct Query(pub(super) Vec<(String, String)>);

impl Query {
    /// Every value of `key` (also `key[]`).
    pub(super) fn all(&self, key: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == key || k.strip_suffix("[]") == Some(key))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub(super) fn first(&self, key: &str) -> Option<&str> {
        self.all(key).into_iter().next()
    }

    pub(super) fn flag(&self, key: &str) -> bool {
        self.first(key) == Some("true")
    }

    /// `limit` (1..=500, default 10) and `offset` (default 0).
    pub(super) fn paging(&self) -> Result<(usize, usize), ApiError> {
        let limit = match self.first("limit") {
            None => 10,
            Some(v) => v
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=500).contains(n))
                .ok_or_else(|| ApiError::invalid("limit", "limit must be between 1 and 500."))?,
        };
        let offset = match self.first("offset") {
            None => 0,
            Some(v) => v
                .parse::<usize>()
                .map_err(|_| ApiError::invalid("offset", "offset must be 0 or more."))?,
        };
        Ok((limit, offset))
    }

    /// `paginated` (`true` or `false`, default `false`).
    pub(super) fn paginated(&self) -> Result<bool, ApiError> {
        match self.first("paginated") {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(_) => Err(ApiError::invalid(
                "paginated",
                "paginated must be true or false.",
            )),
        }
    }

    /// `order_by` as (field, descending), default `default`.
    pub(super) fn order_by<'a>(&'a self, default: &'a str) -> (&'a str, bool) {
        let raw = self.first("order_by").unwrap_or(default);
        match raw.strip_prefix('-') {
            Some(f) => (f, true),
            None => (raw.strip_prefix('+').unwrap_or(raw), false),
        }
    }
}

pub(super) fn data_page<T>(
    all: &[T],
    limit: usize,
    offset: usize,
    render: impl Fn(&T) -> Value,
) -> Value {
    let data: Vec<Value> = all.iter().skip(offset).take(limit).map(render).collect();
    json!({"data": data, "total_count": all.len()})
}

/// A list answer: the bare array, or `{"data", "total_count"}` when the request says
/// `paginated=true` (what Clerk's own SDKs send on the operations whose spec takes it).
pub(super) fn list_page<T>(
    q: &Query,
    all: &[T],
    render: impl Fn(&T) -> Value,
) -> Result<Value, ApiError> {
    let (limit, offset) = q.paging()?;
    Ok(if q.paginated()? {
        data_page(all, limit, offset, render)
    } else {
        page(all, limit, offset, render)
    })
}

pub(super) fn page<T>(
    all: &[T],
    limit: usize,
    offset: usize,
    render: impl Fn(&T) -> Value,
) -> Value {
    Value::Array(all.iter().skip(offset).take(limit).map(render).collect())
}

/// A body field: left out, `null`, or a value.
pub(super) enum Field<T> {
    Absent,
    Null,
    Value(T),
}

impl<T> Field<T> {
    /// Apply to an optional target: `null` clears, a value sets.
    pub(super) fn apply(self, target: &mut Option<T>) {
        match self {
            Field::Absent => {}
            Field::Null => *target = None,
            Field::Value(v) => *target = Some(v),
        }
    }
}

/// A JSON object body (an empty body is `{}`).
pub(super) struct Body(Map<String, Value>);

impl Body {
    pub(super) fn parse(req: &Req) -> Result<Self, ApiError> {
        if req.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(Map::new()));
        }
        match serde_json::from_slice(&req.body) {
            Ok(Value::Object(map)) => Ok(Self(map)),
            _ => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "request_body_invalid",
                "Request body invalid",
                "The request body is not a JSON object.",
            )),
        }
    }

    /// A field as it is.
    pub(super) fn value(&self, key: &str) -> Option<&Value> {
        self.0.get(key)
    }

    pub(super) fn string(&self, key: &str) -> Result<Field<String>, ApiError> {
        match self.0.get(key) {
            None => Ok(Field::Absent),
            Some(Value::Null) => Ok(Field::Null),
            Some(Value::String(s)) => Ok(Field::Value(s.clone())),
            Some(_) => Err(ApiError::invalid(key, format!("{key} must be a string."))),
        }
    }

    pub(super) fn required_string(&self, key: &str) -> Result<String, ApiError> {
        match self.string(key)? {
            Field::Value(s) if !s.trim().is_empty() => Ok(s),
            _ => Err(ApiError::missing(key)),
        }
    }

    /// A string or an array of strings.
    pub(super) fn strings(&self, key: &str) -> Result<Vec<String>, ApiError> {
        let bad = || ApiError::invalid(key, format!("{key} must be an array of strings."));
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::String(s)) => Ok(vec![s.clone()]),
            Some(Value::Array(a)) => a
                .iter()
                .map(|v| v.as_str().map(str::to_owned).ok_or_else(bad))
                .collect(),
            Some(_) => Err(bad()),
        }
    }

    pub(super) fn bool(&self, key: &str) -> Result<Option<bool>, ApiError> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(ApiError::invalid(key, format!("{key} must be a boolean."))),
        }
    }

    pub(super) fn int(&self, key: &str) -> Result<Field<i64>, ApiError> {
        match self.0.get(key) {
            None => Ok(Field::Absent),
            Some(Value::Null) => Ok(Field::Null),
            Some(v) => v
                .as_i64()
                .map(Field::Value)
                .ok_or_else(|| ApiError::invalid(key, format!("{key} must be an integer."))),
        }
    }

    /// A metadata object; `null` means `{}`.
    pub(super) fn object(&self, key: &str) -> Result<Option<Value>, ApiError> {
        match self.0.get(key) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(json!({}))),
            Some(v @ Value::Object(_)) => Ok(Some(v.clone())),
            Some(_) => Err(ApiError::invalid(key, format!("{key} must be an object."))),
        }
    }
}

pub(super) fn merge_object(body: &Body, key: &str, target: &mut Value) -> Result<(), ApiError> {
    match body.0.get(key) {
        None | Some(Value::Null) => Ok(()),
        Some(v @ Value::Object(_)) => {
            merge_metadata(target, v);
            Ok(())
        }
        Some(_) => Err(ApiError::invalid(key, format!("{key} must be an object."))),
    }
}

/// Compare optional values with `None` last.
pub(super) fn cmp_opt<T: Ord>(a: Option<T>, b: Option<T>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.cmp(&b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

pub(super) fn lower(s: Option<&str>) -> Option<String> {
    s.map(str::to_lowercase)
}

pub(super) fn contains_ci(haystack: Option<&str>, needle: &str) -> bool {
    haystack.is_some_and(|h| h.to_lowercase().contains(needle))
}
