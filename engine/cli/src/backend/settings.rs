//! The backend settings: the `backend` block of the root module, evaluated, with the values `init
//! -backend-config` recorded merged over it; and the record itself, which also tells `init` which
//! backend the state was in before a configuration change.

use super::encryption::decode_encryption;
use serde_json::{Map, Value as Json};
use std::path::Path;
use terrane_config::Module;
use terrane_diagnostics::{Diagnostic, Diagnostics, SourceMap};
use terrane_lang::{EvalContext, Functions, evaluate};
use terrane_state_encryption::EncryptionConfig;

/// Where `init` records the backend it initialized.
const RECORD: &str = ".terraform/terrane-backend.json";

/// A backend kind and its arguments.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// `sqlite` (the default, no `backend` block), `local`, `pg`, `s3`.
    pub kind: String,
    /// The arguments, as JSON values.
    pub attrs: Map<String, Json>,
    /// The state encryption, if configured.
    pub encryption: Option<EncryptionConfig>,
}

impl Settings {
    /// The default: the embedded SQLite database.
    pub fn default_sqlite() -> Settings {
        Settings {
            kind: "sqlite".into(),
            attrs: Map::new(),
            encryption: None,
        }
    }

    /// A string argument, or the value of an environment variable, or a default.
    pub fn string(&self, name: &str, env: &[&str], default: &str) -> String {
        if let Some(s) = self.attrs.get(name).and_then(Json::as_str) {
            return s.to_string();
        }
        for e in env {
            if let Ok(v) = std::env::var(e) {
                if !v.is_empty() {
                    return v;
                }
            }
        }
        default.to_string()
    }

    /// A boolean argument.
    pub fn bool(&self, name: &str, default: bool) -> bool {
        match self.attrs.get(name) {
            Some(Json::Bool(b)) => *b,
            Some(Json::String(s)) => s == "true",
            _ => default,
        }
    }

    /// Whether two settings name the same place (encryption aside).
    pub fn same_place(&self, other: &Settings) -> bool {
        self.kind == other.kind && self.attrs == other.attrs
    }
}

/// Reads the root module's `terraform` blocks and variables (all that matters here), skipping the
/// rest of the configuration, which the command loads afterwards.
fn root_module(diags: &mut Diagnostics) -> Option<Module> {
    let mut sources = SourceMap::default();
    terrane_config::loader::load_module_settings(
        Path::new("."),
        &["terraform", "variable"],
        &mut sources,
        diags,
    )
}

/// The backend settings of the working directory. Problems with the configuration itself are left to
/// the command's own loading; here they only stop the backend from being chosen.
pub fn configured() -> Result<Settings, Diagnostics> {
    let mut diags = Diagnostics::new();
    let module = if terrane_config::loader::config_files(Path::new("."))
        .map(|f| f.is_empty())
        .unwrap_or(true)
    {
        None
    } else {
        root_module(&mut diags)
    };
    settings_of(module.as_ref(), diags)
}

/// [`configured`] from the root module of a configuration already loaded whole, rather than from a
/// second reading of its files.
pub fn configured_in(root: &Module) -> Result<Settings, Diagnostics> {
    settings_of(Some(root), Diagnostics::new())
}

fn settings_of(module: Option<&Module>, mut diags: Diagnostics) -> Result<Settings, Diagnostics> {
    let Some(module) = module else {
        return Ok(with_record(Settings::default_sqlite()));
    };
    let mut settings = match &module.backend {
        None => Settings::default_sqlite(),
        Some(b) => {
            let functions = Functions::new(".");
            let ctx = EvalContext::new(&functions);
            let mut attrs = Map::new();
            for a in &b.body.attrs {
                let (v, d) = evaluate(&a.expr, &ctx);
                if d.has_errors() {
                    diags.push(
                        Diagnostic::error(
                            "Variables not allowed",
                            "A backend configuration cannot refer to variables, locals or other objects; use -backend-config for values that change.",
                        )
                        .with_subject(a.expr.range.clone()),
                    );
                    continue;
                }
                let (plain, _) = v.unmark_deep();
                attrs.insert(
                    a.name.clone(),
                    terrane_values::json::to_json(&plain).unwrap_or(Json::Null),
                );
            }
            for blk in &b.body.blocks {
                // `endpoints { s3 = "..." }` and `assume_role { ... }`: nested objects.
                let mut inner = Map::new();
                for a in &blk.body.attrs {
                    let (v, _) = evaluate(&a.expr, &ctx);
                    let (plain, _) = v.unmark_deep();
                    inner.insert(
                        a.name.clone(),
                        terrane_values::json::to_json(&plain).unwrap_or(Json::Null),
                    );
                }
                attrs.insert(blk.kind.clone(), Json::Object(inner));
            }
            match b.kind.as_str() {
                "local" | "pg" | "s3" | "sqlite" => {}
                other => diags.push(
                    Diagnostic::error(
                        "Unsupported backend type",
                        format!("There is no backend type named {other:?} in terrane. The backends are \"local\", \"pg\" and \"s3\" (and the embedded SQLite database when no backend block is given)."),
                    )
                    .with_subject(b.range.clone()),
                ),
            }
            Settings {
                kind: b.kind.clone(),
                attrs,
                encryption: None,
            }
        }
    };
    settings.encryption = decode_encryption(module, &mut diags);
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(with_record(settings))
}

/// Merges the `-backend-config` values recorded by `init` for the same backend kind.
fn with_record(mut s: Settings) -> Settings {
    if let Some((kind, _, overrides)) = read_record() {
        if kind == s.kind {
            for (k, v) in overrides {
                s.attrs.insert(k, v);
            }
        }
    }
    s
}

/// The record `init` wrote: the backend kind, its full arguments, and the `-backend-config` values.
pub fn read_record() -> Option<(String, Map<String, Json>, Map<String, Json>)> {
    let text = std::fs::read_to_string(RECORD).ok()?;
    let j: Json = serde_json::from_str(&text).ok()?;
    Some((
        j.get("kind")?.as_str()?.to_string(),
        j.get("attrs")
            .and_then(Json::as_object)
            .cloned()
            .unwrap_or_default(),
        j.get("overrides")
            .and_then(Json::as_object)
            .cloned()
            .unwrap_or_default(),
    ))
}

/// Records the backend `init` initialized (readable by the owner only: it may hold credentials).
pub fn write_record(s: &Settings, overrides: &Map<String, Json>) -> std::io::Result<()> {
    std::fs::create_dir_all(".terraform")?;
    let j = serde_json::json!({"kind": s.kind, "attrs": s.attrs, "overrides": overrides});
    let text = serde_json::to_string_pretty(&j).expect("record serializes");
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    use std::io::Write;
    opts.open(RECORD)?.write_all(text.as_bytes())
}

/// Parses `-backend-config` arguments: `key=value` pairs, or files of `key = value` lines.
pub fn parse_backend_config(args: &[String]) -> Result<Map<String, Json>, Diagnostic> {
    let mut out = Map::new();
    for a in args {
        if let Some((k, v)) = a.split_once('=') {
            out.insert(k.trim().to_string(), literal(v.trim()));
            continue;
        }
        let text = std::fs::read_to_string(a).map_err(|e| {
            Diagnostic::error(
                "Invalid backend configuration",
                format!("-backend-config={a:?} is neither KEY=VALUE nor a readable file: {e}"),
            )
        })?;
        let (body, d) = terrane_config::syntax::native::parse_file(a, &text);
        let Some(body) = body.filter(|_| !d.has_errors()) else {
            return Err(Diagnostic::error(
                "Invalid backend configuration",
                format!("{a} is not a file of KEY = VALUE lines"),
            ));
        };
        let functions = Functions::new(".");
        let ctx = EvalContext::new(&functions);
        for attr in &body.attrs {
            let (v, _) = evaluate(&attr.expr, &ctx);
            out.insert(
                attr.name.clone(),
                terrane_values::json::to_json(&v.unmark_deep().0).unwrap_or(Json::Null),
            );
        }
    }
    Ok(out)
}

fn literal(v: &str) -> Json {
    match v {
        "true" => Json::Bool(true),
        "false" => Json::Bool(false),
        _ => Json::String(v.trim_matches('"').to_string()),
    }
}
