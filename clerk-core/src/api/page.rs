//! One page of a list, and auto-pagination.

use futures_util::Stream;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};

use super::request::Call;
use crate::Error;

/// One page of a list answer.
///
/// The Backend API answers lists in two shapes: a bare JSON array, or
/// `{"data": [...], "total_count": n}`. Both decode into a `Page`; `total_count` is `None`
/// for the bare-array shape.
///
/// # Example
///
/// ```no_run
/// # async fn run() -> Result<(), clerk_core::Error> {
/// # let client = clerk_core::ClerkClient::from_env()?;
/// let page = client.organizations().list().limit(20).send().await?;
/// println!("{} of {:?}", page.len(), page.total_count);
/// for org in page {
///     println!("{}", org.name);
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page.
    pub data: Vec<T>,
    /// The total number of items across all pages, when the endpoint reports it.
    pub total_count: Option<i64>,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Self {
            data: Vec::new(),
            total_count: None,
        }
    }
}

impl<T> Page<T> {
    /// The number of items on this page.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Whether this page is empty.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Iterate over the items of this page.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.data.iter()
    }

    /// The items of this page.
    pub fn into_vec(self) -> Vec<T> {
        self.data
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.data.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Page<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.data.iter()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Shape<T> {
            Array(Vec<T>),
            Object {
                data: Vec<T>,
                #[serde(default, deserialize_with = "count")]
                total_count: Option<i64>,
            },
        }
        Ok(match Shape::deserialize(d)? {
            Shape::Array(data) => Page {
                data,
                total_count: None,
            },
            Shape::Object { data, total_count } => Page { data, total_count },
        })
    }
}

/// A count that some list schemas type as `number`: accept `12.0` (and truncate a fraction)
/// as well as `12`.
fn count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(Option::<f64>::deserialize(d)?
        .filter(|n| n.is_finite())
        .map(|n| n.trunc() as i64))
}

/// Page size used by streams when the builder has no `limit`.
pub(crate) const DEFAULT_STREAM_PAGE_SIZE: u64 = 100;

/// Fetch pages of `call` by advancing `offset` until a short or empty page, or until
/// `total_count` items were seen, yielding the items one by one.
pub(crate) fn paginate<T>(call: Call) -> impl Stream<Item = Result<T, Error>> + Send + 'static
where
    T: DeserializeOwned + Send + 'static,
{
    let limit = call
        .query_u64("limit")
        .filter(|l| *l > 0)
        .unwrap_or(DEFAULT_STREAM_PAGE_SIZE);
    let start = call.query_u64("offset").unwrap_or(0);
    struct State<T> {
        call: Call,
        offset: u64,
        buffer: std::vec::IntoIter<T>,
        done: bool,
    }
    let state = State {
        call,
        offset: start,
        buffer: Vec::new().into_iter(),
        done: false,
    };
    futures_util::stream::unfold(state, move |mut st| async move {
        loop {
            if let Some(item) = st.buffer.next() {
                return Some((Ok(item), st));
            }
            if st.done {
                return None;
            }
            let mut call = st.call.clone();
            call.query("limit", limit);
            call.query("offset", st.offset);
            match call.send::<Page<T>>().await {
                Ok(page) => {
                    let n = page.data.len() as u64;
                    st.offset += n;
                    let reached_total = page
                        .total_count
                        .is_some_and(|total| i64::try_from(st.offset).is_ok_and(|o| o >= total));
                    st.done = n < limit || n == 0 || reached_total;
                    st.buffer = page.data.into_iter();
                }
                Err(e) => {
                    st.done = true;
                    return Some((Err(e), st));
                }
            }
        }
    })
}

/// Fetch pages of `call` by cursor: each request asks for the items after the last one seen
/// (`starting_after` = its `id`), until a short or empty page. `offset` is dropped: the cursor
/// replaces it (Clerk refuses both together).
pub(crate) fn paginate_by_cursor<T>(
    mut call: Call,
    id: fn(&T) -> &str,
) -> impl Stream<Item = Result<T, Error>> + Send + 'static
where
    T: DeserializeOwned + Send + 'static,
{
    let limit = call
        .query_u64("limit")
        .filter(|l| *l > 0)
        .unwrap_or(DEFAULT_STREAM_PAGE_SIZE);
    call.remove_query("offset");
    struct State<T> {
        call: Call,
        buffer: std::vec::IntoIter<T>,
        done: bool,
    }
    let state = State {
        call,
        buffer: Vec::new().into_iter(),
        done: false,
    };
    futures_util::stream::unfold(state, move |mut st| async move {
        loop {
            if let Some(item) = st.buffer.next() {
                return Some((Ok(item), st));
            }
            if st.done {
                return None;
            }
            let mut call = st.call.clone();
            call.query("limit", limit);
            match call.send::<Page<T>>().await {
                Ok(page) => {
                    let n = page.data.len() as u64;
                    st.done = n < limit;
                    if let Some(last) = page.data.last() {
                        st.call.query("starting_after", id(last));
                    }
                    st.buffer = page.data.into_iter();
                }
                Err(e) => {
                    st.done = true;
                    return Some((Err(e), st));
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_both_list_shapes() {
        let p: Page<u32> = serde_json::from_str("[1,2,3]").unwrap();
        assert_eq!(p.data, vec![1, 2, 3]);
        assert_eq!(p.total_count, None);
        let p: Page<u32> = serde_json::from_str(r#"{"data":[4],"total_count":9}"#).unwrap();
        assert_eq!(p.data, vec![4]);
        assert_eq!(p.total_count, Some(9));
        let p: Page<u32> = serde_json::from_str(r#"{"data":[],"total_count":3.0}"#).unwrap();
        assert_eq!(p.total_count, Some(3));
        let p: Page<u32> = serde_json::from_str(r#"{"data":[]}"#).unwrap();
        assert!(p.is_empty());
        assert!(serde_json::from_str::<Page<u32>>(r#"{"items":[]}"#).is_err());
    }
}
