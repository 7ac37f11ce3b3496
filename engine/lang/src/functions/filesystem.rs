//! Filesystem and path functions. Relative paths resolve against the working directory.

use super::util::s;
use super::{fail, FnError, Function, Functions, Param, Returns};
use std::path::{Path, PathBuf};
use terrane_values::{Type, Value};

pub(super) fn register(f: &mut Functions) {
    let path1 = || vec![Param::new("path", Type::String)];
    f.add(
        "file",
        Function::new(path1(), Returns::Fixed(Type::String), |a, _, c| {
            let bytes = read(c.functions.base_dir(), s(&a[0]))?;
            String::from_utf8(bytes).map(Value::string).map_err(|_| {
                FnError::Call(format!("contents of {} are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead", s(&a[0])))
            })
        }),
    );
    f.add(
        "fileexists",
        Function::new(path1(), Returns::Fixed(Type::Bool), |a, _, c| {
            let p = resolve(c.functions.base_dir(), s(&a[0]));
            match std::fs::metadata(&p) {
                Ok(m) if m.is_file() => Ok(Value::bool(true)),
                Ok(_) => fail(format!("{} is not a regular file, but {}", s(&a[0]), "a directory")),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Value::bool(false)),
                Err(e) => fail(format!("failed to stat {}: {e}", s(&a[0]))),
            }
        }),
    );
    f.add(
        "filebase64",
        Function::new(path1(), Returns::Fixed(Type::String), |a, _, c| {
            Ok(Value::string(super::encoding::base64_encode(&read(c.functions.base_dir(), s(&a[0]))?)))
        }),
    );
    f.add(
        "basename",
        Function::new(path1(), Returns::Fixed(Type::String), |a, _, _| Ok(Value::string(go_base(s(&a[0]))))),
    );
    f.add(
        "dirname",
        Function::new(path1(), Returns::Fixed(Type::String), |a, _, _| Ok(Value::string(go_dir(s(&a[0]))))),
    );
    f.add(
        "abspath",
        Function::new(path1(), Returns::Fixed(Type::String), |a, _, c| {
            let p = resolve(c.functions.base_dir(), s(&a[0]));
            Ok(Value::string(go_clean(&p.to_string_lossy())))
        }),
    );
    f.add(
        "pathexpand",
        Function::new(path1(), Returns::Fixed(Type::String), |a, _, _| {
            let p = s(&a[0]);
            if p == "~" || p.starts_with("~/") {
                let home = std::env::var("HOME").unwrap_or_default();
                return Ok(Value::string(format!("{home}{}", &p[1..])));
            }
            Ok(Value::string(p))
        }),
    );
}

/// Resolves a path against the base directory.
pub fn resolve(base: &Path, p: &str) -> PathBuf {
    let path = Path::new(p);
    if path.is_absolute() { path.to_path_buf() } else { base.join(path) }
}

/// Reads a file for a function, with Terraform's messages.
pub fn read(base: &Path, p: &str) -> Result<Vec<u8>, FnError> {
    let full = resolve(base, p);
    std::fs::read(&full).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            FnError::Call(format!("no file exists at {p:?}; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource"))
        } else {
            FnError::Call(format!("failed to read {p:?}: {e}"))
        }
    })
}

/// Go's `filepath.Clean`.
pub fn go_clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if matches!(parts.last(), Some(l) if *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// Go's `filepath.Base`.
pub fn go_base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return "/".into();
    }
    t.rsplit('/').next().unwrap_or(t).to_string()
}

/// Go's `filepath.Dir`.
pub fn go_dir(p: &str) -> String {
    let idx = p.rfind('/');
    let dir = match idx {
        Some(i) => &p[..=i],
        None => "",
    };
    go_clean(dir)
}
