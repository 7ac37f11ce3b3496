//! Module sources that are not local paths: which ones terrane can install (Git repositories reached
//! through `file://` URLs, at a `?ref=`), where `terrane init` puts them, and the manifest that tells
//! the loader where an installed module is.
//!
//! As in Terraform, installed modules live in `.terraform/modules/KEY`, where KEY is the module's
//! path of call names joined by dots (`net`, `net.subnets`), and `.terraform/modules/modules.json`
//! records each key with its source and directory. Fetching is the caller's business (the CLI runs
//! `git`); this module decides what to fetch and where.

use crate::loader::{MAX_DEPTH, load_module_dir, local_source};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use terrane_diagnostics::{Diagnostic, Diagnostics, SourceMap, SourceRange};

/// Where installed modules and their manifest are kept, relative to the root module's directory.
pub const MODULES_DIR: &str = ".terraform/modules";

/// A Git source: the repository, the directory inside it, and the revision to check out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GitSource {
    /// The repository URL as given to `git clone` (`file:///srv/repos/net`).
    pub url: String,
    /// The directory inside the repository (after `//`), empty for its root.
    pub subdir: String,
    /// The `ref` argument: a branch, tag or commit; `None` for the default branch.
    pub reference: Option<String>,
}

/// What a module source is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// `./x` or `../x`: read where it is.
    Local(String),
    /// `git::file://...`: cloned by `terrane init`.
    Git(GitSource),
    /// Anything that needs the network (registry addresses, `git::https://`, `s3::` ...).
    Remote,
}

/// Classifies a module source.
pub fn source_kind(source: &str) -> SourceKind {
    if let Some(rel) = local_source(source) {
        return SourceKind::Local(rel.to_string());
    }
    let Some(rest) = source.strip_prefix("git::") else {
        return SourceKind::Remote;
    };
    let (address, query) = match rest.split_once('?') {
        Some((a, q)) => (a, q),
        None => (rest, ""),
    };
    let Some(path) = address.strip_prefix("file://") else {
        return SourceKind::Remote;
    };
    let (repo, subdir) = match path.find("//") {
        Some(i) => (&path[..i], path[i + 2..].trim_matches('/')),
        None => (path, ""),
    };
    let reference = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "ref")
        .map(|(_, v)| v.to_string());
    SourceKind::Git(GitSource {
        url: format!("file://{repo}"),
        subdir: subdir.to_string(),
        reference,
    })
}

/// The record of installed modules, `.terraform/modules/modules.json`, in Terraform's format.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    /// One entry per module call below the root (and the root itself, with an empty key).
    #[serde(rename = "Modules")]
    pub modules: Vec<ManifestEntry>,
}

/// One installed module.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ManifestEntry {
    /// The call names leading to the module, joined by dots.
    #[serde(rename = "Key")]
    pub key: String,
    /// The source as written in the configuration.
    #[serde(rename = "Source")]
    pub source: String,
    /// The module's directory, relative to the root module.
    #[serde(rename = "Dir")]
    pub dir: String,
}

impl Manifest {
    /// Reads the manifest of a root module directory; empty when there is none.
    pub fn read(root: &Path) -> Manifest {
        std::fs::read_to_string(root.join(MODULES_DIR).join("modules.json"))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default()
    }

    /// The directory of an installed module, when it was installed from this source.
    pub fn dir_of(&self, key: &str, source: &str) -> Option<&str> {
        self.modules
            .iter()
            .find(|m| m.key == key && m.source == source)
            .map(|m| m.dir.as_str())
    }
}

/// The error for a module the loader cannot read: not installed, or needing the network.
pub(crate) fn unavailable(source: &str, range: &SourceRange) -> Diagnostic {
    let d = match source_kind(source) {
        SourceKind::Git(_) => Diagnostic::error(
            "Module not installed",
            "This module is not yet installed. Run \"terrane init\" to install all modules required by this configuration.",
        ),
        _ => Diagnostic::error(
            "Module source not available",
            format!(
                "The module source {source:?} must be downloaded from the network, which terrane does not do. Use a local path (\"./modules/name\"), a Git repository on this machine (\"git::file:///path/to/repo?ref=v1.0\"), or place the module in the repository and refer to it by path."
            ),
        ),
    };
    d.with_subject(range.clone())
}

/// Fetches a Git source's revision into an empty directory.
pub type Fetch<'a> = &'a mut dyn FnMut(&GitSource, &Path) -> Result<(), String>;

/// Installs the modules of the configuration rooted at `root` that are not local paths, walking the
/// module tree (installed modules can call others), and writes the manifest. A module already
/// installed from the same source is kept unless `upgrade` is set. `report` hears each install.
pub fn install_modules(
    root: &Path,
    upgrade: bool,
    fetch: Fetch<'_>,
    report: &mut dyn FnMut(&str, &str),
) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let previous = Manifest::read(root);
    let mut manifest = Manifest {
        modules: vec![ManifestEntry {
            key: String::new(),
            source: String::new(),
            dir: ".".into(),
        }],
    };
    let mut sources = SourceMap::new();
    let mut walk = Walk {
        root,
        upgrade,
        previous: &previous,
        manifest: &mut manifest,
        fetch,
        report,
        sources: &mut sources,
        diags: &mut diags,
    };
    walk.module(root, ".", "", 0);
    if diags.has_errors() || manifest.modules.len() == 1 {
        // nothing to record when no module is called
        return diags;
    }
    let dir = root.join(MODULES_DIR);
    let written = std::fs::create_dir_all(&dir).and_then(|_| {
        let text = serde_json::to_string(&manifest).unwrap_or_default();
        std::fs::write(dir.join("modules.json"), text)
    });
    if let Err(e) = written {
        diags.push(Diagnostic::error(
            "Failed to record installed modules",
            format!("{}/modules.json could not be written: {e}.", MODULES_DIR),
        ));
    }
    diags
}

struct Walk<'w, 'f> {
    root: &'w Path,
    upgrade: bool,
    previous: &'w Manifest,
    manifest: &'w mut Manifest,
    fetch: Fetch<'f>,
    report: &'w mut dyn FnMut(&str, &str),
    sources: &'w mut SourceMap,
    diags: &'w mut Diagnostics,
}

impl Walk<'_, '_> {
    /// Installs what the module in `dir` calls; `key` is the module's own key.
    fn module(&mut self, dir: &Path, display: &str, key: &str, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        // syntax errors are the loader's to report, after installation
        let mut ignored = Diagnostics::new();
        let Some(module) = load_module_dir(dir, display, self.sources, &mut ignored) else {
            return;
        };
        for (name, call) in &module.module_calls {
            let child_key = if key.is_empty() {
                name.clone()
            } else {
                format!("{key}.{name}")
            };
            let child_dir: PathBuf = match source_kind(&call.source) {
                SourceKind::Local(rel) => dir.join(rel),
                SourceKind::Remote => continue,
                SourceKind::Git(git) => {
                    let Some(installed) = self.install(&child_key, &call.source, &git) else {
                        continue;
                    };
                    installed
                }
            };
            let child_display = child_dir.strip_prefix(self.root).map_or_else(
                |_| child_dir.display().to_string(),
                |p| p.display().to_string(),
            );
            let child_display = crate::loader::clean_path(&child_display);
            if matches!(source_kind(&call.source), SourceKind::Local(_)) {
                // local modules are recorded too, as Terraform records them
                self.manifest.modules.push(ManifestEntry {
                    key: child_key.clone(),
                    source: call.source.clone(),
                    dir: child_display.clone(),
                });
            }
            self.module(&child_dir, &child_display, &child_key, depth + 1);
        }
    }

    /// Clones a Git module (or keeps it), records it; returns the module's directory.
    fn install(&mut self, key: &str, source: &str, git: &GitSource) -> Option<PathBuf> {
        let rel = format!("{MODULES_DIR}/{key}");
        let checkout = self.root.join(&rel);
        let kept =
            !self.upgrade && self.previous.dir_of(key, source).is_some() && checkout.is_dir();
        if !kept {
            (self.report)(key, source);
            if checkout.exists() {
                if let Err(e) = std::fs::remove_dir_all(&checkout) {
                    self.diags.push(Diagnostic::error(
                        "Failed to install module",
                        format!(
                            "The old copy of module {key:?} in {rel} could not be removed: {e}."
                        ),
                    ));
                    return None;
                }
            }
            if let Err(e) = (self.fetch)(git, &checkout) {
                self.diags.push(Diagnostic::error(
                    "Failed to download module",
                    format!("Could not download module {key:?} source code from {source:?}: {e}"),
                ));
                return None;
            }
        }
        let dir_rel = if git.subdir.is_empty() {
            rel
        } else {
            format!("{rel}/{}", git.subdir)
        };
        let dir = self.root.join(&dir_rel);
        if !dir.is_dir() {
            self.diags.push(Diagnostic::error(
                "Failed to install module",
                format!(
                    "The repository of module {key:?} has no directory {:?}.",
                    git.subdir
                ),
            ));
            return None;
        }
        self.manifest.modules.push(ManifestEntry {
            key: key.to_string(),
            source: source.to_string(),
            dir: dir_rel,
        });
        Some(dir)
    }
}

#[cfg(test)]
mod tests {
    use super::{GitSource, SourceKind, source_kind};

    #[test]
    fn git_file_sources_are_installable_and_the_rest_needs_the_network() {
        assert_eq!(source_kind("./net"), SourceKind::Local("./net".into()));
        assert_eq!(
            source_kind("git::file:///srv/repos/net?ref=v1.2"),
            SourceKind::Git(GitSource {
                url: "file:///srv/repos/net".into(),
                subdir: String::new(),
                reference: Some("v1.2".into()),
            })
        );
        assert_eq!(
            source_kind("git::file:///srv/repos/lib//modules/vpc?ref=main&depth=1"),
            SourceKind::Git(GitSource {
                url: "file:///srv/repos/lib".into(),
                subdir: "modules/vpc".into(),
                reference: Some("main".into()),
            })
        );
        assert_eq!(
            source_kind("git::https://example.com/net.git"),
            SourceKind::Remote
        );
        assert_eq!(source_kind("hashicorp/consul/aws"), SourceKind::Remote);
    }
}
