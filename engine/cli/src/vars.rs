//! Input variable values from the environment, `.tfvars` files and the command line, in Terraform's
//! order of precedence (later sources win): `TF_VAR_*`, `terraform.tfvars`, `terraform.tfvars.json`,
//! `*.auto.tfvars[.json]` in name order, then `-var` and `-var-file` in the order given.

use crate::args::PlanArgs;
use std::collections::BTreeMap;
use std::path::Path;
use terrane_config::Config;
use terrane_core::RawInput;
use terrane_diagnostics::{Diagnostic, Diagnostics, SourceMap};
use terrane_lang::{EvalContext, Functions, evaluate};

/// Collects the raw values; unknown variable names from the command line are errors.
pub fn collect(
    args: &PlanArgs,
    config: &Config,
    sources: &mut SourceMap,
) -> (BTreeMap<String, RawInput>, Diagnostics) {
    let (mut out, given, diags) = collect_parts(args, config, sources);
    out.extend(given);
    (out, diags)
}

/// The raw values in two parts: from the environment and the variable files read without being
/// named, and from `-var` and `-var-file` (which win over the first part).
pub fn collect_parts(
    args: &PlanArgs,
    config: &Config,
    sources: &mut SourceMap,
) -> (
    BTreeMap<String, RawInput>,
    BTreeMap<String, RawInput>,
    Diagnostics,
) {
    let mut out = BTreeMap::new();
    let mut diags = Diagnostics::new();
    let declared = |n: &str| config.root.module.variables.contains_key(n);
    let mut envs: Vec<(String, String)> = std::env::vars()
        .filter(|(k, _)| k.starts_with("TF_VAR_"))
        .collect();
    envs.sort();
    for (k, v) in envs {
        let name = k["TF_VAR_".len()..].to_string();
        if declared(&name) {
            out.insert(
                name,
                RawInput::Text {
                    text: v,
                    source: format!("environment variable {k}"),
                },
            );
        }
    }
    let mut files: Vec<String> = Vec::new();
    for f in ["terraform.tfvars", "terraform.tfvars.json"] {
        if Path::new(f).is_file() {
            files.push(f.to_string());
        }
    }
    let mut auto: Vec<String> = std::fs::read_dir(".")
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json"))
        .collect();
    auto.sort();
    files.extend(auto);
    for f in files {
        read_file(&f, config, &mut out, &mut diags, sources, false);
    }
    let (given, d) = collect_command_line(args, config, sources);
    diags.extend(d);
    (out, given, diags)
}

/// The values of `-var` and `-var-file` alone, interleaved in command-line order.
fn collect_command_line(
    args: &PlanArgs,
    config: &Config,
    sources: &mut SourceMap,
) -> (BTreeMap<String, RawInput>, Diagnostics) {
    let mut out = BTreeMap::new();
    let mut diags = Diagnostics::new();
    let declared = |n: &str| config.root.module.variables.contains_key(n);
    for item in command_line_order(args) {
        match item {
            CliVar::Var(text) => match text.split_once('=') {
                Some((name, value)) => {
                    let name = name.trim().to_string();
                    if !declared(&name) {
                        diags.push(Diagnostic::error(
                            "Value for undeclared variable",
                            format!("A variable named {name:?} was assigned on the command line, but the root module does not declare a variable of that name. To use this value, add a \"variable\" block to the configuration."),
                        ));
                        continue;
                    }
                    out.insert(name, RawInput::Text { text: value.to_string(), source: "-var".into() });
                }
                None => diags.push(Diagnostic::error(
                    "Invalid -var option",
                    format!("The given -var option {text:?} is not correctly specified. Must be a variable name and value separated by an equals sign, like -var=\"key=value\"."),
                )),
            },
            CliVar::File(f) => {
                if !Path::new(&f).is_file() {
                    diags.push(Diagnostic::error("Failed to read variables file", format!("Given variables file {f} does not exist.")));
                    continue;
                }
                read_file(&f, config, &mut out, &mut diags, sources, true);
            }
        }
    }
    (out, diags)
}

enum CliVar {
    Var(String),
    File(String),
}

/// The `-var` and `-var-file` arguments in the order they were given on the command line.
fn command_line_order(args: &PlanArgs) -> Vec<CliVar> {
    let argv: Vec<String> = std::env::args().collect();
    let mut vars = args.vars.iter();
    let mut files = args.var_files.iter();
    let mut out = Vec::new();
    let mut i = 0;
    while i < argv.len() {
        let a = argv[i].trim_start_matches('-');
        if a == "var" || a.starts_with("var=") {
            if let Some(v) = vars.next() {
                out.push(CliVar::Var(v.clone()));
            }
        } else if a == "var-file" || a.starts_with("var-file=") {
            if let Some(f) = files.next() {
                out.push(CliVar::File(f.clone()));
            }
        }
        i += 1;
    }
    out.extend(vars.map(|v| CliVar::Var(v.clone())));
    out.extend(files.map(|f| CliVar::File(f.clone())));
    out
}

fn read_file(
    path: &str,
    config: &Config,
    out: &mut BTreeMap<String, RawInput>,
    diags: &mut Diagnostics,
    sources: &mut SourceMap,
    explicit: bool,
) {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            diags.push(Diagnostic::error(
                "Failed to read variables file",
                format!("Cannot read {path}: {e}"),
            ));
            return;
        }
    };
    sources.insert(path.into(), text.as_str().into());
    let declared = |n: &str| config.root.module.variables.contains_key(n);
    let undeclared = |name: &str, range: Option<terrane_diagnostics::SourceRange>| {
        Diagnostic::warning(
            "Value for undeclared variable",
            format!("The root module does not declare a variable named {name:?} but a value was found in file {path:?}. If you meant to use this value, add a \"variable\" block to the configuration."),
        )
        .with_subject(range)
    };
    if path.ends_with(".json") {
        let j: serde_json::Value = match serde_json::from_str(&text) {
            Ok(j) => j,
            Err(e) => {
                diags.push(Diagnostic::error(
                    "Invalid variables file",
                    format!("{path} is not valid JSON: {e}"),
                ));
                return;
            }
        };
        let Some(obj) = j.as_object() else {
            diags.push(Diagnostic::error(
                "Invalid variables file",
                format!("{path} must contain a JSON object."),
            ));
            return;
        };
        for (k, v) in obj {
            if !declared(k) {
                diags.push(undeclared(k, None));
                continue;
            }
            match terrane_values::json::from_json_implied(v) {
                Ok(value) => {
                    out.insert(k.clone(), RawInput::Value { value, range: None });
                }
                Err(e) => diags.push(Diagnostic::error(
                    "Invalid variables file",
                    format!("{path}: {k}: {e}"),
                )),
            }
        }
        return;
    }
    let (body, d) = terrane_config::syntax::native::parse_file(path, &text);
    diags.extend(d);
    let Some(body) = body else { return };
    for b in &body.blocks {
        diags.push(
            Diagnostic::error(
                "Unexpected block in variables file",
                "Variable definition files may contain only argument assignments.",
            )
            .with_subject(b.def_range.clone()),
        );
    }
    let functions = Functions::new(".");
    for a in &body.attrs {
        if !declared(&a.name) {
            diags.push(undeclared(&a.name, Some(a.name_range.clone())));
            continue;
        }
        let ctx = EvalContext::new(&functions);
        let (value, d) = evaluate(&a.expr, &ctx);
        if d.has_errors() {
            for t in a.expr.traversals() {
                diags.push(
                    Diagnostic::error("Variables not allowed", "Variables may not be used here.")
                        .with_subject(t.range()),
                );
            }
            diags.extend(d);
            continue;
        }
        out.insert(
            a.name.clone(),
            RawInput::Value {
                value,
                range: Some(a.expr.range.clone()),
            },
        );
    }
    let _ = explicit;
}
