//! Every signature vector of `clerk-testing/vectors/webhooks/signatures.json` (see the README
//! there), plus the pitfalls of webhook verification: re-serialized bodies, `webhook-*` headers,
//! rotated secrets, the exact tolerance boundaries, malformed signature entries, non-UTF-8 and
//! large bodies.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use aws_lc_rs::hmac;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use clerk_core::{
    ClerkEvent, FixedClock, WebhookError, WebhookErrorKind, WebhookHeaders, WebhookSecretErrorKind,
    WebhookVerifier,
};
use clerk_testing::WebhookSigner;
use serde_json::Value;

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../clerk-testing/vectors/webhooks/signatures.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn payload(case: &Value) -> Vec<u8> {
    if let Some(p) = case["payload"].as_str() {
        return p.as_bytes().to_vec();
    }
    let repeat = &case["payload_repeat"];
    let byte = repeat["byte"].as_str().unwrap().as_bytes()[0];
    vec![byte; usize::try_from(repeat["count"].as_u64().unwrap()).unwrap()]
}

fn verifier_at(secret: &str, now: i64) -> WebhookVerifier {
    WebhookVerifier::new(secret)
        .unwrap()
        .clock(Arc::new(FixedClock::from_unix_seconds(now)))
}

fn expect_code(result: &Result<impl Sized, WebhookError>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(e) => e.kind().as_str(),
    }
}

#[test]
fn sign_vectors() {
    let v = vectors();
    let cases = v["sign"].as_array().unwrap();
    assert_eq!(cases.len(), 7);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let secret = case["secret"].as_str().unwrap();
        let id = case["msg_id"].as_str().unwrap();
        let ts = case["timestamp"].as_i64().unwrap();
        let body = payload(case);
        let expected = case["expected"].as_str().unwrap();

        let signer = WebhookSigner::new(secret).unwrap();
        assert_eq!(signer.sign(id, ts, &body), expected, "{name}: signer");

        let verifier = verifier_at(secret, ts);
        let headers = WebhookHeaders {
            id,
            timestamp: &ts.to_string(),
            signature: expected,
        };
        let meta = verifier
            .verify(headers, &body)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(meta.message_id, id, "{name}");
        assert_eq!(meta.attempt_unix_secs, ts, "{name}");

        // The same signature over one more byte is refused.
        let mut longer = body.clone();
        longer.push(b' ');
        assert_eq!(
            expect_code(&verifier.verify(headers, &longer)),
            "no_matching_signature",
            "{name}"
        );
    }
}

#[test]
fn verify_vectors() {
    let v = vectors();
    let cases = v["verify"].as_array().unwrap();
    assert_eq!(cases.len(), 22);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let headers: BTreeMap<String, String> =
            serde_json::from_value(case["headers"].clone()).unwrap();
        let verifier = verifier_at(
            case["secret"].as_str().unwrap(),
            case["now"].as_i64().unwrap(),
        );
        let result = WebhookHeaders::from_lookup(|n| headers.get(n).map(String::as_str))
            .and_then(|h| verifier.verify(h, &payload(case)));
        assert_eq!(
            expect_code(&result),
            case["expect"].as_str().unwrap(),
            "{name}"
        );
    }
}

#[test]
fn secret_parsing_vectors() {
    let v = vectors();
    let cases = v["secret_parsing"].as_array().unwrap();
    assert_eq!(cases.len(), 6);
    for case in cases {
        let input = case["input"].as_str().unwrap();
        if let Some(error) = case["error"].as_str() {
            assert_eq!(error, "empty_secret");
            let err = WebhookVerifier::new(input).unwrap_err();
            assert_eq!(err.kind(), WebhookSecretErrorKind::Missing, "{input:?}");
            continue;
        }
        // The key is right when the verifier accepts a MAC made independently with it.
        let key = hex(case["key_hex"].as_str().unwrap());
        let mut mac = hmac::Context::with_key(&hmac::Key::new(hmac::HMAC_SHA256, &key));
        mac.update(b"msg_1.1700000000.{}");
        let signature = format!("v1,{}", STANDARD.encode(mac.sign().as_ref()));
        let headers = WebhookHeaders {
            id: "msg_1",
            timestamp: "1700000000",
            signature: &signature,
        };
        let verifier = verifier_at(input, 1_700_000_000);
        assert!(verifier.verify(headers, b"{}").is_ok(), "{input}");
    }
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const NOW: i64 = 1_700_000_000;

fn signed(signer: &WebhookSigner, ts: i64, body: &[u8]) -> (String, String) {
    (ts.to_string(), signer.sign("msg_1", ts, body))
}

fn check(verifier: &WebhookVerifier, ts: &str, sig: &str, body: &[u8]) -> &'static str {
    let headers = WebhookHeaders {
        id: "msg_1",
        timestamp: ts,
        signature: sig,
    };
    expect_code(&verifier.verify(headers, body))
}

#[test]
fn reserialized_body_fails() {
    let signer = WebhookSigner::new(SECRET).unwrap();
    let body = "{\"type\": \"user.created\",\n \"data\": {\"first_name\": \"Zoë\"}}";
    let (ts, sig) = signed(&signer, NOW, body.as_bytes());
    let verifier = verifier_at(SECRET, NOW);
    assert_eq!(check(&verifier, &ts, &sig, body.as_bytes()), "ok");
    let reserialized = serde_json::to_vec(&serde_json::from_str::<Value>(body).unwrap()).unwrap();
    assert_ne!(reserialized, body.as_bytes());
    assert_eq!(
        check(&verifier, &ts, &sig, &reserialized),
        "no_matching_signature"
    );
}

#[test]
fn webhook_only_headers_are_accepted() {
    let signer = WebhookSigner::new(SECRET).unwrap();
    let (ts, sig) = signed(&signer, NOW, b"{}");
    let pairs = [
        ("webhook-id", "msg_1"),
        ("webhook-timestamp", ts.as_str()),
        ("webhook-signature", sig.as_str()),
    ];
    let headers =
        WebhookHeaders::from_lookup(|n| pairs.iter().find(|(k, _)| *k == n).map(|(_, v)| *v))
            .unwrap();
    assert!(verifier_at(SECRET, NOW).verify(headers, b"{}").is_ok());
}

#[test]
fn multiple_and_rotated_signatures() {
    let old = WebhookSigner::new(SECRET).unwrap();
    let new = WebhookSigner::generate();
    let body = b"{\"type\":\"user.updated\"}";
    let (ts, old_sig) = signed(&old, NOW, body);
    let (_, new_sig) = signed(&new, NOW, body);
    // During a rotation the header carries one signature per secret; either verifier accepts.
    let both = format!("{new_sig} {old_sig}");
    assert_eq!(check(&verifier_at(SECRET, NOW), &ts, &both, body), "ok");
    assert_eq!(
        check(&verifier_at(new.secret(), NOW), &ts, &both, body),
        "ok"
    );
    assert_eq!(
        check(&verifier_at(new.secret(), NOW), &ts, &old_sig, body),
        "no_matching_signature"
    );
    // Unknown versions and junk entries are skipped, wherever they are.
    let noisy = format!("v1a,abc  junk v2,{} {old_sig} ,", &old_sig[3..]);
    assert_eq!(check(&verifier_at(SECRET, NOW), &ts, &noisy, body), "ok");
}

#[test]
fn tolerance_boundaries_with_a_fixed_clock() {
    let signer = WebhookSigner::new(SECRET).unwrap();
    let verifier = verifier_at(SECRET, NOW);
    for (offset, expected) in [
        (-301, "timestamp_too_old"),
        (-300, "ok"),
        (0, "ok"),
        (300, "ok"),
        (301, "timestamp_too_new"),
    ] {
        let (ts, sig) = signed(&signer, NOW + offset, b"{}");
        assert_eq!(check(&verifier, &ts, &sig, b"{}"), expected, "{offset}");
    }
    // The clock is read in whole seconds: 999 ms past the second does not age the message.
    let ms_clock = WebhookVerifier::new(SECRET)
        .unwrap()
        .clock(Arc::new(FixedClock::from_unix_millis(NOW * 1000 + 999)));
    let (ts, sig) = signed(&signer, NOW - 300, b"{}");
    assert_eq!(check(&ms_clock, &ts, &sig, b"{}"), "ok");
    // A configured tolerance moves both boundaries.
    let tight = verifier_at(SECRET, NOW).tolerance(Duration::from_secs(10));
    let (ts, sig) = signed(&signer, NOW - 11, b"{}");
    assert_eq!(check(&tight, &ts, &sig, b"{}"), "timestamp_too_old");
    let (ts, sig) = signed(&signer, NOW + 10, b"{}");
    assert_eq!(check(&tight, &ts, &sig, b"{}"), "ok");
    // Extreme timestamps neither overflow nor pass.
    let (ts, sig) = signed(&signer, i64::MAX, b"{}");
    assert_eq!(check(&verifier, &ts, &sig, b"{}"), "timestamp_too_new");
    let (ts, sig) = signed(&signer, 0, b"{}");
    assert_eq!(check(&verifier, &ts, &sig, b"{}"), "timestamp_too_old");
}

#[test]
fn the_timestamp_is_checked_before_the_signature() {
    let verifier = verifier_at(SECRET, NOW);
    assert_eq!(
        check(&verifier, &(NOW - 1000).to_string(), "v1,forged", b"{}"),
        "timestamp_too_old"
    );
    assert_eq!(
        check(&verifier, "1700000000.5", "v1,forged", b"{}"),
        "invalid_timestamp"
    );
}

#[test]
fn entries_with_extra_parts_or_lenient_base64_do_not_match() {
    let signer = WebhookSigner::new(SECRET).unwrap();
    let verifier = verifier_at(SECRET, NOW);
    let (ts, sig) = signed(&signer, NOW, b"{}");
    let extra = format!("{sig},extra");
    assert_eq!(
        check(&verifier, &ts, &extra, b"{}"),
        "no_matching_signature"
    );
    assert_eq!(
        check(&verifier, &ts, &format!("{extra} {sig}"), b"{}"),
        "ok"
    );
    let unpadded = sig.trim_end_matches('=');
    assert_ne!(unpadded, sig);
    assert_eq!(
        check(&verifier, &ts, unpadded, b"{}"),
        "no_matching_signature"
    );
    let urlsafe = sig.replace('+', "-").replace('/', "_");
    if urlsafe != sig {
        assert_eq!(
            check(&verifier, &ts, &urlsafe, b"{}"),
            "no_matching_signature"
        );
    }
    assert_eq!(
        check(&verifier, &ts, &sig.to_uppercase(), b"{}"),
        "no_matching_signature"
    );
    assert_eq!(
        check(&verifier, &ts, &format!("V1{}", &sig[2..]), b"{}"),
        "no_matching_signature"
    );
}

#[test]
fn non_utf8_body_verifies_and_is_rejected_when_parsed() {
    let signer = WebhookSigner::new(SECRET).unwrap();
    let verifier = verifier_at(SECRET, NOW);
    let body = b"{\"type\":\"user.created\",\"data\":{\"first_name\":\"\xff\"}}";
    let (ts, sig) = signed(&signer, NOW, body);
    let headers = WebhookHeaders {
        id: "msg_1",
        timestamp: &ts,
        signature: &sig,
    };
    // The MAC runs over bytes, so the signature itself is fine ...
    assert!(verifier.verify(headers, body).is_ok());
    // ... and the JSON stage refuses the body.
    let err = verifier.verify_event(headers, body).unwrap_err();
    assert_eq!(err.kind(), WebhookErrorKind::InvalidPayload);
    // A forged non-UTF-8 body fails at the signature, before any parsing.
    let err = verifier.verify_event(headers, b"\xff\xfe").unwrap_err();
    assert_eq!(err.kind(), WebhookErrorKind::NoMatchingSignature);
}

#[test]
fn large_body() {
    let signer = WebhookSigner::new(SECRET).unwrap();
    let verifier = verifier_at(SECRET, NOW);
    let mut body = br#"{"type":"email.created","data":{"body":""#.to_vec();
    body.extend(std::iter::repeat_n(b'x', 4 << 20));
    body.extend_from_slice(br#""}}"#);
    let (ts, sig) = signed(&signer, NOW, &body);
    let headers = WebhookHeaders {
        id: "msg_1",
        timestamp: &ts,
        signature: &sig,
    };
    let delivery = verifier.verify_event(headers, &body).unwrap();
    let ClerkEvent::EmailCreated(email) = delivery.event.typed().unwrap() else {
        panic!("not an email event");
    };
    assert_eq!(email.body.map(|b| b.len()), Some(4 << 20));
}

#[test]
fn the_message_id_is_exposed_and_stable_across_retries() {
    let signer = WebhookSigner::new(SECRET).unwrap();
    let verifier = verifier_at(SECRET, NOW);
    let body = br#"{"type":"user.teleported","object":"event","data":{"id":"user_1"}}"#;
    let mut ids = Vec::new();
    // Svix retries a message with the same id and a new timestamp and signature.
    for ts in [NOW - 120, NOW - 5] {
        let headers = signer.headers_at("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", ts, body);
        let h = WebhookHeaders::from_lookup(|n| {
            headers
                .iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| v.as_str())
        })
        .unwrap();
        let delivery = verifier.verify_event(h, body).unwrap();
        assert_eq!(delivery.meta.attempt_unix_secs, ts);
        // An unknown event type verifies and parses: answer 2xx.
        assert!(matches!(
            delivery.event.typed().unwrap(),
            ClerkEvent::Other { .. }
        ));
        ids.push(delivery.meta.message_id);
    }
    assert_eq!(ids[0], ids[1]);
    assert_eq!(ids[0], "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W");
}

#[test]
fn from_env_with_names_the_variable_and_keeps_the_secret_out() {
    let err = WebhookVerifier::from_env_with(|_| None).unwrap_err();
    assert_eq!(err.kind(), WebhookSecretErrorKind::Missing);
    assert!(err.to_string().contains("CLERK_WEBHOOK_SIGNING_SECRET"));
    let err = WebhookVerifier::from_env_with(|name| {
        (name == "CLERK_WEBHOOK_SIGNING_SECRET").then(|| "whsec_TOPSECRET!!".to_owned())
    })
    .unwrap_err();
    assert_eq!(err.kind(), WebhookSecretErrorKind::NotBase64);
    assert!(!err.to_string().contains("TOPSECRET"), "{err}");
    assert!(!format!("{err:?}").contains("TOPSECRET"), "{err:?}");
    let v = WebhookVerifier::from_env_with(|name| {
        (name == "CLERK_WEBHOOK_SIGNING_SECRET").then(|| SECRET.to_owned())
    })
    .unwrap();
    assert!(!format!("{v:?}").contains("MfKQ"));
}

#[test]
fn errors_never_echo_the_signature_or_body() {
    let verifier = verifier_at(SECRET, NOW);
    let sig = "v1,SIGNATUREVALUEAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    let headers = WebhookHeaders {
        id: "msg_1",
        timestamp: &NOW.to_string(),
        signature: sig,
    };
    let err = verifier.verify(headers, b"BODYVALUE").unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(
        !shown.contains("SIGNATUREVALUE") && !shown.contains("BODYVALUE"),
        "{shown}"
    );
}
