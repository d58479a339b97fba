//! The emulator's webhooks over real sockets: an endpoint on 127.0.0.1 receives the deliveries
//! and verifies each with `clerk_core::WebhookVerifier` built from the emulator's secret.

mod common;

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use clerk_core::api::SessionStatus;
use clerk_core::{ClerkEvent, Delivery, WebhookEvent, WebhookHeaders, WebhookVerifier};
use clerk_testing::{
    Emulator, EmulatorBuilder, WebhookAttemptOutcome, WebhookDelivery, WebhookDeliveryStatus,
    WebhookSigner,
};
use common::{body_json, http, sign_in_to};
use http_body_util::{BodyExt as _, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use reqwest::Method;
use serde_json::{Value, json};
use tokio::sync::mpsc;

/// One request the endpoint received.
#[derive(Debug)]
struct Received {
    headers: http::HeaderMap,
    body: Bytes,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
}

/// An app's webhook endpoint: answers the scripted statuses in turn (then `200`), after
/// `delay`, and hands every request to the test.
struct Endpoint {
    url: String,
    received: mpsc::UnboundedReceiver<Received>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Endpoint {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Endpoint {
    async fn start(statuses: &[u16], delay: Duration) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/webhooks/clerk", listener.local_addr().unwrap());
        let statuses = Arc::new(Mutex::new(
            statuses.iter().copied().collect::<VecDeque<_>>(),
        ));
        let (tx, received) = mpsc::unbounded_channel();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let statuses = Arc::clone(&statuses);
                let tx = tx.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req: http::Request<Incoming>| {
                        let statuses = Arc::clone(&statuses);
                        let tx = tx.clone();
                        async move {
                            let (parts, body) = req.into_parts();
                            let body = body.collect().await.unwrap().to_bytes();
                            assert_eq!(parts.method, http::Method::POST);
                            assert_eq!(parts.uri.path(), "/webhooks/clerk");
                            let _ = tx.send(Received {
                                headers: parts.headers,
                                body,
                            });
                            tokio::time::sleep(delay).await;
                            let status = statuses.lock().unwrap().pop_front().unwrap_or(200);
                            let mut resp = http::Response::new(Full::new(Bytes::new()));
                            *resp.status_mut() = http::StatusCode::from_u16(status).unwrap();
                            Ok::<_, Infallible>(resp)
                        }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self {
            url,
            received,
            task,
        }
    }

    /// The next request, within 10 s.
    async fn next(&mut self) -> Received {
        tokio::time::timeout(Duration::from_secs(10), self.received.recv())
            .await
            .expect("a delivery within 10 s")
            .unwrap()
    }

    /// The next `n` requests, verified, with their events.
    async fn events(
        &mut self,
        verifier: &WebhookVerifier,
        n: usize,
    ) -> Vec<Delivery<WebhookEvent>> {
        let mut out = Vec::new();
        for _ in 0..n {
            out.push(verify(verifier, &self.next().await));
        }
        out
    }

    /// Nothing more arrives within 300 ms.
    async fn assert_quiet(&mut self) {
        let more = tokio::time::timeout(Duration::from_millis(300), self.received.recv()).await;
        assert!(more.is_err(), "unexpected delivery: {more:?}");
    }
}

fn verify(verifier: &WebhookVerifier, r: &Received) -> Delivery<WebhookEvent> {
    assert_eq!(r.header("content-type"), "application/json");
    let headers =
        WebhookHeaders::from_lookup(|name| r.headers.get(name).and_then(|v| v.to_str().ok()))
            .unwrap();
    verifier.verify_event(headers, &r.body).unwrap()
}

fn verifier(emulator: &Emulator) -> WebhookVerifier {
    WebhookVerifier::new(emulator.webhook_signing_secret().unwrap()).unwrap()
}

fn builder(endpoint: &Endpoint) -> EmulatorBuilder {
    Emulator::builder()
        .webhook(endpoint.url.clone())
        .webhook_retry_delays([Duration::from_millis(20); 3])
}

/// A Backend API call with the secret key and a recognisable `User-Agent`; the status and the
/// JSON answer.
async fn bapi(
    emulator: &Emulator,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = http()
        .request(method, format!("{}/v1{path}", emulator.url()))
        .bearer_auth(emulator.secret_key())
        .header("user-agent", "webhook-test/1");
    if let Some(body) = body {
        req = req
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, body_json(resp).await)
}

fn types(events: &[Delivery<WebhookEvent>]) -> Vec<&str> {
    events.iter().map(|d| d.event.event_type.as_str()).collect()
}

/// Waits until every delivery has settled (delivered or failed), within 10 s.
async fn settled(emulator: &Emulator, n: usize) -> Vec<WebhookDelivery> {
    let start = Instant::now();
    loop {
        let all = emulator.webhook_deliveries();
        if all.len() == n
            && all
                .iter()
                .all(|d| d.status != WebhookDeliveryStatus::Pending)
        {
            return all;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "{all:#?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn user_create_update_delete_arrive_in_order_signed_and_typed() {
    let mut endpoint = Endpoint::start(&[], Duration::ZERO).await;
    let emulator = builder(&endpoint).start().await.unwrap();
    let verifier = verifier(&emulator);

    let (status, created) = bapi(
        &emulator,
        Method::POST,
        "/users",
        Some(json!({"email_address": ["ann@example.com"], "first_name": "Ann"})),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let (_, updated) = bapi(
        &emulator,
        Method::PATCH,
        &format!("/users/{id}"),
        Some(json!({"first_name": "Anna"})),
    )
    .await;
    let (_, deleted) = bapi(&emulator, Method::DELETE, &format!("/users/{id}"), None).await;

    let events = endpoint.events(&verifier, 3).await;
    endpoint.assert_quiet().await;
    assert_eq!(
        types(&events),
        ["user.created", "user.updated", "user.deleted"]
    );
    // The data is the Backend API's answer, byte for byte the same JSON value.
    assert_eq!(events[0].event.data, created);
    assert_eq!(events[1].event.data, updated);
    assert_eq!(events[2].event.data, deleted);
    assert_eq!(
        deleted,
        json!({"object": "user", "id": id, "deleted": true})
    );

    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    for d in &events {
        let e = &d.event;
        assert_eq!(e.object, "event");
        assert_eq!(e.instance_id, emulator.instance().kid());
        assert!((e.timestamp - i64::try_from(now.as_millis()).unwrap()).abs() < 10_000);
        assert!((d.meta.attempt_unix_secs - i64::try_from(now.as_secs()).unwrap()).abs() < 10);
        assert!(
            d.meta.message_id.starts_with("msg_"),
            "{}",
            d.meta.message_id
        );
        let request = e
            .event_attributes
            .as_ref()
            .unwrap()
            .http_request
            .as_ref()
            .unwrap();
        assert_eq!(request.client_ip, "127.0.0.1");
        assert_eq!(request.user_agent, "webhook-test/1");
    }
    match events[0].event.typed().unwrap() {
        ClerkEvent::UserCreated(user) => {
            assert_eq!(user.id, id);
            assert_eq!(user.first_name.as_deref(), Some("Ann"));
            assert_eq!(
                user.primary_email_address().unwrap().email_address,
                "ann@example.com"
            );
        }
        other => panic!("{other:?}"),
    }
    match events[1].event.typed().unwrap() {
        ClerkEvent::UserUpdated(user) => assert_eq!(user.first_name.as_deref(), Some("Anna")),
        other => panic!("{other:?}"),
    }
    match events[2].event.typed().unwrap() {
        ClerkEvent::UserDeleted(d) => {
            assert_eq!(d.id.as_deref(), Some(id.as_str()));
            assert!(d.deleted);
        }
        other => panic!("{other:?}"),
    }

    // The record and the JSON page show the same deliveries.
    let records = settled(&emulator, 3).await;
    for (record, d) in records.iter().zip(&events) {
        assert_eq!(record.message_id, d.meta.message_id);
        assert_eq!(record.event_type, d.event.event_type.as_str());
        assert_eq!(record.status, WebhookDeliveryStatus::Delivered);
        assert_eq!(record.attempts.len(), 1);
        assert_eq!(
            record.attempts[0].outcome,
            WebhookAttemptOutcome::Status(200)
        );
        assert_eq!(
            serde_json::from_str::<Value>(&record.body).unwrap()["data"],
            d.event.data
        );
    }
    let page = body_json(
        http()
            .get(format!("{}/emulator/webhooks", emulator.url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(page["url"], endpoint.url);
    let shown = page["deliveries"].as_array().unwrap();
    assert_eq!(shown.len(), 3);
    assert_eq!(shown[0]["message_id"], records[0].message_id);
    assert_eq!(shown[0]["event_type"], "user.created");
    assert_eq!(shown[0]["status"], "delivered");
    assert_eq!(shown[0]["attempts"][0]["status"], 200);
    assert_eq!(shown[2]["event"]["data"], deleted);
    assert!(
        !page
            .to_string()
            .contains(emulator.webhook_signing_secret().unwrap())
    );

    // A failed call changes nothing and reports nothing.
    let (status, _) = bapi(
        &emulator,
        Method::PATCH,
        "/users/user_nobody",
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = bapi(
        &emulator,
        Method::PATCH,
        "/users/user_admin/metadata",
        Some(json!({"public_metadata": 5})),
    )
    .await;
    assert_eq!(status, 422);
    endpoint.assert_quiet().await;
}

#[tokio::test]
async fn organizations_and_memberships_report_every_change() {
    let mut endpoint = Endpoint::start(&[], Duration::ZERO).await;
    let emulator = builder(&endpoint).start().await.unwrap();
    let verifier = verifier(&emulator);

    let (status, org) = bapi(
        &emulator,
        Method::POST,
        "/organizations",
        Some(json!({"name": "Hooks Ltd", "created_by": "user_admin"})),
    )
    .await;
    assert_eq!(status, 200, "{org}");
    let org_id = org["id"].as_str().unwrap().to_owned();
    let base = format!("/organizations/{org_id}");
    let calls: Vec<(Method, String, Option<Value>, u16)> = vec![
        (
            Method::PATCH,
            base.clone(),
            Some(json!({"name": "Hooks Inc"})),
            200,
        ),
        (
            Method::PATCH,
            format!("{base}/metadata"),
            Some(json!({"public_metadata": {"plan": "pro"}})),
            200,
        ),
        (
            Method::POST,
            format!("{base}/memberships"),
            Some(json!({"user_id": "user_solo", "role": "org:member"})),
            200,
        ),
        (
            Method::PATCH,
            format!("{base}/memberships/user_solo"),
            Some(json!({"role": "org:admin"})),
            200,
        ),
        (
            Method::PATCH,
            format!("{base}/memberships/user_solo/metadata"),
            Some(json!({"public_metadata": {"seat": 1}})),
            200,
        ),
        // Refused, so nothing changes and nothing is reported.
        (
            Method::PATCH,
            format!("{base}/memberships/user_solo/metadata"),
            Some(json!({"public_metadata": {"seat": 2}, "private_metadata": "x"})),
            422,
        ),
        (
            Method::POST,
            format!("{base}/memberships"),
            Some(json!({"user_id": "user_solo", "role": "org:member"})),
            400,
        ),
        (
            Method::DELETE,
            format!("{base}/memberships/user_solo"),
            None,
            200,
        ),
        (Method::DELETE, base.clone(), None, 200),
    ];
    let mut answers = vec![org.clone()];
    for (method, path, body, expected) in calls {
        let (status, answer) = bapi(&emulator, method, &path, body).await;
        assert_eq!(status, expected, "{path}: {answer}");
        if status == 200 {
            answers.push(answer);
        }
    }

    let events = endpoint.events(&verifier, 10).await;
    endpoint.assert_quiet().await;
    assert_eq!(
        types(&events),
        [
            "organization.created",
            "organizationMembership.created",
            "organization.updated",
            "organization.updated",
            "organizationMembership.created",
            "organizationMembership.updated",
            "organizationMembership.updated",
            "organizationMembership.deleted",
            "organizationMembership.deleted",
            "organization.deleted",
        ]
    );
    // Each answered call's event carries its answer.
    for (event, answer) in [0, 2, 3, 4, 5, 6, 7, 9].iter().zip(&answers) {
        assert_eq!(&events[*event].event.data, answer, "event {event}");
    }
    let typed: Vec<ClerkEvent> = events.iter().map(|d| d.event.typed().unwrap()).collect();
    match &typed[0] {
        ClerkEvent::OrganizationCreated(o) => {
            assert_eq!(
                (o.id.as_str(), o.slug.as_str()),
                (org_id.as_str(), "hooks-ltd")
            );
        }
        other => panic!("{other:?}"),
    }
    match &typed[1] {
        ClerkEvent::OrganizationMembershipCreated(m) => {
            assert_eq!(m.role, "org:admin");
            assert_eq!(m.organization.id, org_id);
            let user = m.public_user_data.as_ref().unwrap();
            assert_eq!(user.user_id, "user_admin");
        }
        other => panic!("{other:?}"),
    }
    match &typed[3] {
        ClerkEvent::OrganizationUpdated(o) => {
            assert_eq!(o.name, "Hooks Inc");
            assert_eq!(o.public_metadata["plan"], "pro");
        }
        other => panic!("{other:?}"),
    }
    match &typed[6] {
        ClerkEvent::OrganizationMembershipUpdated(m) => {
            assert_eq!(m.role, "org:admin");
            assert_eq!(m.public_metadata, json!({"seat": 1}));
        }
        other => panic!("{other:?}"),
    }
    match &typed[8] {
        ClerkEvent::OrganizationMembershipDeleted(m) => {
            let user = m.public_user_data.as_ref().unwrap();
            assert_eq!(user.user_id, "user_admin");
        }
        other => panic!("{other:?}"),
    }
    match &typed[9] {
        ClerkEvent::OrganizationDeleted(d) => {
            assert_eq!(d.id.as_deref(), Some(org_id.as_str()));
            assert_eq!(d.slug.as_deref(), Some("hooks-ltd"));
            assert!(d.deleted);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn sessions_from_the_pages_and_the_backend_api() {
    let mut endpoint = Endpoint::start(&[], Duration::ZERO).await;
    let emulator = builder(&endpoint).start().await.unwrap();
    let verifier = verifier(&emulator);

    // Sign in through the page, then as someone else in the same browser, then sign out.
    let (cookie, _) = sign_in_to(&emulator, "user_member", "http://127.0.0.1:3000/").await;
    let resp = http()
        .post(format!("{}/sign-in", emulator.url()))
        .header("origin", emulator.url())
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("user_id=user_solo")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let resp = http()
        .get(format!("{}/sign-out", emulator.url()))
        .header("cookie", &cookie)
        .header("user-agent", "browser/1")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let events = endpoint.events(&verifier, 4).await;
    assert_eq!(
        types(&events),
        [
            "session.created",
            "session.ended",
            "session.created",
            "session.ended"
        ]
    );
    let sessions: Vec<_> = events
        .iter()
        .map(|d| match d.event.typed().unwrap() {
            ClerkEvent::SessionCreated(s) | ClerkEvent::SessionEnded(s) => s,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(sessions[0].session.user_id, "user_member");
    assert_eq!(sessions[0].session.status, SessionStatus::Active);
    assert_eq!(
        sessions[0].user.as_ref().unwrap().first_name.as_deref(),
        Some("Max")
    );
    assert_eq!(sessions[1].session.id, sessions[0].session.id);
    assert_eq!(sessions[1].session.status, SessionStatus::Ended);
    assert_eq!(sessions[2].session.user_id, "user_solo");
    assert_eq!(sessions[3].session.id, sessions[2].session.id);
    assert_eq!(sessions[3].session.status, SessionStatus::Ended);
    let signed_out = &events[3].event.event_attributes.as_ref().unwrap();
    assert_eq!(
        signed_out.http_request.as_ref().unwrap().user_agent,
        "browser/1"
    );

    // The Backend API: create, revoke (once), and delete a user who has a session and a
    // membership: the membership and the session go first.
    let (_, session) = bapi(
        &emulator,
        Method::POST,
        "/sessions",
        Some(json!({"user_id": "user_admin"})),
    )
    .await;
    let sid = session["id"].as_str().unwrap().to_owned();
    let (_, revoked) = bapi(
        &emulator,
        Method::POST,
        &format!("/sessions/{sid}/revoke"),
        None,
    )
    .await;
    let (status, _) = bapi(
        &emulator,
        Method::POST,
        &format!("/sessions/{sid}/revoke"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (_, again) = bapi(
        &emulator,
        Method::POST,
        "/sessions",
        Some(json!({"user_id": "user_admin"})),
    )
    .await;
    let (status, _) = bapi(&emulator, Method::DELETE, "/users/user_admin", None).await;
    assert_eq!(status, 200);
    let events = endpoint.events(&verifier, 6).await;
    endpoint.assert_quiet().await;
    assert_eq!(
        types(&events),
        [
            "session.created",
            "session.revoked",
            "session.created",
            "organizationMembership.deleted",
            "session.removed",
            "user.deleted",
        ]
    );
    let mut created = session.clone();
    created["user"] = events[0].event.data["user"].clone();
    assert_eq!(events[0].event.data, created, "the session with its user");
    assert_eq!(events[0].event.data["user"]["id"], "user_admin");
    assert_eq!(events[1].event.data["status"], "revoked");
    assert_eq!(events[1].event.data["id"], revoked["id"]);
    match events[4].event.typed().unwrap() {
        ClerkEvent::SessionRemoved(s) => {
            assert_eq!(s.session.id, again["id"].as_str().unwrap());
            assert_eq!(s.session.status, SessionStatus::Removed);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        events[3].event.typed().unwrap(),
        ClerkEvent::OrganizationMembershipDeleted(_)
    ));
    assert!(matches!(
        events[5].event.typed().unwrap(),
        ClerkEvent::UserDeleted(_)
    ));
}

#[tokio::test]
async fn non_2xx_is_retried_with_the_same_message_id_and_later_events_wait() {
    let mut endpoint = Endpoint::start(&[500, 503], Duration::ZERO).await;
    let emulator = builder(&endpoint).start().await.unwrap();
    let verifier = verifier(&emulator);

    let (_, created) = bapi(
        &emulator,
        Method::POST,
        "/users",
        Some(json!({"first_name": "n0"})),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_owned();
    for n in 1..=5 {
        let (status, _) = bapi(
            &emulator,
            Method::PATCH,
            &format!("/users/{id}"),
            Some(json!({"first_name": format!("n{n}")})),
        )
        .await;
        assert_eq!(status, 200);
    }

    let deliveries = endpoint.events(&verifier, 8).await;
    endpoint.assert_quiet().await;
    // The first event three times (500, 503, 200) with one id, then the others in order.
    let first = &deliveries[0].meta.message_id;
    assert!(deliveries[..3].iter().all(|d| &d.meta.message_id == first));
    assert_eq!(deliveries[0].event.data, deliveries[2].event.data);
    let names: Vec<&str> = deliveries[2..]
        .iter()
        .map(|d| d.event.data["first_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["n0", "n1", "n2", "n3", "n4", "n5"]);
    let ids: std::collections::HashSet<&str> = deliveries[2..]
        .iter()
        .map(|d| d.meta.message_id.as_str())
        .collect();
    assert_eq!(ids.len(), 6);

    let records = settled(&emulator, 6).await;
    assert_eq!(records[0].status, WebhookDeliveryStatus::Delivered);
    let outcomes: Vec<&WebhookAttemptOutcome> =
        records[0].attempts.iter().map(|a| &a.outcome).collect();
    assert_eq!(
        outcomes,
        [
            &WebhookAttemptOutcome::Status(500),
            &WebhookAttemptOutcome::Status(503),
            &WebhookAttemptOutcome::Status(200),
        ]
    );
    assert!(
        records[0]
            .attempts
            .windows(2)
            .all(|w| w[0].sent_at <= w[1].sent_at)
    );
    assert!(records[1..].iter().all(|r| r.attempts.len() == 1));
}

#[tokio::test]
async fn an_endpoint_that_is_down_fails_and_the_emulator_keeps_serving() {
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let emulator = Emulator::builder()
        .webhook(format!("http://127.0.0.1:{port}/webhooks/clerk"))
        .webhook_retry_delays([Duration::from_millis(10); 3])
        .start()
        .await
        .unwrap();
    let (_, created) = bapi(
        &emulator,
        Method::POST,
        "/users",
        Some(json!({"first_name": "Down"})),
    )
    .await;
    let id = created["id"].as_str().unwrap();
    let (_, _) = bapi(
        &emulator,
        Method::PATCH,
        &format!("/users/{id}"),
        Some(json!({"last_name": "Under"})),
    )
    .await;
    let records = settled(&emulator, 2).await;
    for r in &records {
        assert_eq!(r.status, WebhookDeliveryStatus::Failed, "{r:?}");
        assert_eq!(r.attempts.len(), 4);
        assert!(
            r.attempts
                .iter()
                .all(|a| matches!(&a.outcome, WebhookAttemptOutcome::Error(e) if !e.is_empty())),
            "{r:?}"
        );
    }
    let page = body_json(
        http()
            .get(format!("{}/emulator/webhooks", emulator.url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(page["deliveries"][1]["status"], "failed");
    assert!(page["deliveries"][1]["attempts"][3]["error"].is_string());
    let (status, user) = bapi(&emulator, Method::GET, &format!("/users/{id}"), None).await;
    assert_eq!((status, user["last_name"].as_str()), (200, Some("Under")));
}

#[tokio::test]
async fn a_slow_endpoint_never_holds_up_the_answers() {
    let mut endpoint = Endpoint::start(&[], Duration::from_millis(1500)).await;
    let emulator = builder(&endpoint).start().await.unwrap();
    let verifier = verifier(&emulator);
    let started = Instant::now();
    for n in 0..3 {
        let (status, _) = bapi(
            &emulator,
            Method::POST,
            "/users",
            Some(json!({"first_name": format!("s{n}")})),
        )
        .await;
        assert_eq!(status, 200);
    }
    assert!(
        started.elapsed() < Duration::from_millis(1000),
        "{:?}",
        started.elapsed()
    );
    let events = endpoint.events(&verifier, 3).await;
    assert_eq!(types(&events), ["user.created"; 3]);
}

#[tokio::test]
async fn without_a_webhook_nothing_is_sent_or_shown() {
    let emulator = Emulator::start().await.unwrap();
    assert_eq!(emulator.webhook_signing_secret(), None);
    assert_eq!(emulator.webhook_url(), None);
    let (status, _) = bapi(
        &emulator,
        Method::POST,
        "/users",
        Some(json!({"first_name": "Quiet"})),
    )
    .await;
    assert_eq!(status, 200);
    assert!(emulator.webhook_deliveries().is_empty());
    let page = body_json(
        http()
            .get(format!("{}/emulator/webhooks", emulator.url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(page, json!({"url": null, "deliveries": []}));
    assert!(
        emulator
            .env_vars()
            .iter()
            .all(|(name, _)| *name != "CLERK_WEBHOOK_SIGNING_SECRET")
    );
}

#[tokio::test]
async fn a_given_secret_is_used_and_exported_and_bad_configuration_is_refused() {
    let mut endpoint = Endpoint::start(&[], Duration::ZERO).await;
    let signer = WebhookSigner::generate();
    let builder = builder(&endpoint).webhook_signing_secret(signer.secret());
    assert!(!format!("{builder:?}").contains(signer.secret()));
    // On a thread of its own: the delivery task runs on the emulator's runtime.
    let emulator = builder.start_on_thread().unwrap();
    assert_eq!(emulator.webhook_signing_secret(), Some(signer.secret()));
    assert_eq!(emulator.webhook_url(), Some(endpoint.url.as_str()));
    assert_eq!(
        emulator.env_vars().last().unwrap(),
        &("CLERK_WEBHOOK_SIGNING_SECRET", signer.secret().to_owned())
    );
    assert!(!format!("{emulator:?}").contains(signer.secret()));
    bapi(
        &emulator,
        Method::POST,
        "/users",
        Some(json!({"first_name": "T"})),
    )
    .await;
    let verifier = WebhookVerifier::new(signer.secret()).unwrap();
    let events = endpoint.events(&verifier, 1).await;
    assert_eq!(types(&events), ["user.created"]);

    for (url, secret, expected) in [
        ("127.0.0.1:3000/hooks", None, "not an absolute http(s) URL"),
        ("ftp://127.0.0.1/hooks", None, "not an absolute http(s) URL"),
        (
            "http://127.0.0.1:3000/hooks",
            Some("whsec_not base64!"),
            "whsec_",
        ),
        ("http://127.0.0.1:3000/hooks", Some(""), "whsec_"),
    ] {
        let mut b = Emulator::builder().webhook(url);
        if let Some(secret) = secret {
            b = b.webhook_signing_secret(secret);
        }
        let err = b.start().await.unwrap_err().to_string();
        assert!(err.contains(expected), "{url} {secret:?}: {err}");
    }
}
