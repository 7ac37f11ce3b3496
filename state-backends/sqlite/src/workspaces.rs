//! Workspaces of the SQLite backend: the `default` workspace in the database next to the
//! configuration, every other one in `terrane.tfstate.d/NAME/` beside it, as Terraform's local backend
//! lays out its workspaces.

use crate::SqliteStore;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use terrane_state_api::{Backend, DEFAULT_WORKSPACE, StateError, StateStore, sorted_with_default};

/// The SQLite backend: one database per workspace.
pub struct SqliteBackend {
    default_path: PathBuf,
    workspace_dir: PathBuf,
}

impl SqliteBackend {
    /// The default workspace at `default_path`, others under `workspace_dir/NAME/` with the same
    /// file name.
    pub fn new(default_path: &Path, workspace_dir: &Path) -> SqliteBackend {
        SqliteBackend {
            default_path: default_path.to_path_buf(),
            workspace_dir: workspace_dir.to_path_buf(),
        }
    }

    fn file_name(&self) -> &std::ffi::OsStr {
        self.default_path
            .file_name()
            .unwrap_or(std::ffi::OsStr::new("terrane.tfstate.db"))
    }

    /// The database file of a workspace.
    pub fn path(&self, workspace: &str) -> PathBuf {
        if workspace == DEFAULT_WORKSPACE {
            self.default_path.clone()
        } else {
            self.workspace_dir.join(workspace).join(self.file_name())
        }
    }
}

impl Backend for SqliteBackend {
    fn workspaces(&self) -> Result<Vec<String>, StateError> {
        let mut names = Vec::new();
        if let Ok(dir) = std::fs::read_dir(&self.workspace_dir) {
            for e in dir.flatten() {
                if e.path().join(self.file_name()).is_file() {
                    names.push(e.file_name().to_string_lossy().into_owned());
                }
            }
        }
        Ok(sorted_with_default(names))
    }

    fn open(&self, workspace: &str) -> Result<Arc<dyn StateStore>, StateError> {
        let path = self.path(workspace);
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            create_private_dir(parent).map_err(|e| {
                StateError::Storage(format!("cannot create {}: {e}", parent.display()))
            })?;
        }
        Ok(Arc::new(SqliteStore::open(&path)?))
    }

    fn delete_workspace(&self, workspace: &str) -> Result<(), StateError> {
        let path = self.path(workspace);
        for suffix in ["", "-wal", "-shm"] {
            let mut p = path.clone().into_os_string();
            p.push(suffix);
            match std::fs::remove_file(&p) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(StateError::Storage(format!("cannot remove {p:?}: {e}"))),
            }
        }
        if workspace != DEFAULT_WORKSPACE {
            let _ = std::fs::remove_dir(self.workspace_dir.join(workspace));
        }
        Ok(())
    }

    fn describe(&self, workspace: &str) -> String {
        self.path(workspace).display().to_string()
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspaces_live_in_their_own_databases() {
        let dir = tempfile::tempdir().unwrap();
        let b = SqliteBackend::new(
            &dir.path().join("terrane.tfstate.db"),
            &dir.path().join("terrane.tfstate.d"),
        );
        assert_eq!(b.workspaces().unwrap(), ["default"]);
        let store = b.open("staging").unwrap();
        let mut w = store.begin("l", Default::default()).unwrap();
        w.put("k", b"v").unwrap();
        w.finish().unwrap();
        b.open("alpha").unwrap();
        assert_eq!(b.workspaces().unwrap(), ["default", "alpha", "staging"]);
        assert!(b.open("default").unwrap().read().unwrap().is_none());
        drop(store);
        b.delete_workspace("staging").unwrap();
        assert_eq!(b.workspaces().unwrap(), ["default", "alpha"]);
    }
}
