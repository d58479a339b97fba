//! [`ActixRequest`]: clerk-core's [`RequestView`] over an actix-web request head, borrowing.
//!
//! actix-web 4 uses the `http` 0.2 header types, so clerk-core's implementations for `http` 1.x
//! do not apply; this newtype reads the head in place and never clones a header.

use actix_web::dev::RequestHead;
use clerk_core::integration::RequestView;

/// A borrowed actix-web [`RequestHead`] seen as a [`RequestView`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct ActixRequest<'a>(pub(crate) &'a RequestHead);

/// Header values that are not valid UTF-8 are skipped, as clerk-core does for `http` 1.x.
fn utf8(value: &actix_web::http::header::HeaderValue) -> Option<&str> {
    std::str::from_utf8(value.as_bytes()).ok()
}

impl RequestView for ActixRequest<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.0.headers().get(name).and_then(utf8)
    }

    fn for_each_header<'a>(&'a self, name: &str, f: &mut dyn FnMut(&'a str)) {
        for value in self.0.headers().get_all(name) {
            if let Some(s) = utf8(value) {
                f(s);
            }
        }
    }

    fn method(&self) -> &str {
        self.0.method.as_str()
    }

    fn path(&self) -> &str {
        self.0.uri.path()
    }

    fn uri_query(&self) -> Option<&str> {
        self.0.uri.query()
    }

    fn authority(&self) -> Option<&str> {
        self.0.uri.authority().map(|a| a.as_str())
    }

    fn scheme(&self) -> Option<&str> {
        self.0.uri.scheme_str()
    }

    fn for_each_header_pair(&self, f: &mut dyn FnMut(&str, &str)) {
        for (name, value) in self.0.headers().iter() {
            if let Some(value) = utf8(value) {
                f(name.as_str(), value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;
    use clerk_core::integration::{RequestValues, header_value, request_cookie};

    use super::*;

    #[test]
    fn reads_the_head_without_copying() {
        let req = TestRequest::get()
            .uri("/p/q?__clerk_synced=true")
            .insert_header(("authorization", "Bearer abc.def.ghi"))
            .append_header(("cookie", "__client_uat=0"))
            .append_header(("Cookie", "__session=tok"))
            .append_header(("x-forwarded-host", "a.com"))
            .append_header(("X-Forwarded-Host", "b.com"))
            .to_http_request();
        let view = ActixRequest(req.head());
        assert_eq!(view.method(), "GET");
        assert_eq!(view.path(), "/p/q");
        assert_eq!(view.uri_query(), Some("__clerk_synced=true"));
        assert_eq!(view.authority(), None);
        assert_eq!(
            header_value(&view, "x-forwarded-host").as_deref(),
            Some("a.com, b.com")
        );
        assert_eq!(request_cookie(&view, "__session").as_deref(), Some("tok"));
        let values = RequestValues::from_request(&view);
        assert_eq!(values.header_token.as_deref(), Some("abc.def.ghi"));
        assert_eq!(values.client_uat.as_deref(), Some("0"));
        assert!(values.clerk_synced);
    }

    #[test]
    fn skips_values_that_are_not_utf8() {
        let value = actix_web::http::header::HeaderValue::from_bytes(b"\xff\xfe").ok();
        let mut req = TestRequest::get();
        if let Some(value) = value {
            req = req.insert_header(("referer", value));
        }
        let req = req.to_http_request();
        let view = ActixRequest(req.head());
        assert_eq!(view.header("referer"), None);
        assert_eq!(header_value(&view, "referer"), None);
    }
}
