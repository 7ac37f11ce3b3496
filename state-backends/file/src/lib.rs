//! Terraform's `local` backend: the state is one document in a file (`terraform.tfstate` by
//! default), written in full after every change through a temporary file and a rename, so a reader
//! never sees half a file. The previous content is kept as `PATH.backup` the first time a process
//! writes, as Terraform does. Files are created readable by their owner only.
//!
//! The lock is a `.NAME.lock.info` file beside the state, created exclusively, holding the holder's
//! description; a lock whose holder process died on this host is taken over.
#![deny(missing_docs)]

mod storage;
mod workspaces;

pub use storage::FileStorage;
pub use workspaces::FileBackend;
