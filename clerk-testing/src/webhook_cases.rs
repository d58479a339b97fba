//! The shared cases of the `ClerkWebhook` extractors: an application that serves the routes
//! below, with a `WebhookVerifier` of [`signer`](Fixture::signer)'s secret, must answer every
//! case of [`replay`] over a real socket.
//!
//! | route | handler |
//! |---|---|
//! | `POST /webhooks/clerk` | `ClerkWebhook` (the envelope): answers `<message id> <type> <typed or other>` ([`describe`]) |
//! | `POST /webhooks/raw` | `ClerkWebhook<serde_json::Value>`: answers `data.id` |
//!
//! and, where the framework can serve one route without the verifier, `POST
//! /webhooks/unconfigured` (`ClerkWebhook` with no verifier set up: `500` naming the fix).

use std::time::{SystemTime, UNIX_EPOCH};

use clerk_core::{ClerkEvent, WebhookEvent};
use serde_json::json;

use crate::WebhookSigner;

/// What `POST /webhooks/clerk` answers for a delivery: its message id, its type, and whether it
/// parsed into a typed [`ClerkEvent`] (`typed`), is of a type this SDK does not know (`other`)
/// or is a known type whose data does not fit (`untyped`).
#[must_use]
pub fn describe(message_id: &str, event: &WebhookEvent) -> String {
    let typed = match event.typed() {
        Ok(ClerkEvent::Other { .. }) => "other",
        Ok(_) => "typed",
        Err(_) => "untyped",
    };
    format!("{message_id} {} {typed}", event.event_type)
}

/// A signer whose secret the application under test verifies with.
#[derive(Debug, Clone)]
pub struct Fixture {
    signer: WebhookSigner,
}

impl Default for Fixture {
    fn default() -> Self {
        Self::new()
    }
}

impl Fixture {
    /// A fresh random signing secret.
    #[must_use]
    pub fn new() -> Self {
        Self {
            signer: WebhookSigner::generate(),
        }
    }

    /// The signer; give its [`secret`](WebhookSigner::secret) to the app's verifier.
    #[must_use]
    pub fn signer(&self) -> &WebhookSigner {
        &self.signer
    }
}

/// A `user.created` event of `user_1` (the shape Clerk sends), with `padding` bytes of public
/// metadata to make it as large as a test needs.
#[must_use]
pub fn user_created(padding: usize) -> Vec<u8> {
    event("user.created", padding)
}

fn event(event_type: &str, padding: usize) -> Vec<u8> {
    json!({
        "data": {
            "id": "user_1",
            "object": "user",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email_addresses": [{
                "id": "idn_1",
                "object": "email_address",
                "email_address": "ada@example.com",
                "verification": {"status": "verified", "strategy": "email_code"},
                "linked_to": []
            }],
            "primary_email_address_id": "idn_1",
            "public_metadata": {"padding": "x".repeat(padding)},
            "private_metadata": {},
            "unsafe_metadata": {},
            "created_at": 1_654_012_591_514_i64,
            "updated_at": 1_654_012_591_835_i64
        },
        "event_attributes": {"http_request": {"client_ip": "192.0.2.1", "user_agent": "test"}},
        "instance_id": "ins_1",
        "object": "event",
        "timestamp": 1_654_012_591_835_i64,
        "type": event_type
    })
    .to_string()
    .into_bytes()
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// How a case must be answered.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    /// `200` with this body.
    Ok(String),
    /// `400` `invalid_webhook` with this reason.
    Invalid(&'static str),
    /// `413` `payload_too_large`.
    TooLarge,
}

/// Sends every case to the application at `base` (`http://host:port`) over a real socket and
/// checks the status and the body. With `unconfigured` (a part of the fix the framework's
/// answer names), also checks that `POST /webhooks/unconfigured` answers `500` naming it.
///
/// # Errors
///
/// Every failed case, one per line.
pub async fn replay(
    base: &str,
    fixture: &Fixture,
    unconfigured: Option<&str>,
) -> Result<(), String> {
    let signer = &fixture.signer;
    let client = reqwest::Client::new();
    let mut failures = Vec::new();
    let body = user_created(0);
    let mut cases: Vec<(&str, &str, Headers, Vec<u8>, Expect)> = Vec::new();

    let ts = now();
    let owned = |headers: [(&str, String); 3]| -> Headers {
        headers
            .into_iter()
            .map(|(n, v)| (n.to_owned(), v))
            .collect()
    };
    let signed = |id: &str, body: &[u8]| owned(signer.headers_at(id, ts, body));
    cases.push((
        "a signed user.created",
        "/webhooks/clerk",
        signed("msg_1", &body),
        body.clone(),
        Expect::Ok("msg_1 user.created typed".into()),
    ));
    let unknown = event("user.teleported", 0);
    cases.push((
        "an event type this SDK does not know",
        "/webhooks/clerk",
        signed("msg_2", &unknown),
        unknown,
        Expect::Ok("msg_2 user.teleported other".into()),
    ));
    let webhook_names: Headers = signed("msg_3", &body)
        .into_iter()
        .map(|(name, value)| (name.replacen("svix-", "webhook-", 1), value))
        .collect();
    cases.push((
        "Standard Webhooks header names",
        "/webhooks/clerk",
        webhook_names,
        body.clone(),
        Expect::Ok("msg_3 user.created typed".into()),
    ));
    // Over Rocket's default 8 KiB limit for bytes, under every webhook limit.
    let large = user_created(100 * 1024);
    cases.push((
        "a 100 KiB event",
        "/webhooks/clerk",
        signed("msg_4", &large),
        large,
        Expect::Ok("msg_4 user.created typed".into()),
    ));
    cases.push((
        "a custom body type",
        "/webhooks/raw",
        signed("msg_5", &body),
        body.clone(),
        Expect::Ok("user_1".into()),
    ));
    let mut tampered = body.clone();
    tampered.extend_from_slice(b" ");
    cases.push((
        "a body changed after signing",
        "/webhooks/clerk",
        signed("msg_6", &body),
        tampered,
        Expect::Invalid("no_matching_signature"),
    ));
    let mut unsigned = signed("msg_7", &body);
    unsigned.retain(|(name, _)| name != "svix-signature");
    cases.push((
        "no signature header",
        "/webhooks/clerk",
        unsigned,
        body.clone(),
        Expect::Invalid("missing_header"),
    ));
    cases.push((
        "a replay ten minutes later",
        "/webhooks/clerk",
        owned(signer.headers_at("msg_8", ts - 600, &body)),
        body.clone(),
        Expect::Invalid("timestamp_too_old"),
    ));
    cases.push((
        "a signed body that is not JSON",
        "/webhooks/clerk",
        signed("msg_9", b"not json"),
        b"not json".to_vec(),
        Expect::Invalid("invalid_payload"),
    ));
    let huge = user_created(3 * 1024 * 1024);
    cases.push((
        "a 3 MiB body",
        "/webhooks/clerk",
        signed("msg_10", &huge),
        huge,
        Expect::TooLarge,
    ));

    for (name, path, headers, body, expected) in cases {
        let mut request = client
            .post(format!("{base}{path}"))
            .header("content-type", "application/json")
            .body(body);
        for (header, value) in &headers {
            request = request.header(header, value);
        }
        let case = format!("{name} (POST {path}), expecting {expected:?}");
        let response = match request.send().await {
            Ok(response) => response,
            Err(e) => {
                failures.push(format!("{case}: {e}"));
                continue;
            }
        };
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let ok = match &expected {
            Expect::Ok(want) => status == 200 && text == *want,
            Expect::Invalid(reason) => {
                status == 400 && json["error"] == "invalid_webhook" && json["reason"] == *reason
            }
            Expect::TooLarge => status == 413 && json["error"] == "payload_too_large",
        };
        if !ok {
            failures.push(format!("{case}: {status} {text:.300}"));
        }
    }
    if let Some(fix) = unconfigured {
        let mut request = client
            .post(format!("{base}/webhooks/unconfigured"))
            .body(body.clone());
        for (header, value) in signer.headers_at("msg_11", now(), &body) {
            request = request.header(header, value);
        }
        let response = request.send().await;
        match response {
            Ok(response) => {
                let status = response.status().as_u16();
                let text = response.text().await.unwrap_or_default();
                let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
                let named = json["message"].as_str().is_some_and(|m| m.contains(fix));
                if status != 500 || json["error"] != "clerk_webhooks_not_configured" || !named {
                    failures.push(format!("no verifier: {status} {json}"));
                }
            }
            Err(e) => failures.push(format!("no verifier: {e}")),
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} cases failed:\n{}",
            failures.len(),
            failures.join("\n")
        ))
    }
}

/// A request's headers, `(name, value)`.
type Headers = Vec<(String, String)>;
