//! Heap allocations per request on the reused-token path, in process, in each framework, next to
//! the plain route with and without the same `Authorization` header: axum through
//! `tower::ServiceExt::oneshot`, actix-web through `actix_web::test::call_service`, Rocket
//! through its asynchronous local client. Each request is built, sent, and its body read; the
//! counts are a counting global allocator's (`stats_alloc`) over 10 000 requests after a
//! warm-up, divided by 10 000, so what the test clients themselves allocate is in every row and
//! the difference between rows is what Clerk adds. The apps are the load harness's.
//!
//! Run: `cargo bench -p clerk-load --bench allocations` (it prints a table; nothing is timed).
#![allow(missing_docs)]

#[allow(dead_code, unreachable_pub)]
#[path = "../src/peer.rs"]
mod peer;
#[allow(dead_code, unreachable_pub)]
#[path = "../src/servers.rs"]
mod servers;

use std::alloc::System;
use std::future::Future;
use std::time::Duration;

use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const REQUESTS: usize = 10_000;
const WARM_UP: usize = 200;

/// Allocations (including reallocations) and bytes per request of `send`.
async fn count<F, Fut>(mut send: F) -> (f64, f64)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    for _ in 0..WARM_UP {
        send().await;
    }
    let region = Region::new(GLOBAL);
    for _ in 0..REQUESTS {
        send().await;
    }
    let change = region.change();
    let n = REQUESTS as f64;
    (
        (change.allocations + change.reallocations) as f64 / n,
        change.bytes_allocated as f64 / n,
    )
}

/// [`count`] for an actix-web test service.
async fn actix_count<S, B>(app: &S, path: &str, bearer: Option<&str>) -> (f64, f64)
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    use actix_web::test;
    count(|| {
        let mut request = test::TestRequest::get().uri(path);
        if let Some(bearer) = bearer {
            request = request.insert_header(("authorization", bearer));
        }
        let request = request.to_request();
        async move {
            let response = test::call_service(app, request).await;
            assert_eq!(response.status(), 200);
            test::read_body(response).await;
        }
    })
    .await
}

struct Row {
    framework: &'static str,
    scenario: &'static str,
    allocations: f64,
    bytes: f64,
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this too: both just count.
    let instance = clerk_testing::TestInstance::with_frontend_api("clerk.example.com");
    let token = instance
        .token()
        .user_id("user_admin")
        .org_id("org_demo")
        .org_role("org:admin")
        .lifetime(Duration::from_secs(3600))
        .sign();
    let config = instance
        .config_builder()
        .protocol(clerk_core::AuthProtocol::DEFAULT)
        .secret_key("sk_live_allocations")
        .build()
        .unwrap();
    let bearer = format!("Bearer {token}");
    let mut rows = Vec::new();
    let cases: [(&'static str, &'static str, bool, bool); 4] = [
        // scenario, path, with Clerk, with the token header
        ("plain", "/plain", false, false),
        ("plain + same header", "/plain", false, true),
        ("signed-out", "/public", true, false),
        ("me-reused", "/me", true, true),
    ];

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    // axum
    use tower::ServiceExt as _;
    let plain = servers::axum_app::router(None);
    let clerk = servers::axum_app::router(Some(config.clone()));
    let measure_axum = |app: &axum::Router, path: &'static str, with_header: bool| {
        runtime.block_on(count(|| {
            let mut request = http::Request::builder()
                .uri(path)
                .header("host", "127.0.0.1");
            if with_header {
                request = request.header("authorization", bearer.as_str());
            }
            let request = request.body(axum::body::Body::empty()).unwrap();
            let app = app.clone();
            async move {
                let response = app.oneshot(request).await.unwrap();
                assert_eq!(response.status(), 200);
                axum::body::to_bytes(response.into_body(), usize::MAX)
                    .await
                    .unwrap();
            }
        }))
    };
    for (scenario, path, with_clerk, with_header) in cases {
        let (allocations, bytes) =
            measure_axum(if with_clerk { &clerk } else { &plain }, path, with_header);
        rows.push(Row {
            framework: "axum",
            scenario,
            allocations,
            bytes,
        });
    }
    // What any `Router::layer` costs, whatever the layer does: axum wraps each route again.
    let no_op = servers::axum_app::router(None).layer(tower::layer::layer_fn(|service| service));
    let (allocations, bytes) = measure_axum(&no_op, "/plain", true);
    rows.push(Row {
        framework: "axum",
        scenario: "plain + same header + a no-op layer",
        allocations,
        bytes,
    });

    // actix-web
    actix_web::rt::System::new().block_on(async {
        use actix_web::{App, test};
        let plain =
            test::init_service(App::new().configure(servers::actix_app::plain_routes)).await;
        let clerk = test::init_service(
            App::new()
                .wrap(clerk_actix::ClerkMiddleware::new(config.clone()))
                .configure(servers::actix_app::clerk_routes),
        )
        .await;
        for (scenario, path, with_clerk, with_header) in cases {
            let header = with_header.then_some(bearer.as_str());
            let (allocations, bytes) = if with_clerk {
                actix_count(&clerk, path, header).await
            } else {
                actix_count(&plain, path, header).await
            };
            rows.push(Row {
                framework: "actix-web",
                scenario,
                allocations,
                bytes,
            });
        }
    });

    // Rocket
    runtime.block_on(async {
        use rocket::local::asynchronous::Client;
        let figment = rocket::Config::figment()
            .merge(("log_level", "off"))
            .merge(("cli_colors", false));
        let build = |config| servers::rocket_app::app(rocket::custom(figment.clone()), config);
        let plain = Client::untracked(build(None)).await.unwrap();
        let clerk = Client::untracked(build(Some(config.clone())))
            .await
            .unwrap();
        for (scenario, path, with_clerk, with_header) in cases {
            let client = if with_clerk { &clerk } else { &plain };
            let (allocations, bytes) = count(|| async {
                let mut request = client.get(path);
                if with_header {
                    request =
                        request.header(rocket::http::Header::new("Authorization", bearer.clone()));
                }
                let response = request.dispatch().await;
                assert_eq!(response.status(), rocket::http::Status::Ok);
                response.into_bytes().await.unwrap();
            })
            .await;
            rows.push(Row {
                framework: "Rocket",
                scenario,
                allocations,
                bytes,
            });
        }
    });

    println!("| framework | scenario | allocations per request | bytes allocated per request |");
    println!("|---|---|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {} | {:.1} | {:.0} |",
            r.framework, r.scenario, r.allocations, r.bytes
        );
    }
    for framework in ["axum", "actix-web", "Rocket"] {
        let of = |s: &str| {
            rows.iter()
                .find(|r| r.framework == framework && r.scenario == s)
                .map_or(f64::NAN, |r| r.allocations)
        };
        println!(
            "{framework}: me-reused allocates {:+.1} per request against plain with the same header, {:+.1} against plain",
            of("me-reused") - of("plain + same header"),
            of("me-reused") - of("plain"),
        );
    }
}
