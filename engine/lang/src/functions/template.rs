//! `templatefile` and `templatestring`: render a file, or a string, as a template with the given
//! variables and the functions (except `templatefile` itself, which a template cannot call).

use super::filesystem::read;
use super::util::s;
use super::{CallCtx, FnError, Function, Functions, Param, Returns, arg_fail, range_text};
use crate::context::EvalContext;
use terrane_config::syntax::native::parse_template;
use terrane_diagnostics::Diagnostic;
use terrane_values::{Type, Value};

pub(super) fn register(f: &mut Functions) {
    f.add(
        "templatefile",
        Function::new(
            vec![
                Param::new("path", Type::String),
                Param::new("vars", Type::Dynamic),
            ],
            Returns::Fixed(Type::Dynamic),
            templatefile,
        ),
    );
    f.add(
        "templatestring",
        Function::new(
            vec![
                Param::new("template", Type::String),
                Param::new("vars", Type::Dynamic),
            ],
            Returns::Fixed(Type::Dynamic),
            |a, _, c| render("<templatestring argument>", s(&a[0]), &a[1], c),
        ),
    );
}

/// The stand-in for `templatefile` inside templates.
pub(super) fn register_recursion_guard(f: &mut Functions) {
    f.add(
        "templatefile",
        Function::new(
            vec![
                Param::new("path", Type::String),
                Param::new("vars", Type::Dynamic),
            ],
            Returns::Computed(|_| {
                Err(FnError::Call(
                    "cannot recursively call templatefile from inside templatefile call".into(),
                ))
            }),
            |_, _, _| Ok(Value::dynamic_unknown()),
        ),
    );
}

fn templatefile(a: &[Value], _: &Type, c: &CallCtx<'_>) -> Result<Value, FnError> {
    let path = s(&a[0]);
    let (bytes, _) = read(c.functions.base_dir(), path)?;
    let text = String::from_utf8(bytes).map_err(|_| {
        FnError::Call(format!("contents of {path} are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead"))
    })?;
    render(path, &text, &a[1], c)
}

/// Renders template text with the given variables.
fn render(name: &str, text: &str, vars: &Value, c: &CallCtx<'_>) -> Result<Value, FnError> {
    let expr = parse_template(name, text).map_err(|d| FnError::Call(diag_text(&d)))?;
    if !matches!(vars.ty(), Type::Map(_) | Type::Object(_)) {
        return arg_fail(1, "invalid vars value: must be a map");
    }
    let entries = vars.as_map().cloned().unwrap_or_default();
    for t in expr.traversals() {
        if !entries.contains_key(&t.root) {
            return arg_fail(
                1,
                format!(
                    "vars map does not contain key {:?}, referenced at {}",
                    t.root,
                    range_text(&t.root_range)
                ),
            );
        }
    }
    let mut inner = Functions::new(c.functions.base_dir());
    register_recursion_guard(&mut inner);
    let mut ctx = EvalContext::new(&inner);
    for (k, v) in entries {
        ctx.set(k, v);
    }
    let (v, diags) = crate::evaluate(&expr, &ctx);
    let errors: Vec<&Diagnostic> = diags.errors().collect();
    match errors.split_first() {
        None => Ok(v),
        Some((first, [])) => Err(FnError::Call(diag_text(first))),
        Some((first, rest)) => Err(FnError::Call(format!(
            "{}, and {} other diagnostic(s)",
            diag_text(first),
            rest.len()
        ))),
    }
}

/// A diagnostic as HCL prints one inside an error message: `file:1,3-16: Summary; Detail`.
fn diag_text(d: &Diagnostic) -> String {
    match &d.subject {
        Some(r) => format!("{}: {}; {}", range_text(r), d.summary, d.detail),
        None => format!("{}; {}", d.summary, d.detail),
    }
}
