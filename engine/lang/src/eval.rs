//! Expression evaluation.

use crate::context::EvalContext;
use crate::ops;
use crate::traverse::{get_attr, index};
use std::collections::BTreeMap;
use terrane_config::ast::{
    Expr, ExprKind, ForExpr, ObjectKey, TemplatePart, Traversal, TraversalStep,
};
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_values::display::{RenderOptions, render};
use terrane_values::{Kind, Marks, Type, Value, convert, unify};

/// Evaluates an expression. On error the value is an unknown of unknown type and the diagnostics say why.
pub fn evaluate(expr: &Expr, ctx: &EvalContext<'_>) -> (Value, Diagnostics) {
    let ev = Evaluator { ctx, item: None };
    match ev.eval(expr) {
        Ok(v) => (v, Diagnostics::new()),
        Err(d) => (Value::dynamic_unknown(), Diagnostics::from(d)),
    }
}

/// Evaluates an expression and converts the result to `ty`, reporting a conversion failure as
/// `summary` (e.g. "Incorrect attribute value type").
pub fn evaluate_to_type(
    expr: &Expr,
    ctx: &EvalContext<'_>,
    ty: &Type,
    summary: &str,
    what: &str,
) -> (Value, Diagnostics) {
    let (v, mut diags) = evaluate(expr, ctx);
    if diags.has_errors() {
        return (Value::unknown(ty.clone()), diags);
    }
    match convert(&v, ty) {
        Ok(v) => (v, diags),
        Err(e) => {
            diags.push(
                Diagnostic::error(summary, format!("Inappropriate value for {what}: {e}."))
                    .with_subject(expr.range.clone()),
            );
            (Value::unknown(ty.clone()), diags)
        }
    }
}

pub(crate) struct Evaluator<'c, 'a> {
    pub ctx: &'c EvalContext<'a>,
    pub item: Option<&'c Value>,
}

type R = Result<Value, Diagnostic>;

impl Evaluator<'_, '_> {
    pub fn eval(&self, e: &Expr) -> R {
        match &e.kind {
            ExprKind::Literal(v) => Ok(v.clone()),
            ExprKind::Parens(inner) => self.eval(inner),
            ExprKind::JsonString(j) => self.eval(&j.template),
            ExprKind::TemplateWrap(inner) => self.eval(inner),
            ExprKind::Template(parts) => self.template(parts).map_err(|d| self.with_values(d, e)),
            ExprKind::Tuple(items) => {
                let vals = items
                    .iter()
                    .map(|i| self.eval(i))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Value::tuple(vals))
            }
            ExprKind::Object(items) => self.object(items),
            ExprKind::ScopeTraversal(t) => self.traversal(t),
            ExprKind::SplatItem => Ok(self.item.cloned().unwrap_or_else(Value::dynamic_unknown)),
            ExprKind::GetAttr(obj, name) => {
                let v = self.eval(obj)?;
                get_attr(&v, name, &e.range).map_err(|d| self.with_values(d, e))
            }
            ExprKind::Index(coll, key) => {
                let c = self.eval(coll)?;
                let k = self.eval(key)?;
                index(&c, &k, &e.range).map_err(|d| self.with_values(d, e))
            }
            ExprKind::Splat { source, each } => self.splat(source, each, e),
            ExprKind::Call(call) if call.name == "try" || call.name == "can" => {
                self.try_can(call, e)
            }
            ExprKind::Call(call)
                if call.name == "templatestring"
                    && call
                        .args
                        .first()
                        .is_some_and(|a| !matches!(a.kind, ExprKind::ScopeTraversal(_))) =>
            {
                // a template from configuration text would be a template injection waiting to happen
                Err(Diagnostic::error(
                    "Invalid function argument",
                    "Invalid value for \"template\" parameter: the template argument must be a reference to a named value (such as local.template or var.template) whose string holds the template, not an expression that builds the string.",
                )
                .with_subject(call.args[0].range.clone()))
            }
            ExprKind::Call(call) => {
                let mut args = Vec::with_capacity(call.args.len());
                for a in &call.args {
                    args.push(self.eval(a)?);
                }
                if call.expand_final {
                    let last = args.pop().expect("expand_final implies an argument");
                    match self.expand(last, call.args.last().expect("argument")) {
                        Ok(mut more) => args.append(&mut more),
                        Err(d) => return Err(d),
                    }
                }
                let arg_ranges: Vec<_> = call.args.iter().map(|a| a.range.clone()).collect();
                self.ctx
                    .functions()
                    .call(
                        &call.name,
                        &args,
                        &call.name_range,
                        &arg_ranges,
                        &e.range,
                        self.ctx,
                    )
                    .map_err(|d| self.with_values(d, e))
            }
            ExprKind::Conditional(c, t, f) => self.conditional(c, t, f, e),
            ExprKind::Binary(op, l, r) => {
                let lv = self.eval(l)?;
                let rv = self.eval(r)?;
                ops::binary(*op, &lv, &rv, &l.range, &r.range, &e.range)
                    .map_err(|d| self.with_values(d, e))
            }
            ExprKind::Unary(op, x) => {
                let v = self.eval(x)?;
                ops::unary(*op, &v, &e.range).map_err(|d| self.with_values(d, e))
            }
            ExprKind::For(f) => self.for_expr(f, e),
        }
    }

    /// `try(a, b, ...)` and `can(expr)`: evaluate arguments, turning errors into fallbacks.
    fn try_can(&self, call: &terrane_config::ast::Call, e: &Expr) -> R {
        if call.name == "can" {
            if call.args.is_empty() {
                return Err(Diagnostic::error(
                    "Not enough function arguments",
                    "Function \"can\" expects 1 argument(s). Missing value for \"expression\".",
                )
                .with_subject(e.range.clone()));
            }
            if call.args.len() > 1 {
                return Err(Diagnostic::error(
                    "Too many function arguments",
                    "Function \"can\" expects only 1 argument(s).",
                )
                .with_subject(call.args[1].range.clone()));
            }
            return Ok(match self.eval(&call.args[0]) {
                Ok(v) if !v.is_wholly_known() => Value::unknown(Type::Bool),
                Ok(_) => Value::bool(true),
                Err(_) => Value::bool(false),
            });
        }
        if call.args.is_empty() {
            return Err(Diagnostic::error(
                "Error in function call",
                "Call to function \"try\" failed: at least one argument is required.",
            )
            .with_subject(e.range.clone()));
        }
        let mut failures = Vec::new();
        for a in &call.args {
            match self.eval(a) {
                Ok(v) if !v.is_wholly_known() => return Ok(Value::dynamic_unknown()),
                Ok(v) => return Ok(v),
                Err(d) => failures.push(d),
            }
        }
        let mut detail =
            String::from("Call to function \"try\" failed: no expression succeeded:\n");
        for d in &failures {
            let at = d
                .subject
                .as_ref()
                .map(|r| format!(" (at {})", r.range_text()))
                .unwrap_or_default();
            detail.push_str(&format!("- {}{at}\n  {}\n", d.summary, d.detail));
        }
        detail.push_str("\nAt least one expression must produce a successful result.");
        Err(Diagnostic::error("Error in function call", detail).with_subject(e.range.clone()))
    }

    /// Adds the values of the references in `e` to a diagnostic about it, as Terraform shows them.
    fn with_values(&self, mut d: Diagnostic, e: &Expr) -> Diagnostic {
        if !d.values.is_empty() {
            return d;
        }
        if d.context.is_none() && d.subject.as_ref() != Some(&e.range) {
            d.context = Some(e.range.clone());
        }
        let mut seen = Vec::new();
        for t in e.traversals() {
            let text = t.to_text();
            if seen.contains(&text) || seen.len() >= 6 {
                continue;
            }
            if let Ok(v) = self.traversal(t) {
                let shown = describe_value(&v);
                d.values.push((text.clone(), shown));
            }
            seen.push(text);
        }
        d
    }

    fn expand(&self, v: Value, at: &Expr) -> Result<Vec<Value>, Diagnostic> {
        let (v, marks) = v.unmark();
        if !v.is_known() {
            return Err(Diagnostic::error(
                "Invalid expanding argument value",
                "The expanding argument (indicated by ...) must not be unknown.",
            )
            .with_subject(at.range.clone()));
        }
        if v.is_null() {
            return Err(Diagnostic::error(
                "Invalid expanding argument value",
                "The expanding argument (indicated by ...) must not be null.",
            )
            .with_subject(at.range.clone()));
        }
        match v.kind() {
            Kind::List(_, e) | Kind::Set(_, e) | Kind::Tuple(e) => {
                Ok(e.iter().map(|x| x.clone().mark(marks)).collect())
            }
            _ => Err(Diagnostic::error(
                "Invalid expanding argument value",
                "The expanding argument (indicated by ...) must be of a tuple, list, or set type.",
            )
            .with_subject(at.range.clone())),
        }
    }

    pub fn traversal(&self, t: &Traversal) -> R {
        let Some(root) = self.ctx.get(&t.root) else {
            return Err(Diagnostic::error(
                "Unknown variable",
                format!("There is no variable named {:?}.", t.root),
            )
            .with_subject(t.root_range.clone()));
        };
        let mut v = root.clone();
        let mut range = t.root_range.clone();
        for step in &t.steps {
            range = range.to(step.range());
            v = match step {
                TraversalStep::Attr(name, r) => {
                    get_attr(&v, name, r).map_err(|d| with_subject_ctx(d, &range))?
                }
                TraversalStep::Index(key, r) => {
                    index(&v, key, r).map_err(|d| with_subject_ctx(d, &range))?
                }
            };
        }
        Ok(v)
    }

    fn object(&self, items: &[(ObjectKey, Expr)]) -> R {
        let mut attrs = BTreeMap::new();
        let mut marks = Marks::NONE;
        let mut unknown = false;
        for (k, v) in items {
            let key = match k {
                ObjectKey::Name(n, _) => n.clone(),
                ObjectKey::Expr(ke) => {
                    let kv = self.eval(ke)?;
                    if kv.is_null() {
                        return Err(Diagnostic::error(
                            "Null value as key",
                            "Can't use a null value as a key.",
                        )
                        .with_subject(ke.range.clone()));
                    }
                    let kv = convert(&kv, &Type::String).map_err(|e| {
                        Diagnostic::error(
                            "Incorrect key type",
                            format!("Can't use this value as a key: {}.", e.message),
                        )
                        .with_subject(ke.range.clone())
                    })?;
                    let (kv, m) = kv.unmark();
                    marks |= m;
                    match kv.as_str() {
                        Some(s) => s.to_string(),
                        None => {
                            unknown = true;
                            self.eval(v)?;
                            continue;
                        }
                    }
                }
            };
            let val = self.eval(v)?;
            attrs.insert(key, val);
        }
        if unknown {
            return Ok(Value::dynamic_unknown().mark(marks));
        }
        Ok(Value::object(attrs).mark(marks))
    }

    fn template(&self, parts: &[TemplatePart]) -> R {
        let mut out = String::new();
        let mut marks = Marks::NONE;
        let mut known = true;
        self.render_parts(parts, &mut out, &mut marks, &mut known)?;
        if !known {
            return Ok(Value::unknown(Type::String).mark(marks));
        }
        Ok(Value::string(out).mark(marks))
    }

    fn render_parts(
        &self,
        parts: &[TemplatePart],
        out: &mut String,
        marks: &mut Marks,
        known: &mut bool,
    ) -> Result<(), Diagnostic> {
        for p in parts {
            match p {
                TemplatePart::Literal(s) => out.push_str(s),
                TemplatePart::Interp(e) => {
                    let v = self.eval(e)?;
                    if v.is_null() {
                        return Err(Diagnostic::error(
                            "Invalid template interpolation value",
                            "The expression result is null. Cannot include a null value in a string template.",
                        )
                        .with_subject(e.range.clone()));
                    }
                    let s = convert(&v, &Type::String).map_err(|err| {
                        Diagnostic::error(
                            "Invalid template interpolation value",
                            format!(
                                "Cannot include the given value in a string template: {}.",
                                err.message
                            ),
                        )
                        .with_subject(e.range.clone())
                    })?;
                    let (s, m) = s.unmark();
                    *marks |= m;
                    match s.as_str() {
                        Some(text) => out.push_str(text),
                        None => *known = false,
                    }
                }
                TemplatePart::If {
                    cond,
                    then,
                    otherwise,
                } => {
                    let c = self.eval(cond)?;
                    if c.is_null() {
                        return Err(Diagnostic::error(
                            "Null condition",
                            "The condition value is null. Conditions must either be true or false.",
                        )
                        .with_subject(cond.range.clone()));
                    }
                    // Terraform evaluates the directive as a conditional expression, with its errors.
                    let c = convert(&c, &Type::Bool).map_err(|_| {
                        Diagnostic::error(
                            "Incorrect condition type",
                            "The condition expression must be of type bool.",
                        )
                        .with_subject(cond.range.clone())
                    })?;
                    let (c, m) = c.unmark();
                    *marks |= m;
                    match c.as_bool() {
                        Some(true) => self.render_parts(then, out, marks, known)?,
                        Some(false) => self.render_parts(otherwise, out, marks, known)?,
                        None => *known = false,
                    }
                }
                TemplatePart::For {
                    key_var,
                    value_var,
                    collection,
                    body,
                } => {
                    let c = self.eval(collection)?;
                    if c.is_null() {
                        return Err(Diagnostic::error(
                            "Iteration over null value",
                            "A null value cannot be used as the collection in a 'for' expression.",
                        )
                        .with_subject(collection.range.clone()));
                    }
                    let (c, m) = c.unmark();
                    *marks |= m;
                    if !c.is_known() {
                        *known = false;
                        continue;
                    }
                    if !c.can_iterate() {
                        return Err(Diagnostic::error(
                            "Iteration over non-iterable value",
                            format!("A value of type {} cannot be used as the collection in a 'for' expression.", c.ty().friendly_name()),
                        )
                        .with_subject(collection.range.clone()));
                    }
                    for (k, v) in c.elements() {
                        let mut child = self.ctx.child();
                        if let Some(kv) = key_var {
                            child.set(kv.clone(), k);
                        }
                        child.set(value_var.clone(), v);
                        let ev = Evaluator {
                            ctx: &child,
                            item: self.item,
                        };
                        ev.render_parts(body, out, marks, known)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn conditional(&self, c: &Expr, t: &Expr, f: &Expr, whole: &Expr) -> R {
        let tv = self.eval(t);
        let fv = self.eval(f);
        let tty = tv.as_ref().map(Value::ty).unwrap_or(Type::Dynamic);
        let fty = fv.as_ref().map(Value::ty).unwrap_or(Type::Dynamic);
        let is_dyn_null = |v: &R| matches!(v, Ok(x) if x.is_null() && x.is_dynamic_typed() && x.marks().is_empty());
        let result_ty = if is_dyn_null(&tv) {
            Some(fty.clone())
        } else if is_dyn_null(&fv) {
            Some(tty.clone())
        } else if tty == Type::Dynamic || fty == Type::Dynamic {
            Some(Type::Dynamic)
        } else {
            unify(&[tty.clone(), fty.clone()])
        };
        let Some(result_ty) = result_ty else {
            return Err(Diagnostic::error(
                "Inconsistent conditional result types",
                format!(
                    "The true and false result expressions must have consistent types. The given expressions are {} and {}, respectively.",
                    tty.friendly_name(),
                    fty.friendly_name()
                ),
            )
            .with_subject(whole.range.clone()));
        };
        let cv = self.eval(c)?;
        if cv.is_null() {
            return Err(Diagnostic::error(
                "Null condition",
                "The condition value is null. Conditions must either be true or false.",
            )
            .with_subject(c.range.clone()));
        }
        if !cv.is_known() {
            return Ok(Value::unknown(result_ty).mark(cv.marks()));
        }
        let cv = convert(&cv, &Type::Bool).map_err(|_| {
            Diagnostic::error(
                "Incorrect condition type",
                "The condition expression must be of type bool.",
            )
            .with_subject(c.range.clone())
        })?;
        let (cv, marks) = cv.unmark_deep();
        let (chosen, which) = if cv.as_bool() == Some(true) {
            (tv?, "true")
        } else {
            (fv?, "false")
        };
        let out = if result_ty == Type::Dynamic {
            chosen
        } else {
            convert(&chosen, &result_ty).map_err(|e| {
                Diagnostic::error(
                    "Inconsistent conditional result types",
                    format!("The {which} result value has the wrong type: {e}."),
                )
                .with_subject(whole.range.clone())
            })?
        };
        Ok(out.mark(marks))
    }

    fn splat(&self, source: &Expr, each: &Expr, whole: &Expr) -> R {
        let src = self.eval(source)?;
        let sty = src.ty();
        let auto_upgrade = !matches!(sty, Type::Tuple(_) | Type::List(_) | Type::Set(_));
        if src.is_null() {
            if auto_upgrade {
                return Ok(Value::empty_tuple().mark(src.marks()));
            }
            return Err(Diagnostic::error(
                "Splat of null value",
                "Splat expressions (with the * symbol) cannot be applied to null sequences.",
            )
            .with_subject(source.range.clone()));
        }
        let src = if auto_upgrade {
            Value::tuple(vec![src])
        } else {
            src
        };
        if !src.is_known() {
            let ty = match src.ty() {
                Type::List(e) | Type::Set(e) => {
                    let item = Value::unknown((*e).clone());
                    let ev = Evaluator {
                        ctx: self.ctx,
                        item: Some(&item),
                    };
                    Type::list(ev.eval(each).map(|v| v.ty()).unwrap_or(Type::Dynamic))
                }
                _ => Type::Dynamic,
            };
            return Ok(Value::unknown(ty).mark(src.marks()));
        }
        let (src, marks) = src.unmark();
        let items = src.as_seq().unwrap_or_default().to_vec();
        let mut out = Vec::with_capacity(items.len());
        for item in &items {
            let ev = Evaluator {
                ctx: self.ctx,
                item: Some(item),
            };
            out.push(ev.eval(each).map_err(|d| self.with_values(d, whole))?);
        }
        Ok(match src.kind() {
            Kind::List(ety, _) | Kind::Set(ety, _) => {
                if out.is_empty() {
                    let item = Value::unknown(ety.clone());
                    let ev = Evaluator {
                        ctx: self.ctx,
                        item: Some(&item),
                    };
                    let t = ev.eval(each).map(|v| v.ty()).unwrap_or(Type::Dynamic);
                    Value::list(t, Vec::new())
                } else {
                    match common_type(&out) {
                        Some(t) => Value::list(t, out),
                        None => Value::tuple(out),
                    }
                }
            }
            _ => Value::tuple(out),
        }
        .mark(marks))
    }

    fn for_expr(&self, f: &ForExpr, whole: &Expr) -> R {
        let coll = self.eval(&f.collection)?;
        if coll.is_null() {
            return Err(Diagnostic::error(
                "Iteration over null value",
                "A null value cannot be used as the collection in a 'for' expression.",
            )
            .with_subject(f.collection.range.clone()));
        }
        let (coll, marks) = coll.unmark();
        if !coll.is_known() {
            return Ok(Value::dynamic_unknown().mark(marks));
        }
        if !coll.can_iterate() {
            return Err(Diagnostic::error(
                "Iteration over non-iterable value",
                format!(
                    "A value of type {} cannot be used as the collection in a 'for' expression.",
                    coll.ty().friendly_name()
                ),
            )
            .with_subject(f.collection.range.clone()));
        }
        let mut list_out: Vec<Value> = Vec::new();
        let mut obj_out: BTreeMap<String, Value> = BTreeMap::new();
        let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        let mut known = true;
        let mut out_marks = marks;
        for (k, v) in coll.elements() {
            let mut child = self.ctx.child();
            if let Some(kv) = &f.key_var {
                child.set(kv.clone(), k);
            }
            child.set(f.value_var.clone(), v);
            let ev = Evaluator {
                ctx: &child,
                item: self.item,
            };
            if let Some(cond) = &f.cond {
                let c = ev.eval(cond)?;
                if c.is_null() {
                    return Err(Diagnostic::error(
                        "Condition is null",
                        "The value of the 'if' clause must not be null.",
                    )
                    .with_subject(cond.range.clone()));
                }
                let c = convert(&c, &Type::Bool).map_err(|e| {
                    Diagnostic::error(
                        "Invalid 'for' condition",
                        format!("The 'if' clause value is invalid: {}.", e.message),
                    )
                    .with_subject(cond.range.clone())
                })?;
                let (c, m) = c.unmark();
                out_marks |= m;
                match c.as_bool() {
                    Some(true) => {}
                    Some(false) => continue,
                    None => {
                        known = false;
                        continue;
                    }
                }
            }
            match &f.key {
                None => list_out.push(ev.eval(&f.value)?),
                Some(ke) => {
                    let kv = ev.eval(ke)?;
                    if kv.is_null() {
                        return Err(Diagnostic::error(
                            "Invalid object key",
                            "Key expression in 'for' expression must not produce a null value.",
                        )
                        .with_subject(ke.range.clone()));
                    }
                    let kv = convert(&kv, &Type::String).map_err(|e| {
                        Diagnostic::error(
                            "Invalid object key",
                            format!(
                                "The key expression produced an invalid result: {}.",
                                e.message
                            ),
                        )
                        .with_subject(ke.range.clone())
                    })?;
                    let (kv, m) = kv.unmark();
                    out_marks |= m;
                    let val = ev.eval(&f.value)?;
                    let Some(key) = kv.as_str() else {
                        known = false;
                        continue;
                    };
                    if f.group {
                        groups.entry(key.to_string()).or_default().push(val);
                    } else {
                        if obj_out.contains_key(key) {
                            return Err(Diagnostic::error(
                                "Duplicate object key",
                                format!("Two different items produced the key {key:?} in this 'for' expression. If duplicates are expected, use the ellipsis (...) after the value expression to enable grouping by key."),
                            )
                            .with_subject(ke.range.clone())
                            .with_context(whole.range.clone()));
                        }
                        obj_out.insert(key.to_string(), val);
                    }
                }
            }
        }
        if !known {
            return Ok(Value::dynamic_unknown().mark(out_marks));
        }
        Ok(match &f.key {
            None => Value::tuple(list_out),
            Some(_) if f.group => Value::object(
                groups
                    .into_iter()
                    .map(|(k, v)| (k, Value::tuple(v)))
                    .collect(),
            ),
            Some(_) => Value::object(obj_out),
        }
        .mark(out_marks))
    }
}

fn with_subject_ctx(mut d: Diagnostic, range: &terrane_diagnostics::SourceRange) -> Diagnostic {
    if d.context.is_none() {
        d.context = Some(range.clone());
    }
    d
}

/// The one type every value has, if they agree (ignoring untyped nulls).
fn common_type(values: &[Value]) -> Option<Type> {
    let mut t: Option<Type> = None;
    for v in values {
        let vt = v.ty();
        match &t {
            None => t = Some(vt),
            Some(x) if *x == vt => {}
            _ => return None,
        }
    }
    t
}

/// How a value is shown next to a diagnostic: `"three"`, `a number`, `(sensitive value)`.
pub(crate) fn describe_value(v: &Value) -> String {
    if v.is_sensitive() {
        return "has a sensitive value".to_string();
    }
    if !v.is_known() {
        return "is a value known only after apply".to_string();
    }
    if v.is_null() {
        return "is null".to_string();
    }
    match v.kind() {
        Kind::String(_) | Kind::Number(_) | Kind::Bool(_) => {
            format!("is {}", render(v, &RenderOptions::user()))
        }
        Kind::List(_, e) | Kind::Tuple(e) | Kind::Set(_, e) => {
            let what = v.ty().friendly_name();
            if e.is_empty() {
                format!("is empty {what}")
            } else {
                format!(
                    "is {what} with {} element{}",
                    e.len(),
                    if e.len() == 1 { "" } else { "s" }
                )
            }
        }
        Kind::Map(_, m) => format!(
            "is map of {} with {} element{}",
            v.ty()
                .element_type()
                .map(Type::friendly_name)
                .unwrap_or_default(),
            m.len(),
            if m.len() == 1 { "" } else { "s" }
        ),
        Kind::Object(m) => {
            if m.is_empty() {
                "is object with no attributes".into()
            } else {
                format!(
                    "is object with {} attribute{}",
                    m.len(),
                    if m.len() == 1 { "" } else { "s" }
                )
            }
        }
        _ => String::new(),
    }
}
