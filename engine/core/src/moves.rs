//! `moved` blocks: objects recorded under an old address are planned (and, at apply, recorded) under
//! the new one instead of being destroyed and created again.

use std::collections::BTreeMap;
use terrane_addrs::{
    AbsResource, AbsResourceInstance, InstanceKey, ModuleInstance, ModuleInstanceStep, Target,
    parse_target,
};
use terrane_config::Config;
use terrane_diagnostics::{Diagnostic, Diagnostics, SourceRange};
use terrane_state::{EachMode, State};

/// One `moved` block, with its endpoints relative to the module that declares it.
struct Move {
    module: terrane_addrs::ModulePath,
    from: Target,
    to: Target,
    range: SourceRange,
}

/// The state with every applicable move made, and for each moved instance its previous address.
pub struct Moved {
    /// The state after the moves.
    pub state: State,
    /// New address → previous address.
    pub previous: BTreeMap<AbsResourceInstance, AbsResourceInstance>,
}

fn endpoint(
    block: &terrane_config::body::Block,
    name: &str,
    diags: &mut Diagnostics,
) -> Option<(Target, SourceRange)> {
    let Some(a) = block.body.attr(name) else {
        diags.push(
            Diagnostic::error(
                "Missing required argument",
                format!("The argument {name:?} is required, but no definition was found."),
            )
            .with_subject(block.def_range.clone()),
        );
        return None;
    };
    let text = a
        .expr
        .as_traversal()
        .map(|t| {
            let mut s = t.to_text();
            s = s.replace("[\"", "[\"").replace("\"]", "\"]");
            s
        })
        .or_else(|| a.expr.as_static_string());
    match text.as_deref().map(parse_target) {
        Some(Ok(t)) => Some((t, a.expr.range.clone())),
        _ => {
            diags.push(
                Diagnostic::error("Invalid \"moved\" address", format!("The {name:?} argument must be a module, resource or resource instance address."))
                    .with_subject(a.expr.range.clone()),
            );
            None
        }
    }
}

fn collect(config: &Config, diags: &mut Diagnostics) -> Vec<Move> {
    let mut out = Vec::new();
    for node in config.all_modules() {
        for b in node
            .module
            .other_blocks
            .iter()
            .filter(|b| b.kind == "moved")
        {
            let (Some((from, range)), Some((to, _))) =
                (endpoint(b, "from", diags), endpoint(b, "to", diags))
            else {
                continue;
            };
            let kinds_match = matches!((&from, &to), (Target::Module(_), Target::Module(_)))
                || matches!(
                    (&from, &to),
                    (
                        Target::Resource(_) | Target::Instance(_),
                        Target::Resource(_) | Target::Instance(_)
                    )
                );
            if !kinds_match {
                diags.push(
                    Diagnostic::error(
                        "Invalid \"moved\" addresses",
                        "A module can move only to a module, and a resource only to a resource.",
                    )
                    .with_subject(range.clone()),
                );
                continue;
            }
            let ty = |t: &Target| match t {
                Target::Resource(r) => Some(r.resource.clone()),
                Target::Instance(i) => Some(i.resource.resource.clone()),
                Target::Module(_) => None,
            };
            if let (Some(a), Some(b)) = (ty(&from), ty(&to)) {
                if a.ty != b.ty || a.mode != b.mode {
                    diags.push(
                        Diagnostic::error(
                            "Resource type mismatch",
                            format!("This statement declares a move from an object of type {:?} to an object of type {:?}. A resource can move only to a resource of the same type.", a.ty, b.ty),
                        )
                        .with_subject(range.clone()),
                    );
                    continue;
                }
            }
            out.push(Move {
                module: node.path.clone(),
                from,
                to,
                range,
            });
        }
    }
    out
}

fn prefixed(prefix: &ModuleInstance, rel: &ModuleInstance) -> ModuleInstance {
    let mut steps = prefix.0.clone();
    steps.extend(rel.0.iter().cloned());
    ModuleInstance(steps)
}

/// Makes every move of the configuration's `moved` blocks that applies to the state.
pub fn apply_moves(config: &Config, state: &State) -> (Moved, Diagnostics) {
    let mut diags = Diagnostics::new();
    let moves = collect(config, &mut diags);
    let mut st = state.clone();
    let mut previous: BTreeMap<AbsResourceInstance, AbsResourceInstance> = BTreeMap::new();
    for m in &moves {
        let bases: Vec<ModuleInstance> = {
            let mut v: Vec<ModuleInstance> = st
                .resources
                .keys()
                .filter_map(|a| {
                    let n = m.module.0.len();
                    (a.module.0.len() >= n
                        && a.module.0[..n]
                            .iter()
                            .map(|s| &s.name)
                            .eq(m.module.0.iter()))
                    .then(|| ModuleInstance(a.module.0[..n].to_vec()))
                })
                .collect();
            v.sort();
            v.dedup();
            v
        };
        for base in bases {
            let mut moved: Vec<(AbsResourceInstance, AbsResourceInstance)> = Vec::new();
            match (&m.from, &m.to) {
                (Target::Module(f), Target::Module(t)) => {
                    let fabs = prefixed(&base, f);
                    let tabs = prefixed(&base, t);
                    for (addr, rs) in &st.resources {
                        let Some(rest) = module_rest(&addr.module, &fabs) else {
                            continue;
                        };
                        let new_module = match (&rest.0, fabs.0.last(), tabs.0.last()) {
                            // `module.a` → `module.b`: every instance keeps its key.
                            (Some(key), Some(fl), Some(tl))
                                if fl.key.is_none() && tl.key.is_none() =>
                            {
                                let mut steps = tabs.0.clone();
                                steps.last_mut().expect("non-empty").key = key.clone();
                                steps.extend(rest.1.iter().cloned());
                                ModuleInstance(steps)
                            }
                            _ => {
                                let mut steps = tabs.0.clone();
                                steps.extend(rest.1.iter().cloned());
                                ModuleInstance(steps)
                            }
                        };
                        for key in rs.instances.keys() {
                            let from = addr.instance(key.clone());
                            let to = AbsResource {
                                module: new_module.clone(),
                                resource: addr.resource.clone(),
                            }
                            .instance(key.clone());
                            moved.push((from, to));
                        }
                    }
                }
                (f, t) => {
                    let (fres, fkey) = resource_endpoint(f, &base);
                    let (tres, tkey) = resource_endpoint(t, &base);
                    if let Some(rs) = st.resources.get(&fres) {
                        for key in rs.instances.keys() {
                            match (&fkey, &tkey) {
                                (None, None) => moved
                                    .push((fres.instance(key.clone()), tres.instance(key.clone()))),
                                (Some(fk), tk) if fk == key => moved.push((
                                    fres.instance(key.clone()),
                                    tres.instance(tk.clone().unwrap_or(InstanceKey::None)),
                                )),
                                (None, Some(tk)) if key.is_none() => moved
                                    .push((fres.instance(key.clone()), tres.instance(tk.clone()))),
                                _ => {}
                            }
                        }
                    }
                }
            }
            for (from, to) in moved {
                if st.object(&to).is_some() {
                    diags.push(
                        Diagnostic::warning(
                            "Unresolved resource instance address changes",
                            format!("terrane tried to move {from} to {to}, but {to} already exists, so {from} is left where it is."),
                        )
                        .with_subject(m.range.clone()),
                    );
                    continue;
                }
                let Some(rs) = st.resource(&from.abs_resource()).cloned() else {
                    continue;
                };
                let Some(obj) = rs.instances.get(from.key()).and_then(|i| i.current.clone()) else {
                    continue;
                };
                let each = match to.key() {
                    InstanceKey::None => EachMode::None,
                    InstanceKey::Int(_) => EachMode::List,
                    InstanceKey::Str(_) => EachMode::Map,
                };
                st.set_object(&from, &rs.provider, rs.each, None);
                st.set_shared_object(&to, &rs.provider, each, Some(obj));
                let original = previous.remove(&from).unwrap_or(from);
                previous.insert(to, original);
            }
        }
    }
    (
        Moved {
            state: st,
            previous,
        },
        diags,
    )
}

/// When `module` is `prefix` or inside it: the key of `module`'s step matching the last step of
/// `prefix` (when the prefix's key is open), and the steps below it.
fn module_rest(
    module: &ModuleInstance,
    prefix: &ModuleInstance,
) -> Option<(Option<InstanceKey>, Vec<ModuleInstanceStep>)> {
    let n = prefix.0.len();
    if module.0.len() < n || n == 0 {
        return None;
    }
    for (i, (a, b)) in module.0[..n].iter().zip(prefix.0.iter()).enumerate() {
        if a.name != b.name {
            return None;
        }
        let last = i == n - 1;
        if !(a.key == b.key || last && b.key.is_none()) {
            return None;
        }
    }
    Some((Some(module.0[n - 1].key.clone()), module.0[n..].to_vec()))
}

fn resource_endpoint(t: &Target, base: &ModuleInstance) -> (AbsResource, Option<InstanceKey>) {
    match t {
        Target::Resource(r) => (
            AbsResource {
                module: prefixed(base, &r.module),
                resource: r.resource.clone(),
            },
            None,
        ),
        Target::Instance(i) => (
            AbsResource {
                module: prefixed(base, &i.module),
                resource: i.resource.resource.clone(),
            },
            Some(i.resource.key.clone()),
        ),
        Target::Module(_) => unreachable!("checked by collect"),
    }
}
