use super::*;

const HOSTILE: &str =
    "</script><script>alert(1)</script><!-- '\"\\ \u{2028}\u{2029}\n\r\t\0 `${x}` &amp; </SCRIPT>";

/// The inline script of the page; asserts the page has exactly one script element.
fn script_of(html: &str) -> &str {
    let lower = html.to_ascii_lowercase();
    assert_eq!(
        lower.matches("<script").count(),
        1,
        "one <script> in:\n{html}"
    );
    assert_eq!(
        lower.matches("</script").count(),
        1,
        "one </script> in:\n{html}"
    );
    assert!(!lower.contains("<!--"), "no comment opener in:\n{html}");
    let start = lower.find("<script>").expect("script start") + "<script>".len();
    let end = lower.find("</script>").expect("script end");
    assert!(
        lower[end..].contains("</body>"),
        "the script closes before </body>"
    );
    &html[start..end]
}

/// Parses the single-quoted JS string literal at the start of `s`; returns its value and the rest.
fn parse_js_string(s: &str) -> (String, &str) {
    let mut chars = s.char_indices();
    assert_eq!(
        chars.next().map(|(_, c)| c),
        Some('\''),
        "literal at {s:.40}"
    );
    let mut out = String::new();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' => return (out, &s[i + 1..]),
            '\\' => {
                let (_, e) = chars.next().expect("escape");
                match e {
                    'u' => {
                        let hex: String = (0..4).map(|_| chars.next().expect("hex").1).collect();
                        let code = u32::from_str_radix(&hex, 16).expect("hex digits");
                        out.push(char::from_u32(code).expect("scalar"));
                    }
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    other => out.push(other),
                }
            }
            '\n' | '\r' | '\u{2028}' | '\u{2029}' => panic!("raw line terminator in a literal"),
            c => out.push(c),
        }
    }
    panic!("unterminated literal");
}

/// The value of the literal that follows `prefix` in `js`, if `prefix` occurs.
fn literal_after(js: &str, prefix: &str) -> Option<String> {
    let at = js.find(prefix)? + prefix.len();
    Some(parse_js_string(&js[at..]).0)
}

fn pk(frontend_api: &str) -> String {
    crate::keys::build_publishable_key(frontend_api)
}

#[test]
fn hostile_values_do_not_break_out() {
    let mut debug = serde_json::Map::new();
    debug.insert("reason".into(), HOSTILE.into());
    debug.insert(HOSTILE.into(), serde_json::json!([HOSTILE, 1, null]));
    let options = InterstitialOptions {
        publishable_key: HOSTILE.into(),
        frontend_api: HOSTILE.into(),
        proxy_url: HOSTILE.into(),
        domain: HOSTILE.into(),
        sign_in_url: HOSTILE.into(),
        debug_data: debug.clone(),
        ..Default::default()
    };
    let html = load_interstitial_from_local(&options);
    let js = script_of(&html);
    assert!(!js.contains('\u{2028}') && !js.contains('\u{2029}'));
    assert_eq!(
        literal_after(js, "window.__clerk_frontend_api = ").as_deref(),
        Some(HOSTILE)
    );
    assert_eq!(
        literal_after(js, "window.__clerk_proxy_url = ").as_deref(),
        Some(HOSTILE)
    );
    assert_eq!(
        literal_after(js, "window.__clerk_domain = ").as_deref(),
        Some(HOSTILE)
    );
    assert_eq!(literal_after(js, "signInUrl: ").as_deref(), Some(HOSTILE));
    assert_eq!(
        literal_after(js, "setAttribute('data-clerk-publishable-key', ").as_deref(),
        Some(HOSTILE)
    );
    assert_eq!(
        literal_after(js, "setAttribute('data-clerk-domain', ").as_deref(),
        Some(HOSTILE)
    );
    assert_eq!(
        literal_after(js, "setAttribute('data-clerk-proxy-url', ").as_deref(),
        Some(HOSTILE)
    );
    // The script src is built from the proxy URL and stays one literal.
    let src = literal_after(js, "script.src = ").unwrap();
    assert!(src.starts_with("https://</script>"), "{src}");
    // Debug JSON round-trips and carries no raw `<`, `>` or `&`.
    let debug_line = js
        .lines()
        .find_map(|l| l.strip_prefix("window.__clerk_debug = "))
        .unwrap();
    let json = debug_line.strip_suffix(';').unwrap();
    assert!(
        !json.contains(['<', '>', '&', '\u{2028}', '\u{2029}']),
        "{json}"
    );
    let parsed: serde_json::Map<String, serde_json::Value> = serde_json::from_str(json).unwrap();
    assert_eq!(parsed, debug);
}

#[test]
fn globals_and_attributes() {
    let key = pk("clerk.example.com");
    let html = load_interstitial_from_local(&InterstitialOptions {
        publishable_key: key.clone(),
        frontend_api: "ignored.example".into(),
        ..Default::default()
    });
    let js = script_of(&html);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<meta charset=\"UTF-8\">"));
    assert!(html.contains("prefers-color-scheme: dark"));
    assert_eq!(
        literal_after(js, "window.__clerk_frontend_api = ").as_deref(),
        Some("clerk.example.com")
    );
    assert!(js.contains("window.__clerk_debug = {};"));
    assert!(!js.contains("__clerk_proxy_url"));
    assert!(!js.contains("__clerk_domain"));
    assert_eq!(
        literal_after(js, "setAttribute('data-clerk-publishable-key', ").as_deref(),
        Some(key.as_str())
    );
    assert!(!js.contains("data-clerk-frontend-api"));
    assert!(!js.contains("data-clerk-domain"));
    assert!(!js.contains("data-clerk-proxy-url"));
    assert!(js.contains("script.async = true;"));
    assert!(js.contains("script.crossOrigin = 'anonymous';"));
    assert!(js.contains("script.addEventListener('load', startClerk);"));
    assert!(
        js.find("script.src = ").unwrap() < js.find("document.body.appendChild(script)").unwrap()
    );

    // Without a publishable key: the frontend API attribute.
    let html = load_interstitial_from_local(&InterstitialOptions {
        frontend_api: "cafe.babe.clerk.ts".into(),
        domain: "satellite.dev".into(),
        proxy_url: "https://example.com/__clerk".into(),
        ..Default::default()
    });
    let js = script_of(&html);
    assert_eq!(
        literal_after(js, "setAttribute('data-clerk-frontend-api', ").as_deref(),
        Some("cafe.babe.clerk.ts")
    );
    assert!(!js.contains("data-clerk-publishable-key"));
    assert_eq!(
        literal_after(js, "window.__clerk_proxy_url = ").as_deref(),
        Some("https://example.com/__clerk")
    );
    assert_eq!(
        literal_after(js, "window.__clerk_domain = ").as_deref(),
        Some("satellite.dev")
    );
    assert_eq!(
        literal_after(js, "setAttribute('data-clerk-domain', ").as_deref(),
        Some("satellite.dev")
    );
    assert_eq!(
        literal_after(js, "setAttribute('data-clerk-proxy-url', ").as_deref(),
        Some("https://example.com/__clerk")
    );

    // Nothing at all: empty frontend API, no panic.
    let js_owned = load_interstitial_from_local(&InterstitialOptions::default());
    let js = script_of(&js_owned);
    assert_eq!(
        literal_after(js, "window.__clerk_frontend_api = ").as_deref(),
        Some("")
    );
}

#[test]
fn clerk_load_arguments_and_reload_logic() {
    let html = load_interstitial_from_local(&InterstitialOptions {
        frontend_api: "clerk.example.com".into(),
        ..Default::default()
    });
    let js = script_of(&html);
    assert!(js.contains("isSatellite: false,"));
    assert!(js.contains("isInterstitial: true,"));
    assert!(js.contains("signInUrl: undefined"));

    let html = load_interstitial_from_local(&InterstitialOptions {
        frontend_api: "clerk.example.com".into(),
        is_satellite: true,
        sign_in_url: "https://primary.dev/sign-in".into(),
        ..Default::default()
    });
    let js = script_of(&html);
    assert!(js.contains("isSatellite: true,"));
    assert_eq!(
        literal_after(js, "signInUrl: ").as_deref(),
        Some("https://primary.dev/sign-in")
    );

    // Reload logic, in order: only when loaded; no hash → assign href; firefox with a hash →
    // form resubmission; otherwise reload. Errors are logged.
    let order = [
        "window.startClerk = async () => {",
        "const Clerk = window.Clerk;",
        "await Clerk.load({",
        "if (Clerk.loaded) {",
        "window.location.href.indexOf('#') === -1",
        "window.location.href = window.location.href;",
        "window.navigator.userAgent.toLowerCase().includes('firefox/')",
        "formRedirect();",
        "window.location.reload();",
        "console.error('Clerk: ', err);",
    ];
    let mut at = 0;
    for needle in order {
        let found = js[at..]
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} after {at}"));
        at += found + needle.len();
    }
    // The form resubmission.
    let form = [
        "document.createElement('form')",
        "form.method = 'GET';",
        "document.body.appendChild(form);",
        "new URLSearchParams(window.location.search)",
        "input.type = 'hidden';",
        "window.location.origin + window.location.pathname + window.location.hash",
        "window.history.pushState({}, '', url);",
        "form.action = window.location.pathname + window.location.hash;",
        "form.submit();",
    ];
    let mut at = 0;
    for needle in form {
        let found = js[at..]
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} after {at}"));
        at += found + needle.len();
    }
}

fn src_for(options: InterstitialOptions) -> String {
    let html = load_interstitial_from_local(&options);
    literal_after(script_of(&html), "script.src = ").unwrap()
}

fn url_for(host: &str, tag: &str) -> String {
    format!("https://{host}/npm/@clerk/clerk-js@{tag}/dist/clerk.browser.js")
}

#[test]
fn script_host_table() {
    // auth-rules §6.2
    let prod = pk("clerk.example.com");
    let dev = pk("foo-bar-13.clerk.accounts.dev");
    let opts = |key: &str, proxy: &str, domain: &str| InterstitialOptions {
        publishable_key: key.into(),
        proxy_url: proxy.into(),
        domain: domain.into(),
        ..Default::default()
    };
    assert_eq!(
        src_for(opts(&prod, "", "")),
        url_for("clerk.example.com", "4")
    );
    assert_eq!(
        src_for(opts(&prod, "", "satellite.dev")),
        url_for("clerk.satellite.dev", "4")
    );
    assert_eq!(
        src_for(opts(&dev, "", "satellite.dev")),
        url_for("foo-bar-13.clerk.accounts.dev", "4")
    );
    for key in [&prod, &dev] {
        assert_eq!(
            src_for(opts(key, "https://example.com/__clerk", "satellite.dev")),
            url_for("example.com/__clerk", "4")
        );
    }
    // Frontend API fallback when there is no publishable key; http:// stripped too.
    assert_eq!(
        src_for(InterstitialOptions {
            frontend_api: "clerk.example.com".into(),
            ..Default::default()
        }),
        url_for("clerk.example.com", "4")
    );
    assert_eq!(
        src_for(opts(&prod, "http://proxy.example/__clerk", "")),
        url_for("proxy.example/__clerk", "4")
    );
}

#[test]
fn tag_rules() {
    assert_eq!(clerk_js_tag("clerk.example.com", ""), "4");
    assert_eq!(clerk_js_tag("foo.clerkstage.dev", ""), "staging");
    assert_eq!(clerk_js_tag("foo.lclstage.dev", ""), "staging");
    assert_eq!(clerk_js_tag("foo.lcl.dev", ""), "4");
    assert_eq!(clerk_js_tag("foo.clerkstage.dev", "4.1.0"), "4");
    assert_eq!(clerk_js_tag("x", "4.29.1-next.3"), "next");
    assert_eq!(clerk_js_tag("x", "5.0.0"), "5");
    assert_eq!(clerk_js_tag("x", "7"), "7");
    assert_eq!(clerk_js_tag("x", ".1"), "latest");

    // The tag of the page is computed from the script host, not the frontend API.
    let staging_proxy = InterstitialOptions {
        publishable_key: pk("clerk.example.com"),
        proxy_url: "https://p.clerkstage.dev".into(),
        ..Default::default()
    };
    assert_eq!(
        src_for(staging_proxy),
        url_for("p.clerkstage.dev", "staging")
    );
    // clerk_js_version wins, clerk_js_url wins over everything.
    assert_eq!(
        src_for(InterstitialOptions {
            frontend_api: "a.clerkstage.dev".into(),
            clerk_js_version: "4.65.2".into(),
            pkg_version: "5.0.0".into(),
            ..Default::default()
        }),
        url_for("a.clerkstage.dev", "4.65.2")
    );
    assert_eq!(
        src_for(InterstitialOptions {
            frontend_api: "clerk.example.com".into(),
            pkg_version: "3.2.1".into(),
            ..Default::default()
        }),
        url_for("clerk.example.com", "3")
    );
    assert_eq!(
        src_for(InterstitialOptions {
            frontend_api: "clerk.example.com".into(),
            clerk_js_url: "https://cdn.example/clerk.js".into(),
            ..Default::default()
        }),
        "https://cdn.example/clerk.js"
    );
}

#[test]
fn scheme_stripping() {
    assert_eq!(strip_first_http_scheme("https://a/b"), "a/b");
    assert_eq!(strip_first_http_scheme("http://a"), "a");
    assert_eq!(strip_first_http_scheme("a.dev"), "a.dev");
    assert_eq!(strip_first_http_scheme("x-https://a"), "x-a");
    assert_eq!(strip_first_http_scheme("https://http://a"), "http://a");
    assert_eq!(strip_first_http_scheme("httpx"), "httpx");
}

#[test]
fn public_url_upstream_example() {
    // A publishable key for a `.lcl.dev` host and nothing else set.
    let key = pk("foo-bar-1.lcl.dev");
    assert!(!key.contains('='), "{key}");
    let url = build_public_interstitial_url(&InterstitialOptions {
        api_url: "https://api.clerk.test".into(),
        publishable_key: key.clone(),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(
        url,
        format!(
            "https://api.clerk.test/v1/public/interstitial?clerk_js_version=4&publishable_key={key}&sign_in_url="
        )
    );
    // Base64 padding is form-urlencoded like URLSearchParams does.
    let key = pk("foo-bar-13.lcl.dev");
    let url = build_public_interstitial_url(&InterstitialOptions {
        api_url: "https://api.clerk.test".into(),
        publishable_key: key.clone(),
        ..Default::default()
    })
    .unwrap();
    let encoded = key.replace('=', "%3D");
    assert!(
        url.ends_with(&format!("&publishable_key={encoded}&sign_in_url=")),
        "{url}"
    );
}

#[test]
fn public_url_all_params_in_order() {
    let url = build_public_interstitial_url(&InterstitialOptions {
        api_url: "https://api.clerk.test/base/".into(),
        frontend_api: "clerk.example.com".into(),
        proxy_url: "https://example.com/__clerk".into(),
        is_satellite: true,
        sign_in_url: "https://primary.dev/sign in".into(),
        domain: "satellite.dev".into(),
        pkg_version: "4.2.0".into(),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(
        url,
        "https://api.clerk.test/base/v1/public/interstitial?clerk_js_version=4\
         &frontend_api=clerk.example.com\
         &proxy_url=https%3A%2F%2Fexample.com%2F__clerk\
         &is_satellite=true\
         &sign_in_url=https%3A%2F%2Fprimary.dev%2Fsign+in\
         &use_domain_for_script=true\
         &domain=satellite.dev"
    );
    // The tag comes from the frontend API (staging) and clerk_js_version wins.
    let url = build_public_interstitial_url(&InterstitialOptions {
        frontend_api: "a.clerkstage.dev".into(),
        ..Default::default()
    })
    .unwrap();
    assert!(
        url.contains("?clerk_js_version=staging&frontend_api=a.clerkstage.dev&sign_in_url="),
        "{url}"
    );
    let url = build_public_interstitial_url(&InterstitialOptions {
        frontend_api: "clerk.example.com".into(),
        clerk_js_version: "4.1".into(),
        ..Default::default()
    })
    .unwrap();
    assert!(
        url.starts_with("https://api.clerk.com/v1/public/interstitial?clerk_js_version=4.1&"),
        "{url}"
    );
    // Repeated slashes are collapsed.
    let url = build_public_interstitial_url(&InterstitialOptions {
        api_url: "http://127.0.0.1:8080//x//".into(),
        ..Default::default()
    })
    .unwrap();
    assert!(
        url.starts_with("http://127.0.0.1:8080/x/v1/public/interstitial?"),
        "{url}"
    );
    // An invalid API URL.
    for bad in ["", "not a url", "mailto:x@y"] {
        let e = build_public_interstitial_url(&InterstitialOptions {
            api_url: bad.into(),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(e.reason(), "unexpected-error");
        assert_eq!(e.message(), "Invalid URL");
    }
}

#[test]
fn from_config() {
    let config = ClerkConfig::builder()
        .secret_key("sk_live_x")
        .publishable_key(pk("clerk.example.com"))
        .is_satellite(true)
        .domain("satellite.dev")
        .sign_in_url("https://primary.dev/sign-in")
        .api_url("http://127.0.0.1:1")
        .build()
        .unwrap();
    let o = InterstitialOptions::from_config(&config);
    assert_eq!(o.frontend_api, "clerk.example.com");
    assert!(o.is_satellite);
    assert_eq!(o.domain, "satellite.dev");
    assert_eq!(o.sign_in_url, "https://primary.dev/sign-in");
    assert_eq!(o.api_url, "http://127.0.0.1:1");
    assert_eq!(o.user_agent, "@clerk/backend");
}

mod bapi {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    /// Serves one canned response per connection; returns the base URL and the received request
    /// heads.
    async fn serve(
        status: u16,
        body: &'static str,
    ) -> (String, tokio::sync::mpsc::UnboundedReceiver<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            loop {
                let Ok((mut sock, _)) = listener.accept().await else {
                    return;
                };
                let tx = tx.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 1024];
                    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                        match sock.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let _ = tx.send(String::from_utf8_lossy(&buf).into_owned());
                    let response = format!(
                        "HTTP/1.1 {status} X\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = sock.write_all(response.as_bytes()).await;
                    let _ = sock.shutdown().await;
                });
            }
        });
        (format!("http://{addr}"), rx)
    }

    fn options(api_url: String) -> InterstitialOptions {
        InterstitialOptions {
            api_url,
            publishable_key: pk("clerk.example.com"),
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn ok_body_and_headers() {
        let (base, mut rx) = serve(200, "<html>interstitial</html>").await;
        let body = load_interstitial_from_bapi(&options(base)).await.unwrap();
        assert_eq!(body, "<html>interstitial</html>");
        let head = rx.recv().await.unwrap();
        let lower = head.to_ascii_lowercase();
        assert!(
            head.starts_with("GET /v1/public/interstitial?clerk_js_version=4&publishable_key="),
            "{head}"
        );
        assert!(
            lower.contains("\r\nclerk-backend-sdk: @clerk/backend\r\n"),
            "{head}"
        );
        assert!(!lower.contains("authorization"), "{head}");
        assert!(rx.try_recv().is_err(), "exactly one request");
    }

    #[tokio::test]
    async fn a_configuration_loads_through_its_own_client() {
        let (base, mut rx) = serve(200, "<html>from config</html>").await;
        let config = ClerkConfig::builder()
            .secret_key("sk_test_xxx")
            .publishable_key(pk("clerk.example.com"))
            .api_url(base)
            .build()
            .unwrap();
        let body = config.load_interstitial_from_bapi().await.unwrap();
        assert_eq!(body, "<html>from config</html>");
        let head = rx.recv().await.unwrap();
        assert!(
            head.starts_with("GET /v1/public/interstitial?clerk_js_version=4&publishable_key="),
            "{head}"
        );
        let lower = head.to_ascii_lowercase();
        assert!(
            lower.contains("\r\nclerk-backend-sdk: @clerk/backend\r\n"),
            "{head}"
        );
        assert!(!lower.contains("authorization"), "{head}");
    }

    #[tokio::test]
    async fn custom_user_agent() {
        let (base, mut rx) = serve(200, "ok").await;
        let mut o = options(base);
        o.user_agent = "my-app/0.1".into();
        load_interstitial_from_bapi(&o).await.unwrap();
        let head = rx.recv().await.unwrap().to_ascii_lowercase();
        assert!(
            head.contains("\r\nclerk-backend-sdk: my-app/0.1\r\n"),
            "{head}"
        );
    }

    #[tokio::test]
    async fn non_2xx_is_an_error_without_retry() {
        let (base, mut rx) = serve(500, "boom").await;
        let o = options(base);
        let url = build_public_interstitial_url(&o).unwrap();
        let e = load_interstitial_from_bapi(&o).await.unwrap_err();
        assert_eq!(e.reason(), "interstitial-remote-failed-to-load");
        assert_eq!(
            e.message(),
            format!("Error loading Clerk Interstitial from {url} with code=500")
        );
        assert_eq!(e.action(), Some("Contact support@clerk.com"));
        rx.recv().await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(rx.try_recv().is_err(), "not retried");
    }

    #[tokio::test]
    async fn transport_failure_is_retried_then_fails() {
        // A port with nothing listening: bind, take the port, drop the listener.
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let client = reqwest::Client::new();
        let policy = retry_policy(Duration::from_millis(1));
        let started = std::time::Instant::now();
        let e =
            load_interstitial_from_bapi_with(&client, &options(format!("http://{addr}")), &policy)
                .await
                .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(e.reason(), "unexpected-error");
        assert!(e.message().contains("after 5 attempts"), "{}", e.message());
        assert!(std::error::Error::source(&e).is_some());
    }

    #[tokio::test]
    async fn transport_failure_then_success() {
        // The first connection is closed without an answer; the retry gets the page.
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (sock, _) = listener.accept().await.unwrap();
            drop(sock);
            let (mut sock, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 4096];
            let _ = sock.read(&mut buf).await;
            let _ = sock
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 4\r\nconnection: close\r\n\r\npage")
                .await;
        });
        let client = reqwest::Client::new();
        let policy = retry_policy(Duration::from_millis(1));
        let body =
            load_interstitial_from_bapi_with(&client, &options(format!("http://{addr}")), &policy)
                .await
                .unwrap();
        assert_eq!(body, "page");
    }
}
