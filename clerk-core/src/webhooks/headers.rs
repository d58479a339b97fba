//! [`WebhookHeaders`]: the three signature headers, read without tying the core to an HTTP crate.

use super::error::{WebhookError, WebhookErrorKind};

/// The header names, Svix's first: Clerk sends `svix-*`; white-labelled Svix accounts send the
/// Standard Webhooks names `webhook-*`.
const NAMES: [[&str; 2]; 3] = [
    ["svix-id", "webhook-id"],
    ["svix-timestamp", "webhook-timestamp"],
    ["svix-signature", "webhook-signature"],
];

/// The three headers of a webhook delivery: the message id, the attempt timestamp and the
/// signatures.
///
/// Fill it from your framework's header map with [`from_lookup`](Self::from_lookup), or build
/// it directly when the values come from elsewhere.
///
/// ```
/// use clerk_core::WebhookHeaders;
///
/// let headers = WebhookHeaders {
///     id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
///     timestamp: "1614265330",
///     signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
/// };
/// assert_eq!(headers.id, "msg_p5jXN8AQM9LWM0D4loKWxJek");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookHeaders<'a> {
    /// `svix-id`: the message id, the same on every retry of a message.
    pub id: &'a str,
    /// `svix-timestamp`: when this attempt was sent, in Unix seconds.
    pub timestamp: &'a str,
    /// `svix-signature`: space-separated `v1,<base64>` signatures.
    pub signature: &'a str,
}

impl<'a> WebhookHeaders<'a> {
    /// Reads the headers through `get`, which is called with lower-case header names and returns
    /// the value if the request has that header. For each of the three it asks for the `svix-*`
    /// name first, then the `webhook-*` name. Values are trimmed; an empty value counts as
    /// missing.
    ///
    /// # Errors
    ///
    /// [`WebhookErrorKind::MissingHeader`], naming every header that is missing.
    ///
    /// ```
    /// use clerk_core::WebhookHeaders;
    ///
    /// let request = [
    ///     ("webhook-id", "msg_1"),
    ///     ("webhook-timestamp", " 1614265330 "),
    ///     ("webhook-signature", "v1,abc="),
    /// ];
    /// let headers = WebhookHeaders::from_lookup(|name| {
    ///     request.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    /// })?;
    /// assert_eq!(headers.timestamp, "1614265330");
    /// # Ok::<(), clerk_core::WebhookError>(())
    /// ```
    pub fn from_lookup<F>(mut get: F) -> Result<Self, WebhookError>
    where
        F: FnMut(&str) -> Option<&'a str>,
    {
        let mut values = [""; 3];
        let mut missing = Vec::new();
        for (slot, names) in values.iter_mut().zip(NAMES) {
            let found = names
                .iter()
                .filter_map(|name| get(name).map(str::trim))
                .find(|v| !v.is_empty());
            match found {
                Some(v) => *slot = v,
                None => missing.push(names[0]),
            }
        }
        if !missing.is_empty() {
            return Err(WebhookError::new(
                WebhookErrorKind::MissingHeader,
                format!(
                    "missing required webhook headers: {} (or their webhook-* names)",
                    missing.join(", ")
                ),
            ));
        }
        let [id, timestamp, signature] = values;
        Ok(Self {
            id,
            timestamp,
            signature,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl FnMut(&str) -> Option<&'a str> {
        move |name| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    }

    #[test]
    fn svix_names_win_over_webhook_names() {
        let pairs = [
            ("webhook-id", "w"),
            ("svix-id", "s"),
            ("svix-timestamp", "1"),
            ("webhook-signature", "v1,x"),
        ];
        let h = WebhookHeaders::from_lookup(lookup(&pairs)).unwrap();
        assert_eq!((h.id, h.timestamp, h.signature), ("s", "1", "v1,x"));
    }

    #[test]
    fn blank_svix_value_falls_back_to_webhook_name() {
        let pairs = [
            ("svix-id", "  "),
            ("webhook-id", "w"),
            ("svix-timestamp", "1"),
            ("svix-signature", "v1,x"),
        ];
        let h = WebhookHeaders::from_lookup(lookup(&pairs)).unwrap();
        assert_eq!(h.id, "w");
    }

    #[test]
    fn every_missing_header_is_named() {
        let pairs = [("svix-timestamp", "1"), ("svix-signature", "\t")];
        let e = WebhookHeaders::from_lookup(lookup(&pairs)).unwrap_err();
        assert_eq!(e.kind(), WebhookErrorKind::MissingHeader);
        assert!(e.message().contains("svix-id, svix-signature"), "{e}");
        assert!(!e.message().contains("svix-timestamp"), "{e}");
    }
}
