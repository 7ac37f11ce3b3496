//! moto, the AWS API emulator, for tests: installs `moto[server]` and `awscli` into a virtualenv
//! under the cargo target folder once, starts `moto_server` on a free 127.0.0.1 port, and runs
//! `aws` against it. The server stops when the test process exits (a watchdog shell kills it).
//!
//! The virtualenv is `$TERRANE_AWS_TEST_VENV`, else `$CARGO_TARGET_DIR/aws-test-venv`, else
//! `target/aws-test-venv` at the workspace root; `tests/run-all.sh` creates it on a fresh machine.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// What the virtualenv holds: the versions the tests were written against (`tests/run-all.sh`
/// installs the same).
pub const PACKAGES: [&str; 2] = ["moto[server]==5.2.5", "awscli==1.46.3"];

/// The region every test uses.
pub const REGION: &str = "us-east-1";

/// A running moto server.
pub struct Moto {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    port: u16,
    venv: PathBuf,
}

/// The virtualenv folder.
pub fn venv() -> PathBuf {
    if let Ok(v) = std::env::var("TERRANE_AWS_TEST_VENV") {
        return PathBuf::from(v);
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            // this file is tests/support/moto.rs at the workspace root
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .ancestors()
                .find(|p| p.join("Cargo.lock").exists())
                .unwrap_or(Path::new("."))
                .join("target")
        });
    target.join("aws-test-venv")
}

/// Creates the virtualenv with moto's server and awscli unless it has them.
pub fn install(venv: &Path) {
    static LOCK: Mutex<()> = Mutex::new(());
    let _g = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    if venv.join("bin/moto_server").exists() && venv.join("bin/aws").exists() {
        return;
    }
    let ok = Command::new("python3")
        .args(["-m", "venv"])
        .arg(venv)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "python3 -m venv {} failed", venv.display());
    let ok = Command::new(venv.join("bin/pip"))
        .args(["install", "--quiet", "--disable-pip-version-check"])
        .args(PACKAGES)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "pip install {} failed", PACKAGES.join(" "));
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Moto {
    /// The server of this test process, started on first use.
    pub fn shared() -> &'static Moto {
        static SERVER: OnceLock<Moto> = OnceLock::new();
        SERVER.get_or_init(Moto::start)
    }

    /// Starts a new server.
    pub fn start() -> Moto {
        let venv = venv();
        install(&venv);
        let port = free_port();
        let server = venv.join("bin/moto_server");
        // The watchdog ends the server when this process is gone, however it ends. AWS's managed
        // IAM policies (AmazonEKSClusterPolicy ...) exist only when moto is told to load them.
        let script = format!(
            "MOTO_IAM_LOAD_MANAGED_POLICIES=true '{}' -H 127.0.0.1 -p {port} >/dev/null 2>&1 & s=$!; while kill -0 {} 2>/dev/null && kill -0 $s 2>/dev/null; do sleep 1; done; kill $s 2>/dev/null",
            server.display(),
            std::process::id()
        );
        Command::new("sh")
            .args(["-c", &script])
            .spawn()
            .expect("moto_server starts");
        let m = Moto {
            url: format!("http://127.0.0.1:{port}"),
            port,
            venv,
        };
        let start = Instant::now();
        while m.request("GET", "/moto-api/").is_none() {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "moto_server did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        m
    }

    fn request(&self, method: &str, path: &str) -> Option<String> {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
        write!(
            s,
            "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"
        )
        .ok()?;
        let mut out = String::new();
        s.read_to_string(&mut out).ok()?;
        Some(out)
    }

    /// Forgets every object (`POST /moto-api/reset`).
    pub fn reset(&self) {
        self.request("POST", "/moto-api/reset").expect("moto reset");
    }

    /// The environment a client of this server needs: static credentials, the region, no
    /// instance metadata, the endpoint, and short waits (moto answers at once).
    pub fn env(&self) -> Vec<(String, String)> {
        [
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_REGION", REGION),
            ("AWS_DEFAULT_REGION", REGION),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("AWS_MAX_ATTEMPTS", "2"),
            ("AWS_ENDPOINT_URL", self.url.as_str()),
            ("TERRANE_AWS_PROPAGATION_TIMEOUT", "2"),
            ("TERRANE_AWS_POLL_INTERVAL", "0.2"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    /// Runs `aws ARGS --endpoint-url URL --output json`; the parsed answer, or the error text.
    pub fn aws(&self, args: &[&str]) -> Result<serde_json::Value, String> {
        let out = Command::new(self.venv.join("bin/aws"))
            .args(args)
            .args([
                "--endpoint-url",
                &self.url,
                "--output",
                "json",
                "--region",
                REGION,
            ])
            .env_remove("AWS_PROFILE")
            .envs(self.env())
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        let text = String::from_utf8_lossy(&out.stdout);
        if text.trim().is_empty() {
            return Ok(serde_json::Value::Null);
        }
        serde_json::from_str(&text).map_err(|e| format!("{e}: {text}"))
    }

    /// [`Moto::aws`], which must succeed.
    pub fn aws_ok(&self, args: &[&str]) -> serde_json::Value {
        self.aws(args)
            .unwrap_or_else(|e| panic!("aws {} failed: {e}", args.join(" ")))
    }
}

/// A name no other test uses: `prefix` and a counter and the process id.
pub fn unique(prefix: &str) -> String {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    format!("{prefix}-{}-{n}", std::process::id())
}
