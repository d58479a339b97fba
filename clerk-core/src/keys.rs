//! Publishable and secret keys, instance types and frontend API host helpers (docs/auth-rules.md §7).

use std::fmt;

const PK_LIVE_PREFIX: &str = "pk_live_";
const PK_TEST_PREFIX: &str = "pk_test_";

/// The kind of Clerk instance a key belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InstanceType {
    /// A development instance (`sk_test_…`, `test_…`, `pk_test_…`).
    Development,
    /// A production instance (`sk_live_…`, `live_…`, `pk_live_…`).
    Production,
}

impl InstanceType {
    /// The name Clerk uses for this instance type: `development` or `production`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            InstanceType::Development => "development",
            InstanceType::Production => "production",
        }
    }
}

impl fmt::Display for InstanceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A parsed publishable key (`pk_test_…` / `pk_live_…`).
///
/// ```
/// use clerk_core::{InstanceType, PublishableKey};
///
/// let pk = PublishableKey::parse("pk_test_Y2xlcmsuZXhhbXBsZS5jb20k")?;
/// assert_eq!(pk.frontend_api(), "clerk.example.com");
/// assert_eq!(pk.instance_type(), InstanceType::Development);
/// # Ok::<(), clerk_core::keys::InvalidPublishableKey>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishableKey {
    frontend_api: String,
    instance_type: InstanceType,
}

impl PublishableKey {
    /// Parses a publishable key as Clerk does (auth-rules §7.1).
    ///
    /// The key must start with `pk_test_` or `pk_live_`; its third `_`-separated segment is decoded
    /// with forgiving (`atob`-style) base64 and must end with `$`. Anything after a further `_` is
    /// ignored.
    ///
    /// # Errors
    ///
    /// [`InvalidPublishableKey`] naming the problem (wrong prefix, bad base64, missing `$`).
    pub fn parse(key: &str) -> Result<Self, InvalidPublishableKey> {
        let segment = key.split('_').nth(2).unwrap_or("");
        let instance_type = if key.starts_with(PK_LIVE_PREFIX) {
            InstanceType::Production
        } else if key.starts_with(PK_TEST_PREFIX) {
            InstanceType::Development
        } else {
            return Err(InvalidPublishableKey(KeyProblem::Prefix));
        };
        let bytes =
            forgiving_base64_decode(segment).ok_or(InvalidPublishableKey(KeyProblem::Base64))?;
        // `atob` yields a "binary string": one char per byte (Latin-1).
        let decoded: String = bytes.iter().map(|&b| char::from(b)).collect();
        let frontend_api = decoded
            .strip_suffix('$')
            .ok_or(InvalidPublishableKey(KeyProblem::Dollar))?;
        // A frontend API is a host name (and maybe a port or path): printable ASCII. Clerk's
        // decoder would accept any byte; refusing the rest keeps parse and build inverse of each
        // other and keeps control characters out of the interstitial page (found by fuzzing).
        if !frontend_api.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(InvalidPublishableKey(KeyProblem::Host));
        }
        Ok(PublishableKey {
            frontend_api: frontend_api.to_owned(),
            instance_type,
        })
    }

    /// Builds the publishable key for a frontend API (auth-rules §7.1): `pk_test_` when the host looks
    /// like a development frontend API (`<word>-<word>-<1-2 digits>.clerk.accounts….dev|com`),
    /// `pk_live_` otherwise, followed by base64 of `<frontend_api>$`.
    ///
    /// ```
    /// use clerk_core::PublishableKey;
    ///
    /// assert_eq!(
    ///     PublishableKey::from_frontend_api("clerk.example.com").to_string(),
    ///     "pk_live_Y2xlcmsuZXhhbXBsZS5jb20k"
    /// );
    /// ```
    #[must_use]
    pub fn from_frontend_api(frontend_api: &str) -> Self {
        let instance_type = if is_dev_frontend_api_pattern(frontend_api) {
            InstanceType::Development
        } else {
            InstanceType::Production
        };
        PublishableKey {
            frontend_api: frontend_api.to_owned(),
            instance_type,
        }
    }

    /// The frontend API host encoded in the key, e.g. `clerk.example.com`.
    #[must_use]
    pub fn frontend_api(&self) -> &str {
        &self.frontend_api
    }

    /// The instance type named by the key's prefix (informational only: the auth-state rules
    /// take the instance type from the secret key).
    #[must_use]
    pub fn instance_type(&self) -> InstanceType {
        self.instance_type
    }
}

/// Serialises the key: `pk_test_`/`pk_live_` followed by base64 of `<frontend_api>$`.
impl fmt::Display for PublishableKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use base64::Engine as _;
        let prefix = match self.instance_type {
            InstanceType::Development => PK_TEST_PREFIX,
            InstanceType::Production => PK_LIVE_PREFIX,
        };
        let mut raw = String::with_capacity(self.frontend_api.len() + 1);
        raw.push_str(&self.frontend_api);
        raw.push('$');
        f.write_str(prefix)?;
        f.write_str(&base64::engine::general_purpose::STANDARD.encode(raw.as_bytes()))
    }
}

/// Parses a publishable key; shorthand for [`PublishableKey::parse`].
///
/// # Errors
///
/// See [`PublishableKey::parse`].
pub fn parse_publishable_key(key: &str) -> Result<PublishableKey, InvalidPublishableKey> {
    PublishableKey::parse(key)
}

/// Whether `key` is a well-formed publishable key (auth-rules §7.1).
#[must_use]
pub fn is_publishable_key(key: &str) -> bool {
    PublishableKey::parse(key).is_ok()
}

/// Builds the publishable key string for a frontend API (auth-rules §7.1).
#[must_use]
pub fn build_publishable_key(frontend_api: &str) -> String {
    PublishableKey::from_frontend_api(frontend_api).to_string()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyProblem {
    Prefix,
    Base64,
    Dollar,
    Host,
}

/// A string that is not a valid publishable key. Its `Display` names the problem; it never
/// contains the key itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidPublishableKey(KeyProblem);

impl fmt::Display for InvalidPublishableKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            KeyProblem::Prefix => {
                "invalid publishable key: it must start with `pk_test_` or `pk_live_`"
            }
            KeyProblem::Base64 => {
                "invalid publishable key: the part after `pk_test_`/`pk_live_` is not valid base64"
            }
            KeyProblem::Dollar => {
                "invalid publishable key: the decoded frontend API does not end with `$`"
            }
            KeyProblem::Host => {
                "invalid publishable key: the decoded frontend API is not a host name (printable ASCII)"
            }
        })
    }
}

impl std::error::Error for InvalidPublishableKey {}

/// The instance type of a secret key (auth-rules §7.2): `test_`/`sk_test_` is development,
/// `live_`/`sk_live_` is production, anything else is neither (`None`).
///
/// ```
/// use clerk_core::{InstanceType, keys::instance_type_of_secret_key};
///
/// assert_eq!(instance_type_of_secret_key("sk_test_abc"), Some(InstanceType::Development));
/// assert_eq!(instance_type_of_secret_key("live_abc"), Some(InstanceType::Production));
/// assert_eq!(instance_type_of_secret_key("pk_test_deadbeef"), None);
/// ```
#[must_use]
pub fn instance_type_of_secret_key(secret_key: &str) -> Option<InstanceType> {
    if secret_key.starts_with("test_") || secret_key.starts_with("sk_test_") {
        Some(InstanceType::Development)
    } else if secret_key.starts_with("live_") || secret_key.starts_with("sk_live_") {
        Some(InstanceType::Production)
    } else {
        None
    }
}

const DEV_OR_STAGING_SUFFIXES: &[&str] = &[
    ".lcl.dev",
    ".stg.dev",
    ".lclstage.dev",
    ".stgstage.dev",
    ".dev.lclclerk.com",
    ".stg.lclclerk.com",
    ".accounts.lclclerk.com",
    "accountsstage.dev",
    "accounts.dev",
];

const STAGING_SUFFIXES: &[&str] = &[
    ".lclstage.dev",
    ".stgstage.dev",
    ".clerkstage.dev",
    ".accountsstage.dev",
];

/// Whether a frontend API host is a Clerk development or staging host (auth-rules §7.4).
///
/// ```
/// assert!(clerk_core::keys::is_dev_or_staging_host("foo-bar-13.clerk.accounts.dev"));
/// assert!(!clerk_core::keys::is_dev_or_staging_host("clerk.example.com"));
/// ```
#[must_use]
pub fn is_dev_or_staging_host(host: &str) -> bool {
    DEV_OR_STAGING_SUFFIXES.iter().any(|s| host.ends_with(s))
}

/// Whether a host is a Clerk staging host, which loads the `staging` clerk-js tag (auth-rules §6.2).
#[must_use]
pub fn is_staging_host(host: &str) -> bool {
    STAGING_SUFFIXES.iter().any(|s| host.ends_with(s))
}

/// Prefixes a satellite domain with exactly one `clerk.` label (auth-rules §7.3).
///
/// Empty stays empty, a domain containing `.clerk.accounts` is returned unchanged; otherwise all
/// leading `clerk.` labels (case-insensitive) are removed and one `clerk.` is prepended. As in
/// Clerk's JavaScript SDK, a single label after `clerk.` is kept as is, so `clerk.example`
/// becomes `clerk.clerk.example` (real domains are not affected).
///
/// ```
/// assert_eq!(clerk_core::keys::add_clerk_prefix("satellite.dev"), "clerk.satellite.dev");
/// assert_eq!(clerk_core::keys::add_clerk_prefix("clerk.satellite.dev"), "clerk.satellite.dev");
/// ```
#[must_use]
pub fn add_clerk_prefix(domain: &str) -> String {
    if domain.is_empty() {
        return String::new();
    }
    // Upstream, first branch: /^(clerk\.)+\w*$/ (case-sensitive). Its replacement
    // /(clerk\.)*(?=clerk\.)/ removes all but the last leading `clerk.`, so the result is
    // always `clerk.clerk.<word>`.
    let mut tail = domain;
    let mut reps = 0usize;
    while let Some(rest) = tail.strip_prefix("clerk.") {
        tail = rest;
        reps += 1;
    }
    let is_word = |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if reps > 0 && is_word(tail) {
        return format!("clerk.clerk.{tail}");
    }
    // Second branch: /\.clerk.accounts/ (the middle `.` is any character but a line terminator).
    if contains_clerk_accounts(domain) {
        return domain.to_owned();
    }
    // Third branch: /^(clerk\.)*/gi removes every leading `clerk.`, case-insensitively.
    let mut rest = domain;
    while let Some(r) = strip_prefix_ci(rest, "clerk.") {
        rest = r;
    }
    format!("clerk.{rest}")
}

/// JS `/\.clerk.accounts/.test(s)`.
fn contains_clerk_accounts(s: &str) -> bool {
    s.match_indices(".clerk").any(|(i, m)| {
        let after = &s[i + m.len()..];
        let mut chars = after.chars();
        match chars.next() {
            Some('\n' | '\r' | '\u{2028}' | '\u{2029}') | None => false,
            Some(_) => chars.as_str().starts_with("accounts"),
        }
    })
}

/// Strips `prefix` (ASCII) from `s`, ignoring ASCII case.
fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// `^(([a-z]+)-){2}([0-9]{1,2})\.clerk\.accounts([a-z.]*)(dev|com)$`, case-insensitive.
fn is_dev_frontend_api_pattern(host: &str) -> bool {
    fn letters(s: &str) -> Option<&str> {
        let n = s.bytes().take_while(u8::is_ascii_alphabetic).count();
        if n == 0 { None } else { Some(&s[n..]) }
    }
    let check = || -> Option<()> {
        let mut rest = host;
        for _ in 0..2 {
            rest = letters(rest)?;
            rest = rest.strip_prefix('-')?;
        }
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if !(1..=2).contains(&digits) {
            return None;
        }
        rest = strip_prefix_ci(&rest[digits..], ".clerk.accounts")?;
        // ([a-z.]*)(dev|com)$ : the remainder is [a-z.]* and ends with dev|com.
        if !rest.bytes().all(|b| b.is_ascii_alphabetic() || b == b'.') {
            return None;
        }
        let tail = rest.get(rest.len().checked_sub(3)?..)?;
        (tail.eq_ignore_ascii_case("dev") || tail.eq_ignore_ascii_case("com")).then_some(())
    };
    check().is_some()
}

/// Forgiving base64 decode as specified for `atob` (WHATWG): ASCII whitespace removed, optional
/// padding, length ≡ 1 (mod 4) or a character outside the standard alphabet is an error; unused
/// trailing bits are discarded.
pub(crate) fn forgiving_base64_decode(input: &str) -> Option<Vec<u8>> {
    let mut data: Vec<u8> = input
        .bytes()
        .filter(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\x0c' | b'\r'))
        .collect();
    if data.len().is_multiple_of(4) {
        if data.ends_with(b"==") {
            data.truncate(data.len() - 2);
        } else if data.ends_with(b"=") {
            data.truncate(data.len() - 1);
        }
    }
    if data.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(data.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits: u32 = 0;
    for b in data {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
        acc &= (1 << bits) - 1;
    }
    Some(out)
}

/// The handshake protocol's publishable key check (docs/auth-rules.md §9): `pk_live_` or
/// `pk_test_`, exactly three `_`-separated parts, and the third decodes to a host that ends with
/// one `$`, has no other `$` and contains a `.`.
pub(crate) fn is_strict_publishable_key(key: &str) -> bool {
    key.split('_').count() == 3
        && PublishableKey::parse(key)
            .is_ok_and(|pk| !pk.frontend_api.contains('$') && pk.frontend_api.contains('.'))
}

/// The suffix of the instance's cookies (`__session_<suffix>`, `__client_uat_<suffix>`,
/// `__refresh_<suffix>`, `__clerk_db_jwt_<suffix>`): the first 8 characters of the URL-safe
/// base64 of the SHA-1 of the publishable key, `""` without one (docs/auth-rules.md §9).
///
/// Several Clerk apps on one domain (`localhost` in development) each read their own cookies.
///
/// ```
/// use clerk_core::keys::cookie_suffix;
///
/// assert_eq!(cookie_suffix("pk_live_Y2xlcmsuZXhhbXBsZS5jb20k"), "naoXFJnI");
/// assert_eq!(cookie_suffix(""), "");
/// ```
#[must_use]
pub fn cookie_suffix(publishable_key: &str) -> String {
    use base64::Engine as _;
    if publishable_key.is_empty() {
        return String::new();
    }
    let digest = aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY,
        publishable_key.as_bytes(),
    );
    let mut suffix = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest.as_ref());
    suffix.truncate(8);
    suffix
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_suffix_of_the_development_fixture() {
        assert_eq!(
            cookie_suffix("pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk"),
            "nx2hSE6I"
        );
    }

    #[test]
    fn parse_round_trip() {
        let pk = PublishableKey::parse("pk_test_Y2xlcmsuZXhhbXBsZS5jb20k").unwrap();
        assert_eq!(pk.frontend_api(), "clerk.example.com");
        assert_eq!(pk.instance_type(), InstanceType::Development);

        let live = PublishableKey::parse("pk_live_Y2xlcmsuZXhhbXBsZS5jb20k").unwrap();
        assert_eq!(live.instance_type(), InstanceType::Production);

        assert_eq!(
            build_publishable_key("clerk.example.com"),
            "pk_live_Y2xlcmsuZXhhbXBsZS5jb20k"
        );
        let dev = build_publishable_key("foo-bar-13.clerk.accounts.dev");
        assert!(dev.starts_with("pk_test_"), "{dev}");
        let back = PublishableKey::parse(&dev).unwrap();
        assert_eq!(back.frontend_api(), "foo-bar-13.clerk.accounts.dev");
        assert_eq!(back.instance_type(), InstanceType::Development);
        assert_eq!(back.to_string(), dev);
    }

    #[test]
    fn build_pattern() {
        assert!(is_dev_frontend_api_pattern("foo-bar-13.clerk.accounts.dev"));
        assert!(is_dev_frontend_api_pattern("FOO-Bar-1.Clerk.Accounts.DEV"));
        assert!(is_dev_frontend_api_pattern(
            "foo-bar-13.clerk.accountsstage.dev"
        ));
        assert!(is_dev_frontend_api_pattern(
            "foo-bar-13.clerk.accounts.lclclerk.com"
        ));
        assert!(!is_dev_frontend_api_pattern(
            "foo-bar-133.clerk.accounts.dev"
        ));
        assert!(!is_dev_frontend_api_pattern("foo-13.clerk.accounts.dev"));
        assert!(!is_dev_frontend_api_pattern(
            "foo-bar-baz-13.clerk.accounts.dev"
        ));
        assert!(!is_dev_frontend_api_pattern("foo-bar-13.clerk.accounts.de"));
        assert!(!is_dev_frontend_api_pattern(
            "foo-bar-13.clerk.accounts-x.dev"
        ));
        assert!(!is_dev_frontend_api_pattern("clerk.example.com"));
        assert!(!is_dev_frontend_api_pattern(""));
    }

    #[test]
    fn malformed_keys() {
        // No prefix.
        assert_eq!(
            PublishableKey::parse("Y2xlcmsuZXhhbXBsZS5jb20k"),
            Err(InvalidPublishableKey(KeyProblem::Prefix))
        );
        assert_eq!(
            PublishableKey::parse("sk_test_Y2xlcmsuZXhhbXBsZS5jb20k"),
            Err(InvalidPublishableKey(KeyProblem::Prefix))
        );
        assert!(PublishableKey::parse("").is_err());
        // Bad base64 character.
        assert_eq!(
            PublishableKey::parse("pk_test_Y2xl*cmsu"),
            Err(InvalidPublishableKey(KeyProblem::Base64))
        );
        // Length ≡ 1 (mod 4).
        assert_eq!(
            PublishableKey::parse("pk_test_Y2xlc"),
            Err(InvalidPublishableKey(KeyProblem::Base64))
        );
        // No `$`.
        assert_eq!(
            PublishableKey::parse("pk_test_Y2xlcmsuZXhhbXBsZS5jb20="),
            Err(InvalidPublishableKey(KeyProblem::Dollar))
        );
        assert_eq!(
            PublishableKey::parse("pk_test_"),
            Err(InvalidPublishableKey(KeyProblem::Dollar))
        );
        assert_eq!(
            PublishableKey::parse("pk_test_deadbeef"),
            Err(InvalidPublishableKey(KeyProblem::Dollar))
        );
        // Extra `_` segment ignored.
        let pk = PublishableKey::parse("pk_test_Y2xlcmsuZXhhbXBsZS5jb20k_whatever").unwrap();
        assert_eq!(pk.frontend_api(), "clerk.example.com");
        // Messages name the problem and never echo the key.
        let msg = PublishableKey::parse("pk_test_Y2xlc")
            .unwrap_err()
            .to_string();
        assert!(msg.contains("base64") && !msg.contains("Y2xlc"), "{msg}");
        assert!(!is_publishable_key("nope"));
        assert!(is_publishable_key("pk_live_Y2xlcmsuZXhhbXBsZS5jb20k"));
    }

    #[test]
    fn forgiving_base64() {
        assert_eq!(forgiving_base64_decode("").unwrap(), b"");
        assert_eq!(forgiving_base64_decode("YQ").unwrap(), b"a");
        assert_eq!(forgiving_base64_decode("YQ==").unwrap(), b"a");
        assert_eq!(forgiving_base64_decode(" Y Q = = ").unwrap(), b"a");
        // Non-zero trailing bits are discarded (atob is forgiving).
        assert_eq!(forgiving_base64_decode("YR").unwrap(), b"a");
        assert!(forgiving_base64_decode("YQ=").is_none());
        assert!(forgiving_base64_decode("Y").is_none());
        assert!(forgiving_base64_decode("YQ-_").is_none());
        assert!(forgiving_base64_decode("=YQ=").is_none());
        assert_eq!(forgiving_base64_decode("YWJj").unwrap(), b"abc");
    }

    #[test]
    fn secret_key_instance_type() {
        use InstanceType::*;
        assert_eq!(instance_type_of_secret_key("sk_test_x"), Some(Development));
        assert_eq!(
            instance_type_of_secret_key("test_deadbeef"),
            Some(Development)
        );
        assert_eq!(instance_type_of_secret_key("sk_live_x"), Some(Production));
        assert_eq!(
            instance_type_of_secret_key("live_deadbeef"),
            Some(Production)
        );
        assert_eq!(instance_type_of_secret_key("deadbeef"), None);
        assert_eq!(instance_type_of_secret_key("pk_test_deadbeef"), None);
        assert_eq!(instance_type_of_secret_key("SK_TEST_x"), None);
        assert_eq!(instance_type_of_secret_key(""), None);
        assert_eq!(Development.to_string(), "development");
    }

    #[test]
    fn dev_and_staging_hosts() {
        for h in [
            "foo.lcl.dev",
            "foo.stg.dev",
            "foo.lclstage.dev",
            "foo.stgstage.dev",
            "foo.dev.lclclerk.com",
            "foo.stg.lclclerk.com",
            "foo.accounts.lclclerk.com",
            "foo-bar-13.clerk.accountsstage.dev",
            "foo-bar-13.clerk.accounts.dev",
            "accounts.dev",
        ] {
            assert!(is_dev_or_staging_host(h), "{h}");
        }
        for h in [
            "clerk.example.com",
            "example.dev",
            "lcl.dev",
            "",
            "clerk.accounts.com",
        ] {
            assert!(!is_dev_or_staging_host(h), "{h}");
        }
        for h in [
            "a.lclstage.dev",
            "a.stgstage.dev",
            "a.clerkstage.dev",
            "a.clerk.accountsstage.dev",
        ] {
            assert!(is_staging_host(h), "{h}");
        }
        assert!(!is_staging_host("a.lcl.dev"));
        assert!(!is_staging_host("accountsstage.dev"));
    }

    #[test]
    fn clerk_prefix() {
        assert_eq!(add_clerk_prefix(""), "");
        assert_eq!(add_clerk_prefix("satellite.dev"), "clerk.satellite.dev");
        assert_eq!(
            add_clerk_prefix("clerk.satellite.dev"),
            "clerk.satellite.dev"
        );
        assert_eq!(
            add_clerk_prefix("CLERK.clerk.satellite.dev"),
            "clerk.satellite.dev"
        );
        assert_eq!(
            add_clerk_prefix("foo-bar-13.clerk.accounts.dev"),
            "foo-bar-13.clerk.accounts.dev"
        );
        assert_eq!(add_clerk_prefix("clerk.example"), "clerk.clerk.example");
        assert_eq!(add_clerk_prefix("localhost"), "clerk.localhost");
        assert_eq!(
            add_clerk_prefix("clerk.clerk.example"),
            "clerk.clerk.example"
        );
        assert_eq!(
            add_clerk_prefix("clerk.clerk.accounts"),
            "clerk.clerk.accounts"
        );
        assert_eq!(add_clerk_prefix("Clerk.example"), "clerk.example");
        assert_eq!(add_clerk_prefix("clerk."), "clerk.clerk.");
        assert_eq!(add_clerk_prefix("example"), "clerk.example");
        assert_eq!(add_clerk_prefix("a.clerkXaccounts.b"), "a.clerkXaccounts.b");
    }

    #[test]
    fn non_ascii_frontend_apis_are_refused() {
        // Regression (fuzzing): `pk_live_` + base64 of "clerk.example-\xa3om$" decoded to a
        // Latin-1 host that `build` could not reproduce.
        let e = PublishableKey::parse("pk_live_Y2xlcmsuZXhhbXBsZS2jb20k").unwrap_err();
        assert!(e.to_string().contains("not a host name"), "{e}");
        for bad in ["\u{0}", " ", "a\tb", "é"] {
            let key =
                PublishableKey::from_frontend_api(&format!("clerk{bad}.example.com")).to_string();
            assert!(PublishableKey::parse(&key).is_err(), "{bad:?}");
        }
    }
}
