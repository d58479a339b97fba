//! Every check of `verify_jwt`, in Clerk's order, with exact reasons and messages, and each time
//! boundary with the clock skew, on a fixed clock.

mod common;

use std::sync::Arc;
use std::time::Duration;

use clerk_core::{
    FixedClock, Issuer, TokenVerificationErrorReason as R, VerificationKey, VerifyJwtOptions,
    verify_jwt,
};
use common::*;
use serde_json::{Value, json};

fn options() -> VerifyJwtOptions {
    VerifyJwtOptions::new(VerificationKey::from_pem(CLERK_PUBLIC_PEM).unwrap())
        .clock(Arc::new(FixedClock::from_unix_seconds(NOW)))
}

fn with(payload_edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> String {
    let mut p = claims(NOW);
    payload_edit(p.as_object_mut().unwrap());
    token_with(&header(), &p)
}

fn err(token: &str, options: &VerifyJwtOptions) -> (R, String) {
    let e = verify_jwt(token, options).unwrap_err();
    (e.reason(), e.full_message("header"))
}

const ENSURE: &str = "Make sure that this is a valid Clerk generate JWT.";

#[test]
fn a_clerk_shaped_token_verifies_and_exposes_its_claims() {
    let claims = verify_jwt(&token(), &options()).unwrap();
    assert_eq!(claims.user_id(), "user_123");
    assert_eq!(claims.session_id(), Some("sess_123"));
    assert_eq!(claims.issuer(), Some("https://clerk.example.com"));
    assert_eq!(claims.authorized_party(), Some("https://example.com"));
    assert_eq!(claims.expires_at(), NOW + 60);
}

#[test]
fn step2_typ_must_be_absent_or_jwt() {
    let mut h = header();
    h.as_object_mut().unwrap().remove("typ");
    assert!(verify_jwt(&token_with(&h, &claims(NOW)), &options()).is_ok());
    for typ in [json!("at+jwt"), json!("JWS"), json!(null), json!(1)] {
        h["typ"] = typ.clone();
        let (reason, message) = err(&token_with(&h, &claims(NOW)), &options());
        assert_eq!(reason, R::TokenInvalid);
        assert_eq!(
            message,
            format!(
                "Invalid JWT type {typ}. Expected \"JWT\". {ENSURE} (reason=token-invalid, token-carrier=header)"
            )
        );
    }
}

#[test]
fn step3_alg_must_be_rsa_pkcs1() {
    for alg in [
        json!("HS256"),
        json!("none"),
        json!("rs256"),
        json!("PS256"),
        json!(null),
    ] {
        let mut h = header();
        h["alg"] = alg.clone();
        let (reason, message) = err(&token_with(&h, &claims(NOW)), &options());
        assert_eq!(reason, R::TokenInvalidAlgorithm);
        assert!(
            message.starts_with(&format!(
                "Invalid JWT algorithm {alg}. Supported: RS256,RS384,RS512."
            )),
            "{message}"
        );
    }
    let mut h = header();
    h.as_object_mut().unwrap().remove("alg");
    let (_, message) = err(&token_with(&h, &claims(NOW)), &options());
    assert!(message.starts_with("Invalid JWT algorithm undefined."));
}

#[test]
fn step4_sub_must_be_a_string() {
    let t = with(|p| {
        p.remove("sub");
    });
    assert_eq!(
        err(&t, &options()),
        (
            R::TokenVerificationFailed,
            format!(
                "Subject claim (sub) is required and must be a string. Received undefined. {ENSURE} (reason=token-verification-failed, token-carrier=header)"
            )
        )
    );
    let t = with(|p| {
        p.insert("sub".into(), json!(123));
    });
    assert!(err(&t, &options()).1.contains("Received 123."));
    let t = with(|p| {
        p.insert("sub".into(), json!(""));
    });
    assert!(
        verify_jwt(&t, &options()).is_ok(),
        "an empty string is a string"
    );
}

#[test]
fn step5_audience_when_configured_and_present() {
    let opts = options().audience(["api://a", "api://b"]);
    // No aud in the token: no check (Clerk session tokens carry none).
    assert!(verify_jwt(&token(), &opts).is_ok());
    let ok = with(|p| {
        p.insert("aud".into(), json!("api://b"));
    });
    assert!(verify_jwt(&ok, &opts).is_ok());
    let ok_array = with(|p| {
        p.insert("aud".into(), json!(["x", "api://a"]));
    });
    assert!(
        verify_jwt(&ok_array, &opts).is_ok(),
        "array aud is checked and passes (auth-rules D1)"
    );
    let bad = with(|p| {
        p.insert("aud".into(), json!("api://c"));
    });
    assert_eq!(
        err(&bad, &opts).1,
        format!(
            "Invalid JWT audience claim array (aud) [\"api://c\"]. Is not included in \"[\"api://a\",\"api://b\"]\". {ENSURE} (reason=token-verification-failed, token-carrier=header)"
        )
    );
    let bad_array = with(|p| {
        p.insert("aud".into(), json!(["x", "y"]));
    });
    assert!(
        err(&bad_array, &opts)
            .1
            .starts_with("Invalid JWT audience claim array (aud) [\"x\",\"y\"].")
    );
    // No audience configured: an aud claim is accepted, as Clerk does.
    assert!(verify_jwt(&bad, &options()).is_ok());
}

#[test]
fn step6_authorized_parties() {
    let opts = options().authorized_parties(["https://example.com", "https://other.com"]);
    assert!(verify_jwt(&token(), &opts).is_ok());
    let t = with(|p| {
        p.insert("azp".into(), json!("https://evil.example"));
    });
    assert_eq!(
        err(&t, &opts),
        (
            R::TokenInvalidAuthorizedParties,
            "Invalid JWT Authorized party claim (azp) \"https://evil.example\". Expected \"https://example.com,https://other.com\". (reason=token-invalid-authorized-parties, token-carrier=header)".to_owned()
        )
    );
    // Without a list, azp is not checked; without azp, the check is skipped (Clerk's rule).
    assert!(verify_jwt(&t, &options()).is_ok());
    let no_azp = with(|p| {
        p.remove("azp");
    });
    assert!(verify_jwt(&no_azp, &opts).is_ok());
    let number = with(|p| {
        p.insert("azp".into(), json!(7));
    });
    assert_eq!(err(&number, &opts).0, R::TokenInvalidAuthorizedParties);
}

#[test]
fn step7_issuer_exact_and_predicate() {
    let exact = options().issuer("https://clerk.example.com");
    assert!(verify_jwt(&token(), &exact).is_ok());
    let wrong = with(|p| {
        p.insert("iss".into(), json!("https://evil.example"));
    });
    assert_eq!(
        err(&wrong, &exact),
        (
            R::TokenInvalidIssuer,
            "Invalid JWT issuer claim (iss) \"https://evil.example\". Expected \"https://clerk.example.com\". (reason=token-invalid-issuer, token-carrier=header)".to_owned()
        )
    );
    let missing = with(|p| {
        p.remove("iss");
    });
    assert!(
        err(&missing, &exact)
            .1
            .starts_with("Invalid JWT issuer claim (iss) undefined.")
    );
    let clerk = options().issuer(Issuer::clerk_frontend_api());
    assert!(verify_jwt(&token(), &clerk).is_ok());
    let resolver =
        "Failed JWT issuer resolver. Make sure that the resolver returns a truthy value.";
    assert_eq!(
        err(&wrong, &clerk).1,
        format!("{resolver} (reason=token-invalid-issuer, token-carrier=header)")
    );
    assert_eq!(
        err(&missing, &clerk).0,
        R::TokenInvalidIssuer,
        "no crash, a resolver failure (auth-rules D5)"
    );
    let number = with(|p| {
        p.insert("iss".into(), json!(5));
    });
    assert_eq!(err(&number, &clerk).0, R::TokenInvalidIssuer);
    let accounts = with(|p| {
        p.insert("iss".into(), json!("https://foo-bar-13.clerk.accounts.dev"));
    });
    assert!(verify_jwt(&accounts, &clerk).is_ok());
}

#[test]
fn step8_exp_type_and_boundary_with_skew() {
    for bad in [
        json!("99999999999"),
        json!(1.5),
        json!(1e300),
        json!(null),
        json!(9_000_000_000_000i64),
    ] {
        let t = with(|p| {
            p.insert("exp".into(), bad.clone());
        });
        let (reason, message) = err(&t, &options());
        assert_eq!(reason, R::TokenVerificationFailed, "{bad}");
        assert!(
            message.starts_with(&format!(
                "Invalid JWT expiry date claim (exp) {bad}. Expected number."
            )),
            "{message}"
        );
    }
    let missing = with(|p| {
        p.remove("exp");
    });
    assert!(
        err(&missing, &options())
            .1
            .starts_with("Invalid JWT expiry date claim (exp) undefined.")
    );
    // expired <=> exp_ms <= now_ms - skew (5 s)
    let at = |exp: i64| {
        with(|p| {
            p.insert("exp".into(), json!(exp));
            p.insert("nbf".into(), json!(NOW - 100));
            p.insert("iat".into(), json!(NOW - 100));
        })
    };
    assert!(verify_jwt(&at(NOW - 4), &options()).is_ok());
    let (reason, message) = err(&at(NOW - 5), &options());
    assert_eq!(reason, R::TokenExpired);
    assert_eq!(
        message,
        "JWT is expired. Expiry date: Tue, 14 Nov 2023 22:13:15 GMT, Current date: Tue, 14 Nov 2023 22:13:20 GMT. (reason=token-expired, token-carrier=header)"
    );
    assert_eq!(
        err(&at(NOW - 30), &options()).0,
        R::TokenExpired,
        "inside the crate's default 60 s leeway"
    );
    assert_eq!(err(&at(NOW - 3600), &options()).0, R::TokenExpired);
    assert_eq!(err(&at(-1), &options()).0, R::TokenExpired);
    // An explicit zero skew is honoured (auth-rules D16).
    let zero = options().clock_skew(Duration::ZERO);
    assert!(verify_jwt(&at(NOW + 1), &zero).is_ok());
    assert_eq!(err(&at(NOW), &zero).0, R::TokenExpired);
}

#[test]
fn step9_nbf_type_and_boundary_with_skew() {
    let at = |nbf: Value| {
        with(|p| {
            p.insert("nbf".into(), nbf);
            p.insert("iat".into(), json!(NOW - 100));
        })
    };
    assert!(verify_jwt(&at(json!(NOW + 5)), &options()).is_ok());
    let (reason, message) = err(&at(json!(NOW + 6)), &options());
    assert_eq!(reason, R::TokenNotActiveYet);
    assert_eq!(
        message,
        "JWT cannot be used prior to not before date claim (nbf). Not before date: Tue, 14 Nov 2023 22:13:26 GMT; Current date: Tue, 14 Nov 2023 22:13:20 GMT; (reason=token-not-active-yet, token-carrier=header)"
    );
    assert_eq!(
        err(&at(json!(NOW + 3600)), &options()).0,
        R::TokenNotActiveYet
    );
    assert!(
        err(&at(json!("soon")), &options())
            .1
            .starts_with("Invalid JWT not before date claim (nbf) \"soon\". Expected number.")
    );
    // Hardening: nbf is required (Clerk always sets it), reported after the time checks.
    let missing = with(|p| {
        p.remove("nbf");
    });
    assert_eq!(
        err(&missing, &options()),
        (
            R::TokenVerificationFailed,
            format!(
                "Invalid JWT not before date claim (nbf) undefined. Expected number. {ENSURE} (reason=token-verification-failed, token-carrier=header)"
            )
        )
    );
}

#[test]
fn step10_iat_type_and_boundary_with_skew() {
    let at = |iat: Value| {
        with(|p| {
            p.insert("iat".into(), iat);
        })
    };
    assert!(verify_jwt(&at(json!(NOW + 5)), &options()).is_ok());
    let (reason, message) = err(&at(json!(NOW + 6)), &options());
    assert_eq!(reason, R::TokenNotActiveYet);
    assert_eq!(
        message,
        "JWT issued at date claim (iat) is in the future. Issued at date: Tue, 14 Nov 2023 22:13:26 GMT; Current date: Tue, 14 Nov 2023 22:13:20 GMT; (reason=token-not-active-yet, token-carrier=header)"
    );
    assert_eq!(
        err(&at(json!(NOW + 3600)), &options()).0,
        R::TokenNotActiveYet
    );
    assert!(
        err(&at(json!([1])), &options())
            .1
            .starts_with("Invalid JWT issued at date claim (iat) [1]. Expected number.")
    );
    let missing = with(|p| {
        p.remove("iat");
    });
    assert!(
        verify_jwt(&missing, &options()).is_ok(),
        "iat is optional, as in Clerk"
    );
}

#[test]
fn step11_signature_last_and_alg_binding() {
    let good = token();
    let parts: Vec<&str> = good.split('.').collect();
    // Tampered payload: signature invalid.
    let other = b64(claims(NOW)
        .to_string()
        .replace("user_123", "user_admin")
        .as_bytes());
    let tampered = format!("{}.{}.{}", parts[0], other, parts[2]);
    assert_eq!(
        err(&tampered, &options()),
        (
            R::TokenInvalidSignature,
            "JWT signature is invalid. (reason=token-invalid-signature, token-carrier=header)"
                .to_owned()
        )
    );
    // A broken signature with a bad sub reports the sub (signature is checked last, vector D20).
    let no_sub = with(|p| {
        p.remove("sub");
    });
    let np: Vec<&str> = no_sub.split('.').collect();
    let broken = format!("{}.{}.{}", np[0], np[1], parts[2]);
    assert_eq!(err(&broken, &options()).0, R::TokenVerificationFailed);
    // An RS384 token against an RS256-bound key: Clerk's DataError text.
    let mut h = header();
    h["alg"] = json!("RS384");
    let rs384 = sign_bytes(
        h.to_string().as_bytes(),
        claims(NOW).to_string().as_bytes(),
        &clerk_signing_key(),
        jsonwebtoken::Algorithm::RS384,
    );
    assert_eq!(
        err(&rs384, &options()),
        (
            R::TokenVerificationFailed,
            format!(
                "Error verifying JWT signature. DataError: JWK \"alg\" does not match the requested algorithm {ENSURE} (reason=token-verification-failed, token-carrier=header)"
            )
        )
    );
}

#[test]
fn claim_types_are_checked_after_the_signature_rules() {
    let t = with(|p| {
        p.insert("sid".into(), json!(42));
    });
    let (reason, message) = err(&t, &options());
    assert_eq!(reason, R::TokenVerificationFailed);
    assert!(message.contains("(sid)"), "{message}");
}

/// The secret key and the signing keys never travel in cleartext: a Backend API URL or an exact
/// issuer (the JWKS source) over `http://` is refused unless its host is loopback.
#[test]
fn cleartext_jwks_sources_are_refused_unless_loopback() {
    use clerk_core::{Issuer, VerifyOptionsError};
    let refused = |builder: clerk_core::VerifyTokenOptionsBuilder| {
        matches!(builder.build(), Err(VerifyOptionsError::InvalidApiUrl(_)))
    };
    let base = || clerk_core::VerifyTokenOptions::builder().secret_key("sk_test_x");
    assert!(refused(base().api_url("http://api.clerk.com")));
    assert!(refused(
        base().issuer(Issuer::exact("http://clerk.example.com"))
    ));
    assert!(refused(base().api_url("http://10.0.0.1:8080")));
    assert!(base().api_url("https://api.clerk.com").build().is_ok());
    assert!(base().api_url("http://127.0.0.1:9").build().is_ok());
    assert!(
        base()
            .issuer(Issuer::exact("http://localhost:9"))
            .build()
            .is_ok()
    );
}
