//! Filesystem and path functions. Relative paths resolve against the module directory (the function
//! table's base directory); messages name paths as Terraform does, relative to the working directory.

use super::util::s;
use super::{FnError, Function, Functions, Param, Returns, arg_fail, fail};
use std::path::{Path, PathBuf};
use terrane_values::{Type, Value};

pub(super) fn register(f: &mut Functions) {
    let path1 = || vec![Param::new("path", Type::String)];
    f.add(
        "file",
        Function::new(path1(), Returns::Fixed(Type::String), |a, _, c| {
            let (bytes, shown) = read(c.functions.base_dir(), s(&a[0]))?;
            String::from_utf8(bytes).map(Value::string).map_err(|_| {
                FnError::Call(format!("contents of {shown} are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead"))
            })
        }),
    );
    f.add(
        "fileexists",
        Function::new(path1(), Returns::Fixed(Type::Bool), |a, _, c| {
            let (full, shown) = locate(c.functions.base_dir(), s(&a[0]))?;
            match std::fs::metadata(&full) {
                Ok(m) if m.is_file() => Ok(Value::bool(true)),
                Ok(m) => fail(format!(
                    "{shown} is not a regular file, but {:?}",
                    mode_string(&m)
                )),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Value::bool(false)),
                Err(_) => fail(format!("failed to stat {shown}")),
            }
        }),
    );
    f.add(
        "filebase64",
        Function::new(path1(), Returns::Fixed(Type::String), |a, _, c| {
            Ok(Value::string(super::encoding::base64_encode(
                &read(c.functions.base_dir(), s(&a[0]))?.0,
            )))
        }),
    );
    f.add(
        "basename",
        Function::new(path1(), Returns::Fixed(Type::String), |a, _, _| {
            Ok(Value::string(go_base(s(&a[0]))))
        }),
    );
    f.add(
        "dirname",
        Function::new(path1(), Returns::Fixed(Type::String), |a, _, _| {
            Ok(Value::string(go_dir(s(&a[0]))))
        }),
    );
    f.add(
        "abspath",
        Function::new(path1(), Returns::Fixed(Type::String), |a, _, _| {
            let p = s(&a[0]);
            let full = if p.starts_with('/') {
                p.to_string()
            } else {
                let cwd = std::env::current_dir().map_err(|e| FnError::Call(e.to_string()))?;
                format!("{}/{p}", cwd.to_string_lossy())
            };
            Ok(Value::string(go_clean(&full)))
        }),
    );
    f.add(
        "pathexpand",
        Function::new(path1(), Returns::Fixed(Type::String), |a, _, _| {
            Ok(Value::string(expand_home(s(&a[0]))?))
        }),
    );
}

/// go-homedir's `Expand`: a leading `~` becomes the home directory; `~user` is not supported.
pub fn expand_home(p: &str) -> Result<String, FnError> {
    if !p.starts_with('~') {
        return Ok(p.to_string());
    }
    if p.len() > 1 && !p[1..].starts_with(['/', '\\']) {
        return fail("cannot expand user-specific home dir");
    }
    let home = std::env::var("HOME")
        .map_err(|_| FnError::Call("failed to expand ~: $HOME is not defined".into()))?;
    Ok(format!("{home}{}", &p[1..]))
}

/// The file a path names, and the path as messages show it (Terraform's `filepath.Join(baseDir, path)`,
/// with the root module's base directory being `.`).
pub fn locate(base: &Path, p: &str) -> Result<(PathBuf, String), FnError> {
    let expanded = expand_home(p).map_err(|e| match e {
        FnError::Call(m) if m.starts_with("cannot") => {
            FnError::Call(format!("failed to expand ~: {m}"))
        }
        e => e,
    })?;
    let path = Path::new(&expanded);
    if path.is_absolute() {
        return Ok((path.to_path_buf(), go_clean(&expanded)));
    }
    let shown = if base.is_absolute() {
        go_clean(&expanded)
    } else {
        go_clean(&format!("{}/{expanded}", base.to_string_lossy()))
    };
    Ok((base.join(path), shown))
}

/// Reads a file for `file`, `filebase64` and `templatefile`, with Terraform's messages; also returns the
/// path as messages show it.
pub fn read(base: &Path, p: &str) -> Result<(Vec<u8>, String), FnError> {
    let (full, shown) = locate(base, p)?;
    match std::fs::read(&full) {
        Ok(bytes) => Ok((bytes, shown)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => arg_fail(
            0,
            format!(
                "no file exists at {shown}; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource"
            ),
        ),
        Err(_) => arg_fail(0, format!("failed to read {shown}")),
    }
}

/// Reads a file for the file hash functions, whose messages are Go's `os.Open` errors.
pub fn read_for_hash(base: &Path, p: &str) -> Result<Vec<u8>, FnError> {
    let (full, shown) = locate(base, p)?;
    std::fs::read(&full).map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            std::io::ErrorKind::IsADirectory => {
                return FnError::Call(format!("read {shown}: is a directory"));
            }
            _ => e.to_string(),
        };
        FnError::Call(format!("open {shown}: {why}"))
    })
}

/// Go's `FileMode.String()` for the common cases.
fn mode_string(m: &std::fs::Metadata) -> String {
    use std::os::unix::fs::PermissionsExt;
    let ft = m.file_type();
    let kind = if ft.is_dir() {
        "d"
    } else if ft.is_symlink() {
        "L"
    } else {
        ""
    };
    let mut out = kind.to_string();
    if kind.is_empty() {
        out.push('-');
    }
    let bits = m.permissions().mode();
    for (i, c) in "rwxrwxrwx".chars().enumerate() {
        out.push(if bits & (1 << (8 - i)) != 0 { c } else { '-' });
    }
    out
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
    let dir = match p.rfind('/') {
        Some(i) => &p[..=i],
        None => "",
    };
    go_clean(dir)
}
