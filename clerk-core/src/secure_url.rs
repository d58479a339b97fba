//! The one rule for the URLs the SDK sends secrets to or trusts keys from (`CLERK_API_URL`,
//! `CLERK_PROXY_URL`, any JWKS URL): `https://`, or plain `http://` to a loopback host only.
//!
//! The Backend API receives the secret key in every request, and a JWKS answer decides which
//! tokens are accepted, so neither may travel in cleartext over a network. Loopback stays open
//! for tests and the local emulator, where nothing leaves the machine.

use std::net::{Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

/// Why a URL was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UrlProblem {
    /// Not an absolute `http(s)` URL with a host.
    NotAbsolute,
    /// `http://` to a host that is not loopback.
    Cleartext,
}

impl UrlProblem {
    /// The reason, for an error message that also names the setting.
    pub(crate) fn explain(self) -> &'static str {
        match self {
            Self::NotAbsolute => "is not an absolute http(s) URL",
            Self::Cleartext => {
                "uses cleartext http to a host that is not loopback: the secret key and the \
                 signing keys travel only over https (http is accepted for 127.0.0.1, ::1 and \
                 localhost alone)"
            }
        }
    }
}

/// Parses `raw` and applies the rule above.
pub(crate) fn secure_url(raw: &str) -> Result<Url, UrlProblem> {
    let url = Url::parse(raw.trim()).map_err(|_| UrlProblem::NotAbsolute)?;
    if url.cannot_be_a_base() || url.host().is_none() {
        return Err(UrlProblem::NotAbsolute);
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(UrlProblem::Cleartext),
        _ => Err(UrlProblem::NotAbsolute),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip == Ipv4Addr::LOCALHOST,
        Some(Host::Ipv6(ip)) => ip == Ipv6Addr::LOCALHOST,
        // The parser lower-cases domains; a trailing dot names the same host.
        Some(Host::Domain(d)) => d.trim_end_matches('.') == "localhost",
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_http_only_to_loopback() {
        for ok in [
            "https://api.clerk.com",
            "https://example.com/__clerk",
            "http://127.0.0.1:4010",
            "http://[::1]:8080/v1",
            "http://localhost:3000",
            "http://LOCALHOST",
            "http://localhost./x",
        ] {
            assert!(secure_url(ok).is_ok(), "{ok}");
        }
        for cleartext in [
            "http://api.clerk.com",
            "http://10.0.0.1",
            "http://127.0.0.2",
            "http://localhost.evil.example",
            "http://127.0.0.1.nip.io",
            "http://[::2]",
            "http://0.0.0.0",
        ] {
            assert_eq!(
                secure_url(cleartext).unwrap_err(),
                UrlProblem::Cleartext,
                "{cleartext}"
            );
        }
        for bad in [
            "api.clerk.com",
            "ftp://x",
            "",
            "https://",
            "mailto:a@b",
            "/__clerk",
        ] {
            assert_eq!(
                secure_url(bad).unwrap_err(),
                UrlProblem::NotAbsolute,
                "{bad}"
            );
        }
    }
}
