//! `clerk-emulator`: a local Clerk for development. Prints the environment variables that point
//! an app at it and serves until Ctrl-C.

use std::process::ExitCode;
use std::time::Duration;

use clerk_testing::Emulator;

const USAGE: &str =
    "usage: clerk-emulator [--port PORT] [--token-lifetime SECONDS] [--no-demo-data]
                      [--webhook URL [--webhook-secret SECRET]]

  --port PORT                port on 127.0.0.1 (default 4001; 0 = any free port)
  --token-lifetime SECONDS   session token lifetime (default 60)
  --no-demo-data             start with an empty store
  --webhook URL              deliver signed webhook events to URL (your app's endpoint)
  --webhook-secret SECRET    their signing secret, whsec_... (default: a fresh one, printed)";

fn parse_args() -> Result<clerk_testing::EmulatorBuilder, String> {
    let mut builder = Emulator::builder().port(4001);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" | "-p" => {
                let v = args.next().ok_or("--port needs a value")?;
                builder = builder.port(v.parse().map_err(|_| format!("invalid port {v:?}"))?);
            }
            "--token-lifetime" => {
                let v = args.next().ok_or("--token-lifetime needs a value")?;
                let secs: u64 = v
                    .parse()
                    .map_err(|_| format!("invalid token lifetime {v:?}"))?;
                builder = builder.session_token_lifetime(Duration::from_secs(secs));
            }
            "--no-demo-data" => builder = builder.seed_demo_data(false),
            "--webhook" => {
                let v = args.next().ok_or("--webhook needs a URL")?;
                builder = builder.webhook(v);
            }
            "--webhook-secret" => {
                let v = args.next().ok_or("--webhook-secret needs a value")?;
                builder = builder.webhook_signing_secret(v);
            }
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(builder)
}

fn main() -> ExitCode {
    let builder = match parse_args() {
        Ok(b) => b,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("clerk-emulator: {e}\n");
            }
            eprintln!("{USAGE}");
            return if e.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            };
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("clerk-emulator: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let emulator = match builder.start().await {
            Ok(e) => e,
            Err(e) => {
                eprintln!("clerk-emulator: {e}");
                return ExitCode::FAILURE;
            }
        };
        println!("Clerk emulator listening on {}", emulator.url());
        println!();
        println!("# Point your app at it (local throwaway test keys, safe to print):");
        for (name, value) in emulator.env_vars() {
            println!("export {name}={value}");
        }
        println!();
        println!(
            "# Sign in as a demo user: {}",
            emulator.sign_in_url("http://127.0.0.1:3000/")
        );
        if let (Some(machine), Some(api_key)) =
            (emulator.machine_secret_key(), emulator.demo_api_key())
        {
            println!("# Machine tokens: the demo machine mch_demo's secret key");
            println!("#   CLERK_MACHINE_SECRET_KEY={machine}");
            println!("# and an API key of user_admin (Authorization: Bearer): {api_key}");
        }
        if let Some(url) = emulator.webhook_url() {
            println!(
                "# Webhooks go to {url}; deliveries: {}/emulator/webhooks",
                emulator.url()
            );
        }
        println!("# Press Ctrl-C to stop.");
        if tokio::signal::ctrl_c().await.is_err() {
            eprintln!("clerk-emulator: cannot listen for Ctrl-C; stopping");
        }
        emulator.shutdown().await;
        ExitCode::SUCCESS
    })
}
