//! Webhooks the emulator sends: the events its store emits, their Svix-signed delivery to the
//! app's endpoint with retries, and the record of every delivery.

use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::StatusCode;
use serde_json::{Value, json};
use tokio::sync::{mpsc, watch};

use super::exchange::{Resp, Shared, json as json_response};
use super::server::stopped;
use super::store::{new_id, now_ms};
use crate::WebhookSigner;

/// The delays before the retries of a failed attempt: 4 attempts in all, the first at once.
pub(crate) const DEFAULT_RETRY_DELAYS: [Duration; 3] = [
    Duration::from_millis(250),
    Duration::from_secs(1),
    Duration::from_secs(2),
];

/// How long one attempt may take, as Svix allows.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(15);

/// At most this many deliveries are kept for [`super::Emulator::webhook_deliveries`] (oldest
/// dropped first), so a long-running emulator does not grow without bound.
const MAX_RECORDS: usize = 1000;

/// Where and how the emulator delivers: the app's endpoint, the signer, the retry delays.
pub(crate) struct WebhookTarget {
    pub(crate) url: String,
    pub(crate) signer: WebhookSigner,
    pub(crate) retry_delays: Vec<Duration>,
    pub(crate) client: reqwest::Client,
}

impl fmt::Debug for WebhookTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The signer redacts its secret.
        f.debug_struct("WebhookTarget")
            .field("url", &self.url)
            .field("signer", &self.signer)
            .field("retry_delays", &self.retry_delays)
            .finish_non_exhaustive()
    }
}

// ---- the request behind a change ------------------------------------------------------------

/// The request that caused a change: Clerk's `event_attributes.http_request`.
#[derive(Debug, Clone, Default)]
pub(crate) struct HttpRequest {
    pub(crate) client_ip: String,
    pub(crate) user_agent: String,
}

tokio::task_local! {
    // Set around the (synchronous) routing of each request, so the store's mutations can name
    // the request behind them without every handler passing it down.
    static REQUEST: HttpRequest;
}

/// Runs `f` (the routing of one request) with `request` as the cause of the events it emits.
pub(crate) fn with_request<R>(request: HttpRequest, f: impl FnOnce() -> R) -> R {
    REQUEST.sync_scope(request, f)
}

// ---- the outbox -----------------------------------------------------------------------------

/// An event waiting for the delivery task: its message id and the exact body to send.
#[derive(Debug)]
pub(crate) struct Queued {
    message_id: String,
    body: String,
}

/// Where the store puts its events: the queue of the delivery task and the delivery records.
/// It lives in the store, so events are queued in the order the changes happen.
#[derive(Debug)]
pub(crate) struct Outbox {
    instance_id: String,
    queue: mpsc::UnboundedSender<Queued>,
    records: VecDeque<WebhookDelivery>,
}

impl Outbox {
    /// An outbox of the instance `instance_id`, and the receiving end for the delivery task.
    pub(crate) fn new(instance_id: String) -> (Self, mpsc::UnboundedReceiver<Queued>) {
        let (queue, rx) = mpsc::unbounded_channel();
        let outbox = Self {
            instance_id,
            queue,
            records: VecDeque::new(),
        };
        (outbox, rx)
    }

    /// Wraps `data` in Clerk's event envelope and queues it.
    pub(crate) fn push(&mut self, event_type: &str, data: Value) {
        let request = REQUEST.try_with(Clone::clone).unwrap_or_default();
        let body = json!({
            "data": data,
            "object": "event",
            "type": event_type,
            "timestamp": now_ms(),
            "instance_id": self.instance_id,
            "event_attributes": {
                "http_request": {
                    "client_ip": request.client_ip,
                    "user_agent": request.user_agent,
                },
            },
        })
        .to_string();
        let message_id = new_id("msg");
        if self.records.len() >= MAX_RECORDS {
            self.records.pop_front();
        }
        self.records.push_back(WebhookDelivery {
            message_id: message_id.clone(),
            event_type: event_type.to_owned(),
            body: body.clone(),
            status: WebhookDeliveryStatus::Pending,
            attempts: Vec::new(),
        });
        // The receiver only goes away with the emulator; then there is nobody to deliver to.
        let _ = self.queue.send(Queued { message_id, body });
    }

    /// The deliveries so far, oldest first.
    pub(crate) fn records(&self) -> Vec<WebhookDelivery> {
        self.records.iter().cloned().collect()
    }

    fn record_attempt(
        &mut self,
        message_id: &str,
        attempt: WebhookAttempt,
        status: WebhookDeliveryStatus,
    ) {
        if let Some(r) = self
            .records
            .iter_mut()
            .rev()
            .find(|r| r.message_id == message_id)
        {
            r.attempts.push(attempt);
            r.status = status;
        }
    }
}

// ---- the public records ---------------------------------------------------------------------

/// One webhook the emulator sent (or is sending): see
/// [`Emulator::webhook_deliveries`](super::Emulator::webhook_deliveries).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WebhookDelivery {
    /// The `svix-id` of every attempt (`msg_...`): the app's idempotency key.
    pub message_id: String,
    /// The event's `type`, e.g. `user.created`.
    pub event_type: String,
    /// The JSON body, byte for byte as sent: Clerk's event envelope.
    pub body: String,
    /// Delivered, failed, or still being tried.
    pub status: WebhookDeliveryStatus,
    /// The attempts so far, in order.
    pub attempts: Vec<WebhookAttempt>,
}

/// Where a [`WebhookDelivery`] stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookDeliveryStatus {
    /// Queued, or between attempts.
    Pending,
    /// An attempt was answered with a `2xx` status.
    Delivered,
    /// Every attempt failed; the emulator gave up.
    Failed,
}

impl WebhookDeliveryStatus {
    /// `"pending"`, `"delivered"` or `"failed"`, as `GET /emulator/webhooks` shows it.
    ///
    /// ```
    /// use clerk_testing::WebhookDeliveryStatus;
    ///
    /// assert_eq!(WebhookDeliveryStatus::Delivered.as_str(), "delivered");
    /// ```
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }
}

/// One attempt of a [`WebhookDelivery`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WebhookAttempt {
    /// When it was sent, in Unix milliseconds.
    pub sent_at: i64,
    /// What came back.
    pub outcome: WebhookAttemptOutcome,
}

/// What came back from one [`WebhookAttempt`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookAttemptOutcome {
    /// The endpoint answered with this HTTP status (`2xx` = delivered).
    Status(u16),
    /// No answer: the connection failed or the attempt timed out (15 s).
    Error(String),
}

// ---- delivery -------------------------------------------------------------------------------

/// Delivers the queued events one after another, in order, until the emulator stops.
pub(crate) async fn deliver(
    shared: Arc<Shared>,
    mut queue: mpsc::UnboundedReceiver<Queued>,
    mut stop: watch::Receiver<bool>,
) {
    let Some(target) = shared.webhook.as_ref() else {
        return;
    };
    loop {
        let queued = tokio::select! {
            () = stopped(&mut stop) => return,
            queued = queue.recv() => match queued {
                Some(q) => q,
                None => return,
            },
        };
        tokio::select! {
            () = stopped(&mut stop) => return,
            () = deliver_one(&shared, target, &queued) => {}
        }
    }
}

/// Tries one event until an attempt gets a `2xx` or the retries run out.
async fn deliver_one(shared: &Shared, target: &WebhookTarget, queued: &Queued) {
    let delays = std::iter::once(Duration::ZERO).chain(target.retry_delays.iter().copied());
    let attempts = target.retry_delays.len() + 1;
    for (n, delay) in delays.enumerate() {
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let sent_at = now_ms();
        let outcome = attempt(target, queued).await;
        let delivered =
            matches!(outcome, WebhookAttemptOutcome::Status(s) if (200..300).contains(&s));
        let status = if delivered {
            WebhookDeliveryStatus::Delivered
        } else if n + 1 == attempts {
            WebhookDeliveryStatus::Failed
        } else {
            WebhookDeliveryStatus::Pending
        };
        if let Some(outbox) = shared.lock().webhooks.as_mut() {
            outbox.record_attempt(
                &queued.message_id,
                WebhookAttempt { sent_at, outcome },
                status,
            );
        }
        if delivered {
            return;
        }
    }
}

/// One signed `POST`: a fresh timestamp and signature, the same message id every time.
async fn attempt(target: &WebhookTarget, queued: &Queued) -> WebhookAttemptOutcome {
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let [id, ts, signature] =
        target
            .signer
            .headers_at(&queued.message_id, timestamp, queued.body.as_bytes());
    let sent = target
        .client
        .post(&target.url)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(id.0, id.1)
        .header(ts.0, ts.1)
        .header(signature.0, signature.1)
        .body(queued.body.clone())
        .send()
        .await;
    match sent {
        Ok(resp) => WebhookAttemptOutcome::Status(resp.status().as_u16()),
        Err(e) => WebhookAttemptOutcome::Error(describe(&e)),
    }
}

/// An error with its causes ("error sending request ...: connection refused").
fn describe(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// The HTTP client of the deliveries: no proxy (the endpoint is usually the app on loopback,
/// which a proxy from the environment could not reach) and the attempt timeout.
pub(crate) fn client() -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(ATTEMPT_TIMEOUT)
        .user_agent(concat!("clerk-emulator/", env!("CARGO_PKG_VERSION")))
        .build()
}

// ---- GET /emulator/webhooks -----------------------------------------------------------------

/// `GET /emulator/webhooks`: the endpoint and every delivery with its attempts, as JSON.
pub(crate) fn page(shared: &Shared) -> Resp {
    let records = shared
        .lock()
        .webhooks
        .as_ref()
        .map(Outbox::records)
        .unwrap_or_default();
    let deliveries: Vec<Value> = records.iter().map(delivery_json).collect();
    json_response(
        StatusCode::OK,
        &json!({
            "url": shared.webhook.as_ref().map(|t| t.url.as_str()),
            "deliveries": deliveries,
        }),
    )
}

fn delivery_json(d: &WebhookDelivery) -> Value {
    let attempts: Vec<Value> = d
        .attempts
        .iter()
        .map(|a| match &a.outcome {
            WebhookAttemptOutcome::Status(s) => json!({"sent_at": a.sent_at, "status": s}),
            WebhookAttemptOutcome::Error(e) => json!({"sent_at": a.sent_at, "error": e}),
        })
        .collect();
    json!({
        "message_id": d.message_id,
        "event_type": d.event_type,
        "status": d.status.as_str(),
        "attempts": attempts,
        "event": serde_json::from_str::<Value>(&d.body).unwrap_or(Value::Null),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_carries_the_request_and_records_start_pending() {
        let (mut outbox, mut rx) = Outbox::new("ins_1".into());
        with_request(
            HttpRequest {
                client_ip: "127.0.0.1".into(),
                user_agent: "test/1".into(),
            },
            || {
                outbox.push(
                    "user.deleted",
                    json!({"object": "user", "id": "user_1", "deleted": true}),
                )
            },
        );
        outbox.push("organization.deleted", json!({"id": "org_1"}));
        let first = rx.try_recv().unwrap();
        let second = rx.try_recv().unwrap();
        assert!(first.message_id.starts_with("msg_") && first.message_id.len() == 31);
        assert_ne!(first.message_id, second.message_id);
        let body: Value = serde_json::from_str(&first.body).unwrap();
        assert_eq!(body["type"], "user.deleted");
        assert_eq!(body["object"], "event");
        assert_eq!(body["instance_id"], "ins_1");
        assert_eq!(body["data"]["deleted"], true);
        assert!(body["timestamp"].as_i64().unwrap() > 1_600_000_000_000);
        assert_eq!(
            body["event_attributes"]["http_request"],
            json!({"client_ip": "127.0.0.1", "user_agent": "test/1"})
        );
        // Outside a request: the attributes are empty, not absent.
        let body: Value = serde_json::from_str(&second.body).unwrap();
        assert_eq!(
            body["event_attributes"]["http_request"],
            json!({"client_ip": "", "user_agent": ""})
        );
        let records = outbox.records();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].status, WebhookDeliveryStatus::Pending);
        assert_eq!(records[0].body, first.body);
        assert!(records[0].attempts.is_empty());

        outbox.record_attempt(
            &first.message_id,
            WebhookAttempt {
                sent_at: 1,
                outcome: WebhookAttemptOutcome::Status(200),
            },
            WebhookDeliveryStatus::Delivered,
        );
        let json = delivery_json(&outbox.records()[0]);
        assert_eq!(json["status"], "delivered");
        assert_eq!(json["attempts"], json!([{"sent_at": 1, "status": 200}]));
        assert_eq!(json["event"]["type"], "user.deleted");
    }

    #[test]
    fn records_are_bounded() {
        let (mut outbox, _rx) = Outbox::new("ins_1".into());
        for _ in 0..MAX_RECORDS + 5 {
            outbox.push("user.updated", json!({}));
        }
        assert_eq!(outbox.records().len(), MAX_RECORDS);
    }

    #[derive(Debug)]
    struct Outer(std::io::Error);

    impl fmt::Display for Outer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("error sending request")
        }
    }

    impl std::error::Error for Outer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn errors_name_their_causes() {
        let e = Outer(std::io::Error::new(
            std::io::ErrorKind::ConnectionRefused,
            "connection refused",
        ));
        assert_eq!(describe(&e), "error sending request: connection refused");
    }
}
