//! Workspaces of the local backend, laid out as Terraform lays them out: `default` at the configured
//! path (`terraform.tfstate`), any other in `WORKSPACE_DIR/NAME/terraform.tfstate`
//! (`terraform.tfstate.d` by default).

use crate::FileStorage;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use terrane_state_api::document::{DocumentStore, SnapshotCodec};
use terrane_state_api::{Backend, DEFAULT_WORKSPACE, StateError, StateStore, sorted_with_default};

/// The local backend.
pub struct FileBackend {
    path: PathBuf,
    workspace_dir: PathBuf,
    codec: Arc<dyn SnapshotCodec>,
}

impl FileBackend {
    /// A backend with the default workspace at `path`, others under `workspace_dir`, documents in the
    /// given format.
    pub fn new(path: &Path, workspace_dir: &Path, codec: Arc<dyn SnapshotCodec>) -> FileBackend {
        FileBackend {
            path: path.to_path_buf(),
            workspace_dir: workspace_dir.to_path_buf(),
            codec,
        }
    }

    /// The state file of a workspace.
    pub fn path(&self, workspace: &str) -> PathBuf {
        if workspace == DEFAULT_WORKSPACE {
            self.path.clone()
        } else {
            self.workspace_dir.join(workspace).join("terraform.tfstate")
        }
    }
}

impl Backend for FileBackend {
    fn workspaces(&self) -> Result<Vec<String>, StateError> {
        let mut names = Vec::new();
        if let Ok(dir) = std::fs::read_dir(&self.workspace_dir) {
            for e in dir.flatten() {
                if e.file_type().is_ok_and(|t| t.is_dir()) {
                    names.push(e.file_name().to_string_lossy().into_owned());
                }
            }
        }
        Ok(sorted_with_default(names))
    }

    fn open(&self, workspace: &str) -> Result<Arc<dyn StateStore>, StateError> {
        let path = self.path(workspace);
        if workspace != DEFAULT_WORKSPACE {
            let dir = self.workspace_dir.join(workspace);
            std::fs::create_dir_all(&dir).map_err(|e| {
                StateError::Storage(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        Ok(Arc::new(DocumentStore::new(
            Box::new(FileStorage::new(&path)),
            self.codec.clone(),
        )))
    }

    fn delete_workspace(&self, workspace: &str) -> Result<(), StateError> {
        if workspace == DEFAULT_WORKSPACE {
            return match std::fs::remove_file(&self.path) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(StateError::Storage(e.to_string())),
            };
        }
        let dir = self.workspace_dir.join(workspace);
        match std::fs::remove_dir_all(&dir) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StateError::Storage(format!(
                "cannot remove {}: {e}",
                dir.display()
            ))),
        }
    }

    fn describe(&self, workspace: &str) -> String {
        self.path(workspace).display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use terrane_state_api::conformance::{self, LinesCodec};
    use terrane_state_api::document::DocumentStorage;

    fn backend(dir: &Path) -> FileBackend {
        FileBackend::new(
            &dir.join("terraform.tfstate"),
            &dir.join("terraform.tfstate.d"),
            Arc::new(LinesCodec),
        )
    }

    #[test]
    fn passes_the_backend_conformance_suite() {
        let dir = tempfile::tempdir().unwrap();
        let b = backend(dir.path());
        conformance::run(&|| b.open("default").unwrap());
        let ws = backend(dir.path());
        conformance::run(&|| ws.open("other").unwrap());
    }

    #[test]
    fn workspaces_follow_terraforms_layout() {
        let dir = tempfile::tempdir().unwrap();
        let b = backend(dir.path());
        assert_eq!(b.workspaces().unwrap(), ["default"]);
        b.open("dev").unwrap();
        assert_eq!(b.workspaces().unwrap(), ["default", "dev"]);
        assert_eq!(
            b.path("dev"),
            dir.path().join("terraform.tfstate.d/dev/terraform.tfstate")
        );
        b.delete_workspace("dev").unwrap();
        assert_eq!(b.workspaces().unwrap(), ["default"]);
    }

    #[cfg(unix)]
    #[test]
    fn files_are_private_and_the_previous_state_is_backed_up() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("terraform.tfstate");
        let s = FileStorage::new(&path);
        s.save(b"one").unwrap();
        let s = FileStorage::new(&path);
        s.save(b"two").unwrap();
        s.save(b"three").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"three");
        assert_eq!(
            std::fs::read(dir.path().join("terraform.tfstate.backup")).unwrap(),
            b"one"
        );
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        s.lock(&conformance::lock_info("x", std::process::id()))
            .unwrap();
        assert!(dir.path().join(".terraform.tfstate.lock.info").exists());
    }
}
