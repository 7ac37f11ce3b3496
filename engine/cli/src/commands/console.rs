//! `terrane console`: evaluates expressions against the configuration and the current state.
//!
//! On a terminal it is a prompt: each expression's value is printed, errors too, until `exit` or the
//! end of input. When standard input is not a terminal it behaves as Terraform's in a script: the
//! lines are evaluated in turn, the first error stops it with exit code 1, and only the last value is
//! printed. `type(EXPR)` at the top level of a line prints the type of the value instead.

use crate::args::ConsoleArgs;
use crate::ui::Ui;
use crate::ui::values::format_value_hiding;
use crate::{vars, workdir};
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;
use terrane_config::ast::ExprKind;
use terrane_diagnostics::{Diagnostics, SourceMap};
use terrane_values::Type;

const INPUT: &str = "<console-input>";

pub async fn run(args: &ConsoleArgs) -> ExitCode {
    let ui = Ui::new(args.plan.no_color);
    let Some(mut loaded) = workdir::load(&ui) else {
        return ExitCode::from(1);
    };
    let (inputs, diags) = vars::collect(&args.plan, &loaded.config, &mut loaded.sources);
    ui.diagnostics(&diags, &loaded.sources);
    if diags.has_errors() {
        return ExitCode::from(1);
    }
    let state = match workdir::open_store().and_then(|s| workdir::read_state(s.as_ref())) {
        Ok(s) => s,
        Err(d) => {
            ui.diagnostics(&d.into(), &loaded.sources);
            return ExitCode::from(1);
        }
    };
    let ctx = workdir::quiet_context(
        loaded.config.clone(),
        Arc::new(crate::factory::BuiltinFactory::new()),
        args.plan.parallelism,
    );
    let (evaluator, diags) = terrane_core::evaluator(&ctx, &state, inputs).await;
    ui.diagnostics(&diags, &loaded.sources);
    if diags.has_errors() {
        return ExitCode::from(1);
    }
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    let mut last = None;
    let mut lines = stdin.lock().lines();
    loop {
        if interactive {
            ui.out("> ");
        }
        let Some(Ok(line)) = lines.next() else { break };
        let line = line.trim();
        if line == "exit" {
            break;
        }
        match answer(&evaluator, line) {
            Ok(text) if interactive => ui.line(&text),
            Ok(text) => last = Some(text),
            Err(diags) => {
                let mut sources = SourceMap::new();
                sources.insert(Arc::from(INPUT), Arc::from(line));
                ui.diagnostics(&diags, &sources);
                if !interactive {
                    return ExitCode::from(1);
                }
            }
        }
    }
    if interactive {
        ui.line("");
    } else if let Some(text) = last {
        ui.line(&text);
    }
    let _ = std::io::stdout().flush();
    ExitCode::SUCCESS
}

/// What the console prints for one line: its value, or its type for `type(...)`.
fn answer(evaluator: &terrane_core::Evaluator, line: &str) -> Result<String, Diagnostics> {
    if line.is_empty() {
        return Ok(String::new());
    }
    let expr = terrane_config::syntax::native::parse_expression(INPUT, line)?;
    let (expr, want_type) = match &expr.kind {
        ExprKind::Call(c) if c.name == "type" && c.args.len() == 1 && !c.expand_final => {
            (&c.args[0], true)
        }
        _ => (&expr, false),
    };
    let (value, diags) = evaluator.evaluate(expr);
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(if want_type {
        type_text(&value.ty(), 0)
    } else {
        format_value_hiding(&value, 0, "(sensitive)")
    })
}

/// A type as the console's `type()` shows it: structural types over several lines, attributes as
/// `name: type`, four spaces per level.
fn type_text(t: &Type, indent: usize) -> String {
    let pad = " ".repeat(indent + 4);
    let end = " ".repeat(indent);
    match t {
        Type::Dynamic => "dynamic".into(),
        Type::List(e) => format!("list({})", type_text(e, indent)),
        Type::Set(e) => format!("set({})", type_text(e, indent)),
        Type::Map(e) => format!("map({})", type_text(e, indent)),
        Type::Object(o) if o.attrs.is_empty() => "object({})".into(),
        Type::Object(o) => {
            let mut out = String::from("object({\n");
            for (k, a) in &o.attrs {
                out.push_str(&format!("{pad}{k}: {},\n", type_text(a, indent + 4)));
            }
            out.push_str(&format!("{end}}})"));
            out
        }
        Type::Tuple(ts) if ts.is_empty() => "tuple([])".into(),
        Type::Tuple(ts) => {
            let mut out = String::from("tuple([\n");
            for e in ts.iter() {
                out.push_str(&format!("{pad}{},\n", type_text(e, indent + 4)));
            }
            out.push_str(&format!("{end}])"));
            out
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::type_text;
    use terrane_values::Value;

    #[test]
    fn types_are_written_over_lines() {
        let v = Value::tuple(vec![
            Value::object(
                [("foo".to_string(), Value::string("bar"))]
                    .into_iter()
                    .collect(),
            ),
            Value::list_of(vec![Value::int(1)]),
        ]);
        assert_eq!(
            type_text(&v.ty(), 0),
            "tuple([\n    object({\n        foo: string,\n    }),\n    list(number),\n])"
        );
    }
}
