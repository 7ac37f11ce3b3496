//! The few S3 calls a state backend needs (get, put with conditions, delete, list), signed with SigV4
//! and sent with a blocking HTTP client.

use crate::sigv4::{Credentials, Request, sha256_hex, sign, uri_encode};
use std::time::{Duration, SystemTime};
use terrane_state_api::StateError;

/// Where the bucket is and how to reach it.
#[derive(Clone, Debug)]
pub struct Endpoint {
    /// `https://s3.REGION.amazonaws.com`, or a custom endpoint (moto, MinIO).
    pub url: String,
    /// The region to sign for.
    pub region: String,
    /// `https://HOST/BUCKET/KEY` instead of `https://BUCKET.HOST/KEY`.
    pub path_style: bool,
}

/// The answer to a request.
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
}

/// An S3 client for one bucket.
pub struct Client {
    endpoint: Endpoint,
    bucket: String,
    creds: Credentials,
    agent: ureq::Agent,
}

impl Client {
    /// A client of `bucket`.
    pub fn new(endpoint: Endpoint, bucket: &str, creds: Credentials) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        Client {
            endpoint,
            bucket: bucket.to_string(),
            creds,
            agent,
        }
    }

    /// `s3://bucket/key`.
    pub fn describe(&self, key: &str) -> String {
        format!("s3://{}/{key}", self.bucket)
    }

    /// The scheme and host, and the path prefix for the bucket.
    fn host_and_prefix(&self) -> (String, String, String) {
        let (scheme, rest) = self
            .endpoint
            .url
            .split_once("://")
            .unwrap_or(("https", self.endpoint.url.as_str()));
        let host = rest.trim_end_matches('/');
        if self.endpoint.path_style {
            (
                scheme.into(),
                host.into(),
                format!("/{}", uri_encode(&self.bucket, false)),
            )
        } else {
            (
                scheme.into(),
                format!("{}.{host}", self.bucket),
                String::new(),
            )
        }
    }

    /// Sends a signed request for `key` (empty: the bucket) and returns the status and body.
    pub fn request(
        &self,
        method: &str,
        key: &str,
        query: &[(String, String)],
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<Answer, StateError> {
        let (scheme, host, prefix) = self.host_and_prefix();
        let path = format!("{prefix}/{}", uri_encode(key, true));
        let payload = sha256_hex(body);
        let signed = sign(
            &Request {
                method,
                host: &host,
                path: &path,
                query,
                headers,
                payload_hash: &payload,
            },
            &self.creds,
            &self.endpoint.region,
            SystemTime::now(),
        );
        let mut url = format!("{scheme}://{host}{path}");
        if !query.is_empty() {
            let q: Vec<String> = query
                .iter()
                .map(|(k, v)| format!("{}={}", uri_encode(k, false), uri_encode(v, false)))
                .collect();
            url.push('?');
            url.push_str(&q.join("&"));
        }
        let net = |e: ureq::Error| StateError::Storage(format!("S3 {method} {url}: {e}"));
        let mut resp = match method {
            "GET" => with_headers(self.agent.get(&url), &signed).call(),
            "DELETE" => with_headers(self.agent.delete(&url), &signed).call(),
            "PUT" => with_headers(self.agent.put(&url), &signed).send(body),
            other => unreachable!("unused method {other}"),
        }
        .map_err(net)?;
        let status = resp.status().as_u16();
        let body = resp
            .body_mut()
            .with_config()
            .limit(1 << 30)
            .read_to_vec()
            .map_err(net)?;
        Ok(Answer { status, body })
    }

    /// An error for an unexpected answer.
    pub fn failure(&self, what: &str, key: &str, a: &Answer) -> StateError {
        let text = String::from_utf8_lossy(&a.body);
        let code = between(&text, "<Code>", "</Code>").unwrap_or_default();
        let message = between(&text, "<Message>", "</Message>").unwrap_or_default();
        StateError::Storage(format!(
            "S3 {what} {} failed with status {}: {code} {message}",
            self.describe(key),
            a.status
        ))
    }

    /// The keys under a prefix.
    pub fn list(&self, prefix: &str) -> Result<Vec<String>, StateError> {
        let mut keys = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut query = vec![
                ("list-type".to_string(), "2".to_string()),
                ("prefix".to_string(), prefix.to_string()),
            ];
            if let Some(t) = &token {
                query.push(("continuation-token".into(), t.clone()));
            }
            let a = self.request("GET", "", &query, &[], b"")?;
            if a.status != 200 {
                return Err(self.failure("list", prefix, &a));
            }
            let text = String::from_utf8_lossy(&a.body).into_owned();
            let mut rest = text.as_str();
            while let Some(k) = between(rest, "<Key>", "</Key>") {
                keys.push(unescape(&k));
                let end = rest.find("</Key>").expect("found") + "</Key>".len();
                rest = &rest[end..];
            }
            token = between(&text, "<NextContinuationToken>", "</NextContinuationToken>");
            if token.is_none()
                || between(&text, "<IsTruncated>", "</IsTruncated>").as_deref() != Some("true")
            {
                return Ok(keys);
            }
        }
    }
}

fn with_headers<B>(
    mut r: ureq::RequestBuilder<B>,
    headers: &[(String, String)],
) -> ureq::RequestBuilder<B> {
    for (k, v) in headers {
        r = r.header(k.as_str(), v.as_str());
    }
    r
}

fn between(text: &str, open: &str, close: &str) -> Option<String> {
    let start = text.find(open)? + open.len();
    let end = text[start..].find(close)? + start;
    Some(text[start..end].to_string())
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}
