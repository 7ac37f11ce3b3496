//! The human-readable plan: what will be created, updated, replaced, destroyed or read, attribute by
//! attribute, then the summary line and the changes to outputs.

use super::Ui;
use super::values::key_text;
use similar::{ChangeTag, TextDiff};
use terrane_plan::{Action, ActionReason, Plan, PlanMode, ResourceChange};
use terrane_values::display::write_string;
use terrane_values::{Kind, Path, Value};

/// Renders a whole plan. `tool` is the product name used in messages.
pub fn render(plan: &Plan, ui: &Ui) -> String {
    let mut out = String::new();
    let is_moved = |c: &ResourceChange| {
        plan.moved.iter().any(|(_, to)| *to == c.addr) || c.importing.is_some()
    };
    let changes: Vec<&ResourceChange> = plan
        .changes
        .iter()
        .filter(|c| c.action != Action::NoOp || is_moved(c))
        .collect();
    if !plan.drift.is_empty() {
        out.push_str(&format!(
            "\n{}\n\n",
            ui.bold("Note: Objects have changed outside of terrane")
        ));
        out.push_str("terrane detected the following changes made outside of terrane since the\nlast \"terrane apply\" which may have affected this plan:\n\n");
        for c in &plan.drift {
            out.push_str(&render_drift(c, ui));
            out.push('\n');
        }
        // As Terraform: the paragraph on what the plan does about the drift, then a rule.
        if plan.mode == PlanMode::RefreshOnly {
            out.push_str("\nThis is a refresh-only plan, so terrane will not take any actions to undo\nthese. If you were expecting these changes then you can apply this plan to\nrecord the updated values in the terrane state without changing any remote\nobjects.\n");
        } else {
            out.push_str("\nUnless you have made equivalent changes to your configuration, or ignored the\nrelevant attributes using ignore_changes, the following plan may include\nactions to undo or respond to these changes.\n");
        }
        out.push_str(&format!("\n{}\n", "─".repeat(77)));
    }
    if plan.mode == PlanMode::RefreshOnly {
        if plan.drift.is_empty() {
            out.push_str(&format!("\n{} Your infrastructure still matches the configuration.\n\nterrane has checked that the real remote objects still match the result of\nyour most recent changes, and found no differences.\n", ui.bold("No changes.")));
        }
        return out;
    }
    let output_changes: Vec<_> = plan
        .outputs
        .iter()
        .filter(|o| o.action != Action::NoOp)
        .collect();
    if changes.is_empty() {
        if output_changes.is_empty() {
            out.push_str(&format!(
                "\n{} Your infrastructure matches the configuration.\n\nterrane has compared your real infrastructure against your configuration\nand found no differences, so no changes are needed.\n",
                ui.bold("No changes.")
            ));
            return out;
        }
        out.push_str("\nChanges to Outputs:\n");
        out.push_str(&render_outputs(plan, ui));
        out.push_str("\nYou can apply this plan to save these new output values to the terrane\nstate, without changing any real infrastructure.\n");
        return out;
    }
    out.push_str("\nterrane used the selected providers to generate the following execution\nplan. Resource actions are indicated with the following symbols:\n");
    let mut symbols: Vec<Action> = changes.iter().map(|c| c.action).collect();
    symbols.sort_by_key(|a| legend_order(*a));
    symbols.dedup();
    for a in symbols {
        let (sym, text) = match a {
            Action::Create => ("  +", "create"),
            Action::Update => ("  ~", "update in-place"),
            Action::Delete => ("  -", "destroy"),
            Action::DeleteThenCreate => ("-/+", "destroy and then create replacement"),
            Action::CreateThenDelete => ("+/-", "create replacement and then destroy"),
            Action::Read => (" <=", "read (data resources)"),
            Action::Forget => (" .", "forget"),
            Action::NoOp => continue,
        };
        out.push_str(&format!("{} {text}\n", colored_symbol(ui, a, sym)));
    }
    out.push_str("\nterrane will perform the following actions:\n\n");
    for c in &changes {
        out.push_str(&render_change(c, ui));
        out.push('\n');
    }
    let (add, change, destroy) = plan.summary_counts();
    let imports = plan.import_count();
    let import_text = if imports > 0 {
        format!("{imports} to import, ")
    } else {
        String::new()
    };
    out.push_str(&format!(
        "{} {import_text}{add} to add, {change} to change, {destroy} to destroy.\n",
        ui.bold("Plan:")
    ));
    let forgotten: Vec<&ResourceChange> = changes
        .iter()
        .copied()
        .filter(|c| c.action == Action::Forget)
        .collect();
    if !forgotten.is_empty() {
        let list: String = forgotten
            .iter()
            .map(|c| format!(" - {}\n", c.addr))
            .collect();
        out.push_str(&format!(
            "\n{}\n\nIf you apply this plan, terrane will discard its tracking information for\nthe following objects, but it will not delete them:\n{list}\nAfter applying this plan, terrane will no longer manage these objects. You\nwill need to import them into terrane to manage them again.\n",
            ui.style("1;33", "Warning: Some objects will no longer be managed by terrane")
        ));
    }
    if !output_changes.is_empty() {
        out.push_str("\nChanges to Outputs:\n");
        out.push_str(&render_outputs(plan, ui));
    }
    out
}

fn legend_order(a: Action) -> u8 {
    match a {
        Action::Create => 0,
        Action::Update => 1,
        Action::Delete => 2,
        Action::DeleteThenCreate => 3,
        Action::CreateThenDelete => 4,
        Action::Read => 5,
        Action::Forget => 6,
        Action::NoOp => 7,
    }
}

fn colored_symbol(ui: &Ui, a: Action, sym: &str) -> String {
    let code = match a {
        Action::Create => "32",
        Action::Update => "33",
        Action::Delete => "31",
        Action::Read => "36",
        _ => "33",
    };
    ui.style(code, sym)
}

fn render_outputs(plan: &Plan, ui: &Ui) -> String {
    let mut out = String::new();
    let outs: Vec<_> = plan
        .outputs
        .iter()
        .filter(|o| o.action != Action::NoOp)
        .collect();
    let width = outs.iter().map(|o| o.name.len()).max().unwrap_or(0);
    for o in outs {
        let before = if o.action == Action::Create {
            Value::null_dynamic()
        } else {
            mask(&o.before, o.sensitive)
        };
        let after = if o.action == Action::Delete {
            Value::null_dynamic()
        } else {
            mask(&o.after, o.sensitive)
        };
        out.push_str(&render_attr(
            &o.name,
            width,
            &before,
            &after,
            2,
            false,
            &[],
            &Path::root(),
            ui,
        ));
    }
    out
}

fn mask(v: &Value, sensitive: bool) -> Value {
    if sensitive {
        v.clone().sensitive()
    } else {
        v.clone()
    }
}

fn header_verb(c: &ResourceChange) -> String {
    if c.action == Action::NoOp {
        if let Some(prev) = &c.prev_run_addr {
            return format!("{prev} has moved to {}", c.addr);
        }
    }
    let what = match c.action {
        Action::Create => "will be created".to_string(),
        Action::Update => "will be updated in-place".to_string(),
        Action::Delete => "will be destroyed".to_string(),
        Action::DeleteThenCreate | Action::CreateThenDelete => match c.reason {
            Some(ActionReason::ReplaceBecauseTainted) => {
                "is tainted, so must be replaced".to_string()
            }
            Some(ActionReason::ReplaceByRequest) => "will be replaced, as requested".to_string(),
            _ => "must be replaced".to_string(),
        },
        Action::Read => "will be read during apply".to_string(),
        Action::NoOp if c.importing.is_some() => "will be imported".to_string(),
        Action::NoOp => "has no changes".to_string(),
        Action::Forget => {
            "will no longer be managed by terrane, but will not be destroyed".to_string()
        }
    };
    match &c.deposed {
        Some(d) => format!("{} (deposed object {d}) {what}", c.addr),
        None => format!("{} {what}", c.addr),
    }
}

fn reason_note(c: &ResourceChange) -> Option<String> {
    Some(match c.reason? {
        ActionReason::DeleteBecauseNoResourceConfig => format!(
            "(because {} is not in configuration)",
            c.addr.abs_resource()
        ),
        ActionReason::DeleteBecauseNoModule => {
            format!("(because {} is not in configuration)", c.addr.module)
        }
        ActionReason::DeleteBecauseCountIndex => {
            format!("(because index {} is out of range for count)", c.addr.key())
        }
        ActionReason::DeleteBecauseEachKey => {
            format!("(because key {} is not in for_each map)", c.addr.key())
        }
        ActionReason::DeleteBecauseWrongRepetition => {
            "(because the resource switched between single, count and for_each)".into()
        }
        ActionReason::ReadBecauseConfigUnknown => "(config refers to values not yet known)".into(),
        ActionReason::ReadBecauseDependencyPending => {
            "(depends on a resource or a module with changes pending)".into()
        }
        _ => return None,
    })
}

fn block_open(c: &ResourceChange) -> String {
    let r = &c.addr.resource.resource;
    let kind = if c.addr.is_data() { "data" } else { "resource" };
    format!("{kind} \"{}\" \"{}\" {{", r.ty, r.name)
}

/// Renders one resource change.
pub fn render_change(c: &ResourceChange, ui: &Ui) -> String {
    let mut out = format!("  {}\n", ui.bold(&format!("# {}", header_verb(c))));
    if c.action != Action::NoOp {
        if let Some(prev) = c.prev_run_addr.as_ref().filter(|p| **p != c.addr) {
            out.push_str(&format!("  # (moved from {prev})\n"));
        }
    }
    if c.action == Action::Forget {
        out.push_str("  # (destroy = false is set in the configuration)\n");
    } else if let Some(n) = reason_note(c) {
        out.push_str(&format!("  # {n}\n"));
    }
    let sym = match c.action {
        Action::Create => "  +",
        Action::Update => "  ~",
        Action::Delete => "  -",
        Action::DeleteThenCreate => "-/+",
        Action::CreateThenDelete => "+/-",
        Action::Read => " <=",
        Action::NoOp => "   ",
        Action::Forget => "  .",
    };
    out.push_str(&format!(
        "{} {}\n",
        colored_symbol(ui, c.action, sym),
        block_open(c)
    ));
    let before = if matches!(c.action, Action::Create | Action::Read) {
        Value::null_dynamic()
    } else {
        c.before.clone()
    };
    let after = match c.action {
        Action::Delete => Value::null_dynamic(),
        // A forgotten object stays as it is: show its attributes unchanged.
        Action::Forget => c.before.clone(),
        _ => c.after.clone(),
    };
    out.push_str(&render_object_body(
        &before,
        &after,
        6,
        &c.replace_paths,
        &Path::root(),
        ui,
    ));
    out.push_str("    }\n");
    out
}

fn render_drift(c: &ResourceChange, ui: &Ui) -> String {
    let mut out = match c.action {
        Action::Delete => format!("  {}\n", ui.bold(&format!("# {} has been deleted", c.addr))),
        _ => format!("  {}\n", ui.bold(&format!("# {} has changed", c.addr))),
    };
    let sym = if c.action == Action::Delete {
        "  -"
    } else {
        "  ~"
    };
    out.push_str(&format!(
        "{} {}\n",
        colored_symbol(ui, c.action, sym),
        block_open(c)
    ));
    out.push_str(&render_object_body(
        &c.before,
        &c.after,
        6,
        &[],
        &Path::root(),
        ui,
    ));
    out.push_str("    }\n");
    out
}

fn attrs_of(v: &Value) -> Vec<(String, Value)> {
    match v.kind() {
        Kind::Object(m) | Kind::Map(_, m) => {
            m.iter().map(|(k, x)| (k.clone(), x.clone())).collect()
        }
        _ => Vec::new(),
    }
}

fn same(a: &Value, b: &Value) -> bool {
    let (a2, ma) = a.clone().unmark_deep();
    let (b2, mb) = b.clone().unmark_deep();
    ma == mb && b2.is_wholly_known() && a2.is_wholly_known() && a2.equals(&b2) == Some(true)
        || a2.is_null() && b2.is_null()
}

fn render_object_body(
    before: &Value,
    after: &Value,
    indent: usize,
    replace: &[Path],
    path: &Path,
    ui: &Ui,
) -> String {
    let mut keys: Vec<String> = attrs_of(before).into_iter().map(|(k, _)| k).collect();
    for (k, _) in attrs_of(after) {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys.sort();
    let get = |v: &Value, k: &str| {
        v.as_map()
            .and_then(|m| m.get(k))
            .cloned()
            .unwrap_or_else(Value::null_dynamic)
    };
    let shown: Vec<&String> = keys
        .iter()
        .filter(|k| {
            let (b, a) = (get(before, k), get(after, k));
            !(b.is_null() && a.is_null()) && !same(&b, &a)
        })
        .collect();
    let hidden = keys.len()
        - shown.len()
        - keys
            .iter()
            .filter(|k| get(before, k).is_null() && get(after, k).is_null())
            .count();
    let width = shown.iter().map(|k| k.len()).max().unwrap_or(0);
    let pad = " ".repeat(indent);
    let mut out = String::new();
    for k in shown {
        let (b, a) = (get(before, k), get(after, k));
        let p = path.attr(k);
        let forces = replace.iter().any(|r| *r == p);
        out.push_str(&render_attr(
            &key_text(k, false),
            width,
            &b,
            &a,
            indent,
            forces,
            replace,
            &p,
            ui,
        ));
    }
    if hidden > 0 && !before.is_null() && !after.is_null() {
        out.push_str(&format!(
            "{pad}  {}\n",
            ui.style(
                "2",
                &format!(
                    "# ({hidden} unchanged attribute{} hidden)",
                    if hidden == 1 { "" } else { "s" }
                )
            )
        ));
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn render_attr(
    name: &str,
    width: usize,
    b: &Value,
    a: &Value,
    indent: usize,
    forces: bool,
    replace: &[Path],
    path: &Path,
    ui: &Ui,
) -> String {
    let pad = " ".repeat(indent);
    let (sym, action) = if b.is_null() {
        ("+", Action::Create)
    } else if a.is_null() {
        ("-", Action::Delete)
    } else {
        ("~", Action::Update)
    };
    let note = if forces {
        format!(" {}", ui.style("31", "# forces replacement"))
    } else {
        String::new()
    };
    let sym = colored_symbol(ui, action, sym);
    let structured = |v: &Value| {
        matches!(
            v.kind(),
            Kind::Object(_) | Kind::Map(..) | Kind::List(..) | Kind::Set(..) | Kind::Tuple(_)
        )
    };
    if let Some(text) = json_strings(
        name, width, b, a, indent, &note, &sym, action, replace, path, ui,
    ) {
        return text;
    }
    if !b.is_sensitive()
        && !a.is_sensitive()
        && (structured(a) || a.is_null() && structured(b))
        && (structured(b) || b.is_null())
    {
        let (open, close) = match (a.kind(), b.kind()) {
            (Kind::Object(_) | Kind::Map(..), _)
            | (Kind::Null(_), Kind::Object(_) | Kind::Map(..)) => ("{", "}"),
            _ => ("[", "]"),
        };
        let mut out = format!("{pad}{sym} {name:width$} = {open}{note}\n");
        if open == "{" {
            out.push_str(&render_map_entries(b, a, indent + 4, replace, path, ui));
        } else {
            out.push_str(&render_list_entries(b, a, indent + 4, ui));
        }
        out.push_str(&format!(
            "{pad}  {close}{}\n",
            if action == Action::Delete {
                " -> null"
            } else {
                ""
            }
        ));
        return out;
    }
    let text = match action {
        Action::Create => inline_or_block(a, indent + 4),
        Action::Delete => format!("{} -> null", inline_or_block(b, indent + 4)),
        _ => {
            if let (Some(bs), Some(as_)) = (b.as_str(), a.as_str()) {
                if (bs.contains('\n') || as_.contains('\n'))
                    && !b.is_sensitive()
                    && !a.is_sensitive()
                {
                    return format!(
                        "{pad}{sym} {name:width$} = <<-EOT{note}\n{}{pad}  EOT\n",
                        string_diff(bs, as_, indent + 4, ui)
                    );
                }
            }
            format!(
                "{} -> {}",
                inline_or_block(b, indent + 4),
                inline_or_block(a, indent + 4)
            )
        }
    };
    format!("{pad}{sym} {name:width$} = {text}{note}\n")
}

/// The structure of a string that holds a JSON object or array, which Terraform shows as
/// `jsonencode(...)`.
fn json_structure(v: &Value) -> Option<Value> {
    if v.is_sensitive() {
        return None;
    }
    let s = v.as_str()?;
    if !s.trim_start().starts_with(['{', '[']) {
        return None;
    }
    let j: serde_json::Value = serde_json::from_str(s).ok()?;
    if !(j.is_object() || j.is_array()) {
        return None;
    }
    terrane_values::json::from_json_implied(&j).ok()
}

/// An attribute whose strings hold JSON (both of them, when it changes), shown as Terraform does:
/// `jsonencode(` and the structure, diffed element by element.
#[allow(clippy::too_many_arguments)]
fn json_strings(
    name: &str,
    width: usize,
    b: &Value,
    a: &Value,
    indent: usize,
    note: &str,
    sym: &str,
    action: Action,
    replace: &[Path],
    path: &Path,
    ui: &Ui,
) -> Option<String> {
    let (bv, av) = match action {
        Action::Create => (Value::null_dynamic(), json_structure(a)?),
        Action::Delete => (json_structure(b)?, Value::null_dynamic()),
        _ => (json_structure(b)?, json_structure(a)?),
    };
    let pad = " ".repeat(indent);
    let shown = if av.is_null() { &bv } else { &av };
    let object = matches!(shown.kind(), Kind::Object(_) | Kind::Map(..));
    let (open, close) = if object { ("{", "}") } else { ("[", "]") };
    let body = if object {
        render_map_entries(&bv, &av, indent + 8, replace, path, ui)
    } else {
        render_list_entries(&bv, &av, indent + 8, ui)
    };
    let opener = match action {
        Action::Create | Action::Delete => format!("{}  {open}", " ".repeat(indent + 4)),
        _ => format!(
            "{}{} {open}",
            " ".repeat(indent + 4),
            colored_symbol(ui, Action::Update, "~")
        ),
    };
    let tail = if action == Action::Delete {
        " -> null"
    } else {
        ""
    };
    Some(format!(
        "{pad}{sym} {name:width$} = jsonencode({note}\n{opener}\n{body}{}{close}\n{pad}  ){tail}\n",
        " ".repeat(indent + 6)
    ))
}

fn render_map_entries(
    b: &Value,
    a: &Value,
    indent: usize,
    replace: &[Path],
    path: &Path,
    ui: &Ui,
) -> String {
    let quote = matches!(a.kind(), Kind::Map(..)) || matches!(b.kind(), Kind::Map(..));
    let get = |v: &Value, k: &str| {
        v.as_map()
            .and_then(|m| m.get(k))
            .cloned()
            .unwrap_or_else(Value::null_dynamic)
    };
    let mut keys: Vec<String> = attrs_of(b).into_iter().map(|(k, _)| k).collect();
    for (k, _) in attrs_of(a) {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys.sort();
    let shown: Vec<&String> = keys
        .iter()
        .filter(|k| !same(&get(b, k), &get(a, k)) || b.is_null() || a.is_null())
        .collect();
    let width = shown
        .iter()
        .map(|k| key_text(k, quote).len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for k in &shown {
        let (bv, av) = (get(b, k), get(a, k));
        // A null that is there (`+ n = null` in a created JSON object) is shown; nothing is not.
        let present = |v: &Value| v.as_map().is_some_and(|m| m.contains_key(k.as_str()));
        if bv.is_null() && av.is_null() && !(b.is_null() && present(a)) {
            continue;
        }
        out.push_str(&render_attr(
            &key_text(k, quote),
            width,
            &bv,
            &av,
            indent,
            false,
            replace,
            &path.key(k),
            ui,
        ));
    }
    let hidden = keys.len() - shown.len();
    if hidden > 0 {
        out.push_str(&format!(
            "{}  {}\n",
            " ".repeat(indent),
            ui.style(
                "2",
                &format!(
                    "# ({hidden} unchanged element{} hidden)",
                    if hidden == 1 { "" } else { "s" }
                )
            )
        ));
    }
    out
}

fn render_list_entries(b: &Value, a: &Value, indent: usize, ui: &Ui) -> String {
    let pad = " ".repeat(indent);
    let bs: Vec<Value> = b.as_seq().map(<[Value]>::to_vec).unwrap_or_default();
    let as_: Vec<Value> = a.as_seq().map(<[Value]>::to_vec).unwrap_or_default();
    let mut out = String::new();
    if !a.is_known() {
        return format!("{pad}{} (known after apply)\n", " ");
    }
    let ordered = |v: &Value| matches!(v.kind(), Kind::List(..) | Kind::Tuple(_));
    if !b.is_null() && !a.is_null() && ordered(b) && ordered(a) {
        return render_sequence_diff(&bs, &as_, indent, ui);
    }
    for x in &bs {
        if !as_.iter().any(|y| same(x, y)) || a.is_null() {
            out.push_str(&format!(
                "{pad}{} {},\n",
                colored_symbol(ui, Action::Delete, "-"),
                entry_value(x, indent)
            ));
        }
    }
    for y in &as_ {
        if !bs.iter().any(|x| same(x, y)) {
            out.push_str(&format!(
                "{pad}{} {},\n",
                colored_symbol(ui, Action::Create, "+"),
                entry_value(y, indent)
            ));
        }
    }
    let unchanged = as_.iter().filter(|y| bs.iter().any(|x| same(x, y))).count();
    if unchanged > 0 && !b.is_null() && !a.is_null() {
        out.push_str(&format!(
            "{pad}  {}\n",
            ui.style(
                "2",
                &format!(
                    "# ({unchanged} unchanged element{} hidden)",
                    if unchanged == 1 { "" } else { "s" }
                )
            )
        ));
    }
    out
}

/// One step of a sequence diff.
enum Step<'a> {
    Keep(&'a Value),
    Delete(&'a Value),
    Insert(&'a Value),
}

/// The elements of two sequences in order, kept, deleted or inserted around their longest common
/// subsequence (deletions before insertions at each place), as Terraform diffs lists.
fn sequence_diff<'a>(before: &'a [Value], after: &'a [Value]) -> Vec<Step<'a>> {
    let (n, m) = (before.len(), after.len());
    // lcs[i][j]: the length of the longest common subsequence of before[i..] and after[j..].
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if same(&before[i], &after[j]) {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut steps = Vec::new();
    while i < n || j < m {
        if i < n && j < m && same(&before[i], &after[j]) && lcs[i][j] == lcs[i + 1][j + 1] + 1 {
            steps.push(Step::Keep(&after[j]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            steps.push(Step::Delete(&before[i]));
            i += 1;
        } else {
            steps.push(Step::Insert(&after[j]));
            j += 1;
        }
    }
    steps
}

/// A list's changes with one unchanged element of context on each side of every run of changes and
/// the other unchanged elements counted, as Terraform shows them.
fn render_sequence_diff(before: &[Value], after: &[Value], indent: usize, ui: &Ui) -> String {
    let pad = " ".repeat(indent);
    let steps = sequence_diff(before, after);
    let changed = |s: &Step<'_>| !matches!(s, Step::Keep(_));
    let mut out = String::new();
    let mut hidden = 0;
    let flush_hidden = |out: &mut String, hidden: &mut usize| {
        if *hidden > 0 {
            out.push_str(&format!(
                "{pad}  {}\n",
                ui.style(
                    "2",
                    &format!(
                        "# ({hidden} unchanged element{} hidden)",
                        if *hidden == 1 { "" } else { "s" }
                    )
                )
            ));
            *hidden = 0;
        }
    };
    for (k, step) in steps.iter().enumerate() {
        match step {
            Step::Keep(v) => {
                let next_to_change = (k > 0 && changed(&steps[k - 1]))
                    || steps.get(k + 1).is_some_and(|s| changed(s));
                if next_to_change {
                    flush_hidden(&mut out, &mut hidden);
                    out.push_str(&format!("{pad}  {},\n", entry_value(v, indent)));
                } else {
                    hidden += 1;
                }
            }
            Step::Delete(v) => {
                flush_hidden(&mut out, &mut hidden);
                out.push_str(&format!(
                    "{pad}{} {},\n",
                    colored_symbol(ui, Action::Delete, "-"),
                    entry_value(v, indent)
                ));
            }
            Step::Insert(v) => {
                flush_hidden(&mut out, &mut hidden);
                out.push_str(&format!(
                    "{pad}{} {},\n",
                    colored_symbol(ui, Action::Create, "+"),
                    entry_value(v, indent)
                ));
            }
        }
    }
    flush_hidden(&mut out, &mut hidden);
    out
}

fn string_diff(before: &str, after: &str, indent: usize, ui: &Ui) -> String {
    let pad = " ".repeat(indent);
    let diff = TextDiff::from_lines(before, after);
    let mut out = String::new();
    for change in diff.iter_all_changes() {
        let (sym, action) = match change.tag() {
            ChangeTag::Delete => ("-", Action::Delete),
            ChangeTag::Insert => ("+", Action::Create),
            ChangeTag::Equal => (" ", Action::NoOp),
        };
        let line = change.value().trim_end_matches('\n');
        let s = if action == Action::NoOp {
            " ".to_string()
        } else {
            colored_symbol(ui, action, sym)
        };
        out.push_str(&format!("{pad}{s} {line}\n"));
    }
    out
}

/// A multi-line string as Terraform shows it after a key written at column `key_pad`: the lines six
/// columns further in, the closing marker two.
fn heredoc(s: &str, key_pad: usize) -> String {
    let lines = " ".repeat(key_pad + 6);
    let mut out = "<<-EOT\n".to_string();
    for l in s.trim_end_matches('\n').split('\n') {
        out.push_str(&format!("{lines}{l}\n"));
    }
    out.push_str(&format!("{}EOT", " ".repeat(key_pad + 2)));
    out
}

/// The value of a list element or map entry written at column `key_pad`.
fn entry_value(v: &Value, key_pad: usize) -> String {
    match v.as_str() {
        Some(s) if s.contains('\n') && !v.is_sensitive() => heredoc(s, key_pad),
        _ => inline_or_block(v, key_pad + 2),
    }
}

/// A value on one line when it is simple, otherwise a block indented by `indent`.
pub fn inline_or_block(v: &Value, indent: usize) -> String {
    if v.is_sensitive() {
        return "(sensitive value)".into();
    }
    match v.kind() {
        Kind::Null(_) => "null".into(),
        Kind::Unknown(_) => "(known after apply)".into(),
        Kind::Bool(b) => b.to_string(),
        Kind::Number(n) => n.to_string(),
        Kind::String(s) => {
            if s.contains('\n') {
                heredoc(s, indent.saturating_sub(4))
            } else {
                let mut out = String::new();
                write_string(s, &mut out);
                out
            }
        }
        Kind::List(_, e) | Kind::Set(_, e) | Kind::Tuple(e) => {
            if e.is_empty() {
                return "[]".into();
            }
            let pad = " ".repeat(indent);
            let mut out = "[\n".to_string();
            for x in e.iter() {
                out.push_str(&format!("{pad}  {},\n", entry_value(x, indent + 2)));
            }
            out.push_str(&format!("{pad}]"));
            out
        }
        Kind::Map(_, m) | Kind::Object(m) => {
            if m.is_empty() {
                return "{}".into();
            }
            let quote = matches!(v.kind(), Kind::Map(..));
            let width = m
                .keys()
                .map(|k| key_text(k, quote).len())
                .max()
                .unwrap_or(0);
            let pad = " ".repeat(indent);
            let mut out = "{\n".to_string();
            for (k, x) in m.iter() {
                out.push_str(&format!(
                    "{pad}  {:width$} = {}\n",
                    key_text(k, quote),
                    entry_value(x, indent + 2)
                ));
            }
            out.push_str(&format!("{pad}}}"));
            out
        }
    }
}
