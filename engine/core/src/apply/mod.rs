//! Applying a plan: the changes run in dependency order (destroys in reverse), each instance's result
//! written to state the moment it is known.

mod instance;
mod writer;

pub use writer::{StateSink, StateUpdate, Writer};

use crate::common::{Common, CommonOut, Context};
use crate::eval_state::Repetition;
use crate::expand::expand;
use crate::graph::{GraphInputs, Node, build_apply_graph};
use crate::plan::validate;
use crate::providers::resolve_provider;
use crate::refs::{expr_refs, resource_refs};
use crate::variables::RawInput;
use crate::walk::{Executor, Task, walk};
use instance::{ApplyShared, InstanceResult, apply_change, destroy_change};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use terrane_addrs::{
    AbsResource, AbsResourceInstance, ConfigResource, InstanceKey, ProviderConfig, ResourceMode,
};
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_lang::EvalContext;
use terrane_plan::{Action, Plan, PlanMode, ResourceChange};
use terrane_state::{OutputState, State};
use terrane_state_api::StateWriter;
use terrane_values::Value;
use tokio::sync::Semaphore;

/// How to apply.
#[derive(Clone, Debug, Default)]
pub struct ApplyOptions {
    /// Set when the user interrupts: no new change starts, those in flight finish and are recorded,
    /// and the apply ends with an error.
    pub stop: crate::Stop,
    /// Values of ephemeral root variables, which a saved plan does not hold and its apply is given
    /// again.
    pub ephemeral_inputs: BTreeMap<String, RawInput>,
}

/// Applies a plan to the state it was made from, writing through `writer`. Returns the final state.
pub async fn apply(
    ctx: &Context,
    plan: &Plan,
    state: &State,
    writer: Box<dyn StateWriter>,
    opts: &ApplyOptions,
) -> (State, Diagnostics) {
    let (schemas, mut diags) = validate(ctx, state);
    if diags.has_errors() {
        return (state.clone(), diags);
    }
    let graph = match build_apply_graph(
        &GraphInputs {
            config: &ctx.config,
            state,
        },
        plan,
    ) {
        Ok(g) => g,
        Err(d) => {
            diags.extend(d);
            return (state.clone(), diags);
        }
    };
    let w = Writer::start(state.clone(), writer);
    let inputs: BTreeMap<String, RawInput> = plan
        .variables
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                RawInput::Value {
                    value: v.clone(),
                    range: None,
                },
            )
        })
        .chain(opts.ephemeral_inputs.clone())
        .collect();
    let mut changes: HashMap<AbsResourceInstance, ResourceChange> = HashMap::new();
    for c in &plan.changes {
        if c.deposed.is_none() {
            changes.insert(c.addr.clone(), c.clone());
        }
    }
    let mut applier = Applier {
        common: Common::new(ctx.clone(), schemas, inputs),
        plan_mode: plan.mode,
        changes,
        prior: plan.prior_state.clone(),
        before: if plan.mode == PlanMode::Destroy {
            state.clone()
        } else {
            State::default()
        },
        sink: w.sink(),
        sem: Arc::new(Semaphore::new(ctx.parallelism.max(1))),
        stop: opts.stop.clone(),
        not_started: 0,
        prior_by_config: plan.prior_state.by_config(),
        deletes_by_config: {
            let mut m: HashMap<ConfigResource, Vec<ResourceChange>> = HashMap::new();
            for c in &plan.changes {
                if matches!(
                    c.action,
                    Action::Delete | Action::DeleteThenCreate | Action::Forget
                ) && c.deposed.is_none()
                {
                    m.entry(c.addr.config()).or_default().push(c.clone());
                }
            }
            m
        },
    };
    // Data sources read during planning and refreshed objects are part of the new state.
    for (addr, rs) in &plan.prior_state.resources {
        for (key, inst) in &rs.instances {
            let iaddr = addr.instance(key.clone());
            let before = state.object(&iaddr);
            if let Some(o) = &inst.current {
                let changed =
                    before.is_none_or(|b| b.attributes != o.attributes || b.status != o.status);
                if changed {
                    applier.sink.send(StateUpdate::Object {
                        addr: iaddr,
                        provider: rs.provider.clone(),
                        each: rs.each,
                        deposed: None,
                        object: Some(o.clone()),
                    });
                }
            }
        }
    }
    for (addr, rs) in &state.resources {
        for key in rs.instances.keys() {
            let iaddr = addr.instance(key.clone());
            if plan.prior_state.object(&iaddr).is_none() && state.object(&iaddr).is_some() {
                applier.sink.send(StateUpdate::Object {
                    addr: iaddr,
                    provider: rs.provider.clone(),
                    each: rs.each,
                    deposed: None,
                    object: None,
                });
            }
        }
    }
    walk(&graph, &mut applier).await;
    if applier.stop.requested() {
        applier.common.diags.push(Diagnostic::error(
            "Apply interrupted",
            format!(
                "terrane was interrupted and did not start the changes of {} resources. Everything that finished is recorded in the state; run apply again to continue.",
                applier.not_started
            ),
        ));
    }
    if plan.mode == PlanMode::Normal && !applier.common.diags.has_errors() {
        let checks = applier.common.run_checks().await;
        applier.common.diags.extend(checks);
    }
    if plan.mode == PlanMode::Destroy {
        for name in state.outputs.keys() {
            applier.sink.send(StateUpdate::Output {
                name: name.clone(),
                value: None,
            });
        }
    } else {
        for o in &plan.outputs {
            if o.action == Action::Delete {
                applier.sink.send(StateUpdate::Output {
                    name: o.name.clone(),
                    value: None,
                });
            }
        }
    }
    diags.extend(applier.common.diags);
    drop(applier.sink);
    let (final_state, errors) = w.finish();
    for e in errors {
        diags.push(Diagnostic::error("Failed to persist state", e));
    }
    (final_state, diags)
}

fn has_infinity(v: &Value) -> bool {
    match v.kind() {
        terrane_values::Kind::Number(n) => n.is_infinite(),
        terrane_values::Kind::List(_, e)
        | terrane_values::Kind::Set(_, e)
        | terrane_values::Kind::Tuple(e) => e.iter().any(has_infinity),
        terrane_values::Kind::Map(_, m) | terrane_values::Kind::Object(m) => {
            m.values().any(has_infinity)
        }
        _ => false,
    }
}

struct Applier {
    common: Common,
    plan_mode: PlanMode,
    changes: HashMap<AbsResourceInstance, ResourceChange>,
    prior: State,
    /// Destroying: the state before the apply. The plan leaves data sources out of its prior
    /// state (they leave the state with the apply), but expressions evaluated on the way (locals,
    /// module outputs) still see them as last read.
    before: State,
    sink: StateSink,
    sem: Arc<Semaphore>,
    stop: crate::Stop,
    not_started: usize,
    prior_by_config: HashMap<ConfigResource, Vec<AbsResource>>,
    deletes_by_config: HashMap<ConfigResource, Vec<ResourceChange>>,
}

enum ApplyOut {
    Common(CommonOut),
    Resource(
        Vec<InstanceResult>,
        Vec<(AbsResource, terrane_state::EachMode)>,
        Diagnostics,
    ),
}

impl Executor for Applier {
    type Output = ApplyOut;

    fn start(&mut self, node: &Node) -> Task<ApplyOut> {
        if let Some(d) = self.common.run_value_node(node) {
            return Task::Done(ApplyOut::Common(CommonOut::Done(d)));
        }
        match node {
            Node::Output(path, name) => {
                if self.plan_mode == PlanMode::Destroy {
                    return Task::Done(ApplyOut::Common(CommonOut::Done(Diagnostics::new())));
                }
                let (root_value, d) = self.common.output(path, name);
                if path.is_root() && !d.has_errors() {
                    let sensitive = self
                        .common
                        .ctx
                        .config
                        .root
                        .module
                        .outputs
                        .get(name)
                        .is_some_and(|o| o.sensitive);
                    if let Some(v) = root_value.as_ref().filter(|v| has_infinity(v)) {
                        let _ = v;
                        return Task::Done(ApplyOut::Common(CommonOut::Done(Diagnostics::from(
                            Diagnostic::error(
                                "Failed to save state",
                                format!(
                                    "The value of output {name:?} is an infinite number, which cannot be stored in the state."
                                ),
                            ),
                        ))));
                    }
                    match root_value {
                        Some(v) if !v.is_null() && v.is_wholly_known() => {
                            self.sink.send(StateUpdate::Output {
                                name: name.clone(),
                                value: Some(OutputState {
                                    value: v,
                                    sensitive,
                                }),
                            });
                        }
                        _ => self.sink.send(StateUpdate::Output {
                            name: name.clone(),
                            value: None,
                        }),
                    }
                }
                Task::Done(ApplyOut::Common(CommonOut::Done(d)))
            }
            Node::Provider(pc) => match self.common.start_provider(pc) {
                Ok(fut) => Task::Spawn(Box::pin(async move { ApplyOut::Common(fut.await) })),
                Err(d) => Task::Done(ApplyOut::Common(CommonOut::Done(d))),
            },
            Node::Resource(cr) => self.start_resource(cr),
            Node::Destroy(cr) => self.start_destroy(cr),
            _ => Task::Done(ApplyOut::Common(CommonOut::Done(Diagnostics::new()))),
        }
    }

    fn stopping(&self) -> bool {
        self.stop.requested()
    }

    fn skipped(&mut self, node: &Node) {
        if self.stop.requested() && matches!(node, Node::Resource(_) | Node::Destroy(_)) {
            self.not_started += 1;
        }
    }

    fn finish(&mut self, _node: &Node, out: ApplyOut) -> bool {
        match out {
            ApplyOut::Common(c) => self.common.finish_common(c),
            ApplyOut::Resource(results, resources, diags) => {
                let mut ok = !diags.has_errors();
                self.common.diags.extend(diags);
                let mut values: BTreeMap<AbsResource, BTreeMap<InstanceKey, Value>> = resources
                    .iter()
                    .map(|(a, _)| (a.clone(), BTreeMap::new()))
                    .collect();
                for r in results {
                    if r.diags.has_errors() {
                        ok = false;
                    }
                    self.common.diags.extend(r.diags);
                    if let Some(v) = r.value {
                        values
                            .entry(r.addr.abs_resource())
                            .or_default()
                            .insert(r.addr.key().clone(), v);
                    }
                }
                // Destroying: an object the state does not have is not known (destroying evaluates
                // no configuration of it); unknown keeps locals and module outputs that refer to
                // it from failing, as when destroying a stack that was never applied.
                let absent = if self.plan_mode == PlanMode::Destroy {
                    Value::dynamic_unknown()
                } else {
                    Value::null_dynamic()
                };
                for (addr, each) in resources {
                    let vals = values.remove(&addr).unwrap_or_default();
                    self.common
                        .eval
                        .set_resource_or(addr, each, vals, absent.clone());
                }
                ok
            }
        }
    }
}

impl Applier {
    fn provider_for(
        &self,
        cr: &ConfigResource,
    ) -> Option<(ProviderConfig, Arc<dyn terrane_provider_api::Provider>)> {
        let config = &self.common.ctx.config;
        let pc = match config
            .module(&cr.module)
            .and_then(|m| m.module.resources.get(&cr.resource))
        {
            Some(rc) => {
                let (name, alias) = match &rc.provider {
                    Some((n, a)) => (n.clone(), a.clone()),
                    None => (cr.resource.implied_provider().to_string(), None),
                };
                resolve_provider(config, &cr.module, &name, alias.as_deref())
            }
            None => self
                .prior_by_config
                .get(cr)
                .and_then(|addrs| addrs.first())
                .and_then(|a| self.prior.resource(a))
                .map(|r| r.provider.clone())?,
        };
        let p = self.common.providers.get(&pc)?.clone();
        Some((pc, p))
    }

    fn shared(&self, cr: &ConfigResource) -> Result<Arc<ApplyShared>, Diagnostics> {
        let Some((pc, provider)) = self.provider_for(cr) else {
            return Err(Diagnostics::from(Diagnostic::error(
                "Provider not configured",
                format!("No configured provider for {cr}."),
            )));
        };
        let ps = self
            .common
            .schemas
            .get(&pc.provider)
            .cloned()
            .ok_or_else(Diagnostics::new)?;
        let table = if cr.resource.mode == ResourceMode::Managed {
            &ps.resources
        } else {
            &ps.data_sources
        };
        let schema = table
            .get(&cr.resource.ty)
            .cloned()
            .ok_or_else(Diagnostics::new)?;
        let cfg = self
            .common
            .ctx
            .config
            .module(&cr.module)
            .and_then(|m| m.module.resources.get(&cr.resource))
            .cloned();
        Ok(Arc::new(ApplyShared {
            ty: schema.block.implied_type(),
            schema,
            cfg,
            provider,
            provider_config: pc,
            functions: self.common.ctx.functions.clone(),
            sem: self.sem.clone(),
            sink: self.sink.clone(),
            observer: self.common.ctx.observer.clone(),
        }))
    }

    fn start_resource(&mut self, cr: &ConfigResource) -> Task<ApplyOut> {
        let shared = match self.shared(cr) {
            Ok(s) => s,
            Err(d) => return Task::Done(ApplyOut::Resource(Vec::new(), Vec::new(), d)),
        };
        let Some(rc) = shared.cfg.clone() else {
            return Task::Done(ApplyOut::Resource(
                Vec::new(),
                Vec::new(),
                Diagnostics::new(),
            ));
        };
        let mut diags = Diagnostics::new();
        let mut jobs = Vec::new();
        let mut resources = Vec::new();
        let mut immediate = Vec::new();
        let refs = resource_refs(&rc);
        for mi in self.common.eval.module_instances(&cr.module) {
            let addr = AbsResource {
                module: mi.clone(),
                resource: cr.resource.clone(),
            };
            let count_refs = expr_refs(rc.count.iter().chain(rc.for_each.iter()));
            let names = self.common.scope(&mi, &count_refs, &Repetition::Single);
            let ectx = EvalContext::with_names(&self.common.ctx.functions, names);
            let expansion = if self.plan_mode == PlanMode::Destroy {
                None
            } else {
                match expand(rc.count.as_ref(), rc.for_each.as_ref(), &ectx) {
                    Ok(e) => Some(e),
                    Err(d) => {
                        diags.extend(d);
                        continue;
                    }
                }
            };
            // Destroying does not expand: the state gives the shape, else the configuration (a
            // `for_each` over an empty map is `{}`).
            let configured = if rc.for_each.is_some() {
                terrane_state::EachMode::Map
            } else if rc.count.is_some() {
                terrane_state::EachMode::List
            } else {
                terrane_state::EachMode::None
            };
            let in_state = self
                .prior
                .resource(&addr)
                .or_else(|| self.before.resource(&addr));
            let each = match &expansion {
                Some(e) => e.each,
                None => in_state.map_or(configured, |r| r.each),
            };
            resources.push((addr.clone(), each));
            if expansion.is_none() {
                // Destroying: expressions still see the objects as the state has them.
                if let Some(rs) = in_state {
                    for (key, inst) in &rs.instances {
                        if let Some(v) =
                            inst.current.as_ref().and_then(|o| o.value(&shared.ty).ok())
                        {
                            immediate.push(InstanceResult {
                                addr: addr.instance(key.clone()),
                                value: Some(crate::objects::mark_schema_sensitive(
                                    &shared.schema.block,
                                    &v,
                                )),
                                diags: Diagnostics::new(),
                            });
                        }
                    }
                }
            }
            for rep in expansion.iter().flat_map(|e| e.instances.iter()) {
                let iaddr = addr.instance(rep.key());
                let change = self.changes.get(&iaddr).cloned();
                match change {
                    Some(c) if c.action != Action::NoOp && c.action != Action::Delete => {
                        let scope = self.common.scope(&mi, &refs, rep);
                        let prior = self.prior.object(&iaddr).cloned().or_else(|| {
                            c.prev_run_addr
                                .as_ref()
                                .and_then(|p| self.prior.object(p).cloned())
                        });
                        jobs.push((iaddr, c, scope, prior, each));
                    }
                    _ => {
                        // Unchanged: its value is what the state holds.
                        let prior = self.prior.object(&iaddr).or_else(|| {
                            change
                                .as_ref()
                                .and_then(|c| c.prev_run_addr.as_ref())
                                .and_then(|p| self.prior.object(p))
                        });
                        if let Some(o) = prior {
                            if let Ok(v) = o.value(&shared.ty) {
                                immediate.push(InstanceResult {
                                    addr: iaddr,
                                    value: Some(crate::objects::mark_schema_sensitive(
                                        &shared.schema.block,
                                        &v,
                                    )),
                                    diags: Diagnostics::new(),
                                });
                            }
                        }
                    }
                }
            }
        }
        Task::Spawn(Box::pin(async move {
            let mut set = tokio::task::JoinSet::new();
            for (addr, change, scope, prior, each) in jobs {
                set.spawn(apply_change(
                    shared.clone(),
                    addr,
                    change,
                    scope,
                    prior,
                    each,
                ));
            }
            let mut results = immediate;
            while let Some(r) = set.join_next().await {
                results.push(r.expect("apply task panicked"));
            }
            ApplyOut::Resource(results, resources, diags)
        }))
    }

    fn start_destroy(&mut self, cr: &ConfigResource) -> Task<ApplyOut> {
        let shared = match self.shared(cr) {
            Ok(s) => s,
            Err(d) => return Task::Done(ApplyOut::Resource(Vec::new(), Vec::new(), d)),
        };
        let mut jobs = Vec::new();
        for c in self.deletes_by_config.get(cr).into_iter().flatten() {
            let prior = self.prior.object(&c.addr).cloned();
            jobs.push((c.clone(), prior));
        }
        jobs.sort_by(|a, b| a.0.addr.cmp(&b.0.addr));
        Task::Spawn(Box::pin(async move {
            let mut set = tokio::task::JoinSet::new();
            for (change, prior) in jobs {
                set.spawn(destroy_change(shared.clone(), change, prior));
            }
            let mut results = Vec::new();
            while let Some(r) = set.join_next().await {
                results.push(r.expect("destroy task panicked"));
            }
            ApplyOut::Resource(results, Vec::new(), Diagnostics::new())
        }))
    }
}
