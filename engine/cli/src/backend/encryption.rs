//! Decodes OpenTofu's `terraform { encryption { ... } }` block (and the `TF_ENCRYPTION` environment
//! variable, whose blocks override the configuration's) into an [`EncryptionConfig`]:
//!
//! ```hcl
//! encryption {
//!   key_provider "pbkdf2" "main" { passphrase = var.passphrase }
//!   method "aes_gcm" "main" { keys = key_provider.pbkdf2.main }
//!   method "unencrypted" "migrate" {}
//!   state {
//!     method   = method.aes_gcm.main
//!     fallback { method = method.unencrypted.migrate }
//!   }
//! }
//! ```
//!
//! The passphrase may come from a variable (set by `-var`, `.tfvars` files, `TF_VAR_*` or its
//! default) or be written in `TF_ENCRYPTION`.

use std::collections::HashMap;
use terrane_config::Module;
use terrane_config::ast::{Expr, TraversalStep};
use terrane_config::body::{Block, Body};
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_lang::{EvalContext, Functions, evaluate};
use terrane_state_encryption::{EncryptionConfig, Hash, KeyProvider, Method};
use terrane_values::Value;

fn error(summary: &str, detail: String, block: Option<&Block>) -> Diagnostic {
    Diagnostic::error(summary, detail).with_subject(block.map(|b| b.def_range.clone()))
}

/// The blocks of the encryption configuration: the configuration's, overridden by `TF_ENCRYPTION`'s.
fn blocks(module: &Module, diags: &mut Diagnostics) -> Vec<Block> {
    let mut out: Vec<Block> = module
        .encryption
        .as_ref()
        .map(|b| b.body.blocks.clone())
        .unwrap_or_default();
    if let Ok(text) = std::env::var("TF_ENCRYPTION") {
        let (body, d) = terrane_config::syntax::native::parse_file("TF_ENCRYPTION", &text);
        diags.extend(d);
        for b in body.map(|b: Body| b.blocks).unwrap_or_default() {
            out.retain(|o| !(o.kind == b.kind && o.labels == b.labels));
            out.push(b);
        }
    }
    out
}

/// A reference such as `method.aes_gcm.main` as its three names.
fn reference(e: &Expr) -> Option<String> {
    let ts = e.traversals();
    let t = ts.first()?;
    let mut parts = vec![t.root.clone()];
    for s in &t.steps {
        match s {
            TraversalStep::Attr(a, _) => parts.push(a.clone()),
            TraversalStep::Index(..) => return None,
        }
    }
    Some(parts.join("."))
}

/// The encryption configuration of the root module, if it has one.
pub fn decode_encryption(module: &Module, diags: &mut Diagnostics) -> Option<EncryptionConfig> {
    let blocks = blocks(module, diags);
    if blocks.is_empty() {
        return None;
    }
    let functions = Functions::new(".");
    let mut ctx = EvalContext::new(&functions);
    ctx.set("var", Value::object(variables(module, &functions)));
    let mut providers: HashMap<String, KeyProvider> = HashMap::new();
    for b in blocks.iter().filter(|b| b.kind == "key_provider") {
        let [kind, name] = b.labels.as_slice() else {
            continue;
        };
        if kind != "pbkdf2" {
            diags.push(error(
                "Unsupported key provider",
                format!("terrane supports the \"pbkdf2\" key provider; {kind:?} is not available."),
                Some(b),
            ));
            continue;
        }
        let mut p = KeyProvider::pbkdf2(name, "");
        for a in &b.body.attrs {
            let (v, d) = evaluate(&a.expr, &ctx);
            if d.has_errors() {
                diags.extend(d);
                continue;
            }
            let (v, _) = v.unmark_deep();
            let text = v.as_str().map(str::to_string).unwrap_or_else(|| {
                terrane_values::json::to_json(&v)
                    .map(|j| j.to_string())
                    .unwrap_or_default()
            });
            match a.name.as_str() {
                "passphrase" => p.passphrase = text,
                "key_length" => p.key_length = text.parse().unwrap_or(0),
                "iterations" => p.iterations = text.parse().unwrap_or(0),
                "salt_length" => p.salt_length = text.parse().unwrap_or(0),
                "hash_function" => match Hash::parse(&text) {
                    Some(h) => p.hash = h,
                    None => diags.push(error(
                        "Invalid hash function",
                        format!("hash_function must be \"sha256\" or \"sha512\", not {text:?}."),
                        Some(b),
                    )),
                },
                other => diags.push(error(
                    "Unsupported argument",
                    format!(
                        "An argument named {other:?} is not expected in a pbkdf2 key provider."
                    ),
                    Some(b),
                )),
            }
        }
        providers.insert(p.address.clone(), p);
    }
    let mut methods: HashMap<String, Method> = HashMap::new();
    for b in blocks.iter().filter(|b| b.kind == "method") {
        let [kind, name] = b.labels.as_slice() else {
            continue;
        };
        let address = format!("method.{kind}.{name}");
        match kind.as_str() {
            "unencrypted" => {
                methods.insert(address.clone(), Method::Unencrypted { address });
            }
            "aes_gcm" => {
                let keys = b
                    .body
                    .attr("keys")
                    .and_then(|a| reference(&a.expr))
                    .and_then(|r| providers.get(&r).cloned());
                match keys {
                    Some(keys) => {
                        methods.insert(address.clone(), Method::AesGcm { address, keys });
                    }
                    None => diags.push(error(
                        "Invalid encryption method",
                        format!("{address} needs `keys = key_provider.pbkdf2.NAME`, naming a key provider declared in the encryption block."),
                        Some(b),
                    )),
                }
            }
            other => diags.push(error(
                "Unsupported encryption method",
                format!("terrane supports the \"aes_gcm\" and \"unencrypted\" methods; {other:?} is not available."),
                Some(b),
            )),
        }
    }
    let Some(state) = blocks.iter().find(|b| b.kind == "state") else {
        return None;
    };
    let method_of = |body: &Body, diags: &mut Diagnostics| -> Option<Method> {
        let r = body.attr("method").and_then(|a| reference(&a.expr));
        match r.as_ref().and_then(|r| methods.get(r)) {
            Some(m) => Some(m.clone()),
            None => {
                diags.push(error(
                    "Invalid encryption method reference",
                    format!(
                        "`method = {}` must name a method declared in the encryption block.",
                        r.unwrap_or_default()
                    ),
                    Some(state),
                ));
                None
            }
        }
    };
    let method = method_of(&state.body, diags)?;
    let fallback = state
        .body
        .blocks
        .iter()
        .find(|b| b.kind == "fallback")
        .and_then(|f| method_of(&f.body, diags));
    let enforced = state
        .body
        .attr("enforced")
        .and_then(|a| a.expr.as_literal().cloned())
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    let config = EncryptionConfig {
        method,
        fallback,
        enforced,
    };
    if let Err(e) = config.validate() {
        diags.push(error(
            "Invalid encryption configuration",
            e.to_string(),
            Some(state),
        ));
        return None;
    }
    Some(config)
}

/// Root variable values from defaults, `TF_VAR_*`, `.tfvars` files and `-var` arguments (later wins).
fn variables(module: &Module, functions: &Functions) -> std::collections::BTreeMap<String, Value> {
    let mut out = std::collections::BTreeMap::new();
    let ctx = EvalContext::new(functions);
    for (name, v) in &module.variables {
        if let Some(d) = &v.default {
            out.insert(name.clone(), evaluate(d, &ctx).0);
        }
        if let Ok(text) = std::env::var(format!("TF_VAR_{name}")) {
            out.insert(name.clone(), Value::string(text));
        }
    }
    let mut files = vec!["terraform.tfvars".to_string()];
    let mut auto: Vec<String> = std::fs::read_dir(".")
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| n.ends_with(".auto.tfvars"))
        .collect();
    auto.sort();
    files.extend(auto);
    let argv: Vec<String> = std::env::args().collect();
    let mut cli_vars = Vec::new();
    for (i, a) in argv.iter().enumerate() {
        let a = a.trim_start_matches('-');
        if let Some(f) = a.strip_prefix("var-file=") {
            files.push(f.to_string());
        } else if a == "var-file" {
            files.extend(argv.get(i + 1).cloned());
        } else if let Some(v) = a.strip_prefix("var=") {
            cli_vars.push(v.to_string());
        } else if a == "var" {
            cli_vars.extend(argv.get(i + 1).cloned());
        }
    }
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        let (body, _) = terrane_config::syntax::native::parse_file(&f, &text);
        for a in body.map(|b| b.attrs).unwrap_or_default() {
            if module.variables.contains_key(&a.name) {
                out.insert(a.name.clone(), evaluate(&a.expr, &ctx).0);
            }
        }
    }
    for v in cli_vars {
        if let Some((k, val)) = v.split_once('=') {
            if module.variables.contains_key(k.trim()) {
                out.insert(k.trim().to_string(), Value::string(val));
            }
        }
    }
    out
}
