//! Hostile requests against each example app over raw sockets on 127.0.0.1: enormous `Cookie`
//! and `Authorization` headers, thousands of cookies, duplicate `__session` cookies, non-UTF-8
//! header bytes, `Bearer` with odd spacing and case, malformed `Origin`/`Referer`/`Host`/
//! `X-Forwarded-*`, tokens just over the size cap. Each must get a 4xx or the rules' auth
//! outcome — never a 5xx, a dropped connection without an answer, or a crash — and the server
//! must keep serving afterwards.
//!
//! The example binaries must be built (`cargo test --workspace` builds them; or
//! `cargo build -p example-axum -p example-actix -p example-rocket`).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use clerk_e2e::{Guard, Scratch, example_binary, free_port, tail};
use clerk_testing::TestInstance;

/// One request's raw bytes and what it is.
struct Hostile {
    what: String,
    bytes: Vec<u8>,
}

fn request(what: &str, path: &str, headers: &[(&str, Vec<u8>)]) -> Hostile {
    let mut bytes = format!("GET {path} HTTP/1.1\r\n").into_bytes();
    let mut has_host = false;
    for (name, value) in headers {
        has_host |= name.eq_ignore_ascii_case("host");
        bytes.extend_from_slice(name.as_bytes());
        bytes.extend_from_slice(b": ");
        bytes.extend_from_slice(value);
        bytes.extend_from_slice(b"\r\n");
    }
    if !has_host {
        bytes.extend_from_slice(b"Host: 127.0.0.1\r\n");
    }
    bytes.extend_from_slice(b"Connection: close\r\n\r\n");
    Hostile {
        what: what.to_owned(),
        bytes,
    }
}

fn hostile_requests(valid: &str) -> Vec<Hostile> {
    let v = |s: &str| s.as_bytes().to_vec();
    let over_cap = format!(
        "{}.{}.{}",
        "a".repeat(4000),
        "b".repeat(4000),
        "c".repeat(300)
    );
    let thousands: String = (0..3000).map(|i| format!("c{i}=v{i}; ")).collect();
    let mut out = vec![
        request(
            "huge cookie header (64 KiB)",
            "/me",
            &[("Cookie", v(&format!("__session={}", "x".repeat(64 * 1024))))],
        ),
        request(
            "huge Authorization (64 KiB)",
            "/me",
            &[(
                "Authorization",
                v(&format!("Bearer {}", "y".repeat(64 * 1024))),
            )],
        ),
        request("thousands of cookies", "/me", &[("Cookie", v(&thousands))]),
        request(
            "duplicate __session cookies",
            "/me",
            &[(
                "Cookie",
                v(&format!(
                    "__session=junk; __session={valid}; __client_uat=1"
                )),
            )],
        ),
        request(
            "several Cookie fields",
            "/me",
            &[
                ("Cookie", v("__session=a")),
                ("Cookie", v(&format!("__session={valid}"))),
            ],
        ),
        request(
            "non-UTF-8 Authorization",
            "/me",
            &[(
                "Authorization",
                vec![b'B', b'e', b'a', b'r', b'e', b'r', b' ', 0xff, 0xfe, 0x80],
            )],
        ),
        request(
            "non-UTF-8 Cookie",
            "/me",
            &[(
                "Cookie",
                vec![
                    b'_', b'_', b's', b'e', b's', b's', b'i', b'o', b'n', b'=', 0xc3, 0x28,
                ],
            )],
        ),
        request("non-UTF-8 Origin", "/", &[("Origin", vec![0xff, 0xff])]),
        request(
            "Bearer with two spaces",
            "/me",
            &[("Authorization", v(&format!("Bearer  {valid}")))],
        ),
        request(
            "bearer lower case",
            "/me",
            &[("Authorization", v(&format!("bearer {valid}")))],
        ),
        request(
            "BEARER upper case",
            "/me",
            &[("Authorization", v(&format!("BEARER {valid}")))],
        ),
        request("Bearer alone", "/me", &[("Authorization", v("Bearer"))]),
        request(
            "Bearer with a tab",
            "/me",
            &[("Authorization", v(&format!("Bearer\t{valid}")))],
        ),
        request(
            "token just over the size cap",
            "/me",
            &[("Authorization", v(&format!("Bearer {over_cap}")))],
        ),
        request(
            "token over the cap in the cookie",
            "/me",
            &[(
                "Cookie",
                v(&format!("__session={over_cap}; __client_uat=1")),
            )],
        ),
        request("Origin: null", "/", &[("Origin", v("null"))]),
        request("malformed Origin", "/", &[("Origin", v("http://[::1"))]),
        request(
            "Origin with a path",
            "/",
            &[("Origin", v("https://evil.example/x?y"))],
        ),
        request(
            "malformed Referer",
            "/",
            &[
                ("Referer", v("::::")),
                ("Cookie", v(&format!("__session={valid}; __client_uat=1"))),
            ],
        ),
        request("malformed Host", "/", &[("Host", v("exa mple.com:99999"))]),
        request("empty Host", "/", &[("Host", v(""))]),
        request(
            "forwarded lists",
            "/",
            &[
                ("X-Forwarded-Host", v(",,,")),
                ("X-Forwarded-Proto", v("gopher, https")),
                ("X-Forwarded-Port", v("-1")),
                ("Origin", v("https://127.0.0.1")),
            ],
        ),
        request(
            "CloudFront proto junk",
            "/",
            &[
                ("CloudFront-Forwarded-Proto", v("\u{7f}x")),
                ("Origin", v("https://127.0.0.1")),
            ],
        ),
        request(
            "percent junk in cookies",
            "/me",
            &[("Cookie", v("__session=%ZZ%; __client_uat=%00; a=\"\""))],
        ),
        request(
            "client_uat hex and negative",
            "/me",
            &[(
                "Cookie",
                v("__client_uat=0x7fffffffffffffffff; __session=-1"),
            )],
        ),
        request(
            "signed-in token with a hostile query",
            "/me?__clerk_synced=%FF&__clerk_satellite_url=javascript:alert(1)",
            &[("Authorization", v(&format!("Bearer {valid}")))],
        ),
        request(
            "invoices as a non-member",
            "/invoices",
            &[("Authorization", v(&format!("Bearer {valid}")))],
        ),
    ];
    // A request line far past any sane size.
    out.push(Hostile {
        what: "request line of 100 KiB".to_owned(),
        bytes: format!(
            "GET /{} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
            "a".repeat(100 * 1024)
        )
        .into_bytes(),
    });
    out
}

/// Sends raw bytes and returns the status code of the answer (`None`: closed without one).
fn send(port: u16, bytes: &[u8]) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    // The server may answer and close before reading everything (e.g. 431): ignore write errors.
    let _ = stream.write_all(bytes);
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let head = String::from_utf8_lossy(&response[..response.len().min(64)]).into_owned();
    head.strip_prefix("HTTP/1.1 ")
        .or_else(|| head.strip_prefix("HTTP/1.0 "))
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
}

fn run(bin: &str) {
    let binary = example_binary(bin);
    let scratch = Scratch::new(&format!("hostile-{bin}"));
    let instance = TestInstance::new();
    let port = free_port();
    let log = scratch.0.join("app.log");
    let mut command = Command::new(&binary);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("CLERK_") {
            command.env_remove(name);
        }
    }
    command
        .env("CLERK_SECRET_KEY", "sk_live_hostile")
        .env("CLERK_PUBLISHABLE_KEY", instance.publishable_key())
        .env("CLERK_JWT_KEY", instance.jwt_key())
        .env("HOST", "127.0.0.1")
        .env("PORT", port.to_string())
        .env("ROCKET_CLI_COLORS", "false")
        .current_dir(&scratch.0);
    let mut app = Guard::spawn(bin, command, &log);
    let valid = instance
        .token()
        .user_id("user_hostile")
        .lifetime(Duration::from_secs(600))
        .sign();
    let me = request(
        "valid token",
        "/me",
        &[("Authorization", format!("Bearer {valid}").into_bytes())],
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while send(port, &me.bytes) != Some(200) {
        app.assert_running(&log);
        assert!(
            Instant::now() < deadline,
            "{bin} did not start; its log:\n{}",
            tail(&log, 40)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let mut failures = Vec::new();
    for hostile in hostile_requests(&valid) {
        match send(port, &hostile.bytes) {
            Some(code) if code < 500 => {}
            other => failures.push(format!("{}: {other:?}", hostile.what)),
        }
        app.assert_running(&log);
    }
    assert!(
        failures.is_empty(),
        "{bin}: {}\nlog:\n{}",
        failures.join("\n"),
        tail(&log, 40)
    );
    // Still serving, and still right.
    assert_eq!(send(port, &me.bytes), Some(200), "{bin} stopped serving");
    let anonymous = request("no token", "/me", &[]);
    assert_eq!(send(port, &anonymous.bytes), Some(401));
}

#[test]
fn axum_survives_hostile_requests() {
    run("example-axum");
}

#[test]
fn actix_survives_hostile_requests() {
    run("example-actix");
}

#[test]
fn rocket_survives_hostile_requests() {
    run("example-rocket");
}
