//! The names an expression can see, and the functions it can call.

use crate::functions::Functions;
use rustc_hash::FxHashMap as HashMap;

/// The names in scope of an evaluation, by root name (`var`, `local`, `aws_instance` ...).
pub type Names = HashMap<String, Value>;
use terrane_values::Value;

/// Values of the root names (`var`, `local`, `null_resource`, `count` ...) and the function table.
/// Child contexts add names for `for` expressions and `dynamic` block iterators.
pub struct EvalContext<'a> {
    parent: Option<&'a EvalContext<'a>>,
    variables: HashMap<String, Value>,
    functions: &'a Functions,
}

impl<'a> EvalContext<'a> {
    /// A context with no names.
    pub fn new(functions: &'a Functions) -> EvalContext<'a> {
        EvalContext {
            parent: None,
            variables: HashMap::default(),
            functions,
        }
    }

    /// A context with the given root names.
    pub fn with_names(functions: &'a Functions, names: Names) -> EvalContext<'a> {
        EvalContext {
            parent: None,
            variables: names,
            functions,
        }
    }

    /// A context that sees everything this one does, plus names set on it.
    pub fn child(&'a self) -> EvalContext<'a> {
        EvalContext {
            parent: Some(self),
            variables: HashMap::default(),
            functions: self.functions,
        }
    }

    /// Sets a root name.
    pub fn set(&mut self, name: impl Into<String>, value: Value) {
        self.variables.insert(name.into(), value);
    }

    /// Looks a root name up here or in the parents.
    pub fn get(&self, name: &str) -> Option<&Value> {
        match self.variables.get(name) {
            Some(v) => Some(v),
            None => self.parent.and_then(|p| p.get(name)),
        }
    }

    /// The function table.
    pub fn functions(&self) -> &'a Functions {
        self.functions
    }
}
