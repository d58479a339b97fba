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
    let limit = stream_page_size(&call);
    let mut offset = call.query_u64("offset").unwrap_or(0);
    pages(move |last: Option<(&[T], Option<i64>)>| {
        if let Some((items, total_count)) = last {
            let n = items.len() as u64;
            offset += n;
            let reached_total =
                total_count.is_some_and(|total| i64::try_from(offset).is_ok_and(|o| o >= total));
            if n < limit || n == 0 || reached_total {
                return None;
            }
        }
        let mut request = call.clone();
        request.query("limit", limit);
        request.query("offset", offset);
        Some(request)
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
    let limit = stream_page_size(&call);
    call.remove_query("offset");
    pages(move |last: Option<(&[T], Option<i64>)>| {
        if let Some((items, _)) = last {
            if (items.len() as u64) < limit {
                return None;
            }
            if let Some(last) = items.last() {
                call.query("starting_after", id(last));
            }
        }
        let mut request = call.clone();
        request.query("limit", limit);
        Some(request)
    })
}

/// The page size of a stream: the builder's `limit`, else [`DEFAULT_STREAM_PAGE_SIZE`].
fn stream_page_size(call: &Call) -> u64 {
    call.query_u64("limit")
        .filter(|l| *l > 0)
        .unwrap_or(DEFAULT_STREAM_PAGE_SIZE)
}

/// The stream both kinds of pagination share: `next` gives the request of the first page (from
/// `None`), then of the page after the one just read (from its items and `total_count`), or
/// `None` when there is none; the items are yielded one by one. Stops after the first error,
/// which is yielded.
fn pages<T, N>(mut next: N) -> impl Stream<Item = Result<T, Error>> + Send + 'static
where
    T: DeserializeOwned + Send + 'static,
    N: FnMut(Option<(&[T], Option<i64>)>) -> Option<Call> + Send + 'static,
{
    let request = next(None);
    let state = (next, Vec::new().into_iter(), request);
    futures_util::stream::unfold(state, |(mut next, mut buffer, mut request)| async move {
        loop {
            if let Some(item) = buffer.next() {
                return Some((Ok(item), (next, buffer, request)));
            }
            match request.take()?.send::<Page<T>>().await {
                Ok(page) => {
                    request = next(Some((&page.data, page.total_count)));
                    buffer = page.data.into_iter();
                }
                Err(e) => return Some((Err(e), (next, buffer, None))),
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
