//! The `jwt_cases` of clerk-testing's `vectors/auth-state-cases.json` (vectors recorded from
//! @clerk/backend 0.31.3), replayed through `decode_jwt` and `verify_jwt`.

use std::sync::Arc;

use clerk_core::{
    FixedClock, Issuer, VerificationKey, VerifyJwtOptions, decode_jwt, jwt::Jwk, verify_jwt,
};
use clerk_testing::conformance::cases;
use serde_json::Value;

#[test]
fn jwt_cases() {
    let all = cases();
    let cases = all["jwt_cases"].as_array().expect("jwt_cases");
    assert_eq!(cases.len(), 9);
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let input = &case["input"];
        let token = input["token"].as_str().unwrap();
        let expected = &case["expected"];
        let result = match case["kind"].as_str().unwrap() {
            "decode_jwt" => decode_jwt(token).map(|jwt| {
                assert_eq!(
                    Value::Object(jwt.header().fields().clone()),
                    expected["header"],
                    "{id} header"
                );
                assert_eq!(
                    jwt.signature().len() as u64,
                    expected["signature_len"].as_u64().unwrap(),
                    "{id}"
                );
                Value::Object(jwt.payload().clone())
            }),
            "verify_jwt" => {
                let jwk: Jwk = serde_json::from_value(input["key"].clone()).unwrap();
                let mut options = VerifyJwtOptions::new(VerificationKey::from_jwk(&jwk).unwrap())
                    .clock(Arc::new(FixedClock::from_unix_seconds(
                        case["now"].as_i64().unwrap(),
                    )));
                options = match &input["issuer"] {
                    Value::String(s) => options.issuer(Issuer::exact(s.clone())),
                    Value::Object(o) => {
                        options.issuer(Issuer::starts_with(o["starts_with"].as_str().unwrap()))
                    }
                    _ => options,
                };
                if let Some(parties) = input["authorized_parties"].as_array() {
                    options = options
                        .authorized_parties(parties.iter().map(|p| p.as_str().unwrap().to_owned()));
                }
                verify_jwt(token, &options).map(|claims| Value::Object(claims.all().clone()))
            }
            other => panic!("{id}: unknown kind {other}"),
        };
        match result {
            Ok(payload) => {
                assert_eq!(expected["ok"], true, "{id} should fail");
                assert_eq!(payload, expected["payload"], "{id} payload");
            }
            Err(e) => {
                assert_eq!(expected["ok"], false, "{id} failed: {e:?}");
                assert_eq!(e.reason().as_str(), expected["reason"], "{id} reason");
                assert_eq!(e.message(), expected["message"], "{id} message");
            }
        }
    }
}
