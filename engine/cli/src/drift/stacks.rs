//! Finding the stacks below a directory (`drift -recursive`): every directory with `.tf` or
//! `.tf.json` files, except hidden ones (`.terraform`, `.git`) and the local modules other stacks
//! call (`source = "./modules/vpc"`), unless such a module directory has a state of its own.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn is_config(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.ends_with(".tf") || name.ends_with(".tf.json")
}

/// Whether the directory was set up or used as a root module: it has a state database or `init`
/// ran in it.
fn has_state(dir: &Path) -> bool {
    dir.join(crate::workdir::STATE_DB).exists() || dir.join(".terraform").is_dir()
}

/// The local module directories a configuration directory's files call.
fn local_sources(dir: &Path, files: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        for (at, _) in text.match_indices("source") {
            let rest = text[at + "source".len()..]
                .trim_start_matches('"')
                .trim_start();
            let Some(rest) = rest.strip_prefix('=').or_else(|| rest.strip_prefix(':')) else {
                continue;
            };
            let Some(src) = rest
                .trim_start()
                .strip_prefix('"')
                .and_then(|v| v.split('"').next())
            else {
                continue;
            };
            if (src.starts_with("./") || src.starts_with("../"))
                && let Ok(p) = dir.join(src).canonicalize()
            {
                out.push(p);
            }
        }
    }
    out
}

/// The stack directories below `root` (and `root` itself), sorted.
pub fn find(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    let mut called: BTreeSet<PathBuf> = BTreeSet::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let path = entry.path();
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            if entry.file_type()?.is_dir() {
                if !hidden {
                    todo.push(path);
                }
            } else if is_config(&path) {
                files.push(path);
            }
        }
        if !files.is_empty() {
            called.extend(local_sources(&dir, &files));
            candidates.push(dir);
        }
    }
    let mut out: Vec<PathBuf> = candidates
        .into_iter()
        .filter(|d| {
            let canonical = d.canonicalize().unwrap_or_else(|_| d.clone());
            !called.contains(&canonical) || has_state(d)
        })
        .collect();
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_root_modules_and_skips_called_modules_and_hidden_dirs() {
        let d = tempfile::tempdir().unwrap();
        let w = |p: &str, t: &str| {
            let p = d.path().join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, t).unwrap();
        };
        w(
            "net/main.tf",
            "module \"vpc\" {\n  source = \"../modules/vpc\"\n}\n",
        );
        w(
            "app/main.tf.json",
            "{\"module\": {\"x\": {\"source\": \"./inner\"}}}",
        );
        w("app/inner/main.tf", "");
        w("modules/vpc/main.tf", "");
        w("modules/unused/main.tf", "");
        w("net/.terraform/modules/x/main.tf", "");
        w("README.md", "");
        let found: Vec<String> = find(d.path())
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(d.path()).unwrap().display().to_string())
            .collect();
        assert_eq!(found, ["app", "modules/unused", "net"]);
        // a called module directory that was applied on its own is a stack too
        w("modules/vpc/terrane.tfstate.db", "");
        assert_eq!(find(d.path()).unwrap().len(), 4);
    }
}
