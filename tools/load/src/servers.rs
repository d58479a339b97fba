//! The servers under load: for each framework, an app without Clerk (`/plain`) or with it
//! (`/public`, `/me`, `/admin`), each on its own thread with `threads` workers (one unless a
//! scaling scenario asks for more), on 127.0.0.1. Every handler answers the same small JSON
//! shape (`{"user_id": …, "org_id": …}`), so the scenarios differ only by what Clerk does. The
//! apps are built by functions the allocation bench (`benches/allocations.rs`) calls too.
//!
//! With the `peers` feature, `start_clerk_rs` serves the same `/me` route behind clerk-rs
//! 0.5's axum `ClerkLayer`.

use std::net::SocketAddr;
use std::sync::mpsc;

use clerk_core::ClerkConfig;

pub(crate) const FRAMEWORKS: [&str; 3] = ["axum", "actix", "rocket"];

/// Starts `framework`'s app (with Clerk when `config` is set) with `threads` worker threads and
/// returns its address.
pub(crate) fn start(
    framework: &str,
    config: Option<ClerkConfig>,
    threads: usize,
) -> Result<SocketAddr, String> {
    let (tx, rx) = mpsc::channel();
    let framework = framework.to_owned();
    std::thread::Builder::new()
        .name(format!("{framework}-server"))
        .spawn(move || match framework.as_str() {
            "axum" => axum_app::serve(axum_app::router(config), threads, tx),
            "actix" => actix_app::serve(config, threads, tx),
            _ => rocket_app::serve(config, threads, tx),
        })
        .map_err(|e| e.to_string())?;
    rx.recv_timeout(std::time::Duration::from_secs(30))
        .map_err(|_| "a server did not start within 30 s".to_owned())?
}

/// Starts the axum app whose `/me` is behind clerk-rs 0.5's `ClerkLayer` (one thread), with
/// `jwk` (the instance's public key as a JWK) in memory.
#[cfg(feature = "peers")]
pub(crate) fn start_clerk_rs(jwk: &serde_json::Value) -> Result<SocketAddr, String> {
    let router = axum_app::clerk_rs_router(jwk)?;
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("axum-clerk-rs-server".to_owned())
        .spawn(move || axum_app::serve(router, 1, tx))
        .map_err(|e| e.to_string())?;
    rx.recv_timeout(std::time::Duration::from_secs(30))
        .map_err(|_| "a server did not start within 30 s".to_owned())?
}

type Ready = mpsc::Sender<Result<SocketAddr, String>>;

pub(crate) mod axum_app {
    use axum::routing::get;
    use axum::{Json, Router};
    use clerk_axum::{ClerkLayer, ClerkUser, clerk_protected};
    use serde_json::{Value, json};

    async fn me(user: ClerkUser) -> Json<Value> {
        Json(json!({ "user_id": user.user_id(), "org_id": user.org_id() }))
    }

    #[clerk_protected(roles = ["org:admin"])]
    async fn admin(user: ClerkUser) -> Json<Value> {
        Json(json!({ "user_id": user.user_id(), "org_id": user.org_id() }))
    }

    async fn anonymous() -> Json<Value> {
        Json(json!({ "user_id": "anonymous", "org_id": null }))
    }

    /// `/plain` without Clerk, or `/public`, `/me` and `/admin` behind `ClerkLayer`.
    pub(crate) fn router(config: Option<clerk_core::ClerkConfig>) -> Router {
        match config {
            None => Router::new().route("/plain", get(anonymous)),
            Some(config) => Router::new()
                .route("/public", get(anonymous))
                .route("/me", get(me))
                .route("/admin", get(admin))
                .layer(ClerkLayer::new(config)),
        }
    }

    /// `/me` behind clerk-rs's `ClerkLayer` (header or `__session` cookie, every route), the
    /// key served from memory by [`peer::StaticJwks`](crate::peer::StaticJwks).
    #[cfg(feature = "peers")]
    pub(crate) fn clerk_rs_router(jwk: &Value) -> Result<Router, String> {
        use axum::Extension;
        use clerk_rs::validators::authorizer::ClerkJwt;

        async fn me(Extension(jwt): Extension<ClerkJwt>) -> Json<Value> {
            let org_id = jwt.org.as_ref().map(|o| o.id.clone());
            Json(json!({ "user_id": jwt.sub, "org_id": org_id }))
        }
        let provider = crate::peer::StaticJwks::new(jwk)?;
        Ok(Router::new()
            .route("/me", get(me))
            .layer(clerk_rs::validators::axum::ClerkLayer::new(
                provider, None, true,
            )))
    }

    pub(super) fn serve(app: Router, threads: usize, ready: super::Ready) {
        let runtime = if threads > 1 {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(threads)
                .enable_all()
                .build()
        } else {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
        };
        let Ok(runtime) = runtime else {
            let _ = ready.send(Err("tokio runtime".to_owned()));
            return;
        };
        runtime.block_on(async move {
            let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
                Ok(l) => l,
                Err(e) => {
                    let _ = ready.send(Err(e.to_string()));
                    return;
                }
            };
            let _ = ready.send(listener.local_addr().map_err(|e| e.to_string()));
            let _ = axum::serve(listener, app).await;
        });
    }
}

pub(crate) mod actix_app {
    use actix_web::{App, HttpResponse, HttpServer, get, web};
    use clerk_actix::{ClerkMiddleware, ClerkUser, clerk_protected};
    use serde_json::json;

    #[get("/me")]
    async fn me(user: ClerkUser) -> HttpResponse {
        HttpResponse::Ok().json(json!({ "user_id": user.user_id(), "org_id": user.org_id() }))
    }

    #[clerk_protected(roles = ["org:admin"])]
    #[get("/admin")]
    async fn admin(user: ClerkUser) -> HttpResponse {
        HttpResponse::Ok().json(json!({ "user_id": user.user_id(), "org_id": user.org_id() }))
    }

    async fn ok() -> HttpResponse {
        HttpResponse::Ok().json(json!({ "user_id": "anonymous", "org_id": null }))
    }

    /// The routes of the app without Clerk.
    pub(crate) fn plain_routes(cfg: &mut web::ServiceConfig) {
        cfg.route("/plain", web::get().to(ok));
    }

    /// The routes behind `ClerkMiddleware` (wrapped by the caller).
    pub(crate) fn clerk_routes(cfg: &mut web::ServiceConfig) {
        cfg.route("/public", web::get().to(ok))
            .service(me)
            .service(admin);
    }

    pub(super) fn serve(
        config: Option<clerk_core::ClerkConfig>,
        threads: usize,
        ready: super::Ready,
    ) {
        let tx = ready.clone();
        let result = actix_web::rt::System::new().block_on(async move {
            match config {
                None => {
                    let server = HttpServer::new(|| App::new().configure(plain_routes))
                        .workers(threads)
                        .bind(("127.0.0.1", 0))?;
                    let _ = tx.send(Ok(server.addrs()[0]));
                    server.run().await
                }
                Some(config) => {
                    let server = HttpServer::new(move || {
                        App::new()
                            .wrap(ClerkMiddleware::new(config.clone()))
                            .configure(clerk_routes)
                    })
                    .workers(threads)
                    .bind(("127.0.0.1", 0))?;
                    let _ = tx.send(Ok(server.addrs()[0]));
                    server.run().await
                }
            }
        });
        if let Err(e) = result {
            let _ = ready.send(Err(e.to_string()));
        }
    }
}

pub(crate) mod rocket_app {
    use clerk_rocket::{ClerkFairing, ClerkUser, clerk_protected};
    use rocket::fairing::AdHoc;
    use rocket::serde::json::{Json, Value, json};
    use rocket::{Build, Rocket, get, routes};

    #[get("/plain")]
    fn plain() -> Json<Value> {
        Json(json!({ "user_id": "anonymous", "org_id": null }))
    }

    #[get("/public")]
    fn public() -> Json<Value> {
        Json(json!({ "user_id": "anonymous", "org_id": null }))
    }

    #[get("/me")]
    fn me(user: ClerkUser) -> Json<Value> {
        Json(json!({ "user_id": user.user_id(), "org_id": user.org_id() }))
    }

    #[clerk_protected(roles = ["org:admin"])]
    #[get("/admin")]
    fn admin(user: ClerkUser) -> Json<Value> {
        Json(json!({ "user_id": user.user_id(), "org_id": user.org_id() }))
    }

    /// `/plain` without Clerk, or `/public`, `/me` and `/admin` behind `ClerkFairing`.
    pub(crate) fn app(
        base: Rocket<Build>,
        config: Option<clerk_core::ClerkConfig>,
    ) -> Rocket<Build> {
        match config {
            None => base.mount("/", routes![plain]),
            Some(config) => base
                .mount("/", routes![public, me, admin])
                .attach(ClerkFairing::new(config)),
        }
    }

    pub(super) fn serve(
        config: Option<clerk_core::ClerkConfig>,
        threads: usize,
        ready: super::Ready,
    ) {
        let figment = rocket::Config::figment()
            .merge(("address", "127.0.0.1"))
            .merge(("port", 0))
            .merge(("workers", threads))
            .merge(("log_level", "off"))
            .merge(("cli_colors", false));
        let tx = ready.clone();
        let base = rocket::custom(figment).attach(AdHoc::on_liftoff("ready", move |r| {
            let port = r.config().port;
            Box::pin(async move {
                let _ = tx.send(Ok(std::net::SocketAddr::from(([127, 0, 0, 1], port))));
            })
        }));
        // Our own runtime of `threads` workers: `rocket::execute` sizes its runtime from the
        // default figment (the machine's cores), not from the `workers` set above.
        let runtime = match tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build()
        {
            Ok(r) => r,
            Err(e) => {
                let _ = ready.send(Err(e.to_string()));
                return;
            }
        };
        if let Err(e) = runtime.block_on(app(base, config).launch()) {
            let _ = ready.send(Err(e.to_string()));
        }
    }
}
