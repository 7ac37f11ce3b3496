//! The expression syntax tree that both native (`.tf`) and JSON (`.tf.json`) files are loaded into.
//!
//! Every node keeps its source range so that evaluation errors can point at the exact text.

use terrane_diagnostics::SourceRange;
use terrane_values::Value;

/// An expression with its source range.
#[derive(Clone, Debug)]
pub struct Expr {
    /// What kind of expression this is.
    pub kind: ExprKind,
    /// Where it is in the source.
    pub range: SourceRange,
}

/// The kinds of expression.
#[derive(Clone, Debug)]
pub enum ExprKind {
    /// A constant: `null`, `true`, `12.5`, `"text"`.
    Literal(Value),
    /// A string template with interpolations or directives; always produces a string.
    Template(Vec<TemplatePart>),
    /// A template that is exactly one interpolation, `"${x}"`: produces the value of `x` unconverted.
    TemplateWrap(Box<Expr>),
    /// `[a, b]`.
    Tuple(Vec<Expr>),
    /// `{ k = v }`.
    Object(Vec<(ObjectKey, Expr)>),
    /// A reference: a root name followed by attribute and constant index steps, `var.a.b[0]`.
    ScopeTraversal(Box<Traversal>),
    /// `e.name`.
    GetAttr(Box<Expr>, String),
    /// `e[key]`.
    Index(Box<Expr>, Box<Expr>),
    /// `e[*].rest` or `e.*.rest`: `each` is evaluated for every element, with [`ExprKind::SplatItem`]
    /// standing for the element.
    Splat {
        /// The collection.
        source: Box<Expr>,
        /// What to compute for each element.
        each: Box<Expr>,
    },
    /// The current element inside a splat's `each`.
    SplatItem,
    /// `f(a, b...)`.
    Call(Box<Call>),
    /// `c ? a : b`.
    Conditional(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `a op b`.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `-a` or `!a`.
    Unary(UnaryOp, Box<Expr>),
    /// `[for ...]` or `{for ...}`.
    For(Box<ForExpr>),
    /// `(e)`: evaluates to `e`; kept so that object keys in parentheses are expressions.
    Parens(Box<Expr>),
    /// A JSON string: evaluated as the template it holds, but read as an expression where the language
    /// needs a reference or keyword (`depends_on`, `type`, `ignore_changes`).
    JsonString(JsonString),
}

/// A string from a `.tf.json` file.
#[derive(Clone, Debug)]
pub struct JsonString {
    /// The template the string holds.
    pub template: Box<Expr>,
    /// The string parsed as an expression, if it is one.
    pub as_expr: Option<Box<Expr>>,
}

/// An object key: a bare name is a literal string, anything else an expression.
#[derive(Clone, Debug)]
pub enum ObjectKey {
    /// `name = ...`
    Name(String, SourceRange),
    /// `"name" = ...`, `(expr) = ...`, `"${x}" = ...`
    Expr(Expr),
}

/// A function call.
#[derive(Clone, Debug)]
pub struct Call {
    /// The function name, `join` or `provider::aws::arn_parse`.
    pub name: String,
    /// The range of the name.
    pub name_range: SourceRange,
    /// The arguments.
    pub args: Vec<Expr>,
    /// Whether the last argument is expanded with `...`.
    pub expand_final: bool,
}

/// A `for` expression.
#[derive(Clone, Debug)]
pub struct ForExpr {
    /// The key (or index) variable, if two variables are named.
    pub key_var: Option<String>,
    /// The value variable.
    pub value_var: String,
    /// The collection iterated.
    pub collection: Expr,
    /// The key expression, for an object result (`{for ... : k => v}`).
    pub key: Option<Expr>,
    /// The value expression.
    pub value: Expr,
    /// The `if` filter.
    pub cond: Option<Expr>,
    /// `...` after the value: group values with the same key into lists.
    pub group: bool,
}

/// Binary operators, in Terraform's meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    /// `||`
    Or,
    /// `&&`
    And,
    /// `==`
    Eq,
    /// `!=`
    NotEq,
    /// `<`
    Less,
    /// `<=`
    LessEq,
    /// `>`
    Greater,
    /// `>=`
    GreaterEq,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Mod,
}

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "||",
            BinaryOp::And => "&&",
            BinaryOp::Eq => "==",
            BinaryOp::NotEq => "!=",
            BinaryOp::Less => "<",
            BinaryOp::LessEq => "<=",
            BinaryOp::Greater => ">",
            BinaryOp::GreaterEq => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
        }
    }
}

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-`
    Neg,
    /// `!`
    Not,
}

/// A part of a string template.
#[derive(Clone, Debug)]
pub enum TemplatePart {
    /// Literal text (strip markers already applied).
    Literal(String),
    /// `${expr}`.
    Interp(Expr),
    /// `%{ if cond }...%{ else }...%{ endif }`.
    If {
        /// The condition.
        cond: Expr,
        /// Parts when true.
        then: Vec<TemplatePart>,
        /// Parts when false.
        otherwise: Vec<TemplatePart>,
    },
    /// `%{ for k, v in coll }...%{ endfor }`.
    For {
        /// The key variable.
        key_var: Option<String>,
        /// The value variable.
        value_var: String,
        /// The collection.
        collection: Expr,
        /// The body, repeated.
        body: Vec<TemplatePart>,
    },
}

/// A static reference path: `var.name`, `null_resource.a[0].id`.
#[derive(Clone, Debug)]
pub struct Traversal {
    /// The root name (`var`, `local`, `null_resource`, `count` ...).
    pub root: String,
    /// The range of the root name.
    pub root_range: SourceRange,
    /// The steps after the root.
    pub steps: Vec<TraversalStep>,
}

/// One step of a static traversal.
#[derive(Clone, Debug)]
pub enum TraversalStep {
    /// `.name`
    Attr(String, SourceRange),
    /// `[key]` with a constant key.
    Index(Value, SourceRange),
}

impl TraversalStep {
    /// The range of the step.
    pub fn range(&self) -> &SourceRange {
        match self {
            TraversalStep::Attr(_, r) | TraversalStep::Index(_, r) => r,
        }
    }
}

impl Expr {
    /// Calls `f` for every static traversal in the expression (the references it makes), skipping names
    /// bound by `for` expressions and template `for` directives.
    pub fn visit_traversals<'a>(&'a self, f: &mut dyn FnMut(&'a Traversal)) {
        let mut bound = Vec::new();
        self.visit_traversals_bound(&mut bound, f);
    }

    fn visit_traversals_bound<'a>(
        &'a self,
        bound: &mut Vec<&'a str>,
        f: &mut dyn FnMut(&'a Traversal),
    ) {
        match &self.kind {
            ExprKind::Literal(_) | ExprKind::SplatItem => {}
            ExprKind::Template(parts) => visit_parts(parts, bound, f),
            ExprKind::TemplateWrap(e)
            | ExprKind::GetAttr(e, _)
            | ExprKind::Unary(_, e)
            | ExprKind::Parens(e) => e.visit_traversals_bound(bound, f),
            ExprKind::JsonString(j) => j.template.visit_traversals_bound(bound, f),
            ExprKind::Tuple(items) => items
                .iter()
                .for_each(|e| e.visit_traversals_bound(bound, f)),
            ExprKind::Object(items) => {
                for (k, v) in items {
                    if let ObjectKey::Expr(k) = k {
                        k.visit_traversals_bound(bound, f);
                    }
                    v.visit_traversals_bound(bound, f);
                }
            }
            ExprKind::ScopeTraversal(t) => {
                if !bound.contains(&t.root.as_str()) {
                    f(t)
                }
            }
            ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => {
                a.visit_traversals_bound(bound, f);
                b.visit_traversals_bound(bound, f);
            }
            ExprKind::Splat { source, each } => {
                source.visit_traversals_bound(bound, f);
                each.visit_traversals_bound(bound, f);
            }
            ExprKind::Call(c) => c
                .args
                .iter()
                .for_each(|e| e.visit_traversals_bound(bound, f)),
            ExprKind::Conditional(c, a, b) => {
                c.visit_traversals_bound(bound, f);
                a.visit_traversals_bound(bound, f);
                b.visit_traversals_bound(bound, f);
            }
            ExprKind::For(fe) => {
                fe.collection.visit_traversals_bound(bound, f);
                let n = bound.len();
                bound.push(&fe.value_var);
                if let Some(k) = &fe.key_var {
                    bound.push(k);
                }
                if let Some(k) = &fe.key {
                    k.visit_traversals_bound(bound, f);
                }
                fe.value.visit_traversals_bound(bound, f);
                if let Some(c) = &fe.cond {
                    c.visit_traversals_bound(bound, f);
                }
                bound.truncate(n);
            }
        }
    }

    /// Every static traversal in the expression.
    pub fn traversals(&self) -> Vec<&Traversal> {
        let mut out = Vec::new();
        self.visit_traversals(&mut |t| out.push(t));
        out
    }

    /// Calls `f` for every function call in the expression.
    pub fn visit_calls<'a>(&'a self, f: &mut dyn FnMut(&'a Call)) {
        match &self.kind {
            ExprKind::Literal(_) | ExprKind::SplatItem | ExprKind::ScopeTraversal(_) => {}
            ExprKind::Template(parts) => visit_part_calls(parts, f),
            ExprKind::TemplateWrap(e)
            | ExprKind::GetAttr(e, _)
            | ExprKind::Unary(_, e)
            | ExprKind::Parens(e) => e.visit_calls(f),
            ExprKind::JsonString(j) => j.template.visit_calls(f),
            ExprKind::Tuple(items) => items.iter().for_each(|e| e.visit_calls(f)),
            ExprKind::Object(items) => {
                for (k, v) in items {
                    if let ObjectKey::Expr(k) = k {
                        k.visit_calls(f);
                    }
                    v.visit_calls(f);
                }
            }
            ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => {
                a.visit_calls(f);
                b.visit_calls(f);
            }
            ExprKind::Splat { source, each } => {
                source.visit_calls(f);
                each.visit_calls(f);
            }
            ExprKind::Call(c) => {
                f(c);
                c.args.iter().for_each(|e| e.visit_calls(f));
            }
            ExprKind::Conditional(c, a, b) => {
                c.visit_calls(f);
                a.visit_calls(f);
                b.visit_calls(f);
            }
            ExprKind::For(fe) => {
                fe.collection.visit_calls(f);
                if let Some(k) = &fe.key {
                    k.visit_calls(f);
                }
                fe.value.visit_calls(f);
                if let Some(c) = &fe.cond {
                    c.visit_calls(f);
                }
            }
        }
    }

    /// The expression without enclosing parentheses; a JSON string stands for the expression it holds.
    pub fn unwrap_parens(&self) -> &Expr {
        match &self.kind {
            ExprKind::Parens(e) => e.unwrap_parens(),
            ExprKind::JsonString(JsonString {
                as_expr: Some(e), ..
            }) => e.unwrap_parens(),
            _ => self,
        }
    }

    /// The elements, if the expression is a tuple constructor `[a, b]`.
    pub fn as_tuple(&self) -> Option<&[Expr]> {
        match &self.unwrap_parens().kind {
            ExprKind::Tuple(items) => Some(items),
            _ => None,
        }
    }

    /// A literal string or a string template with no interpolations, as JSON strings are.
    pub fn as_static_string(&self) -> Option<String> {
        let e = match &self.kind {
            ExprKind::JsonString(j) => &j.template,
            _ => self.unwrap_parens(),
        };
        match &e.kind {
            ExprKind::Literal(v) => v.as_str().map(str::to_string),
            _ => None,
        }
    }

    /// The traversal, if the expression is exactly a static reference (`null_resource.a`, `triggers`).
    pub fn as_traversal(&self) -> Option<&Traversal> {
        match &self.unwrap_parens().kind {
            ExprKind::ScopeTraversal(t) => Some(t),
            _ => None,
        }
    }

    /// The constant value, if the expression is a literal.
    pub fn as_literal(&self) -> Option<&Value> {
        match &self.unwrap_parens().kind {
            ExprKind::Literal(v) => Some(v),
            _ => None,
        }
    }

    /// A bare keyword used as a value (`all` in `ignore_changes = all`).
    pub fn as_keyword(&self) -> Option<&str> {
        match self.as_traversal() {
            Some(t) if t.steps.is_empty() => Some(&t.root),
            _ => None,
        }
    }
}

fn visit_parts<'a>(
    parts: &'a [TemplatePart],
    bound: &mut Vec<&'a str>,
    f: &mut dyn FnMut(&'a Traversal),
) {
    for p in parts {
        match p {
            TemplatePart::Literal(_) => {}
            TemplatePart::Interp(e) => e.visit_traversals_bound(bound, f),
            TemplatePart::If {
                cond,
                then,
                otherwise,
            } => {
                cond.visit_traversals_bound(bound, f);
                visit_parts(then, bound, f);
                visit_parts(otherwise, bound, f);
            }
            TemplatePart::For {
                key_var,
                value_var,
                collection,
                body,
            } => {
                collection.visit_traversals_bound(bound, f);
                let n = bound.len();
                bound.push(value_var);
                if let Some(k) = key_var {
                    bound.push(k);
                }
                visit_parts(body, bound, f);
                bound.truncate(n);
            }
        }
    }
}

fn visit_part_calls<'a>(parts: &'a [TemplatePart], f: &mut dyn FnMut(&'a Call)) {
    for p in parts {
        match p {
            TemplatePart::Literal(_) => {}
            TemplatePart::Interp(e) => e.visit_calls(f),
            TemplatePart::If {
                cond,
                then,
                otherwise,
            } => {
                cond.visit_calls(f);
                visit_part_calls(then, f);
                visit_part_calls(otherwise, f);
            }
            TemplatePart::For {
                collection, body, ..
            } => {
                collection.visit_calls(f);
                visit_part_calls(body, f);
            }
        }
    }
}

impl Traversal {
    /// The range from the root to the last step.
    pub fn range(&self) -> SourceRange {
        match self.steps.last() {
            Some(s) => self.root_range.to(s.range()),
            None => self.root_range.clone(),
        }
    }

    /// The attribute name of step `i`, if it is an attribute step.
    pub fn attr(&self, i: usize) -> Option<&str> {
        match self.steps.get(i) {
            Some(TraversalStep::Attr(a, _)) => Some(a),
            _ => None,
        }
    }

    /// The traversal as written: `var.a.b[0]`.
    pub fn to_text(&self) -> String {
        let mut s = self.root.clone();
        for step in &self.steps {
            match step {
                TraversalStep::Attr(a, _) => {
                    s.push('.');
                    s.push_str(a);
                }
                TraversalStep::Index(v, _) => {
                    s.push('[');
                    s.push_str(&terrane_values::display::render(
                        v,
                        &terrane_values::display::RenderOptions::user(),
                    ));
                    s.push(']');
                }
            }
        }
        s
    }
}
