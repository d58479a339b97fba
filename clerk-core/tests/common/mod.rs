//! Test helpers: token signing over arbitrary bytes, fixture keys, and a real HTTP server on
//! 127.0.0.1 that serves a JWKS (or misbehaves on purpose).
#![allow(dead_code, unreachable_pub, missing_docs)]

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http_body_util::Full;
use hyper::body::Bytes;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER;
use jsonwebtoken::{Algorithm, EncodingKey};
use pkcs1::der::Decode as _;
use serde_json::{Value, json};
use tokio::net::TcpListener;

pub const CLERK_KID: &str = "ins_test_clerk";
pub const NOW: i64 = 1_700_000_000;
pub const CLERK_PUBLIC_PEM: &str = include_str!("../fixtures/rsa_clerk_public.pem");
pub const ATTACKER_PUBLIC_PEM: &str = include_str!("../fixtures/rsa_attacker_public.pem");
pub const WEAK_PUBLIC_PEM: &str = include_str!("../fixtures/rsa_weak_public.pem");

pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn clerk_signing_key() -> EncodingKey {
    EncodingKey::from_rsa_der(include_bytes!("../fixtures/rsa_clerk_private.der"))
}

pub fn attacker_signing_key() -> EncodingKey {
    EncodingKey::from_rsa_der(include_bytes!("../fixtures/rsa_attacker_private.der"))
}

/// Signs `<b64 header>.<b64 payload>` made of arbitrary bytes.
pub fn sign_bytes(header: &[u8], payload: &[u8], key: &EncodingKey, alg: Algorithm) -> String {
    let signing_input = format!("{}.{}", b64(header), b64(payload));
    let signature = sign_input(&signing_input, key, alg);
    format!("{signing_input}.{signature}")
}

pub fn sign_input(signing_input: &str, key: &EncodingKey, alg: Algorithm) -> String {
    let signer = (DEFAULT_PROVIDER.signer_factory)(&alg, key).expect("signer");
    b64(&signer.try_sign(signing_input.as_bytes()).expect("sign"))
}

pub fn sign(header: &str, payload: &str) -> String {
    sign_bytes(
        header.as_bytes(),
        payload.as_bytes(),
        &clerk_signing_key(),
        Algorithm::RS256,
    )
}

pub fn header() -> Value {
    json!({"alg": "RS256", "kid": CLERK_KID, "typ": "JWT"})
}

/// Clerk-shaped v1 session claims at `now` (seconds).
pub fn claims(now: i64) -> Value {
    json!({
        "azp": "https://example.com",
        "exp": now + 60,
        "iat": now - 1,
        "iss": "https://clerk.example.com",
        "nbf": now - 11,
        "sid": "sess_123",
        "sub": "user_123",
    })
}

pub fn token_with(header: &Value, payload: &Value) -> String {
    sign(&header.to_string(), &payload.to_string())
}

pub fn token() -> String {
    token_with(&header(), &claims(NOW))
}

/// `(n, e)` base64url of a PEM public key.
pub fn rsa_components(pem: &str) -> (String, String) {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap();
    let spki = spki::SubjectPublicKeyInfoRef::from_der(&der).unwrap();
    let rsa = pkcs1::RsaPublicKey::from_der(spki.subject_public_key.raw_bytes()).unwrap();
    (
        b64(rsa.modulus.as_bytes()),
        b64(rsa.public_exponent.as_bytes()),
    )
}

pub fn jwk(pem: &str, kid: &str) -> Value {
    let (n, e) = rsa_components(pem);
    json!({"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256", "n": n, "e": e})
}

pub fn jwks(keys: &[Value]) -> String {
    json!({ "keys": keys }).to_string()
}

/// What the test server answers.
#[derive(Clone, Debug)]
pub enum Reply {
    Json(u16, String),
    Delayed(Duration, u16, String),
    Hang,
}

/// A real HTTP/1.1 server on 127.0.0.1 counting its requests.
#[derive(Clone)]
pub struct TestServer {
    pub url: String,
    pub hits: Arc<AtomicUsize>,
    pub authorizations: Arc<Mutex<Vec<Option<String>>>>,
    pub paths: Arc<Mutex<Vec<String>>>,
    reply: Arc<Mutex<Reply>>,
}

impl TestServer {
    pub async fn start(reply: Reply) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = Self {
            url,
            hits: Arc::default(),
            authorizations: Arc::default(),
            paths: Arc::default(),
            reply: Arc::new(Mutex::new(reply)),
        };
        let s = server.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let s = s.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req: Request<hyper::body::Incoming>| {
                        let s = s.clone();
                        async move { Ok::<_, Infallible>(s.answer(req).await) }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        server
    }

    pub fn set(&self, reply: Reply) {
        *self.reply.lock().unwrap() = reply;
    }

    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    async fn answer(&self, req: Request<hyper::body::Incoming>) -> Response<Full<Bytes>> {
        self.hits.fetch_add(1, Ordering::SeqCst);
        self.authorizations.lock().unwrap().push(
            req.headers()
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        );
        self.paths.lock().unwrap().push(req.uri().path().to_owned());
        let reply = self.reply.lock().unwrap().clone();
        let (status, body) = match reply {
            Reply::Json(status, body) => (status, body),
            Reply::Delayed(delay, status, body) => {
                tokio::time::sleep(delay).await;
                (status, body)
            }
            Reply::Hang => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                (500, String::new())
            }
        };
        Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(body)))
            .unwrap()
    }
}
