//! Loading a configuration: the files of the root directory and, through local `module` sources, the
//! whole module tree.

use crate::body::Body;
use crate::module::Module;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use terrane_addrs::ModulePath;
use terrane_diagnostics::{Diagnostic, Diagnostics, SourceMap};

/// A loaded configuration: the root module and its descendants.
#[derive(Clone, Debug)]
pub struct Config {
    /// The root of the module tree.
    pub root: ModuleNode,
    /// The text of every file loaded, for rendering diagnostics.
    pub sources: SourceMap,
}

/// A module in the tree.
#[derive(Clone, Debug)]
pub struct ModuleNode {
    /// The static path of calls leading here.
    pub path: ModulePath,
    /// The module's declarations.
    pub module: Module,
    /// Modules called from this one, by call name.
    pub children: BTreeMap<String, ModuleNode>,
    /// `path.module`: the module's directory relative to the root module (`.` for the root).
    pub dir_display: String,
}

impl Config {
    /// The module at a static path.
    pub fn module(&self, path: &ModulePath) -> Option<&ModuleNode> {
        let mut node = &self.root;
        for name in &path.0 {
            node = node.children.get(name)?;
        }
        Some(node)
    }

    /// Every module in the tree, parents before children.
    pub fn all_modules(&self) -> Vec<&ModuleNode> {
        let mut out = Vec::new();
        fn walk<'a>(n: &'a ModuleNode, out: &mut Vec<&'a ModuleNode>) {
            out.push(n);
            for c in n.children.values() {
                walk(c, out);
            }
        }
        walk(&self.root, &mut out);
        out
    }
}

pub(crate) const MAX_DEPTH: usize = 64;

/// Loads the configuration rooted at `dir`. File names in diagnostics are relative to `dir`.
pub fn load_config(dir: &Path) -> (Option<Config>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut sources = SourceMap::new();
    let manifest = crate::sources::Manifest::read(dir);
    let mut cx = LoadCx {
        root: dir,
        manifest: &manifest,
        sources: &mut sources,
        diags: &mut diags,
    };
    let root = load_node(&mut cx, dir, ".", ModulePath::root(), 0);
    (root.map(|root| Config { root, sources }), diags)
}

/// What loading the module tree shares: the root directory, the installed modules, and where the
/// texts and problems go.
struct LoadCx<'a> {
    root: &'a Path,
    manifest: &'a crate::sources::Manifest,
    sources: &'a mut SourceMap,
    diags: &'a mut Diagnostics,
}

fn load_node(
    cx: &mut LoadCx<'_>,
    dir: &Path,
    display: &str,
    path: ModulePath,
    depth: usize,
) -> Option<ModuleNode> {
    let module = load_module_dir(dir, display, cx.sources, cx.diags)?;
    let mut children = BTreeMap::new();
    for (name, call) in &module.module_calls {
        let rel = match crate::sources::source_kind(&call.source) {
            crate::sources::SourceKind::Local(_) => local_source(&call.source).unwrap_or("."),
            crate::sources::SourceKind::Git(_) => {
                let key = path.child(name).0.join(".");
                match cx.manifest.dir_of(&key, &call.source) {
                    Some(d) => {
                        let installed = cx.root.join(d);
                        if let Some(node) =
                            load_node(cx, &installed, d, path.child(name), depth + 1)
                        {
                            children.insert(name.clone(), node);
                        }
                        continue;
                    }
                    None => {
                        cx.diags.push(crate::sources::unavailable(
                            &call.source,
                            &call.source_range,
                        ));
                        continue;
                    }
                }
            }
            crate::sources::SourceKind::Remote => {
                cx.diags.push(crate::sources::unavailable(
                    &call.source,
                    &call.source_range,
                ));
                continue;
            }
        };
        if depth >= MAX_DEPTH {
            cx.diags.push(
                Diagnostic::error(
                    "Module nesting too deep",
                    "Module calls are nested too deeply; is a module calling itself?",
                )
                .with_subject(call.source_range.clone()),
            );
            continue;
        }
        let child_dir = dir.join(rel);
        let child_display = clean_path(&if display == "." {
            rel.to_string()
        } else {
            format!("{display}/{rel}")
        });
        if !child_dir.is_dir() {
            cx.diags.push(
                Diagnostic::error(
                    "Unreadable module directory",
                    format!("The directory {child_display} does not exist or cannot be read."),
                )
                .with_subject(call.source_range.clone()),
            );
            continue;
        }
        if let Some(node) = load_node(cx, &child_dir, &child_display, path.child(name), depth + 1) {
            children.insert(name.clone(), node);
        }
    }
    Some(ModuleNode {
        path,
        module,
        children,
        dir_display: display.to_string(),
    })
}

/// The relative directory of a local module source (`./x`, `../x`), or `None` for remote sources.
pub fn local_source(source: &str) -> Option<&str> {
    (source.starts_with("./") || source.starts_with("../") || source == "." || source == "..")
        .then_some(source)
}

/// Normalizes `a/./b/../c` to `a/c`, as Terraform does for `path.module`.
pub fn clean_path(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in Path::new(p).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(parts.last(), Some(l) if *l != "..") {
                    parts.pop();
                } else {
                    parts.push("..");
                }
            }
            Component::Normal(s) => parts.push(s.to_str().unwrap_or("")),
            Component::RootDir => parts.push(""),
            Component::Prefix(_) => {}
        }
    }
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

/// The configuration files of a directory, in name order: `*.tf` and `*.tf.json`, skipping editor
/// backups and hidden files.
pub fn config_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            !name.starts_with('.')
                && !name.starts_with('#')
                && !name.ends_with('~')
                && (name.ends_with(".tf") || name.ends_with(".tf.json"))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// Loads the files of one directory into a module. `display` is the directory as shown in diagnostics.
pub fn load_module_dir(
    dir: &Path,
    display: &str,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Option<Module> {
    load_module_dir_blocks(dir, display, None, sources, diags)
}

/// Like [`load_module_dir`], with only the top-level blocks of the given kinds read from native
/// files (the rest is skipped unparsed): what the backend and state encryption settings need,
/// without parsing a large configuration twice. Syntax errors elsewhere go unnoticed here.
pub fn load_module_settings(
    dir: &Path,
    kinds: &[&str],
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Option<Module> {
    load_module_dir_blocks(dir, ".", Some(kinds), sources, diags)
}

fn load_module_dir_blocks(
    dir: &Path,
    display: &str,
    kinds: Option<&[&str]>,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Option<Module> {
    let files = match config_files(dir) {
        Ok(f) => f,
        Err(e) => {
            diags.push(Diagnostic::error(
                "Failed to read module directory",
                format!("Cannot read {display}: {e}"),
            ));
            return None;
        }
    };
    let mut module = Module {
        dir: dir.to_path_buf(),
        ..Module::default()
    };
    let mut overrides: Vec<(String, Body)> = Vec::new();
    for file in files {
        let fname = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        let shown = if display == "." {
            fname.clone()
        } else {
            format!("{display}/{fname}")
        };
        let text = match std::fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e) => {
                diags.push(Diagnostic::error(
                    "Failed to read file",
                    format!("The file {shown:?} could not be read: {e}"),
                ));
                continue;
            }
        };
        sources.insert(Arc::from(shown.as_str()), Arc::from(text.as_str()));
        let (body, file_diags) = if fname.ends_with(".tf.json") {
            crate::syntax::json::parse_file(&shown, &text)
        } else if let Some(kinds) = kinds {
            let (body, d) = crate::syntax::native::parse_file_blocks_of(&shown, &text, kinds);
            (Some(body), d)
        } else {
            crate::syntax::native::parse_file(&shown, &text)
        };
        diags.extend(file_diags);
        let Some(body) = body else { continue };
        let stem = fname.trim_end_matches(".json").trim_end_matches(".tf");
        if stem == "override" || stem.ends_with("_override") {
            overrides.push((shown, body));
        } else {
            module.add_file(body, diags);
        }
    }
    for (_, body) in overrides {
        crate::overrides::apply(&mut module, &body, diags);
    }
    module.shrink_to_fit();
    Some(module)
}
