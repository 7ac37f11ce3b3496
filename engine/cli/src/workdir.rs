//! The working directory: its configuration, its state store (the configured backend's store of the
//! selected workspace), and the state lock.

pub(crate) use crate::backend;

use crate::factory::BuiltinFactory;
use crate::ui::Ui;
use crate::ui::progress::Progress;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use terrane_config::{Config, load_config};
use terrane_core::{Context, RunInfo};
use terrane_diagnostics::{Diagnostic, Diagnostics, SourceMap};
use terrane_lang::Functions;
use terrane_state::State;
use terrane_state_api::{Backend, LockInfo, StateError, StateStore, VersionMeta};

/// The default state database, next to the configuration.
pub const STATE_DB: &str = "terrane.tfstate.db";

/// A loaded configuration and the text of its files.
pub struct Loaded {
    /// The configuration.
    pub config: Arc<Config>,
    /// Source text for diagnostics.
    pub sources: SourceMap,
}

/// Loads the configuration of the current directory, printing problems. `None` means exit 1.
pub fn load(ui: &Ui) -> Option<Loaded> {
    let (config, diags) = load_config(Path::new("."));
    let sources = config
        .as_ref()
        .map(|c| c.sources.clone())
        .unwrap_or_default();
    ui.diagnostics(&diags, &sources);
    if diags.has_errors() {
        return None;
    }
    let config = config?;
    Some(Loaded {
        config: Arc::new(config),
        sources,
    })
}

/// Whether the directory has any configuration files.
pub fn has_config() -> bool {
    terrane_config::loader::config_files(Path::new("."))
        .map(|f| !f.is_empty())
        .unwrap_or(false)
}

/// The engine context for this run.
pub fn context(config: Arc<Config>, ui: &Ui, parallelism: usize) -> Context {
    Context {
        observer: Progress::new(ui.clone()),
        ..quiet_context(config, Arc::new(BuiltinFactory::new()), parallelism)
    }
}

/// An engine context that shows no progress, with the given providers.
pub fn quiet_context(
    config: Arc<Config>,
    factory: Arc<dyn terrane_core::ProviderFactory>,
    parallelism: usize,
) -> Context {
    let cwd = std::env::current_dir()
        .map(|p| p.to_string_lossy().to_string())
        .unwrap_or_else(|_| ".".into());
    Context {
        config,
        factory,
        functions: Arc::new(Functions::new(".")),
        run: RunInfo {
            cwd,
            workspace: backend::current_workspace(),
        },
        parallelism: parallelism.max(1),
        observer: Arc::new(terrane_core::Silent),
    }
}

/// The configured backend.
pub fn open_backend() -> Result<(backend::Settings, Arc<dyn Backend>), Diagnostic> {
    open_backend_with(backend::configured())
}

fn open_backend_with(
    settings: Result<backend::Settings, Diagnostics>,
) -> Result<(backend::Settings, Arc<dyn Backend>), Diagnostic> {
    let settings = settings.map_err(|d| {
        d.iter()
            .find(|x| x.severity == terrane_diagnostics::Severity::Error)
            .cloned()
            .unwrap_or_else(|| Diagnostic::error("Invalid backend configuration", ""))
    })?;
    check_initialized(&settings)?;
    let b = backend::open_backend(&settings)?;
    Ok((settings, b))
}

/// Refuses to use a backend other than the one `init` last set up, as Terraform does: the state is
/// still in the old one, and using the new one would start from an empty state.
fn check_initialized(settings: &backend::Settings) -> Result<(), Diagnostic> {
    let required = |reason: String| {
        Diagnostic::error(
            "Backend initialization required, please run \"terrane init\"",
            format!(
                "Reason: {reason}\n\nThe state is still where it was. `terrane init -migrate-state` copies it to the configured backend; `terrane init -reconfigure` uses the configured backend without copying."
            ),
        )
    };
    match backend::read_record() {
        Some((kind, attrs, _)) => {
            let recorded = backend::Settings {
                kind,
                attrs,
                encryption: None,
            };
            if !recorded.same_place(settings) {
                let reason = if recorded.kind != settings.kind {
                    format!(
                        "the backend changed from {:?} to {:?} since `terrane init`",
                        recorded.kind, settings.kind
                    )
                } else {
                    format!(
                        "the {:?} backend's configuration changed since `terrane init`",
                        settings.kind
                    )
                };
                return Err(required(reason));
            }
        }
        None if settings.kind != "sqlite" && Path::new(STATE_DB).exists() => {
            return Err(required(format!(
                "the configuration names the {:?} backend, and the state is in {STATE_DB}",
                settings.kind
            )));
        }
        None => {}
    }
    Ok(())
}

/// Opens the state store of the selected workspace of the configured backend.
pub fn open_store() -> Result<Arc<dyn StateStore>, Diagnostic> {
    store_of(open_backend()?.1)
}

/// [`open_store`] with the backend settings of a configuration already loaded (its root module).
pub fn open_store_in(root: &terrane_config::Module) -> Result<Arc<dyn StateStore>, Diagnostic> {
    store_of(open_backend_with(backend::configured_in(root))?.1)
}

fn store_of(b: Arc<dyn Backend>) -> Result<Arc<dyn StateStore>, Diagnostic> {
    let workspace = backend::current_workspace();
    b.open(&workspace).map_err(|e| {
        Diagnostic::error(
            "Failed to open state",
            format!(
                "The state in {} cannot be used: {e}",
                b.describe(&workspace)
            ),
        )
    })
}

/// Reads the current state (empty with a new lineage when none exists).
pub fn read_state(store: &dyn StateStore) -> Result<State, Diagnostic> {
    match store.read() {
        Ok(Some(snap)) => terrane_state::entries::from_snapshot(&snap).map_err(|e| {
            let restore = if store.keeps_history() && snap.serial > 1 {
                format!(
                    "\n\nEarlier versions are kept: `terrane state history` lists them, `terrane state pull -version {}` prints one, and `terrane state push -force FILE` restores it as a new version.",
                    snap.serial - 1
                )
            } else {
                String::new()
            };
            Diagnostic::error(
                "Failed to read state",
                format!("The state is damaged and was not changed: {e}.{restore}"),
            )
        }),
        Ok(None) => Ok(State::new(new_lineage())),
        Err(StateError::Encryption(e)) => Err(Diagnostic::error(
            "Failed to decrypt state",
            format!("{e}. The state was not changed."),
        )),
        Err(e) => Err(Diagnostic::error(
            "Failed to read state",
            format!("{e}. The state was not changed."),
        )),
    }
}

/// Writes the difference between two states as one new version (the state commands), recording the
/// command; writes nothing when there is no difference. Returns the new serial.
pub fn commit_state(
    store: &dyn StateStore,
    old: &State,
    new: &State,
    command: &str,
) -> Result<Option<u64>, Diagnostic> {
    let before = terrane_state::entries::to_entries(old);
    let after = terrane_state::entries::to_entries(new);
    let mut changes: Vec<(String, Option<Vec<u8>>)> = Vec::new();
    for (k, v) in &after {
        if before.get(k) != Some(v) {
            changes.push((k.clone(), Some(v.clone())));
        }
    }
    for k in before.keys() {
        if !after.contains_key(k) {
            changes.push((k.clone(), None));
        }
    }
    if changes.is_empty() {
        return Ok(None);
    }
    let fail = |e: StateError| Diagnostic::error("Failed to write state", e.to_string());
    let mut w = store
        .begin(&new.lineage, version_meta(command))
        .map_err(fail)?;
    w.put_many(&changes).map_err(fail)?;
    let serial = w.serial();
    w.finish().map_err(fail)?;
    Ok(Some(serial))
}

/// A held state lock, released when dropped.
pub struct Lock {
    store: Arc<dyn StateStore>,
    id: String,
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = self.store.unlock(&self.id);
    }
}

/// Takes the state lock for an operation, waiting up to `timeout` (polling, as Terraform does).
pub fn lock(
    store: &Arc<dyn StateStore>,
    operation: &str,
    timeout: Duration,
) -> Result<Lock, Diagnostic> {
    let info = LockInfo {
        id: new_lineage(),
        operation: operation.to_string(),
        who: who(),
        created: now_rfc3339(),
        pid: std::process::id(),
        hostname: hostname(),
        version: format!("terrane {}", env!("CARGO_PKG_VERSION")),
    };
    let deadline = std::time::Instant::now() + timeout;
    loop {
        match store.lock(&info) {
            Ok(()) => {
                return Ok(Lock {
                    store: store.clone(),
                    id: info.id,
                });
            }
            Err(StateError::Locked(holder)) => {
                if std::time::Instant::now() >= deadline {
                    return Err(lock_error(&store.location(), &holder, timeout));
                }
                std::thread::sleep(Duration::from_millis(200));
            }
            Err(e) => {
                return Err(Diagnostic::error(
                    "Error acquiring the state lock",
                    format!("Error message: {e}\n\nNothing was changed."),
                ));
            }
        }
    }
}

/// The error for a lock held by someone else, in Terraform's shape: who holds it, where, since when
/// and for what, and how to get past it.
fn lock_error(path: &str, holder: &LockInfo, waited: Duration) -> Diagnostic {
    let waited = if waited.is_zero() {
        String::new()
    } else {
        format!(" (waited {}s for it)", waited.as_secs())
    };
    let unknown = |s: &str| {
        if s.is_empty() {
            "(not recorded)".to_string()
        } else {
            s.to_string()
        }
    };
    let process = if holder.hostname.is_empty() {
        "(not recorded)".to_string()
    } else {
        format!("process {} on {}", holder.pid, holder.hostname)
    };
    Diagnostic::error(
        "Error acquiring the state lock",
        format!(
            "Error message: the state is locked by another operation{waited}\nLock Info:\n  ID:        {}\n  Path:      {}\n  Operation: {}\n  Who:       {}\n  Version:   {}\n  Created:   {}\n  Info:      {process}\n\nterrane acquires a state lock to protect the state from being written by multiple users at the same time. Please resolve the issue above and try again: wait for the other operation to finish, or give -lock-timeout=DURATION to wait for it. If its holder crashed on another machine, `terrane force-unlock {}` releases the lock. For most commands, you can disable locking with the \"-lock=false\" flag, but this is not recommended.",
            unknown(&holder.id),
            unknown(path),
            unknown(&holder.operation),
            unknown(&holder.who),
            unknown(&holder.version),
            unknown(&holder.created),
            holder.id,
        ),
    )
}

/// Parses `-lock-timeout` (`30s`, `2m`, `0s`).
pub fn parse_duration(s: Option<&str>) -> Result<Duration, Diagnostics> {
    let Some(s) = s else {
        return Ok(Duration::ZERO);
    };
    let (num, unit) = s.split_at(
        s.find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(s.len()),
    );
    let n: f64 = num.parse().map_err(|_| {
        Diagnostics::from(Diagnostic::error(
            "Invalid -lock-timeout",
            format!("{s:?} is not a duration like 30s or 2m."),
        ))
    })?;
    let secs = match unit {
        "" | "s" => n,
        "ms" => n / 1000.0,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => {
            return Err(Diagnostics::from(Diagnostic::error(
                "Invalid -lock-timeout",
                format!("{s:?} is not a duration like 30s or 2m."),
            )));
        }
    };
    Ok(Duration::from_secs_f64(secs))
}

/// Metadata for a new state version.
pub fn version_meta(command: &str) -> VersionMeta {
    VersionMeta {
        command: command.to_string(),
        who: who(),
        started: now_rfc3339(),
    }
}

/// `user@host`.
pub fn who() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    format!("{user}@{}", hostname())
}

/// This machine's host name.
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "localhost".into())
}

/// A random UUID (version 4).
pub fn new_lineage() -> String {
    let mut b = [0u8; 16];
    if let Ok(mut f) = std::fs::File::open("/dev/urandom") {
        use std::io::Read;
        let _ = f.read_exact(&mut b);
    } else {
        let t = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        b.copy_from_slice(&t.to_le_bytes());
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

pub use terrane_lang::functions::now_rfc3339;

/// A digest of the configuration files (FNV-1a over names and contents), to tell whether a saved plan
/// was made from the configuration now on disk. Variables files are left out: their values are in
/// the plan, and applying a saved plan reads none.
pub fn config_digest(sources: &SourceMap) -> String {
    let mut files: Vec<(&str, &str)> = sources
        .iter()
        .filter(|(name, _)| name.ends_with(".tf") || name.ends_with(".tf.json"))
        .collect();
    files.sort();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut add = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for (name, text) in files {
        add(name.as_bytes());
        add(&[0]);
        add(text.as_bytes());
        add(&[0]);
    }
    format!("{h:016x}")
}
