//! Values: known or unknown ("known after apply"), null, primitive or nested, each carrying marks.

use crate::marks::Marks;
use crate::number::Number;
use crate::path::{Path, PathStep};
use crate::set;
use crate::types::Type;
use std::collections::BTreeMap;
use std::sync::Arc;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// A Terraform value with its marks.
///
/// Values are immutable and cheap to clone: strings and collections are shared.
#[derive(Clone)]
pub struct Value {
    kind: Kind,
    marks: Marks,
}

/// What a value is, for matching. Build values with the constructors on [`Value`].
#[derive(Clone)]
pub enum Kind {
    /// A null of the given type (`Type::Dynamic` for an untyped `null`).
    Null(Type),
    /// A value of the given type that is not known until apply.
    Unknown(Type),
    /// A bool.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string, in Unicode normal form C.
    String(Arc<str>),
    /// A list of elements of the given type.
    List(Type, Arc<Vec<Value>>),
    /// A set of elements of the given type, in cty's iteration order, without duplicates or marks.
    Set(Type, Arc<Vec<Value>>),
    /// A map with elements of the given type, keys in lexical order.
    Map(Type, Arc<BTreeMap<String, Value>>),
    /// An object; its type follows from its attributes.
    Object(Arc<BTreeMap<String, Value>>),
    /// A tuple; its type follows from its elements.
    Tuple(Arc<Vec<Value>>),
}

impl Value {
    fn new(kind: Kind) -> Value {
        Value {
            kind,
            marks: Marks::NONE,
        }
    }

    /// A null of type `ty`.
    pub fn null(ty: Type) -> Value {
        Value::new(Kind::Null(ty))
    }

    /// The untyped `null`.
    pub fn null_dynamic() -> Value {
        Value::new(Kind::Null(Type::Dynamic))
    }

    /// A value of type `ty` known only after apply.
    pub fn unknown(ty: Type) -> Value {
        Value::new(Kind::Unknown(ty))
    }

    /// An unknown value of unknown type.
    pub fn dynamic_unknown() -> Value {
        Value::new(Kind::Unknown(Type::Dynamic))
    }

    /// A bool.
    pub fn bool(b: bool) -> Value {
        Value::new(Kind::Bool(b))
    }

    /// A number.
    pub fn number(n: Number) -> Value {
        Value::new(Kind::Number(n))
    }

    /// A whole number (64-bit precision, as functions that count return).
    pub fn int(n: i64) -> Value {
        Value::number(Number::from_i64(n))
    }

    /// A string, normalized to NFC as Terraform does.
    pub fn string(s: impl AsRef<str>) -> Value {
        let s = s.as_ref();
        let s: Arc<str> = if is_nfc_quick(s.chars()) == IsNormalized::Yes {
            Arc::from(s)
        } else {
            Arc::from(s.nfc().collect::<String>())
        };
        Value::new(Kind::String(s))
    }

    /// A list of elements that all have type `elem` (the caller converts them first).
    pub fn list(elem: Type, elems: Vec<Value>) -> Value {
        Value::new(Kind::List(elem, Arc::new(elems)))
    }

    /// A list whose element type is the type of its (non-empty, same-typed) elements.
    pub fn list_of(elems: Vec<Value>) -> Value {
        let elem = elems.first().map_or(Type::Dynamic, Value::ty);
        Value::list(elem, elems)
    }

    /// A set of elements of type `elem`: duplicates are removed, element marks move to the set, and the
    /// elements are put in Terraform's iteration order.
    pub fn set(elem: Type, elems: Vec<Value>) -> Value {
        let mut marks = Marks::NONE;
        let elems: Vec<Value> = elems
            .into_iter()
            .map(|e| {
                let (e, m) = e.unmark_deep();
                marks |= m;
                e
            })
            .collect();
        let elems = set::normalize(&elem, elems);
        Value::new(Kind::Set(elem, Arc::new(elems))).mark(marks)
    }

    /// A map of elements of type `elem`.
    pub fn map(elem: Type, elems: BTreeMap<String, Value>) -> Value {
        Value::new(Kind::Map(elem, Arc::new(elems)))
    }

    /// An object.
    pub fn object(attrs: BTreeMap<String, Value>) -> Value {
        Value::new(Kind::Object(Arc::new(attrs)))
    }

    /// An object from name/value pairs.
    pub fn object_from<I, K>(attrs: I) -> Value
    where
        I: IntoIterator<Item = (K, Value)>,
        K: Into<String>,
    {
        Value::object(attrs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// The empty object `{}`.
    pub fn empty_object() -> Value {
        Value::object(BTreeMap::new())
    }

    /// A tuple.
    pub fn tuple(elems: Vec<Value>) -> Value {
        Value::new(Kind::Tuple(Arc::new(elems)))
    }

    /// The empty tuple `[]`.
    pub fn empty_tuple() -> Value {
        Value::tuple(Vec::new())
    }

    /// What this value is.
    pub fn kind(&self) -> &Kind {
        &self.kind
    }

    /// The type of this value.
    pub fn ty(&self) -> Type {
        match &self.kind {
            Kind::Null(t) | Kind::Unknown(t) => t.clone(),
            Kind::Bool(_) => Type::Bool,
            Kind::Number(_) => Type::Number,
            Kind::String(_) => Type::String,
            Kind::List(e, _) => Type::list(e.clone()),
            Kind::Set(e, _) => Type::set(e.clone()),
            Kind::Map(e, _) => Type::map(e.clone()),
            Kind::Object(attrs) => Type::object(attrs.iter().map(|(k, v)| (k.clone(), v.ty()))),
            Kind::Tuple(elems) => Type::tuple(elems.iter().map(Value::ty).collect()),
        }
    }

    /// Whether this value's type is `any` (an untyped null or unknown): `ty() == Type::Dynamic`
    /// without building the type.
    pub fn is_dynamic_typed(&self) -> bool {
        matches!(
            &self.kind,
            Kind::Null(Type::Dynamic) | Kind::Unknown(Type::Dynamic)
        )
    }

    /// Whether this value is null (marks aside).
    pub fn is_null(&self) -> bool {
        matches!(self.kind, Kind::Null(_))
    }

    /// Whether this value itself is known (its elements may still be unknown).
    pub fn is_known(&self) -> bool {
        !matches!(self.kind, Kind::Unknown(_))
    }

    /// Whether this value and everything in it is known.
    pub fn is_wholly_known(&self) -> bool {
        match &self.kind {
            Kind::Unknown(_) => false,
            Kind::List(_, e) | Kind::Set(_, e) | Kind::Tuple(e) => {
                e.iter().all(Value::is_wholly_known)
            }
            Kind::Map(_, m) | Kind::Object(m) => m.values().all(Value::is_wholly_known),
            _ => true,
        }
    }

    /// cty's `HasWhollyKnownType`: no unknown value of unknown type anywhere inside.
    pub fn has_wholly_known_type(&self) -> bool {
        match &self.kind {
            Kind::Null(_) => true,
            Kind::Unknown(t) => !t.has_dynamic(),
            Kind::List(_, e) | Kind::Set(_, e) | Kind::Tuple(e) => {
                e.iter().all(Value::has_wholly_known_type)
            }
            Kind::Map(_, m) | Kind::Object(m) => m.values().all(Value::has_wholly_known_type),
            _ => true,
        }
    }

    /// The marks on this value itself (not those of nested values).
    pub fn marks(&self) -> Marks {
        self.marks
    }

    /// Whether this value itself is marked sensitive.
    pub fn is_sensitive(&self) -> bool {
        self.marks.is_sensitive()
    }

    /// This value with additional marks.
    pub fn mark(mut self, marks: Marks) -> Value {
        self.marks |= marks;
        self
    }

    /// This value marked sensitive.
    pub fn sensitive(self) -> Value {
        self.mark(Marks::SENSITIVE)
    }

    /// The value without its own marks, and those marks.
    pub fn unmark(self) -> (Value, Marks) {
        let marks = self.marks;
        (
            Value {
                kind: self.kind,
                marks: Marks::NONE,
            },
            marks,
        )
    }

    /// Whether this value or anything inside it has marks.
    pub fn has_marks_deep(&self) -> bool {
        !self.marks.is_empty()
            || match &self.kind {
                Kind::List(_, e) | Kind::Set(_, e) | Kind::Tuple(e) => {
                    e.iter().any(Value::has_marks_deep)
                }
                Kind::Map(_, m) | Kind::Object(m) => m.values().any(Value::has_marks_deep),
                _ => false,
            }
    }

    /// The marks of this value and everything inside it, combined.
    pub fn marks_deep(&self) -> Marks {
        let mut marks = self.marks;
        match &self.kind {
            Kind::List(_, e) | Kind::Set(_, e) | Kind::Tuple(e) => {
                e.iter().for_each(|v| marks |= v.marks_deep())
            }
            Kind::Map(_, m) | Kind::Object(m) => m.values().for_each(|v| marks |= v.marks_deep()),
            _ => {}
        }
        marks
    }

    /// The value with every mark removed at every depth, and the union of those marks.
    pub fn unmark_deep(self) -> (Value, Marks) {
        if !self.has_marks_deep() {
            return (self, Marks::NONE);
        }
        let mut marks = self.marks;
        let kind = match self.kind {
            Kind::List(t, e) => Kind::List(t, Arc::new(unmark_vec(&e, &mut marks))),
            Kind::Set(t, e) => Kind::Set(t, Arc::new(unmark_vec(&e, &mut marks))),
            Kind::Tuple(e) => Kind::Tuple(Arc::new(unmark_vec(&e, &mut marks))),
            Kind::Map(t, m) => Kind::Map(t, Arc::new(unmark_map(&m, &mut marks))),
            Kind::Object(m) => Kind::Object(Arc::new(unmark_map(&m, &mut marks))),
            k => k,
        };
        (
            Value {
                kind,
                marks: Marks::NONE,
            },
            marks,
        )
    }

    /// The value without marks at any depth, and the path of every marked part.
    pub fn unmark_deep_with_paths(self) -> (Value, Vec<(Path, Marks)>) {
        let mut paths = Vec::new();
        let v = unmark_paths(self, &Path::root(), &mut paths);
        (v, paths)
    }

    /// Re-applies marks at the given paths (the inverse of [`Value::unmark_deep_with_paths`]). Paths that
    /// do not exist in the value are ignored.
    pub fn mark_paths(self, paths: &[(Path, Marks)]) -> Value {
        let mut v = self;
        for (path, marks) in paths {
            v = mark_at(v, &path.0, *marks);
        }
        v
    }

    /// The bool, if this is a known bool.
    pub fn as_bool(&self) -> Option<bool> {
        match &self.kind {
            Kind::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number, if this is a known number.
    pub fn as_number(&self) -> Option<&Number> {
        match &self.kind {
            Kind::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The string, if this is a known string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::String(s) => Some(s),
            _ => None,
        }
    }

    /// The elements of a known list, set or tuple.
    pub fn as_seq(&self) -> Option<&[Value]> {
        match &self.kind {
            Kind::List(_, e) | Kind::Set(_, e) | Kind::Tuple(e) => Some(e),
            _ => None,
        }
    }

    /// The entries of a known map or object.
    pub fn as_map(&self) -> Option<&BTreeMap<String, Value>> {
        match &self.kind {
            Kind::Map(_, m) | Kind::Object(m) => Some(m),
            _ => None,
        }
    }

    /// Whether this is a list, set, tuple, map or object (which `for` and `length` can iterate).
    pub fn can_iterate(&self) -> bool {
        matches!(
            self.ty(),
            Type::List(_) | Type::Set(_) | Type::Tuple(_) | Type::Map(_) | Type::Object(_)
        )
    }

    /// The number of elements of a known collection or structural value.
    pub fn length(&self) -> Option<usize> {
        match &self.kind {
            Kind::List(_, e) | Kind::Set(_, e) | Kind::Tuple(e) => Some(e.len()),
            Kind::Map(_, m) | Kind::Object(m) => Some(m.len()),
            _ => None,
        }
    }

    /// The elements as (key, value) pairs: indexes for sequences (sets are keyed by their elements),
    /// keys for maps and objects.
    pub fn elements(&self) -> Vec<(Value, Value)> {
        match &self.kind {
            Kind::List(_, e) | Kind::Tuple(e) => e
                .iter()
                .enumerate()
                .map(|(i, v)| (Value::int(i as i64), v.clone()))
                .collect(),
            Kind::Set(_, e) => e.iter().map(|v| (v.clone(), v.clone())).collect(),
            Kind::Map(_, m) | Kind::Object(m) => m
                .iter()
                .map(|(k, v)| (Value::string(k), v.clone()))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// An attribute of a known object.
    pub fn get_attr(&self, name: &str) -> Option<&Value> {
        match &self.kind {
            Kind::Object(m) => m.get(name),
            _ => None,
        }
    }

    /// Structural identity: same type, same known/null state, same marks, same content.
    pub fn raw_equals(&self, other: &Value) -> bool {
        if self.marks != other.marks {
            return false;
        }
        match (&self.kind, &other.kind) {
            (Kind::Null(a), Kind::Null(b)) | (Kind::Unknown(a), Kind::Unknown(b)) => a == b,
            (Kind::Bool(a), Kind::Bool(b)) => a == b,
            (Kind::Number(a), Kind::Number(b)) => a.equals(b),
            (Kind::String(a), Kind::String(b)) => a == b,
            (Kind::List(ta, a), Kind::List(tb, b)) | (Kind::Set(ta, a), Kind::Set(tb, b)) => {
                ta == tb
                    && a.len() == b.len()
                    && a.iter().zip(b.iter()).all(|(x, y)| x.raw_equals(y))
            }
            (Kind::Tuple(a), Kind::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.raw_equals(y))
            }
            (Kind::Map(ta, a), Kind::Map(tb, b)) => ta == tb && maps_raw_equal(a, b),
            (Kind::Object(a), Kind::Object(b)) => maps_raw_equal(a, b),
            _ => false,
        }
    }

    /// Terraform's `==` on unmarked values: `None` when the answer depends on unknown values.
    pub fn equals(&self, other: &Value) -> Option<bool> {
        let (a, b) = (self, other);
        match (a.is_known(), b.is_known()) {
            (false, false) => return None,
            (true, false) | (false, true) => {
                let (known, unknown) = if a.is_known() { (a, b) } else { (b, a) };
                if known.is_null() || unknown.ty().has_dynamic() {
                    return None;
                }
                return if known.ty() != unknown.ty() {
                    Some(false)
                } else {
                    None
                };
            }
            _ => {}
        }
        match (a.is_null(), b.is_null()) {
            (true, true) => return Some(true),
            (true, false) | (false, true) => return Some(false),
            _ => {}
        }
        if !a.has_wholly_known_type() || !b.has_wholly_known_type() {
            let (ta, tb) = (a.ty(), b.ty());
            if !crate::convert::conforms(&ta, &tb) && !crate::convert::conforms(&tb, &ta) {
                return Some(false);
            }
            return None;
        }
        if a.ty() != b.ty() {
            return Some(false);
        }
        match (&a.kind, &b.kind) {
            (Kind::Bool(x), Kind::Bool(y)) => Some(x == y),
            (Kind::Number(x), Kind::Number(y)) => Some(x.equals(y)),
            (Kind::String(x), Kind::String(y)) => Some(x == y),
            (Kind::List(_, x), Kind::List(_, y))
            | (Kind::Tuple(x), Kind::Tuple(y))
            | (Kind::Set(_, x), Kind::Set(_, y)) => {
                if x.len() != y.len() {
                    return Some(false);
                }
                let mut result = Some(true);
                for (p, q) in x.iter().zip(y.iter()) {
                    match p.equals(q) {
                        None => return None,
                        Some(false) => result = Some(false),
                        Some(true) => {}
                    }
                }
                result
            }
            (Kind::Map(_, x), Kind::Map(_, y)) | (Kind::Object(x), Kind::Object(y)) => {
                if x.len() != y.len() || !x.keys().eq(y.keys()) {
                    return Some(false);
                }
                let mut result = Some(true);
                for (p, q) in x.values().zip(y.values()) {
                    match p.equals(q) {
                        None => return None,
                        Some(false) => result = Some(false),
                        Some(true) => {}
                    }
                }
                result
            }
            _ => Some(false),
        }
    }

    /// Replaces the value's parts at `path` using `f` (used to apply marks and defaults).
    pub fn transform(self, f: &mut dyn FnMut(&Path, Value) -> Value) -> Value {
        transform_at(self, &Path::root(), f)
    }
}

fn maps_raw_equal(a: &BTreeMap<String, Value>, b: &BTreeMap<String, Value>) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b.iter())
            .all(|((ka, va), (kb, vb))| ka == kb && va.raw_equals(vb))
}

fn unmark_vec(elems: &[Value], marks: &mut Marks) -> Vec<Value> {
    elems
        .iter()
        .map(|e| {
            let (e, m) = e.clone().unmark_deep();
            *marks |= m;
            e
        })
        .collect()
}

fn unmark_map(elems: &BTreeMap<String, Value>, marks: &mut Marks) -> BTreeMap<String, Value> {
    elems
        .iter()
        .map(|(k, e)| {
            let (e, m) = e.clone().unmark_deep();
            *marks |= m;
            (k.clone(), e)
        })
        .collect()
}

fn unmark_paths(v: Value, path: &Path, out: &mut Vec<(Path, Marks)>) -> Value {
    if !v.has_marks_deep() {
        return v;
    }
    let (v, marks) = v.unmark();
    if !marks.is_empty() {
        out.push((path.clone(), marks));
    }
    let kind = match v.kind {
        Kind::List(t, e) => Kind::List(
            t,
            Arc::new(
                e.iter()
                    .enumerate()
                    .map(|(i, x)| unmark_paths(x.clone(), &path.index(i as i64), out))
                    .collect(),
            ),
        ),
        Kind::Tuple(e) => Kind::Tuple(Arc::new(
            e.iter()
                .enumerate()
                .map(|(i, x)| unmark_paths(x.clone(), &path.index(i as i64), out))
                .collect(),
        )),
        Kind::Map(t, m) => Kind::Map(
            t,
            Arc::new(
                m.iter()
                    .map(|(k, x)| (k.clone(), unmark_paths(x.clone(), &path.key(k), out)))
                    .collect(),
            ),
        ),
        Kind::Object(m) => Kind::Object(Arc::new(
            m.iter()
                .map(|(k, x)| (k.clone(), unmark_paths(x.clone(), &path.attr(k), out)))
                .collect(),
        )),
        k => k,
    };
    Value {
        kind,
        marks: Marks::NONE,
    }
}

fn mark_at(v: Value, steps: &[PathStep], marks: Marks) -> Value {
    let Some((first, rest)) = steps.split_first() else {
        return v.mark(marks);
    };
    let own = v.marks;
    let kind = match (v.kind, first) {
        (Kind::Object(m), PathStep::Attr(a) | PathStep::Key(a)) if m.contains_key(a) => {
            let mut m = (*m).clone();
            let inner = m.remove(a).unwrap_or_else(Value::null_dynamic);
            m.insert(a.clone(), mark_at(inner, rest, marks));
            Kind::Object(Arc::new(m))
        }
        (Kind::Map(t, m), PathStep::Key(a) | PathStep::Attr(a)) if m.contains_key(a) => {
            let mut m = (*m).clone();
            let inner = m.remove(a).unwrap_or_else(Value::null_dynamic);
            m.insert(a.clone(), mark_at(inner, rest, marks));
            Kind::Map(t, Arc::new(m))
        }
        (Kind::List(t, e), PathStep::Index(i)) if (*i as usize) < e.len() && *i >= 0 => {
            let mut e = (*e).clone();
            let inner = e[*i as usize].clone();
            e[*i as usize] = mark_at(inner, rest, marks);
            Kind::List(t, Arc::new(e))
        }
        (Kind::Tuple(e), PathStep::Index(i)) if (*i as usize) < e.len() && *i >= 0 => {
            let mut e = (*e).clone();
            let inner = e[*i as usize].clone();
            e[*i as usize] = mark_at(inner, rest, marks);
            Kind::Tuple(Arc::new(e))
        }
        (Kind::Set(t, e), _) => {
            // Sets cannot hold marked elements: the mark goes on the set.
            return Value {
                kind: Kind::Set(t, e),
                marks: own | marks,
            };
        }
        (k, _) => k,
    };
    Value { kind, marks: own }
}

fn transform_at(v: Value, path: &Path, f: &mut dyn FnMut(&Path, Value) -> Value) -> Value {
    let marks = v.marks;
    let kind = match v.kind {
        Kind::List(t, e) => Kind::List(
            t,
            Arc::new(
                e.iter()
                    .enumerate()
                    .map(|(i, x)| transform_at(x.clone(), &path.index(i as i64), f))
                    .collect(),
            ),
        ),
        Kind::Tuple(e) => Kind::Tuple(Arc::new(
            e.iter()
                .enumerate()
                .map(|(i, x)| transform_at(x.clone(), &path.index(i as i64), f))
                .collect(),
        )),
        Kind::Map(t, m) => Kind::Map(
            t,
            Arc::new(
                m.iter()
                    .map(|(k, x)| (k.clone(), transform_at(x.clone(), &path.key(k), f)))
                    .collect(),
            ),
        ),
        Kind::Object(m) => Kind::Object(Arc::new(
            m.iter()
                .map(|(k, x)| (k.clone(), transform_at(x.clone(), &path.attr(k), f)))
                .collect(),
        )),
        k => k,
    };
    f(path, Value { kind, marks })
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}",
            crate::display::render(self, &crate::display::RenderOptions::debug())
        )
    }
}

impl PartialEq for Value {
    /// Structural identity ([`Value::raw_equals`]).
    fn eq(&self, other: &Value) -> bool {
        self.raw_equals(other)
    }
}

impl Default for Value {
    /// The untyped `null`.
    fn default() -> Value {
        Value::null_dynamic()
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::bool(b)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::string(s)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::string(s)
    }
}

impl From<Number> for Value {
    fn from(n: Number) -> Value {
        Value::number(n)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::int(n)
    }
}
