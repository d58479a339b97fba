//! The emulator's Backend API answers conform to Clerk's official OpenAPI spec.
//!
//! Prism (`prism proxy <spec with /v1 paths> <emulator URL> --errors`) sits in front of a running
//! `clerk-emulator` and validates every request and response against the spec. With `--errors`
//! a violation turns the answer into a `4xx`/`500` problem document, and every answer carries
//! the violations found in its `sl-violations` header. This test drives the typed
//! [`ClerkClient`] through the proxy for every operation the emulator serves, in a scenario
//! that creates, reads, updates and deletes real data, plus the emulator's `ClerkErrors`
//! answers (404, 422), and fails on any violation.
//!
//! `.ci/emulator-conformance` starts the emulator and the proxy and runs it; by hand:
//!
//! ```text
//! cargo run -p clerk-testing --bin clerk-emulator -- --port 4011   # prints CLERK_SECRET_KEY
//! sed -E 's#^  /#  /v1/#' third_party/clerk-openapi/bapi/openapi.yaml > /tmp/openapi.v1.yaml
//! .ci/node_modules/.bin/prism proxy /tmp/openapi.v1.yaml http://127.0.0.1:4011 --errors -h 127.0.0.1 -p 4012
//! CLERK_EMULATOR_PROXY_URL=http://127.0.0.1:4012 CLERK_SECRET_KEY=<printed key> \
//!     cargo test -p clerk-testing --test spec_conformance -- --ignored --nocapture
//! ```
//!
//! Prism forwards the request path as it is: the upstream is the emulator's bare URL, and the
//! `/v1` prefix lives in the spec copy's paths (as in `.ci/bapi-mock`).

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use clerk_core::__private::ObserveResponses as _;
use clerk_core::ClerkClient;
use clerk_core::api::{Patch, RetryPolicy, SessionStatus};
use serde_json::{Value, json};

const HOW: &str = "needs the emulator behind a Prism validating proxy: run .ci/emulator-conformance \
                   (it sets CLERK_EMULATOR_PROXY_URL and CLERK_SECRET_KEY)";

/// Every operation of the spec the emulator serves, by `operationId`.
const EMULATED: &[&str] = &[
    "GetJWKS",
    "GetUserList",
    "GetUsersCount",
    "GetUser",
    "CreateUser",
    "UpdateUser",
    "UpdateUserMetadata",
    "DeleteUser",
    "UsersGetOrganizationMemberships",
    "createSession",
    "GetSessionList",
    "GetSession",
    "RevokeSession",
    "CreateSessionToken",
    "CreateSessionTokenFromTemplate",
    "ListOrganizations",
    "CreateOrganization",
    "GetOrganization",
    "UpdateOrganization",
    "MergeOrganizationMetadata",
    "DeleteOrganization",
    "ListOrganizationMemberships",
    "CreateOrganizationMembership",
    "UpdateOrganizationMembership",
    "UpdateOrganizationMembershipMetadata",
    "DeleteOrganizationMembership",
];

/// What went through the proxy.
#[derive(Default)]
struct Log {
    /// Per operation, the statuses seen.
    seen: BTreeMap<String, Vec<u16>>,
    /// `sl-violations` headers, with their operation and status.
    violations: Vec<String>,
}

struct Conformance {
    client: ClerkClient,
    http: reqwest::Client,
    url: String,
    key: String,
    log: Arc<Mutex<Log>>,
    failures: Vec<String>,
}

impl Conformance {
    fn new() -> Self {
        let url = std::env::var("CLERK_EMULATOR_PROXY_URL").unwrap_or_else(|_| panic!("{HOW}"));
        let key = std::env::var("CLERK_SECRET_KEY").unwrap_or_else(|_| panic!("{HOW}"));
        let log = Arc::new(Mutex::new(Log::default()));
        let sink = Arc::clone(&log);
        let client = ClerkClient::builder()
            .secret_key(key.clone())
            .api_url(url.clone())
            .retry(RetryPolicy::disabled())
            .observe_responses(move |op, status, headers| {
                let mut log = sink.lock().unwrap();
                log.seen.entry(op.to_owned()).or_default().push(status);
                for v in headers.get_all("sl-violations") {
                    log.violations
                        .push(format!("{op} ({status}): {}", v.to_str().unwrap_or("?")));
                }
            })
            .build()
            .expect("client");
        Self {
            client,
            http: reqwest::Client::new(),
            url,
            key,
            log,
            failures: Vec::new(),
        }
    }

    /// The answer of a call expected to succeed; records a failure (and returns `None`) when
    /// it did not.
    fn ok<T: Debug>(&mut self, what: &str, result: Result<T, clerk_core::Error>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.failures.push(format!("{what}: {e}"));
                None
            }
        }
    }

    /// A call expected to fail with `status` (an emulator `ClerkErrors` answer).
    fn err<T: Debug>(&mut self, what: &str, status: u16, result: Result<T, clerk_core::Error>) {
        match result {
            Err(e) if e.status() == Some(status) => {}
            other => self
                .failures
                .push(format!("{what}: expected a {status} error, got {other:?}")),
        }
    }

    /// An operation the typed client does not wrap, sent raw through the proxy.
    async fn raw(&mut self, op: &str, method: reqwest::Method, path: &str, body: Value) -> Value {
        let resp = self
            .http
            .request(method, format!("{}{path}", self.url))
            .bearer_auth(&self.key)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap_or_else(|e| panic!("{op}: {e}"));
        let status = resp.status().as_u16();
        {
            let mut log = self.log.lock().unwrap();
            log.seen.entry(op.to_owned()).or_default().push(status);
            for v in resp.headers().get_all("sl-violations") {
                log.violations
                    .push(format!("{op} ({status}): {}", v.to_str().unwrap_or("?")));
            }
        }
        let text = resp.text().await.unwrap_or_default();
        if status != 200 {
            self.failures.push(format!("{op}: {status} {text}"));
        }
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// Whether Prism validates what goes through `url`: a request violating the spec (a
    /// non-numeric `limit`) gets Prism's own problem document, not the emulator's answer.
    async fn assert_validating_proxy(&self) {
        let resp = self
            .http
            .get(format!("{}/v1/users?limit=not-a-number", self.url))
            .bearer_auth(&self.key)
            .send()
            .await
            .unwrap_or_else(|e| panic!("cannot reach {}: {e}", self.url));
        let content_type = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = resp.text().await.unwrap_or_default();
        assert!(
            content_type.starts_with("application/problem+json")
                && body.contains("stoplight.io/prism"),
            "{} is not a Prism validating proxy (--errors): an invalid request got \
             {content_type}: {body}",
            self.url
        );
    }

    fn finish(self) {
        let log = self.log.lock().unwrap();
        println!("operations checked through the Prism validating proxy:");
        for (op, statuses) in &log.seen {
            println!("  {op:<40} {statuses:?}");
        }
        let missing: Vec<&&str> = EMULATED
            .iter()
            .filter(|op| !log.seen.contains_key(**op))
            .collect();
        assert!(
            log.violations.is_empty() && self.failures.is_empty() && missing.is_empty(),
            "the emulator's answers do not conform to the spec\nviolations: {:#?}\nfailures: {:#?}\n\
             operations not exercised: {missing:?}",
            log.violations,
            self.failures
        );
        println!(
            "{} operations, {} calls, no violation",
            log.seen.len(),
            log.seen.values().map(Vec::len).sum::<usize>()
        );
    }
}

#[tokio::test]
#[ignore = "needs the emulator behind a Prism validating proxy: run .ci/emulator-conformance"]
async fn emulated_operations_conform_to_the_official_spec() {
    let mut t = Conformance::new();
    t.assert_validating_proxy().await;
    let c = t.client.clone();

    // JWKS.
    let r = c.jwks().get().send().await;
    t.ok("jwks", r);

    // Users: read the demo data, create, update, metadata, memberships.
    let r = c
        .users()
        .list()
        .limit(10)
        .offset(0)
        .order_by("-created_at")
        .send()
        .await;
    t.ok("users list", r);
    let r = c
        .users()
        .list()
        .email_address("ada@example.com")
        .organization_id("org_demo")
        .query("ada")
        .send()
        .await;
    t.ok("users list, filtered", r);
    let r = c
        .users()
        .count()
        .email_address("max@example.com")
        .send()
        .await;
    t.ok("users count", r);
    let r = c.users().get("user_admin").send().await;
    t.ok("users get", r);
    let r = c.users().get("user_nobody").send().await;
    t.err("users get, unknown", 404, r);
    let r = c
        .users()
        .create()
        .email_address("grace@example.com")
        .first_name("Grace")
        .last_name("Hopper")
        .username("grace")
        .external_id("ext_grace")
        .public_metadata(json!({"plan": "pro"}))
        .private_metadata(json!({"crm_id": 7}))
        .unsafe_metadata(json!({}))
        .send()
        .await;
    let grace = t.ok("users create", r).map(|u| u.id);
    let r = c
        .users()
        .create()
        .email_address("ada@example.com")
        .send()
        .await;
    t.err("users create, email taken", 422, r);
    if let Some(grace) = &grace {
        let r = c
            .users()
            .update(grace)
            .first_name("Grace B.")
            .last_name(Patch::Null)
            .send()
            .await;
        t.ok("users update", r);
        let r = c
            .users()
            .update_metadata(grace)
            .public_metadata(json!({"plan": "enterprise"}))
            .private_metadata(json!({"crm_id": null}))
            .send()
            .await;
        t.ok("users update metadata", r);
    }
    let r = c
        .users()
        .organization_memberships("user_admin")
        .limit(10)
        .offset(0)
        .send()
        .await;
    t.ok("users organization memberships", r);

    // Organizations.
    let r = c
        .organizations()
        .list()
        .include_members_count(true)
        .query("acme")
        .limit(10)
        .offset(0)
        .send()
        .await;
    t.ok("organizations list", r);
    let mut create = c.organizations().create("Globex").slug("globex");
    if let Some(grace) = &grace {
        create = create.created_by(grace);
    }
    let r = create
        .max_allowed_memberships(10)
        .public_metadata(json!({"tier": "gold"}))
        .send()
        .await;
    let globex = t.ok("organizations create", r).map(|o| o.id);
    let r = c
        .organizations()
        .get("acme")
        .include_members_count(true)
        .send()
        .await;
    t.ok("organizations get by slug", r);
    let r = c.organizations().get("org_nothing").send().await;
    t.err("organizations get, unknown", 404, r);
    if let Some(globex) = &globex {
        let r = c.organizations().get(globex).send().await;
        t.ok("organizations get by id", r);
        let r = c
            .organizations()
            .update(globex)
            .name("Globex Corporation")
            .max_allowed_memberships(20)
            .send()
            .await;
        t.ok("organizations update", r);
        let r = c
            .organizations()
            .merge_metadata(globex)
            .public_metadata(json!({"tier": "platinum"}))
            .private_metadata(json!({"billing": "annual"}))
            .send()
            .await;
        t.ok("organizations merge metadata", r);

        // Memberships.
        let r = c
            .organization_memberships()
            .create(globex, "user_member", "org:member")
            .public_metadata(json!({"team": "core"}))
            .send()
            .await;
        t.ok("memberships create", r);
        let r = c
            .organization_memberships()
            .list(globex)
            .order_by("-created_at")
            .limit(10)
            .send()
            .await;
        t.ok("memberships list", r);
        let r = c
            .organization_memberships()
            .update(globex, "user_member", "org:admin")
            .send()
            .await;
        t.ok("memberships update", r);
        let r = c
            .organization_memberships()
            .update_metadata(globex, "user_member")
            .public_metadata(json!({"team": "platform"}))
            .send()
            .await;
        t.ok("memberships update metadata", r);
        let r = c
            .organization_memberships()
            .delete(globex, "user_member")
            .send()
            .await;
        t.ok("memberships delete", r);
        let r = c
            .organization_memberships()
            .delete(globex, "user_member")
            .send()
            .await;
        t.err("memberships delete, gone", 404, r);
    }
    let r = c
        .organization_memberships()
        .list("org_demo")
        .role("org:admin")
        .send()
        .await;
    t.ok("memberships list, by role", r);

    // Sessions: the spec's createSession is not wrapped by the client; send it raw.
    let session = t
        .raw(
            "createSession",
            reqwest::Method::POST,
            "/v1/sessions",
            json!({"user_id": "user_admin"}),
        )
        .await;
    if let Some(sid) = session["id"].as_str() {
        let r = c
            .sessions()
            .list()
            .user_id("user_admin")
            .status(SessionStatus::Active)
            .limit(10)
            .offset(0)
            .send()
            .await;
        t.ok("sessions list", r);
        let r = c.sessions().get(sid).send().await;
        t.ok("sessions get", r);
        let r = c.sessions().create_token(sid).send().await;
        t.ok("sessions create token", r);
        let r = c
            .sessions()
            .create_token(sid)
            .expires_in_seconds(120)
            .send()
            .await;
        t.ok("sessions create token, expires_in_seconds", r);
        let r = c
            .sessions()
            .create_token_from_template(sid, "supabase")
            .send()
            .await;
        t.ok("sessions create token from template", r);
        let r = c.sessions().revoke(sid).send().await;
        t.ok("sessions revoke", r);
    }
    let r = c.sessions().get("sess_nothing").send().await;
    t.err("sessions get, unknown", 404, r);

    // Clean up: deletes.
    if let Some(globex) = &globex {
        let r = c.organizations().delete(globex).send().await;
        t.ok("organizations delete", r);
    }
    if let Some(grace) = &grace {
        let r = c.users().delete(grace).send().await;
        t.ok("users delete", r);
        let r = c.users().delete(grace).send().await;
        t.err("users delete, gone", 404, r);
    }

    t.finish();
}
