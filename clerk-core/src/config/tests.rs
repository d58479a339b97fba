use super::*;
use crate::handshake::AuthProtocol;

const PK: &str = "pk_test_Y2xlcmsuZXhhbXBsZS5jb20k";

/// The interstitial protocol's builder: most checks here are the interstitial protocol's (the
/// handshake protocol's are at the end).
fn builder() -> ClerkConfigBuilder {
    ClerkConfig::builder().protocol(AuthProtocol::Interstitial)
}

fn base() -> ClerkConfigBuilder {
    builder().secret_key("sk_test_secretmaterial")
}

fn err(b: ClerkConfigBuilder) -> ConfigError {
    b.build().unwrap_err()
}

#[test]
fn defaults() {
    let c = base().build().unwrap();
    assert_eq!(c.api_url(), "https://api.clerk.com");
    assert_eq!(c.api_version(), "v1");
    assert_eq!(c.clock_skew(), Duration::from_secs(5));
    assert_eq!(c.jwks_cache_ttl(), Duration::from_secs(300));
    assert!(!c.skip_jwks_cache());
    assert!(c.interstitial_enabled());
    assert!(!c.is_satellite());
    assert_eq!(c.frontend_api(), "");
    assert!(c.authorized_parties().is_empty());
    assert!(c.audience().is_empty());
    assert_eq!(c.instance_type(), Some(InstanceType::Development));
    let c = base()
        .clock_skew(Duration::ZERO)
        .interstitial(false)
        .audience(["a", "b"])
        .build()
        .unwrap();
    assert_eq!(c.clock_skew(), Duration::ZERO);
    assert!(!c.interstitial_enabled());
    assert_eq!(c.audience(), ["a", "b"]);
}

#[test]
fn any_non_empty_secret_key() {
    for key in [
        "deadbeef",
        "pk_test_deadbeef",
        "test_deadbeef",
        "live_x",
        " ",
    ] {
        let c = builder().secret_key(key).build().unwrap();
        assert_eq!(c.secret_key(), key);
    }
    assert_eq!(
        builder()
            .secret_key("pk_test_deadbeef")
            .build()
            .unwrap()
            .instance_type(),
        None
    );
}

#[test]
fn missing_secret_key() {
    let e = err(builder());
    assert_eq!(e.kind(), ConfigErrorKind::MissingSecretKey);
    assert_eq!(e.variable(), "CLERK_SECRET_KEY");
    assert_eq!(
        e.message(),
        "Missing Clerk Secret Key or API Key. Go to https://dashboard.clerk.com and get your key for your instance."
    );
    let text = e.to_string();
    assert!(
        text.starts_with(e.message()) && text.contains("CLERK_SECRET_KEY"),
        "{text}"
    );
}

#[test]
fn publishable_key() {
    let c = base()
        .publishable_key(PK)
        .frontend_api("ignored.example")
        .build()
        .unwrap();
    assert_eq!(c.frontend_api(), "clerk.example.com");
    assert_eq!(c.publishable_key(), PK);
    let c = base().frontend_api("cafe.babe.clerk.ts").build().unwrap();
    assert_eq!(c.frontend_api(), "cafe.babe.clerk.ts");
    for bad in ["pk_test_Y2xlc", "nonsense", "pk_live_Zm9v"] {
        let e = err(base().publishable_key(bad));
        assert_eq!(e.kind(), ConfigErrorKind::InvalidPublishableKey, "{bad}");
        assert_eq!(e.variable(), "CLERK_PUBLISHABLE_KEY");
        assert!(e.to_string().contains("CLERK_PUBLISHABLE_KEY"));
        assert!(!e.to_string().contains(bad), "{e}");
    }
}

#[test]
fn api_url() {
    assert_eq!(
        base()
            .api_url("http://127.0.0.1:1234")
            .build()
            .unwrap()
            .api_url(),
        "http://127.0.0.1:1234"
    );
    for bad in ["", "api.clerk.com", "/v1", "ftp://x", "https://"] {
        let e = err(base().api_url(bad));
        assert_eq!(e.kind(), ConfigErrorKind::InvalidApiUrl, "{bad}");
        assert_eq!(e.variable(), "CLERK_API_URL");
    }
}

#[test]
fn cleartext_urls_are_refused_unless_loopback() {
    let e = err(base().api_url("http://api.clerk.com"));
    assert_eq!(e.kind(), ConfigErrorKind::InvalidApiUrl);
    assert_eq!(e.variable(), "CLERK_API_URL");
    assert!(e.message().contains("cleartext"), "{}", e.message());
    assert!(!e.to_string().contains("secretmaterial"), "{e}");
    let e = err(base().proxy_url("http://example.com/__clerk"));
    assert_eq!(e.kind(), ConfigErrorKind::InvalidProxyUrl);
    assert_eq!(e.variable(), "CLERK_PROXY_URL");
    assert!(e.message().contains("cleartext"), "{}", e.message());
    // A satellite's proxy URL is held to the same rule.
    let e = err(base()
        .is_satellite(true)
        .sign_in_url("https://primary.dev/sign-in")
        .proxy_url("http://satellite.dev/__clerk"));
    assert_eq!(e.kind(), ConfigErrorKind::InvalidProxyUrl);
    let e = err(base().proxy_url("/__clerk"));
    assert_eq!(e.kind(), ConfigErrorKind::InvalidProxyUrl);
    for loopback in ["http://127.0.0.1:9", "http://[::1]:9", "http://localhost:9"] {
        let c = base()
            .api_url(loopback)
            .proxy_url(format!("{loopback}/__clerk"))
            .build()
            .unwrap();
        assert_eq!(c.api_url(), loopback);
    }
}

#[test]
fn satellite_rules() {
    // Dev key without sign-in URL.
    let e = err(base().is_satellite(true).domain("satellite.dev"));
    assert_eq!(e.kind(), ConfigErrorKind::MissingSignInUrl);
    assert_eq!(
        e.message(),
        "Missing signInUrl. Pass a signInUrl for dev instances if an app is satellite"
    );
    assert_eq!(e.variable(), "CLERK_SIGN_IN_URL");
    // Non-dev keys may omit it.
    for key in ["sk_live_x", "deadbeef"] {
        builder()
            .secret_key(key)
            .is_satellite(true)
            .domain("satellite.dev")
            .build()
            .unwrap();
    }
    // Relative sign-in URL.
    let e = err(base()
        .is_satellite(true)
        .domain("satellite.dev")
        .sign_in_url("/sign-in"));
    assert_eq!(e.kind(), ConfigErrorKind::SignInUrlNotAbsolute);
    assert_eq!(
        e.message(),
        "The signInUrl needs to have a absolute url format."
    );
    // Sign-in URL on the satellite's own domain.
    for (domain, url) in [
        ("satellite.dev", "https://satellite.dev/sign-in"),
        ("Satellite.DEV", "https://satellite.dev/sign-in"),
        ("https://satellite.dev", "https://satellite.dev/sign-in"),
        ("localhost:3000", "http://localhost:3000/sign-in"),
    ] {
        let e = err(base().is_satellite(true).domain(domain).sign_in_url(url));
        assert_eq!(
            e.kind(),
            ConfigErrorKind::SignInUrlSameOrigin,
            "{domain} {url}"
        );
        assert_eq!(
            e.message(),
            "The signInUrl needs to be on a different origin than your satellite application."
        );
    }
    // Different host (or port) is fine, including vector D16's setup.
    for (domain, url) in [
        ("satellite.dev", "https://primary.dev/sign-in"),
        ("localhost:3001", "https://localhost:3000/sign-in/"),
        ("satellite.example", "http://primary.example/sign-in"),
    ] {
        base()
            .is_satellite(true)
            .domain(domain)
            .sign_in_url(url)
            .build()
            .unwrap();
    }
    // Neither domain nor proxy URL.
    let e = err(base()
        .is_satellite(true)
        .sign_in_url("https://primary.dev/sign-in"));
    assert_eq!(e.kind(), ConfigErrorKind::MissingDomainOrProxyUrl);
    assert_eq!(
        e.message(),
        "Missing domain and proxyUrl. A satellite application needs to specify a domain or a proxyUrl"
    );
    assert!(e.to_string().contains("CLERK_PROXY_URL"));
    base()
        .is_satellite(true)
        .proxy_url("https://sat.dev/__clerk")
        .sign_in_url("https://primary.dev/sign-in")
        .build()
        .unwrap();
    // Not a satellite: none of this applies.
    base().sign_in_url("/sign-in").build().unwrap();
}

const TEST_PEM: &str = include_str!("../../tests/fixtures/rsa_clerk_public.pem");

fn env(vars: &[(&str, &str)]) -> Result<ClerkConfig, ConfigError> {
    let mut vars = vars.to_vec();
    if !vars.iter().any(|(k, _)| *k == "CLERK_AUTH_PROTOCOL") {
        vars.push(("CLERK_AUTH_PROTOCOL", "interstitial"));
    }
    let vars = vars.as_slice();
    ClerkConfig::from_env_with(|name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| (*v).to_owned())
    })
}

#[test]
fn from_env_mapping() {
    let c = env(&[
        ("CLERK_SECRET_KEY", "sk_live_abc"),
        ("CLERK_PUBLISHABLE_KEY", PK),
        ("CLERK_JWT_KEY", TEST_PEM),
        ("CLERK_JS_URL", "http://127.0.0.1:4001/clerk.browser.js"),
        ("CLERK_API_URL", "http://127.0.0.1:9"),
        ("CLERK_API_VERSION", "v2"),
        ("CLERK_DOMAIN", "satellite.dev"),
        ("CLERK_PROXY_URL", "https://p.dev/__clerk"),
        ("CLERK_IS_SATELLITE", "1"),
        ("CLERK_SIGN_IN_URL", "https://primary.dev/sign-in"),
        ("CLERK_SIGN_UP_URL", "https://primary.dev/sign-up"),
        (
            "CLERK_AUTHORIZED_PARTIES",
            " https://a.dev ,,https://b.dev, ",
        ),
    ])
    .unwrap();
    assert_eq!(c.secret_key(), "sk_live_abc");
    assert_eq!(c.frontend_api(), "clerk.example.com");
    assert_eq!(c.jwt_key(), TEST_PEM);
    assert_eq!(c.clerk_js_url(), "http://127.0.0.1:4001/clerk.browser.js");
    assert_eq!(c.api_url(), "http://127.0.0.1:9");
    assert_eq!(c.api_version(), "v2");
    assert_eq!(c.domain(), "satellite.dev");
    assert_eq!(c.proxy_url(), "https://p.dev/__clerk");
    assert!(c.is_satellite());
    assert_eq!(c.sign_in_url(), "https://primary.dev/sign-in");
    assert_eq!(c.sign_up_url(), "https://primary.dev/sign-up");
    assert_eq!(c.authorized_parties(), ["https://a.dev", "https://b.dev"]);

    // Empty values leave defaults.
    let c = env(&[
        ("CLERK_SECRET_KEY", "x"),
        ("CLERK_API_URL", ""),
        ("CLERK_IS_SATELLITE", ""),
        ("CLERK_AUTHORIZED_PARTIES", " , "),
    ])
    .unwrap();
    assert_eq!(c.api_url(), DEFAULT_API_URL);
    assert!(!c.is_satellite());
    assert!(c.authorized_parties().is_empty());

    // Missing secret key.
    assert_eq!(env(&[]).unwrap_err().variable(), "CLERK_SECRET_KEY");
}

#[test]
fn from_env_is_satellite() {
    let sat = |v: &str| {
        env(&[
            ("CLERK_SECRET_KEY", "sk_live_x"),
            ("CLERK_DOMAIN", "sat.dev"),
            ("CLERK_IS_SATELLITE", v),
        ])
        .map(|c| c.is_satellite())
    };
    assert_eq!(sat("true"), Ok(true));
    assert_eq!(sat("TRUE"), Ok(true));
    assert_eq!(sat("1"), Ok(true));
    assert_eq!(sat("false"), Ok(false));
    assert_eq!(sat("0"), Ok(false));
    for bad in ["yes", "2", "on", "truee"] {
        let e = sat(bad).unwrap_err();
        assert_eq!(e.kind(), ConfigErrorKind::InvalidEnvValue);
        assert_eq!(e.variable(), "CLERK_IS_SATELLITE");
        assert!(e.to_string().contains("CLERK_IS_SATELLITE"));
    }
}

#[test]
fn debug_hides_secrets() {
    let c = builder()
        .secret_key("sk_test_SUPERSECRETVALUE")
        .jwt_key(TEST_PEM)
        .build()
        .unwrap();
    let dbg = format!("{c:?}");
    assert!(!dbg.contains("SUPERSECRET"), "{dbg}");
    assert!(!dbg.contains("MIIBIjANBgkq"), "{dbg}");
    let bad = builder()
        .secret_key("sk_test_x")
        .jwt_key("-----BEGIN PUBLIC KEY-----MIIBIjANBgkq")
        .build()
        .unwrap_err();
    assert_eq!(bad.kind(), ConfigErrorKind::InvalidJwtKey);
    assert_eq!(bad.variable(), "CLERK_JWT_KEY");
    assert!(!bad.to_string().contains("MIIBIjANBgkq"));
    assert!(dbg.contains("sk_test_[redacted]"), "{dbg}");
    let c = builder().secret_key("deadbeef").build().unwrap();
    assert!(!format!("{c:?}").contains("deadbeef"));
    let b = builder().secret_key("sk_live_SUPERSECRET");
    assert!(!format!("{b:?}").contains("SUPERSECRET"));
    assert_eq!(redact_secret_key(""), "");
}

#[test]
fn clone_is_cheap() {
    let c = base().build().unwrap();
    let d = c.clone();
    assert!(Arc::ptr_eq(&c.inner, &d.inner));
}

#[test]
fn handshake_protocol_is_the_default_and_needs_a_valid_publishable_key() {
    let e = ClerkConfig::builder()
        .secret_key("sk_live_x")
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ConfigErrorKind::MissingPublishableKey);
    assert_eq!(e.message(), "Publishable key is missing.");
    for bad in [
        "pk_live_bm90LWEta2V5",
        "pk_live_Y2xlcmsuZXhhbXBsZS5jb20k_extra",
    ] {
        let e = ClerkConfig::builder()
            .secret_key("sk_live_x")
            .publishable_key(bad)
            .build()
            .unwrap_err();
        assert_eq!(e.kind(), ConfigErrorKind::InvalidPublishableKey, "{bad}");
        assert_eq!(
            e.message(),
            "Publishable key not valid (expected format: pk_test_... or pk_live_...)."
        );
    }
    // The publishable key is checked before the secret key, as Clerk does.
    let e = ClerkConfig::builder().build().unwrap_err();
    assert_eq!(e.kind(), ConfigErrorKind::MissingPublishableKey);
    let e = ClerkConfig::builder()
        .publishable_key(PK)
        .build()
        .unwrap_err();
    assert_eq!(
        e.message(),
        "Missing Clerk Secret Key. Go to https://dashboard.clerk.com and get your key for your instance."
    );
    let c = ClerkConfig::builder()
        .secret_key("sk_live_x")
        .publishable_key(PK)
        .build()
        .unwrap();
    assert_eq!(c.protocol(), AuthProtocol::Handshake);
    assert!(!c.satellite_auto_sync());
}

#[test]
fn handshake_options_from_the_environment() {
    let c = ClerkConfig::from_env_with(|name| match name {
        "CLERK_SECRET_KEY" => Some("sk_live_x".to_owned()),
        "CLERK_PUBLISHABLE_KEY" => Some(PK.to_owned()),
        "CLERK_AUTH_PROTOCOL" => Some(" Handshake ".to_owned()),
        "CLERK_SATELLITE_AUTO_SYNC" => Some("1".to_owned()),
        _ => None,
    })
    .unwrap();
    assert_eq!(c.protocol(), AuthProtocol::Handshake);
    assert!(c.satellite_auto_sync());
    let c = env(&[("CLERK_SECRET_KEY", "sk_live_x")]).unwrap();
    assert_eq!(c.protocol(), AuthProtocol::Interstitial);
    for (name, value) in [
        ("CLERK_AUTH_PROTOCOL", "v2"),
        ("CLERK_SATELLITE_AUTO_SYNC", "yes"),
    ] {
        let e = env(&[("CLERK_SECRET_KEY", "sk_live_x"), (name, value)]).unwrap_err();
        assert_eq!(e.kind(), ConfigErrorKind::InvalidEnvValue);
        assert_eq!(e.variable(), name);
    }
}

#[test]
fn handshake_relative_proxy_and_bad_organization_patterns() {
    let b = || {
        ClerkConfig::builder()
            .secret_key("sk_live_x")
            .publishable_key(PK)
    };
    assert!(b().proxy_url("/__clerk").build().is_ok());
    assert!(b().proxy_url("//evil.example/__clerk").build().is_err());
    assert!(
        builder()
            .secret_key("sk_live_x")
            .proxy_url("/__clerk")
            .build()
            .is_err(),
        "the interstitial protocol needs an absolute proxy URL"
    );
    let e = b()
        .organization_sync(crate::OrganizationSync::new(["/orgs/:slug?"], ["/me"]))
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ConfigErrorKind::InvalidOrganizationPattern);
    assert!(
        e.message()
            .starts_with("Invalid pattern \"/orgs/:slug?\": "),
        "{}",
        e.message()
    );
}
