//! Type unification: the one type several values can all convert to, as Terraform finds it for the two
//! results of a conditional and for `tolist`/`toset`/`tomap` of mixed elements (cty's `UnifyUnsafe`).

use crate::convert::can_convert;
use crate::types::Type;
use std::collections::BTreeMap;

/// The type all of `types` can convert to, or `None` when there is none.
pub fn unify(types: &[Type]) -> Option<Type> {
    if types.is_empty() {
        return None;
    }
    let (mut maps, mut lists, mut sets, mut objects, mut tuples, mut dynamics) = (0, 0, 0, 0, 0, 0);
    for t in types {
        match t {
            Type::Map(_) => maps += 1,
            Type::List(_) => lists += 1,
            Type::Set(_) => sets += 1,
            Type::Object(_) => objects += 1,
            Type::Tuple(_) => tuples += 1,
            Type::Dynamic => dynamics += 1,
            _ => {}
        }
    }
    let n = types.len();
    let has_dynamic = dynamics > 0;
    if maps > 0 && maps + dynamics == n {
        return unify_collections(types, has_dynamic, Type::map);
    }
    if lists > 0 && lists + dynamics == n {
        return unify_collections(types, has_dynamic, Type::list);
    }
    if sets > 0 && sets + dynamics == n {
        return unify_collections(types, has_dynamic, Type::set);
    }
    if objects > 0 && objects + dynamics == n {
        return if has_dynamic {
            Some(Type::Dynamic)
        } else {
            unify_objects(types)
        };
    }
    if tuples > 0 && tuples + dynamics == n {
        return if has_dynamic {
            Some(Type::Dynamic)
        } else {
            unify_tuples(types)
        };
    }
    if objects > 0 && tuples > 0 {
        return None;
    }
    'outer: for want_idx in preference_order(types) {
        let want = &types[want_idx];
        for (i, t) in types.iter().enumerate() {
            if i != want_idx && t != want && !can_convert(t, want) {
                continue 'outer;
            }
        }
        return Some(want.clone());
    }
    None
}

fn unify_collections(types: &[Type], has_dynamic: bool, make: fn(Type) -> Type) -> Option<Type> {
    if has_dynamic {
        return Some(Type::Dynamic);
    }
    let elems: Vec<Type> = types
        .iter()
        .filter_map(|t| t.element_type().cloned())
        .collect();
    unify(&elems).map(make)
}

fn unify_objects(types: &[Type]) -> Option<Type> {
    let attrs: Vec<&BTreeMap<String, Type>> =
        types.iter().filter_map(Type::attribute_types).collect();
    let first = attrs[0];
    let same_names = attrs
        .iter()
        .all(|a| a.len() == first.len() && a.keys().all(|k| first.contains_key(k)));
    if !same_names {
        let all: Vec<Type> = attrs.iter().flat_map(|a| a.values().cloned()).collect();
        return unify(&all).map(Type::map);
    }
    let mut out = BTreeMap::new();
    for name in first.keys() {
        let across: Vec<Type> = attrs.iter().map(|a| a[name].clone()).collect();
        out.insert(name.clone(), unify(&across)?);
    }
    Some(Type::object(out))
}

fn unify_tuples(types: &[Type]) -> Option<Type> {
    let elems: Vec<&Vec<Type>> = types
        .iter()
        .filter_map(|t| match t {
            Type::Tuple(e) => Some(&**e),
            _ => None,
        })
        .collect();
    let len = elems[0].len();
    if elems.iter().any(|e| e.len() != len) {
        let all: Vec<Type> = elems.iter().flat_map(|e| e.iter().cloned()).collect();
        return unify(&all).map(Type::list);
    }
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        let across: Vec<Type> = elems.iter().map(|e| e[i].clone()).collect();
        out.push(unify(&across)?);
    }
    Some(Type::tuple(out))
}

/// Indexes of `types`, most general first (cty's `sortTypes`: a topological sort of "more general than").
fn preference_order(types: &[Type]) -> Vec<usize> {
    let n = types.len();
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut indegree = vec![0usize; n];
    for i in 0..n {
        for j in i + 1..n {
            match compare_types(&types[i], &types[j]) {
                c if c < 0 => {
                    edges[i].push(j);
                    indegree[j] += 1;
                }
                c if c > 0 => {
                    edges[j].push(i);
                    indegree[i] += 1;
                }
                _ => {}
            }
        }
    }
    let mut queue: Vec<usize> = (0..n).filter(|&i| indegree[i] == 0).collect();
    let mut order = Vec::with_capacity(n);
    let mut head = 0;
    while head < queue.len() {
        let i = queue[head];
        head += 1;
        order.push(i);
        for &j in &edges[i] {
            indegree[j] -= 1;
            if indegree[j] == 0 {
                queue.push(j);
            }
        }
    }
    order
}

/// Negative when `a` is preferred (more general) for unification, positive when `b` is.
fn compare_types(a: &Type, b: &Type) -> i32 {
    if *a == Type::Dynamic || *b == Type::Dynamic {
        return match (*a == Type::Dynamic, *b == Type::Dynamic) {
            (false, true) => -1,
            (true, false) => 1,
            _ => 0,
        };
    }
    if a.is_primitive() && b.is_primitive() && (*a == Type::String || *b == Type::String) {
        return match (*a == Type::String, *b == Type::String) {
            (false, true) => 1,
            (true, false) => -1,
            _ => 0,
        };
    }
    match (a, b) {
        (Type::List(x), Type::List(y))
        | (Type::Set(x), Type::Set(y))
        | (Type::Map(x), Type::Map(y)) => {
            return compare_types(x, y);
        }
        _ => {}
    }
    let (a, b, swap) = match (a, b) {
        (Type::Tuple(_), Type::List(_))
        | (Type::Object(_), Type::Map(_))
        | (Type::Set(_), Type::Tuple(_))
        | (Type::Set(_), Type::List(_)) => (b, a, -1),
        _ => (a, b, 1),
    };
    if matches!(b, Type::Set(_)) && matches!(a, Type::Tuple(_) | Type::List(_)) {
        return -swap;
    }
    if matches!(a, Type::List(_)) && matches!(b, Type::Tuple(_)) {
        return -swap;
    }
    if matches!(a, Type::Map(_)) && matches!(b, Type::Object(_)) {
        return -swap;
    }
    0
}
