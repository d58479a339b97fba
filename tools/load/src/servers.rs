//! The servers under load: for each framework, an app without Clerk (`/plain`) or with it
//! (`/public`, `/me`, `/admin`), each on its own thread with one worker, on 127.0.0.1. Every
//! handler answers the same small JSON shape (`{"user_id": …, "org_id": …}`), so the scenarios
//! differ only by what Clerk does.

use std::net::SocketAddr;
use std::sync::mpsc;

use clerk_core::ClerkConfig;

pub(crate) const FRAMEWORKS: [&str; 3] = ["axum", "actix", "rocket"];

/// Starts `framework`'s app (with Clerk when `config` is set) and returns its address.
pub(crate) fn start(framework: &str, config: Option<ClerkConfig>) -> Result<SocketAddr, String> {
    let (tx, rx) = mpsc::channel();
    let framework = framework.to_owned();
    std::thread::Builder::new()
        .name(format!("{framework}-server"))
        .spawn(move || match framework.as_str() {
            "axum" => axum_app::serve(config, tx),
            "actix" => actix_app::serve(config, tx),
            _ => rocket_app::serve(config, tx),
        })
        .map_err(|e| e.to_string())?;
    rx.recv_timeout(std::time::Duration::from_secs(30))
        .map_err(|_| "a server did not start within 30 s".to_owned())?
}

type Ready = mpsc::Sender<Result<SocketAddr, String>>;

mod axum_app {
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

    pub(super) fn serve(config: Option<clerk_core::ClerkConfig>, ready: super::Ready) {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
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
            let app = match config {
                None => Router::new().route("/plain", get(anonymous)),
                Some(config) => Router::new()
                    .route("/public", get(anonymous))
                    .route("/me", get(me))
                    .route("/admin", get(admin))
                    .layer(ClerkLayer::new(config)),
            };
            let _ = axum::serve(listener, app).await;
        });
    }
}

mod actix_app {
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

    pub(super) fn serve(config: Option<clerk_core::ClerkConfig>, ready: super::Ready) {
        let tx = ready.clone();
        let result = actix_web::rt::System::new().block_on(async move {
            match config {
                None => {
                    let server = HttpServer::new(|| App::new().route("/plain", web::get().to(ok)))
                        .workers(1)
                        .bind(("127.0.0.1", 0))?;
                    let _ = tx.send(Ok(server.addrs()[0]));
                    server.run().await
                }
                Some(config) => {
                    let server = HttpServer::new(move || {
                        App::new()
                            .wrap(ClerkMiddleware::new(config.clone()))
                            .route("/public", web::get().to(ok))
                            .service(me)
                            .service(admin)
                    })
                    .workers(1)
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

mod rocket_app {
    use clerk_rocket::{ClerkFairing, ClerkUser, clerk_protected};
    use rocket::fairing::AdHoc;
    use rocket::serde::json::{Json, Value, json};
    use rocket::{get, routes};

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

    pub(super) fn serve(config: Option<clerk_core::ClerkConfig>, ready: super::Ready) {
        let figment = rocket::Config::figment()
            .merge(("address", "127.0.0.1"))
            .merge(("port", 0))
            .merge(("workers", 1))
            .merge(("log_level", "off"))
            .merge(("cli_colors", false));
        let tx = ready.clone();
        let base = rocket::custom(figment).attach(AdHoc::on_liftoff("ready", move |r| {
            let port = r.config().port;
            Box::pin(async move {
                let _ = tx.send(Ok(std::net::SocketAddr::from(([127, 0, 0, 1], port))));
            })
        }));
        let app = match config {
            None => base.mount("/", routes![plain]),
            Some(config) => base
                .mount("/", routes![public, me, admin])
                .attach(ClerkFairing::new(config)),
        };
        let result = rocket::execute(app.launch());
        if let Err(e) = result {
            let _ = ready.send(Err(e.to_string()));
        }
    }
}
