//! A scripted AWS endpoint on 127.0.0.1 for the tests of waiting, backoff and timeouts: moto makes
//! everything ready at once, so these answers come from a script instead. Every request is recorded
//! (its operation: the EC2 `Action`, or the REST method and path) and answered by a closure.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// One request as the script sees it.
#[derive(Clone, Debug)]
pub struct Request {
    /// `POST`, `GET` ...
    pub method: String,
    /// The path with its query.
    pub path: String,
    /// The headers, as sent.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
}

impl Request {
    /// The EC2 (query protocol) action, e.g. `DescribeNatGateways`.
    pub fn action(&self) -> &str {
        self.body
            .split('&')
            .find_map(|kv| kv.strip_prefix("Action="))
            .unwrap_or("")
    }
}

/// An answer: HTTP status, content type and body.
pub struct Answer {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

impl Answer {
    /// An EC2 XML answer.
    pub fn xml(body: impl Into<String>) -> Answer {
        Answer {
            status: 200,
            content_type: "text/xml",
            body: body.into(),
        }
    }

    /// A JSON answer.
    pub fn json(body: serde_json::Value) -> Answer {
        Answer {
            status: 200,
            content_type: "application/json",
            body: body.to_string(),
        }
    }

    /// An EC2 error answer with AWS's code.
    pub fn ec2_error(status: u16, code: &str, message: &str) -> Answer {
        Answer {
            status,
            content_type: "text/xml",
            body: format!(
                "<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors><RequestID>r-1</RequestID></Response>"
            ),
        }
    }
}

/// The server: its URL and what it was asked.
pub struct Canned {
    pub url: String,
    log: Arc<Mutex<Vec<Request>>>,
}

impl Canned {
    /// Starts a server answering every request with `script` (given the request and how many
    /// requests of the same operation came before it).
    pub fn start(script: impl Fn(&Request, usize) -> Answer + Send + Sync + 'static) -> Canned {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let log: Arc<Mutex<Vec<Request>>> = Arc::default();
        let script = Arc::new(script);
        let l2 = log.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let (log, script) = (l2.clone(), script.clone());
                std::thread::spawn(move || serve(stream, &log, script.as_ref()));
            }
        });
        Canned { url, log }
    }

    /// The operations asked so far, in order.
    pub fn operations(&self) -> Vec<String> {
        self.log.lock().unwrap().iter().map(op).collect()
    }

    /// A server that passes every request on to `upstream` (`http://127.0.0.1:PORT`) and records
    /// it: counts the calls a real endpoint such as moto receives.
    pub fn proxy(upstream: &str) -> Canned {
        let addr = upstream.trim_start_matches("http://").to_string();
        Canned::start(move |req, _| forward(&addr, req))
    }

    /// A proxy like [`Canned::proxy`] that answers the requests `answer` picks itself (a failure
    /// injected into an otherwise real endpoint).
    pub fn proxy_except(
        upstream: &str,
        answer: impl Fn(&Request) -> Option<Answer> + Send + Sync + 'static,
    ) -> Canned {
        let addr = upstream.trim_start_matches("http://").to_string();
        Canned::start(move |req, _| answer(req).unwrap_or_else(|| forward(&addr, req)))
    }

    /// Forgets the requests recorded so far.
    pub fn reset(&self) {
        self.log.lock().unwrap().clear();
    }

    /// How many times `operation` was asked.
    pub fn count(&self, operation: &str) -> usize {
        self.operations().iter().filter(|o| *o == operation).count()
    }
}

fn op(r: &Request) -> String {
    match r.action() {
        "" => format!("{} {}", r.method, r.path.split('?').next().unwrap_or("")),
        a => a.to_string(),
    }
}

fn serve(
    stream: std::net::TcpStream,
    log: &Mutex<Vec<Request>>,
    script: &(dyn Fn(&Request, usize) -> Answer + Send + Sync),
) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut out = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let (method, path) = (
            parts.next().unwrap_or("").to_string(),
            parts.next().unwrap_or("").to_string(),
        );
        let mut len = 0usize;
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    len = v.trim().parse().unwrap_or(0);
                }
                headers.push((k.to_string(), v.trim().to_string()));
            }
        }
        let mut body = vec![0u8; len];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let req = Request {
            method,
            path,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        };
        let n = {
            let mut l = log.lock().unwrap();
            let before = l.iter().filter(|r| op(r) == op(&req)).count();
            l.push(req.clone());
            before
        };
        let a = script(&req, n);
        let reason = if a.status < 400 { "OK" } else { "Error" };
        let head = format!(
            "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\nx-amzn-requestid: r-1\r\n\r\n",
            a.status,
            a.content_type,
            a.body.len()
        );
        if out.write_all(head.as_bytes()).is_err() || out.write_all(a.body.as_bytes()).is_err() {
            return;
        }
    }
}

/// Sends `req` to `addr` and returns its answer.
fn forward(addr: &str, req: &Request) -> Answer {
    let fail = |e: std::io::Error| Answer {
        status: 502,
        content_type: "text/plain",
        body: format!("proxy: {e}"),
    };
    let mut s = match std::net::TcpStream::connect(addr) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let mut head = format!("{} {} HTTP/1.1\r\n", req.method, req.path);
    for (k, v) in &req.headers {
        if !k.eq_ignore_ascii_case("connection") {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    head.push_str("Connection: close\r\n\r\n");
    if let Err(e) = s
        .write_all(head.as_bytes())
        .and_then(|_| s.write_all(req.body.as_bytes()))
    {
        return fail(e);
    }
    let mut raw = Vec::new();
    if let Err(e) = s.read_to_end(&mut raw) {
        return fail(e);
    }
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(502);
    let content_type = if head.to_ascii_lowercase().contains("application/json")
        || head.to_ascii_lowercase().contains("application/x-amz-json")
    {
        "application/json"
    } else {
        "text/xml"
    };
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    Answer {
        status,
        content_type,
        body: if chunked {
            dechunk(body)
        } else {
            body.to_string()
        },
    }
}

/// The body of a chunked answer.
fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || after.len() < n {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].trim_start_matches("\r\n");
    }
    out
}
