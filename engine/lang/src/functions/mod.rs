//! Built-in functions and the machinery that calls them.
//!
//! Each function is declared like a cty function: typed parameters (with whether they accept null,
//! unknown, `any`-typed or marked values), an optional variadic parameter, a return type computed from
//! the arguments, and an implementation. [`Functions::call`] does what HCL and cty do around every call:
//! check the number of arguments, convert each to its parameter's type, reject nulls, short-circuit to
//! an unknown result when an argument is unknown, and carry the arguments' marks over to the result.

mod aggregate;
mod collection;
mod conversion;
mod crypto;
mod csvdecode;
mod datetime;
pub use datetime::{now_rfc3339, now_rfc3339_micros};
mod duration;
mod encoding;
mod fileset;
mod filesystem;
mod format;
mod ipnet;
mod maps;
mod numeric;
mod sets;
mod string;
mod string_regex;
mod template;
mod text_encoding;
mod yaml_decode;
mod yaml_encode;

use crate::context::EvalContext;
use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};
use terrane_config::body::suggest;
use terrane_diagnostics::{Diagnostic, SourceRange};
use terrane_values::{Marks, Type, Value, convert};

/// A function parameter.
#[derive(Clone, Debug)]
pub struct Param {
    /// The name shown in messages.
    pub name: &'static str,
    /// The type arguments are converted to.
    pub ty: Type,
    /// Whether null is accepted.
    pub allow_null: bool,
    /// Whether unknown values reach the implementation (otherwise the result is unknown).
    pub allow_unknown: bool,
    /// Whether an argument of unknown type reaches the return-type function.
    pub allow_dynamic: bool,
    /// Whether marked values reach the implementation (otherwise marks move to the result).
    pub allow_marked: bool,
}

impl Param {
    /// A parameter of the given type that accepts nothing special.
    pub fn new(name: &'static str, ty: Type) -> Param {
        Param {
            name,
            ty,
            allow_null: false,
            allow_unknown: false,
            allow_dynamic: false,
            allow_marked: false,
        }
    }

    /// Accepts null.
    pub fn nullable(mut self) -> Param {
        self.allow_null = true;
        self
    }

    /// Lets unknown values reach the implementation.
    pub fn unknown(mut self) -> Param {
        self.allow_unknown = true;
        self
    }

    /// Lets arguments of unknown type reach the return-type function.
    pub fn dynamic(mut self) -> Param {
        self.allow_dynamic = true;
        self
    }

    /// Lets marked values reach the implementation.
    pub fn marked(mut self) -> Param {
        self.allow_marked = true;
        self
    }
}

/// An error from a function: about one argument, or about the call.
#[derive(Clone, Debug)]
pub enum FnError {
    /// The argument at this index is unsuitable.
    Arg(usize, String),
    /// The call failed.
    Call(String),
}

/// Shorthand for a call failure.
pub fn fail<T>(msg: impl Into<String>) -> Result<T, FnError> {
    Err(FnError::Call(msg.into()))
}

/// Shorthand for an argument failure.
pub fn arg_fail<T>(i: usize, msg: impl Into<String>) -> Result<T, FnError> {
    Err(FnError::Arg(i, msg.into()))
}

/// What an implementation can use besides its arguments.
pub struct CallCtx<'a> {
    /// The function table (for `templatefile`).
    pub functions: &'a Functions,
}

/// How a function's return type is decided.
pub enum Returns {
    /// Always this type.
    Fixed(Type),
    /// Computed from the (converted, unmarked) arguments.
    Computed(fn(&[Value]) -> Result<Type, FnError>),
}

/// A function's implementation: arguments and the expected return type in, value out.
pub type Impl = fn(&[Value], &Type, &CallCtx<'_>) -> Result<Value, FnError>;

/// A built-in function.
pub struct Function {
    /// Positional parameters.
    pub params: Vec<Param>,
    /// The variadic parameter, if any.
    pub var_param: Option<Param>,
    /// The return type.
    pub returns: Returns,
    /// The implementation.
    pub imp: Impl,
}

impl Function {
    /// A function with fixed parameters.
    pub fn new(params: Vec<Param>, returns: Returns, imp: Impl) -> Function {
        Function {
            params,
            var_param: None,
            returns,
            imp,
        }
    }

    /// A function with a variadic last parameter.
    pub fn variadic(params: Vec<Param>, var: Param, returns: Returns, imp: Impl) -> Function {
        Function {
            params,
            var_param: Some(var),
            returns,
            imp,
        }
    }
}

/// The table of functions available to expressions.
pub struct Functions {
    /// By name, FxHash-indexed: every call looks its function up.
    table: FxHashMap<&'static str, Function>,
    base_dir: PathBuf,
}

impl Functions {
    /// Every built-in function; file functions resolve relative paths against `base_dir`.
    pub fn new(base_dir: impl Into<PathBuf>) -> Functions {
        let mut f = Functions {
            table: FxHashMap::default(),
            base_dir: base_dir.into(),
        };
        string::register(&mut f);
        string_regex::register(&mut f);
        collection::register(&mut f);
        aggregate::register(&mut f);
        maps::register(&mut f);
        sets::register(&mut f);
        numeric::register(&mut f);
        encoding::register(&mut f);
        conversion::register(&mut f);
        filesystem::register(&mut f);
        fileset::register(&mut f);
        template::register(&mut f);
        crypto::register(&mut f);
        csvdecode::register(&mut f);
        datetime::register(&mut f);
        ipnet::register(&mut f);
        text_encoding::register(&mut f);
        yaml_encode::register(&mut f);
        yaml_decode::register(&mut f);
        f
    }

    /// Adds a function.
    pub fn add(&mut self, name: &'static str, f: Function) {
        self.table.insert(name, f);
    }

    fn sorted_names(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = self.table.keys().copied().collect();
        names.sort_unstable();
        names
    }

    /// Whether a function exists.
    pub fn has(&self, name: &str) -> bool {
        self.table.contains_key(name)
    }

    /// The names of every function.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.sorted_names().into_iter()
    }

    /// The directory relative file paths are resolved against.
    pub fn base_dir(&self) -> &Path {
        &self.base_dir
    }

    /// The error for a call of a function that does not exist (with the name probably meant), or
    /// `None` when it exists: what validation reports before anything is evaluated.
    pub fn unknown(&self, name: &str, name_range: &SourceRange) -> Option<Diagnostic> {
        let name = name.strip_prefix("core::").unwrap_or(name);
        // `try` and `can` evaluate their arguments themselves, outside the table
        if self.table.contains_key(name) || name == "try" || name == "can" {
            return None;
        }
        let names = self.sorted_names();
        let hint = suggest(name, &names)
            .map(|s| format!(" Did you mean {s:?}?"))
            .unwrap_or_default();
        let detail = if name.contains("::") {
            format!("There is no function named {name:?}.")
        } else {
            format!("There is no function named {name:?}.{hint}")
        };
        Some(Diagnostic::error("Call to unknown function", detail).with_subject(name_range.clone()))
    }

    /// Calls a function on evaluated arguments, as an expression `name(args...)` does.
    pub fn call(
        &self,
        name: &str,
        args: &[Value],
        name_range: &SourceRange,
        arg_ranges: &[SourceRange],
        whole: &SourceRange,
        _ctx: &EvalContext<'_>,
    ) -> Result<Value, Diagnostic> {
        let name = name.strip_prefix("core::").unwrap_or(name);
        let Some(f) = self.table.get(name) else {
            return Err(self
                .unknown(name, name_range)
                .expect("a function not in the table is unknown"));
        };
        let arg_range = |i: usize| {
            arg_ranges
                .get(i)
                .or(arg_ranges.last())
                .unwrap_or(whole)
                .clone()
        };
        if args.len() < f.params.len() {
            let missing = &f.params[args.len()];
            let qual = if f.var_param.is_some() {
                " at least"
            } else {
                ""
            };
            return Err(Diagnostic::error(
                "Not enough function arguments",
                format!(
                    "Function {name:?} expects{qual} {} argument(s). Missing value for {:?}.",
                    f.params.len(),
                    missing.name
                ),
            )
            .with_subject(whole.clone()));
        }
        if f.var_param.is_none() && args.len() > f.params.len() {
            return Err(Diagnostic::error(
                "Too many function arguments",
                format!(
                    "Function {name:?} expects only {} argument(s).",
                    f.params.len()
                ),
            )
            .with_subject(arg_range(f.params.len())));
        }
        let param_of = |i: usize| -> &Param {
            f.params
                .get(i)
                .or(f.var_param.as_ref())
                .expect("arity checked")
        };
        let invalid = |i: usize, msg: &str| {
            Diagnostic::error(
                "Invalid function argument",
                format!("Invalid value for {:?} parameter: {msg}.", param_of(i).name),
            )
            .with_subject(arg_range(i))
            .with_context(whole.clone())
        };
        let mut converted = Vec::with_capacity(args.len());
        for (i, a) in args.iter().enumerate() {
            match convert(a, &param_of(i).ty) {
                Ok(v) => converted.push(v),
                Err(e) => return Err(invalid(i, &any_single_type(&e.to_string()))),
            }
        }
        // Return type: computed from unmarked arguments; null and `any` checks first.
        let mut for_type = Vec::with_capacity(converted.len());
        let mut dynamic_result = false;
        for (i, v) in converted.iter().enumerate() {
            let p = param_of(i);
            let v = if p.allow_marked {
                v.clone()
            } else {
                v.clone().unmark_deep().0
            };
            if v.is_null() && !p.allow_null {
                return Err(invalid(i, "argument must not be null"));
            }
            if v.is_dynamic_typed() && !p.allow_dynamic {
                dynamic_result = true;
            }
            for_type.push(v);
        }
        let call_err = |e: FnError| match e {
            FnError::Arg(i, msg) => invalid(i, &msg),
            FnError::Call(msg) => Diagnostic::error(
                "Error in function call",
                format!("Call to function {name:?} failed: {msg}."),
            )
            .with_subject(call_start(name_range))
            .with_context(whole.clone()),
        };
        let ret_ty = if dynamic_result {
            Type::Dynamic
        } else {
            match &f.returns {
                Returns::Fixed(t) => t.clone(),
                Returns::Computed(tf) => tf(&for_type).map_err(call_err)?,
            }
        };
        // Unknown arguments short-circuit; marks move to the result unless the parameter takes them.
        let mut marks = Marks::NONE;
        let mut final_args = Vec::with_capacity(converted.len());
        for (i, v) in converted.into_iter().enumerate() {
            let p = param_of(i);
            if !v.is_known() && !p.allow_unknown {
                let (_, m) = v.unmark_deep();
                return Ok(Value::unknown(ret_ty).mark(m | all_marks(args)));
            }
            if p.allow_marked {
                final_args.push(v);
            } else {
                let (v, m) = v.unmark_deep();
                marks |= m;
                final_args.push(v);
            }
        }
        if dynamic_result && final_args.iter().any(|v| !v.is_known()) {
            return Ok(Value::dynamic_unknown().mark(marks));
        }
        let cctx = CallCtx { functions: self };
        let out = (f.imp)(&final_args, &ret_ty, &cctx).map_err(call_err)?;
        Ok(out.mark(marks))
    }
}

/// cty names the constraint `list(any)` "list of any single type" where the values crate says "list of
/// dynamic".
pub(crate) fn any_single_type(msg: &str) -> String {
    msg.replace("of dynamic", "of any single type")
}

/// The range HCL reports call failures at: the function name and the opening parenthesis.
fn call_start(name_range: &SourceRange) -> SourceRange {
    let mut r = name_range.clone();
    r.end.column += 1;
    r.end.byte += 1;
    r
}

/// A range as HCL prints it in messages: `file:1,3-16`, or `file:1,3-2,4` across lines.
pub(crate) fn range_text(r: &SourceRange) -> String {
    if r.start.line == r.end.line {
        format!(
            "{}:{},{}-{}",
            r.file, r.start.line, r.start.column, r.end.column
        )
    } else {
        format!(
            "{}:{},{}-{},{}",
            r.file, r.start.line, r.start.column, r.end.line, r.end.column
        )
    }
}

fn all_marks(args: &[Value]) -> Marks {
    args.iter().fold(Marks::NONE, |m, a| m | a.marks_deep())
}

/// Helpers shared by the function implementations.
pub(crate) mod util {
    use super::FnError;
    use terrane_values::{Number, Value};

    /// The string of a known string argument.
    pub fn s(v: &Value) -> &str {
        v.as_str().unwrap_or_default()
    }

    /// The number of a known number argument.
    pub fn n(v: &Value) -> Number {
        v.as_number().cloned().unwrap_or_else(Number::zero)
    }

    /// A whole number as i64, with cty's message when it is not one.
    pub fn to_int(v: &Value) -> Result<i64, String> {
        n(v).to_i64().ok_or_else(|| {
            "value must be a whole number, between -9223372036854775808 and 9223372036854775807"
                .into()
        })
    }

    /// A whole-number argument as i64; failing, an error about argument `i`.
    pub fn int_arg(v: &Value, i: usize) -> Result<i64, FnError> {
        to_int(v).map_err(|m| FnError::Arg(i, m))
    }

    /// A whole-number argument as i64; failing, an error about the call.
    pub fn int_call(v: &Value) -> Result<i64, FnError> {
        to_int(v).map_err(FnError::Call)
    }

    /// The elements of a known list, set or tuple argument.
    pub fn seq(v: &Value) -> Vec<Value> {
        v.as_seq().map(<[Value]>::to_vec).unwrap_or_default()
    }
}
