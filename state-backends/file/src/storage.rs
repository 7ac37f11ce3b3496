//! One state file and its lock file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use terrane_state_api::document::DocumentStorage;
use terrane_state_api::{LockInfo, StateError, lock_from_json, lock_to_json};

/// A state file on the local file system.
pub struct FileStorage {
    path: PathBuf,
    backed_up: AtomicBool,
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> StateError {
    StateError::Storage(format!("cannot {what} {}: {e}", path.display()))
}

impl FileStorage {
    /// The state file at `path` (which need not exist yet).
    pub fn new(path: &Path) -> FileStorage {
        FileStorage {
            path: path.to_path_buf(),
            backed_up: AtomicBool::new(false),
        }
    }

    /// The state file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sibling(&self, prefix: &str, suffix: &str) -> PathBuf {
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "terraform.tfstate".into());
        self.path.with_file_name(format!("{prefix}{name}{suffix}"))
    }

    fn lock_path(&self) -> PathBuf {
        self.sibling(".", ".lock.info")
    }

    fn read_lock(&self) -> Result<Option<LockInfo>, StateError> {
        match std::fs::read(self.lock_path()) {
            Ok(data) => lock_from_json(&data).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_error("read", &self.lock_path(), e)),
        }
    }
}

/// Writes a new file readable by its owner only; fails if it exists when `exclusive`.
fn write_private(path: &Path, data: &[u8], exclusive: bool) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true);
    if exclusive {
        opts.create_new(true);
    } else {
        opts.create(true).truncate(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(data)?;
    f.sync_all()
}

impl DocumentStorage for FileStorage {
    fn load(&self) -> Result<Option<Vec<u8>>, StateError> {
        match std::fs::read(&self.path) {
            Ok(d) => Ok(Some(d)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_error("read", &self.path, e)),
        }
    }

    fn save(&self, data: &[u8]) -> Result<(), StateError> {
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| io_error("create", dir, e))?;
        }
        if !self.backed_up.swap(true, Ordering::SeqCst) && self.path.exists() {
            let backup = self.sibling("", ".backup");
            let old = std::fs::read(&self.path).map_err(|e| io_error("read", &self.path, e))?;
            write_private(&backup, &old, false).map_err(|e| io_error("write", &backup, e))?;
        }
        let tmp = self.sibling(".", &format!(".tmp-{}", std::process::id()));
        write_private(&tmp, data, false).map_err(|e| io_error("write", &tmp, e))?;
        std::fs::rename(&tmp, &self.path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            io_error("replace", &self.path, e)
        })?;
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }

    fn lock(&self, info: &LockInfo) -> Result<(), StateError> {
        let path = self.lock_path();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| io_error("create", dir, e))?;
        }
        let data = lock_to_json(info, &self.path.display().to_string());
        for _ in 0..3 {
            match write_private(&path, &data, true) {
                Ok(()) => return Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    match self.read_lock() {
                        Ok(Some(held)) if !held.abandoned(info) => {
                            return Err(StateError::Locked(held));
                        }
                        // Abandoned, or released meanwhile, or unreadable (half written by a
                        // crashed process): remove and try again.
                        _ => {
                            let _ = std::fs::remove_file(&path);
                        }
                    }
                }
                Err(e) => return Err(io_error("create", &path, e)),
            }
        }
        match self.read_lock()? {
            Some(held) => Err(StateError::Locked(held)),
            None => Err(StateError::Storage(format!(
                "cannot take the lock {}",
                path.display()
            ))),
        }
    }

    fn unlock(&self, id: &str) -> Result<(), StateError> {
        match self.read_lock()? {
            Some(held) if held.id == id => std::fs::remove_file(self.lock_path())
                .map_err(|e| io_error("remove", &self.lock_path(), e)),
            held => Err(StateError::LockMismatch {
                given: id.to_string(),
                held: held.map(|h| h.id),
            }),
        }
    }

    fn lock_holder(&self) -> Result<Option<LockInfo>, StateError> {
        self.read_lock()
    }

    fn location(&self) -> String {
        self.path.display().to_string()
    }
}
