//! Routes served to machines over a real socket on 127.0.0.1: `#[clerk_protected(token = [...],
//! scopes = [...])]`, `ClerkCaller` and `ClerkMachine`, with API keys, M2M tokens and OAuth
//! access tokens issued (and, when opaque, verified) by the emulator.

use actix_web::{App, HttpServer, get};
use clerk_actix::{ClerkCaller, ClerkConfig, ClerkMachine, ClerkMiddleware, clerk_protected};
use clerk_testing::protected_machines::{self, Fixture};

clerk_testing::machine_routes!();

async fn serve(config: ClerkConfig) -> String {
    let clerk = ClerkMiddleware::new(config);
    let server = HttpServer::new(move || {
        App::new()
            .wrap(clerk.clone())
            .service(api_keys)
            .service(import)
            .service(peers)
            .service(users_or_oauth)
            .service(reports)
            .service(caller)
            .service(machine)
            .service(optional_machine)
    })
    .workers(1)
    .disable_signals()
    .bind(("127.0.0.1", 0))
    .expect("bind");
    let addr = server.addrs()[0];
    actix_web::rt::spawn(server.run());
    format!("http://{addr}")
}

#[actix_web::test]
async fn machine_callers() {
    let fixture = Fixture::start();
    let base = serve(fixture.config()).await;
    if let Err(failures) = protected_machines::replay(&base, &fixture).await {
        panic!("{failures}");
    }
}

#[actix_web::test]
async fn a_route_accepting_unverified_token_types_answers_500() {
    let fixture = Fixture::start();
    let base = serve(fixture.session_only_config()).await;
    if let Err(failures) = protected_machines::replay_not_configured(&base, &fixture).await {
        panic!("{failures}");
    }
}
