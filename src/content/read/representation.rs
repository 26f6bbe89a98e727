//! A response body prepared once per content change, with everything conditional requests and
//! content negotiation need, so that serving it costs no database work and no serialisation.

use std::sync::OnceLock;
use std::time::SystemTime;

use actix_web::body::BoxBody;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue, HttpDate, IfModifiedSince};
use actix_web::web::Bytes;
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

/// `Vary` of every representation: the content coding is negotiated.
const ACCEPT_ENCODING: HeaderValue = HeaderValue::from_static("Accept-Encoding");

/// The content codings a representation is offered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    // The discriminants index `Representation::etags`.
    Identity,
    Gzip,
    Brotli,
}

impl Coding {
    const ALL: [Coding; 3] = [Coding::Identity, Coding::Gzip, Coding::Brotli];

    /// Suffix of the entity tag: each coding is its own representation with its own strong tag.
    fn tag_suffix(self) -> &'static str {
        match self {
            Self::Identity => "",
            Self::Gzip => "-gz",
            Self::Brotli => "-br",
        }
    }

    fn content_encoding(self) -> Option<HeaderValue> {
        match self {
            Self::Identity => None,
            Self::Gzip => Some(const { HeaderValue::from_static("gzip") }),
            Self::Brotli => Some(const { HeaderValue::from_static("br") }),
        }
    }
}

/// One resource's current bytes and validators.
pub struct Representation {
    content_type: HeaderValue,
    identity: Bytes,
    gzip: OnceLock<Bytes>,
    brotli: OnceLock<Bytes>,
    /// Opaque part of the entity tag, without quotes or coding suffix.
    tag: String,
    etags: [HeaderValue; 3],
    /// Seconds since the epoch: HTTP dates have one-second resolution.
    last_modified: u64,
    last_modified_header: HeaderValue,
}

impl Representation {
    /// `tag` is derived from the body itself: the same bytes always get the same strong tag,
    /// across restarts and across servers sharing a database.
    pub fn new(content_type: &'static str, body: Vec<u8>, last_modified: SystemTime) -> Self {
        let digest = Sha256::digest(&body);
        let tag: String = digest[..10].iter().map(|b| format!("{b:02x}")).collect();
        let etags = Coding::ALL.map(|c| {
            HeaderValue::from_str(&format!("\"{tag}{}\"", c.tag_suffix()))
                .expect("hex is a valid header")
        });
        let last_modified_header =
            HeaderValue::from_str(&HttpDate::from(last_modified).to_string())
                .expect("an HTTP date is a valid header");
        Self {
            content_type: HeaderValue::from_static(content_type),
            identity: Bytes::from(body),
            gzip: OnceLock::new(),
            brotli: OnceLock::new(),
            tag,
            etags,
            last_modified: unix_seconds(last_modified),
            last_modified_header,
        }
    }

    /// Its strong entity tag, quoted, as `ETag` carries it for the identity coding.
    pub fn etag(&self) -> String {
        format!("\"{}\"", self.tag)
    }

    /// The body, uncompressed.
    pub fn body(&self) -> &Bytes {
        &self.identity
    }

    /// Whether the opaque tag `opaque` (no quotes, no `W/`) names this version in any coding.
    pub fn matches(&self, opaque: &str) -> bool {
        let Some(rest) = opaque.strip_prefix(self.tag.as_str()) else {
            return false;
        };
        Coding::ALL.iter().any(|c| c.tag_suffix() == rest)
    }

    /// Whether a write conditional on `precondition` may replace this version.
    pub fn satisfies(&self, precondition: &IfMatch) -> bool {
        match precondition {
            IfMatch::Any => true,
            IfMatch::Tags(tags) => tags.iter().any(|tag| self.matches(tag)),
        }
    }

    /// The body in `coding`, compressed on first use and kept until the content changes.
    fn encoded(&self, coding: Coding) -> Bytes {
        match coding {
            Coding::Identity => self.identity.clone(),
            Coding::Gzip => self.gzip.get_or_init(|| gzip(&self.identity)).clone(),
            Coding::Brotli => self.brotli.get_or_init(|| brotli(&self.identity)).clone(),
        }
    }

    /// Answers a GET (or HEAD) for this representation: 304 when the client's copy is current,
    /// else 200 with the best coding the client accepts.
    pub fn respond(&self, req: &HttpRequest, cache_control: &HeaderValue) -> HttpResponse {
        self.answer(req, cache_control, self.not_modified(req))
    }

    /// Answers a write with the representation it produced: always 200, never cached.
    pub fn respond_to_write(&self, req: &HttpRequest) -> HttpResponse {
        const NO_STORE: HeaderValue = HeaderValue::from_static("no-store");
        self.answer(req, &NO_STORE, false)
    }

    fn answer(
        &self,
        req: &HttpRequest,
        cache_control: &HeaderValue,
        not_modified: bool,
    ) -> HttpResponse {
        let coding = negotiate(req);
        // Built directly rather than through `HttpResponseBuilder`: every header value is
        // prepared, so there is nothing to convert or check on each read.
        let status = if not_modified {
            StatusCode::NOT_MODIFIED
        } else {
            StatusCode::OK
        };
        let mut response = HttpResponse::new(status);
        let headers = response.headers_mut();
        headers.insert(header::ETAG, self.etags[coding as usize].clone());
        headers.insert(header::LAST_MODIFIED, self.last_modified_header.clone());
        headers.insert(header::CACHE_CONTROL, cache_control.clone());
        headers.insert(header::VARY, ACCEPT_ENCODING);
        if not_modified {
            return response;
        }
        if let Some(name) = coding.content_encoding() {
            headers.insert(header::CONTENT_ENCODING, name);
        }
        headers.insert(header::CONTENT_TYPE, self.content_type.clone());
        response.set_body(BoxBody::new(self.encoded(coding)))
    }

    /// RFC 9110 §13.2.2: If-None-Match decides when present (weak comparison, `*` matches);
    /// If-Modified-Since only when it is absent.
    fn not_modified(&self, req: &HttpRequest) -> bool {
        if let Some(value) = req.headers().get(header::IF_NONE_MATCH) {
            let Ok(value) = value.to_str() else {
                return false;
            };
            return value.trim() == "*"
                || entity_tags(value).any(|(_, opaque)| self.matches(opaque));
        }
        req.get_header::<IfModifiedSince>()
            .is_some_and(|IfModifiedSince(since)| self.last_modified <= unix_seconds(since.into()))
    }
}

/// An `If-Match` precondition (RFC 9110 §13.1.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfMatch {
    /// `*`: whatever is current.
    Any,
    /// The strong tags listed; weak ones can never match (If-Match compares strongly).
    Tags(Vec<String>),
}

impl IfMatch {
    /// The request's `If-Match`, all its lines together; `None` if it has none.
    pub fn from_request(req: &HttpRequest) -> Option<Self> {
        let mut lines = req.headers().get_all(header::IF_MATCH).peekable();
        lines.peek()?;
        let mut tags = Vec::new();
        for line in lines {
            let text = line.to_str().unwrap_or_default();
            if text.trim() == "*" {
                return Some(Self::Any);
            }
            tags.extend(
                entity_tags(text)
                    .filter(|(weak, _)| !weak)
                    .map(|(_, opaque)| opaque.to_owned()),
            );
        }
        Some(Self::Tags(tags))
    }
}

/// The entity tags in an `If-None-Match` or `If-Match` list, as (weak, opaque tag) pairs.
/// Parsing stops at the first malformed element.
pub fn entity_tags(list: &str) -> impl Iterator<Item = (bool, &str)> {
    let mut rest = list;
    std::iter::from_fn(move || {
        rest = rest.trim_start_matches([' ', '\t', ',']);
        if rest.is_empty() {
            return None;
        }
        let (weak, quoted) = match rest.strip_prefix("W/") {
            Some(r) => (true, r),
            None => (false, rest),
        };
        let inner = quoted.strip_prefix('"')?;
        let end = inner.find('"')?;
        rest = &inner[end + 1..];
        Some((weak, &inner[..end]))
    })
}

fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The coding to answer in (RFC 9110 §12.5.3): the highest `q` among br and gzip (`*` stands for
/// any not named), br on a tie, identity when neither is acceptable. It runs on every read, so
/// it scans the header in place rather than building a parsed list.
fn negotiate(req: &HttpRequest) -> Coding {
    let Some(value) = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
    else {
        return Coding::Identity;
    };
    let (mut br, mut gzip, mut any) = (None, None, None);
    for element in value.split(',') {
        let mut parts = element.split(';');
        let name = parts.next().unwrap_or_default().trim();
        let q = parts
            .find_map(|p| {
                let (key, value) = p.split_once('=')?;
                key.trim().eq_ignore_ascii_case("q").then(|| value.trim())
            })
            .map_or(Some(1.0), |q| {
                q.parse::<f32>().ok().filter(|q| (0.0..=1.0).contains(q))
            });
        let Some(q) = q else { continue };
        if name.eq_ignore_ascii_case("br") {
            br = Some(q);
        } else if name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip") {
            gzip = Some(q);
        } else if name == "*" {
            any = Some(q);
        }
    }
    // `*` stands for gzip only: every HTTP client decodes gzip, while clients that say `*`
    // without naming br (schemathesis's, for one) often cannot decode br. Serving any acceptable
    // coding is the server's choice (RFC 9110 §12.5.3).
    let br = br.unwrap_or(0.0);
    let gzip = gzip.or(any).unwrap_or(0.0);
    if br > 0.0 && br >= gzip {
        Coding::Brotli
    } else if gzip > 0.0 {
        Coding::Gzip
    } else {
        Coding::Identity
    }
}

/// Bodies above this are compressed at a quality that takes milliseconds, not seconds: a
/// representation is compressed on first request, on the worker's event loop, and brotli at its
/// best quality takes about a second per MB (the whole site's archive is 100 MB at 10,000 pages;
/// in a debug build, 450 kB took 6.7 s, and actix then reset the connection's next request).
/// Documents and sections, all below it, keep the best quality.
const LARGE: usize = 256 * 1024;

fn gzip(data: &[u8]) -> Bytes {
    use std::io::Write;
    let level = if data.len() > LARGE {
        flate2::Compression::default()
    } else {
        flate2::Compression::best()
    };
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), level);
    encoder
        .write_all(data)
        .expect("writing to a Vec cannot fail");
    Bytes::from(encoder.finish().expect("writing to a Vec cannot fail"))
}

fn brotli(data: &[u8]) -> Bytes {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: if data.len() > LARGE { 4 } else { 11 },
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &data[..], &mut out, &params)
        .expect("writing to a Vec cannot fail");
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_tag_lists_parse_weak_strong_and_stop_at_garbage() {
        let tags: Vec<_> = entity_tags(r#"W/"a", "b-gz" ,"c,d""#).collect();
        assert_eq!(tags, vec![(true, "a"), (false, "b-gz"), (false, "c,d")]);
        let tags: Vec<_> = entity_tags(r#""a", nonsense, "b""#).collect();
        assert_eq!(tags, vec![(false, "a")]);
    }

    #[test]
    fn negotiation_follows_q_values_and_prefers_br_on_a_tie() {
        let coding = |accept: &str| {
            let req = actix_web::test::TestRequest::default()
                .insert_header((header::ACCEPT_ENCODING, accept))
                .to_http_request();
            negotiate(&req)
        };
        assert_eq!(coding("gzip"), Coding::Gzip);
        assert_eq!(coding("gzip, deflate, br, zstd"), Coding::Brotli);
        assert_eq!(coding("br;q=0.1, gzip"), Coding::Gzip);
        assert_eq!(coding("GZIP;Q=0.5, br;q=0"), Coding::Gzip);
        assert_eq!(coding("*"), Coding::Gzip, "br only when named");
        assert_eq!(coding("*, br;q=0.9"), Coding::Gzip);
        assert_eq!(coding("*;q=0.5, br;q=0.2"), Coding::Gzip);
        assert_eq!(coding("deflate, identity"), Coding::Identity);
        assert_eq!(coding("gzip;q=0, br;q=0"), Coding::Identity);
        assert_eq!(coding("gzip;q=nonsense"), Coding::Identity);
        assert_eq!(coding(""), Coding::Identity);
    }

    #[test]
    fn every_coding_of_a_version_matches_and_nothing_else() {
        let r = Representation::new("application/json", b"{}".to_vec(), SystemTime::UNIX_EPOCH);
        let tag = r.etags[0].to_str().unwrap().trim_matches('"').to_owned();
        assert!(r.matches(&tag));
        assert!(r.matches(&format!("{tag}-gz")));
        assert!(r.matches(&format!("{tag}-br")));
        assert!(!r.matches(&format!("{tag}-zz")));
        assert!(!r.matches("0000"));
    }
}
