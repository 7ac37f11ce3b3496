//! Planning: refresh every instance, evaluate the configuration, and propose the changes that make
//! the infrastructure match it.

mod instance;

pub(crate) use instance::{check_conditions, restore_marks};

use crate::common::{Common, CommonOut, Context};
use crate::eval_state::Repetition;
use crate::expand::expand_or_stand_in;
use crate::graph::{Graph, GraphInputs, Node, build_plan_graph, resource_dependencies};
use crate::providers::{Schemas, resolve_provider};
use crate::refs::{expr_refs, resource_refs};
use crate::variables::RawInput;
use crate::walk::{Executor, Task, walk};
use instance::{Job, Outcome, Shared, plan_data, plan_managed};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use terrane_addrs::{
    AbsResource, AbsResourceInstance, ConfigResource, InstanceKey, ResourceMode, Target,
};
use terrane_config::validate::validate_with as validate_config_with;
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_lang::EvalContext;
use terrane_lang::decode::check_body_structure;
use terrane_plan::{Action, ActionReason, OutputChange, Plan, PlanMode, ResourceChange};
use terrane_state::{EachMode, State};
use terrane_values::Value;
use tokio::sync::Semaphore;

/// What to plan.
#[derive(Clone, Debug, Default)]
pub struct PlanOptions {
    /// Normal, destroy or refresh-only.
    pub mode: PlanMode,
    /// Whether to refresh objects through their providers first.
    pub refresh: bool,
    /// `-target` addresses: plan only these and what they depend on.
    pub targets: Vec<Target>,
    /// `-replace` addresses: replace these even if nothing changed.
    pub replace: Vec<AbsResourceInstance>,
    /// `-exclude` addresses: leave these, and everything that depends on them, out of the plan.
    pub excludes: Vec<Target>,
    /// Values for the root module's input variables.
    pub inputs: BTreeMap<String, RawInput>,
    /// Evaluate only, from the state (the console): a resource the state has no object of is
    /// unknown rather than null.
    pub evaluate_only: bool,
    /// Check the configuration as `terrane validate` does, without state or variables: every root
    /// variable, `count` and `for_each` unknown, each resource's configuration decoded once and
    /// validated by its provider, nothing planned, no provider configured.
    pub validate_only: bool,
    /// Resources whose configuration is still to be written (`plan -generate-config-out` imports
    /// their objects first): the arguments of their placeholder blocks are not checked.
    pub unchecked: Vec<ConfigResource>,
}

/// Checks the configuration without evaluating it against state: references, block structure
/// against provider schemas, providers available. Returns the loaded schemas when valid.
pub fn validate(ctx: &Context, state: &State) -> (Schemas, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut schemas = Schemas::default();
    // what references may name after each resource's address, from its schema: one list per
    // resource type, and each resource's index into them
    let mut lists: Vec<Vec<String>> = Vec::new();
    let mut list_of_type: HashMap<(terrane_addrs::Provider, ResourceMode, &str), usize> =
        HashMap::new();
    let mut names: HashMap<&terrane_addrs::ModulePath, HashMap<&terrane_addrs::Resource, usize>> =
        HashMap::new();
    for node in ctx.config.all_modules() {
        diags.extend(check_variable_defaults(ctx, &node.module));
        for (addr, r) in &node.module.resources {
            let (name, alias) = match &r.provider {
                Some((n, a)) => (n.clone(), a.clone()),
                None => (addr.implied_provider().to_string(), None),
            };
            let pc = resolve_provider(&ctx.config, &node.path, &name, alias.as_deref());
            let Some(ps) = schemas.get_or_load(&pc.provider, ctx.factory.as_ref()) else {
                diags.push(
                    Diagnostic::error(
                        "Provider not available",
                        format!(
                            "The resource {} needs the provider {}, which terrane does not have. The built-in providers are hashicorp/null, hashicorp/random, hashicorp/local, hashicorp/time, terraform and hashicorp/aws.",
                            addr, pc.provider
                        ),
                    )
                    .with_subject(r.range.clone()),
                );
                continue;
            };
            let table = if addr.mode == ResourceMode::Managed {
                &ps.resources
            } else {
                &ps.data_sources
            };
            match table.get(&addr.ty) {
                Some(s) => {
                    diags.extend(check_body_structure(&r.body, &s.block));
                    let i = *list_of_type
                        .entry((pc.provider.clone(), addr.mode, addr.ty.as_str()))
                        .or_insert_with(|| {
                            let block = &s.block;
                            lists.push(
                                block
                                    .attributes
                                    .keys()
                                    .chain(block.block_types.keys())
                                    .cloned()
                                    .collect(),
                            );
                            lists.len() - 1
                        });
                    names.entry(&node.path).or_default().insert(addr, i);
                }
                None => {
                    let kind = if addr.mode == ResourceMode::Managed {
                        "resource type"
                    } else {
                        "data source"
                    };
                    diags.push(
                        Diagnostic::error(
                            format!("Invalid {kind}"),
                            format!(
                                "The provider {} does not support {kind} {:?}.",
                                pc.provider, addr.ty
                            ),
                        )
                        .with_subject(r.range.clone()),
                    );
                }
            }
        }
    }
    let lists = &lists;
    let lookup = move |path: &terrane_addrs::ModulePath, res: &terrane_addrs::Resource| {
        names
            .get(path)
            .and_then(|m| m.get(res))
            .map(|&i| lists[i].as_slice())
    };
    let functions =
        |name: &str, range: &terrane_diagnostics::SourceRange| ctx.functions.unknown(name, range);
    let knowledge = terrane_config::validate::Knowledge {
        resource_names: Some(&lookup),
        functions: Some(&functions),
    };
    let mut config_diags = validate_config_with(&ctx.config, knowledge);
    config_diags.extend(diags);
    let mut diags = config_diags;
    for (_, rs) in &state.resources {
        if schemas
            .get_or_load(&rs.provider.provider, ctx.factory.as_ref())
            .is_none()
        {
            diags.push(Diagnostic::error(
                "Provider not available",
                format!("The state has objects managed by the provider {}, which terrane does not have.", rs.provider.provider),
            ));
        }
    }
    (schemas, diags)
}

/// Variable defaults that their type constraint refuses, as Terraform reports them when loading.
fn check_variable_defaults(ctx: &Context, module: &terrane_config::Module) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for var in module.variables.values() {
        let (Some(default), Some(spec)) = (&var.default, &var.type_spec) else {
            continue;
        };
        let (v, d) = terrane_lang::evaluate(default, &EvalContext::new(&ctx.functions));
        if d.has_errors() || v.is_null() {
            continue;
        }
        let v = match &spec.defaults {
            Some(defaults) => {
                crate::variables::apply_defaults(&v, &spec.ty, defaults, &ctx.functions)
            }
            None => v,
        };
        if let Err(e) = terrane_values::convert(&v, &spec.ty) {
            diags.push(
                Diagnostic::error(
                    "Invalid default value for variable",
                    format!("This default value is not compatible with the variable's type constraint: {e}."),
                )
                .with_subject(default.range.clone()),
            );
        }
    }
    diags
}

/// A warning for each create that an earlier run started and never recorded the end of.
fn interrupted_creates(state: &State) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for (addr, intent) in &state.intents {
        let recorded = if state_has(state, addr) {
            "An object is recorded for it now"
        } else {
            "No object is recorded for it"
        };
        diags.push(Diagnostic::warning(
            format!("Interrupted {} of {addr}", intent.action),
            format!(
                "An earlier run of terrane stopped at {} while {} was creating {addr}, before the result \
                 was recorded. The object may exist without being in the state. {recorded}; this plan \
                 treats it as the state says. If the object was created, import it with \
                 `terrane import {addr} ID` (or delete it) before applying, so that it is not created \
                 twice. The warning goes away when {addr} is next created or removed from the state.",
                intent.started, intent.provider
            ),
        ));
    }
    diags
}

fn state_has(state: &State, addr: &str) -> bool {
    state.resources.iter().any(|(a, r)| {
        r.instances
            .iter()
            .any(|(k, i)| i.current.is_some() && a.instance(k.clone()).to_string() == addr)
    })
}

/// Makes a plan. The plan is returned even with errors (marked errored), for rendering what is known.
pub async fn plan(ctx: &Context, state: &State, opts: &PlanOptions) -> (Plan, Diagnostics) {
    let (plan, diags, _) = plan_walk(ctx, state, opts).await;
    (plan, diags)
}

/// The plan, and the values the walk computed (`None` when it stopped before walking).
pub(crate) async fn plan_walk(
    ctx: &Context,
    state: &State,
    opts: &PlanOptions,
) -> (Plan, Diagnostics, Option<Common>) {
    let (moved, move_diags) = crate::moves::apply_moves(&ctx.config, state);
    // Validation and building the graph both only read the configuration: the graph is built on
    // another thread meanwhile, and dropped unused when validation finds errors.
    let ((schemas, mut diags), built) = std::thread::scope(|s| {
        let built = s.spawn(|| {
            build_plan_graph(&GraphInputs {
                config: &ctx.config,
                state: &moved.state,
            })
        });
        let validated = validate(ctx, state);
        (validated, built.join().expect("graph building panicked"))
    });
    if !opts.unchecked.is_empty() {
        // each block from its header to its closing brace
        let spans: Vec<(&str, u32, u32)> = opts
            .unchecked
            .iter()
            .filter_map(|r| {
                ctx.config
                    .module(&r.module)?
                    .module
                    .resources
                    .get(&r.resource)
            })
            .map(|r| {
                let (h, b) = (&r.range, &r.body.range);
                (
                    &*h.file,
                    h.start.byte.min(b.start.byte),
                    h.end.byte.max(b.end.byte),
                )
            })
            .collect();
        let inside = |d: &Diagnostic| {
            d.subject.as_ref().is_some_and(|s| {
                spans.iter().any(|(file, start, end)| {
                    *file == &*s.file && *start <= s.start.byte && s.end.byte <= *end
                })
            })
        };
        diags = diags.iter().filter(|d| !inside(d)).cloned().collect();
    }
    diags.extend(interrupted_creates(state));
    let original = state;
    diags.extend(move_diags);
    let previous = moved.previous;
    let state = &moved.state;
    let mut plan = Plan {
        mode: opts.mode,
        moved: previous
            .iter()
            .map(|(new, old)| (old.clone(), new.clone()))
            .collect(),
        prev_run_state: original.clone(),
        prior_state: state.clone(),
        targets: opts.targets.clone(),
        ..Plan::default()
    };
    if diags.has_errors() {
        plan.errored = true;
        return (plan, diags, None);
    }
    let mut graph = match built {
        Ok(g) => g,
        Err(d) => {
            diags.extend(d);
            plan.errored = true;
            return (plan, diags, None);
        }
    };
    if !opts.targets.is_empty() {
        filter_targets(&mut graph, &opts.targets);
    }
    if !opts.excludes.is_empty() {
        filter_excludes(&mut graph, &opts.excludes);
    }
    let deps = resource_dependencies(&graph);
    let mut planner = Planner {
        common: Common::new(ctx.clone(), schemas, opts.inputs.clone()),
        opts: opts.clone(),
        prev: state.clone(),
        refreshed: state.clone(),
        changes: Vec::new(),
        drift: Vec::new(),
        refresh_errors: Vec::new(),
        drift_config_paths: Vec::new(),
        outputs: Vec::new(),
        sem: Arc::new(Semaphore::new(ctx.parallelism.max(1))),
        deps,
        pending: BTreeSet::new(),
        included: graph
            .indices()
            .filter_map(|i| match graph.node(i) {
                Node::Resource(r) | Node::Orphan(r) => Some(r.clone()),
                _ => None,
            })
            .collect(),
        prefetched: HashMap::new(),
        prev_by_config: state.by_config(),
        previous,
    };
    planner.common.validate_only = opts.validate_only;
    walk(&graph, &mut planner).await;
    if opts.mode == PlanMode::Normal && !opts.validate_only && !planner.common.diags.has_errors() {
        let checks = planner.common.run_checks().await;
        planner.common.diags.extend(checks);
    }
    if opts.mode == PlanMode::Destroy {
        planner.outputs = state
            .outputs
            .iter()
            .map(|(n, o)| OutputChange {
                name: n.clone(),
                action: Action::Delete,
                before: o.value.clone(),
                after: Value::null_dynamic(),
                sensitive: o.sensitive,
            })
            .collect();
    } else if opts.targets.is_empty() {
        for (name, o) in &state.outputs {
            let declared = ctx.config.root.module.outputs.contains_key(name);
            if !declared {
                planner.outputs.push(OutputChange {
                    name: name.clone(),
                    action: Action::Delete,
                    before: o.value.clone(),
                    after: Value::null_dynamic(),
                    sensitive: o.sensitive,
                });
            }
        }
    }
    diags.extend(std::mem::take(&mut planner.common.diags));
    planner
        .changes
        .sort_by(|a, b| a.addr.cmp(&b.addr).then(a.deposed.cmp(&b.deposed)));
    planner.drift.sort_by(|a, b| a.addr.cmp(&b.addr));
    planner.outputs.sort_by(|a, b| a.name.cmp(&b.name));
    plan.variables = std::mem::take(&mut planner.common.root_values);
    plan.changes = planner.changes;
    plan.drift = planner.drift;
    planner.refresh_errors.sort_by(|a, b| a.0.cmp(&b.0));
    plan.refresh_errors = planner.refresh_errors;
    planner.drift_config_paths.sort_by(|a, b| a.0.cmp(&b.0));
    plan.drift_config_paths = planner.drift_config_paths;
    plan.outputs = planner.outputs;
    plan.prior_state = planner.refreshed;
    plan.errored = diags.has_errors();
    (plan, diags, Some(planner.common))
}

/// Keeps only the targeted nodes, what they depend on, and outputs that depend on nothing else.
fn filter_targets(graph: &mut Graph, targets: &[Target]) {
    let mut keep: HashSet<Node> = HashSet::new();
    let mut stack = Vec::new();
    for i in graph.indices() {
        let hit = match graph.node(i) {
            Node::Resource(r) | Node::Orphan(r) => targets.iter().any(|t| match t {
                Target::Module(m) => r.module.0.starts_with(&m.module_path().0),
                Target::Resource(a) => a.config() == *r,
                Target::Instance(a) => a.config() == *r,
            }),
            _ => false,
        };
        if hit {
            stack.push(i);
        }
    }
    while let Some(i) = stack.pop() {
        if keep.insert(graph.node(i).clone()) {
            stack.extend(graph.dependencies(i));
        }
    }
    let outputs: Vec<Node> = graph
        .indices()
        .filter(|i| matches!(graph.node(*i), Node::Output(..)))
        .filter(|i| {
            graph.dependencies(*i).all(|d| {
                keep.contains(graph.node(d)) || !matches!(graph.node(d), Node::Resource(_))
            })
        })
        .map(|i| graph.node(i).clone())
        .collect();
    keep.extend(outputs);
    graph.retain(|n| keep.contains(n));
}

/// Removes excluded resources and everything that depends on them (OpenTofu's `-exclude`). An
/// excluded instance excludes its resource's dependents too, since they may use it.
fn filter_excludes(graph: &mut Graph, excludes: &[Target]) {
    let mut drop: HashSet<Node> = HashSet::new();
    let mut stack = Vec::new();
    for i in graph.indices() {
        let (hit, whole) = match graph.node(i) {
            Node::Resource(r) | Node::Orphan(r) => {
                let mut hit = false;
                let mut whole = false;
                for t in excludes {
                    match t {
                        Target::Module(m) if r.module.0.starts_with(&m.module_path().0) => {
                            hit = true;
                            whole = true;
                        }
                        Target::Resource(a) if a.config() == *r => {
                            hit = true;
                            whole = true;
                        }
                        Target::Instance(a) if a.config() == *r => hit = true,
                        _ => {}
                    }
                }
                (hit, whole)
            }
            _ => (false, false),
        };
        if hit {
            if whole {
                drop.insert(graph.node(i).clone());
            }
            stack.extend(graph.dependents(i));
        }
    }
    while let Some(i) = stack.pop() {
        if drop.insert(graph.node(i).clone()) {
            stack.extend(graph.dependents(i));
        }
    }
    graph.retain(|n| !drop.contains(n));
}

struct Planner {
    common: Common,
    opts: PlanOptions,
    prev: State,
    refreshed: State,
    changes: Vec<ResourceChange>,
    drift: Vec<ResourceChange>,
    /// Drifted instances: the attributes their configuration would change back.
    drift_config_paths: Vec<(AbsResourceInstance, Vec<terrane_values::Path>)>,
    /// Instances whose refresh failed, with the errors.
    refresh_errors: Vec<(AbsResourceInstance, Diagnostics)>,
    outputs: Vec<OutputChange>,
    sem: Arc<Semaphore>,
    deps: BTreeMap<ConfigResource, BTreeSet<ConfigResource>>,
    /// Resources with planned changes, for data sources that depend on them.
    pending: BTreeSet<ConfigResource>,
    /// The resources this plan covers (all, or the targets and their dependencies).
    included: HashSet<ConfigResource>,
    /// Objects refreshed in bulk when their provider was configured, by state address.
    prefetched: HashMap<AbsResourceInstance, terrane_provider_api::ReadResponse>,
    /// The previous state's resources by configuration address.
    prev_by_config: HashMap<ConfigResource, Vec<AbsResource>>,
    /// Instances moved by `moved` blocks: new address → previous address.
    previous: BTreeMap<AbsResourceInstance, AbsResourceInstance>,
}

/// Refreshes objects through their provider, one bulk call per resource type.
async fn bulk_refresh(
    provider: Arc<dyn terrane_provider_api::Provider>,
    reads: Vec<(AbsResourceInstance, terrane_provider_api::ReadRequest)>,
    sem: Arc<Semaphore>,
    observer: Arc<dyn crate::events::Observer>,
) -> Vec<(AbsResourceInstance, terrane_provider_api::ReadResponse)> {
    let mut by_type: BTreeMap<
        String,
        Vec<(AbsResourceInstance, terrane_provider_api::ReadRequest)>,
    > = BTreeMap::new();
    for (addr, req) in reads {
        by_type
            .entry(req.type_name.clone())
            .or_default()
            .push((addr, req));
    }
    let mut set = tokio::task::JoinSet::new();
    for (_, group) in by_type {
        let provider = provider.clone();
        let sem = sem.clone();
        let observer = observer.clone();
        set.spawn(async move {
            let _permit = sem.acquire().await.expect("semaphore open");
            for (addr, req) in &group {
                let id = req
                    .prior_state
                    .get_attr("id")
                    .and_then(|v| v.as_str())
                    .map(str::to_string);
                observer.event(crate::events::Event::Refreshing {
                    addr: addr.clone(),
                    id,
                });
            }
            let (addrs, reqs): (Vec<_>, Vec<_>) = group.into_iter().unzip();
            let resps = provider.read_resources(reqs).await;
            addrs.into_iter().zip(resps).collect::<Vec<_>>()
        });
    }
    let mut out = Vec::new();
    while let Some(r) = set.join_next().await {
        out.extend(r.expect("refresh task panicked"));
    }
    out
}

enum PlanOut {
    Common(CommonOut),
    Provider(
        CommonOut,
        Vec<(AbsResourceInstance, terrane_provider_api::ReadResponse)>,
    ),
    Resource(Vec<Outcome>, Vec<(AbsResource, EachMode)>, Diagnostics),
}

impl Executor for Planner {
    type Output = PlanOut;

    fn start(&mut self, node: &Node) -> Task<PlanOut> {
        if let Some(d) = self.common.run_value_node(node) {
            return Task::Done(PlanOut::Common(CommonOut::Done(d)));
        }
        match node {
            Node::Output(path, _) if path.is_root() && self.opts.mode == PlanMode::Destroy => {
                // Destroying: root outputs are removed, not evaluated.
                Task::Done(PlanOut::Common(CommonOut::Done(Diagnostics::new())))
            }
            Node::Output(path, name) => {
                let (root_value, mut d) = self.common.output(path, name);
                if path.is_root() && !d.has_errors() && self.opts.mode != PlanMode::Destroy {
                    if let Some(v) = root_value {
                        self.output_change(name, v, &mut d);
                    }
                }
                Task::Done(PlanOut::Common(CommonOut::Done(d)))
            }
            Node::Provider(pc) => match self.common.start_provider(pc) {
                Ok(fut) => {
                    let reads = self.bulk_refresh_requests(pc);
                    let sem = self.sem.clone();
                    let observer = self.common.ctx.observer.clone();
                    Task::Spawn(Box::pin(async move {
                        let configured = fut.await;
                        let CommonOut::Provider(_, provider, d) = &configured else {
                            return PlanOut::Common(configured);
                        };
                        if d.has_errors() || reads.is_empty() {
                            return PlanOut::Common(configured);
                        }
                        let refreshed = bulk_refresh(provider.clone(), reads, sem, observer).await;
                        PlanOut::Provider(configured, refreshed)
                    }))
                }
                Err(d) => Task::Done(PlanOut::Common(CommonOut::Done(d))),
            },
            Node::Resource(cr) | Node::Orphan(cr) => {
                self.start_resource(cr, matches!(node, Node::Orphan(_)))
            }
            _ => Task::Done(PlanOut::Common(CommonOut::Done(Diagnostics::new()))),
        }
    }

    fn finish(&mut self, _node: &Node, out: PlanOut) -> bool {
        match out {
            PlanOut::Common(c) => self.common.finish_common(c),
            PlanOut::Provider(c, refreshed) => {
                self.prefetched.extend(refreshed);
                self.common.finish_common(c)
            }
            PlanOut::Resource(outcomes, resources, diags) => {
                let mut ok = !diags.has_errors();
                self.common.diags.extend(diags);
                let mut values: BTreeMap<AbsResource, BTreeMap<InstanceKey, Value>> = resources
                    .iter()
                    .map(|(a, _)| (a.clone(), BTreeMap::new()))
                    .collect();
                for o in outcomes {
                    if let Some(paths) = o.drift_paths {
                        self.drift_config_paths.push((o.addr.clone(), paths));
                    }
                    if o.refresh_failed {
                        self.refresh_errors.push((o.addr.clone(), o.diags.clone()));
                    }
                    // A refresh-only plan goes on past objects it could not read: their dependents
                    // still see the stored objects.
                    let refresh_only_failure =
                        o.refresh_failed && self.opts.mode == PlanMode::RefreshOnly;
                    if o.diags.has_errors() && !refresh_only_failure {
                        ok = false;
                    }
                    self.common.diags.extend(o.diags);
                    if let Some(refreshed) = o.refreshed {
                        let provider = self.provider_of(&o.addr);
                        let was = self.refreshed.object(&o.addr).cloned();
                        let obj = refreshed.map(|mut obj| {
                            if let Some(w) = &was {
                                obj.dependencies = w.dependencies.clone();
                            }
                            obj
                        });
                        self.refreshed.set_object(&o.addr, &provider, o.each, obj);
                    }
                    if let Some(v) = o.value {
                        values
                            .entry(o.addr.abs_resource())
                            .or_default()
                            .insert(o.addr.key().clone(), v);
                    }
                    if let Some(d) = o.drift {
                        self.drift.push(d);
                    }
                    if let Some(c) = o.change {
                        if c.action != Action::NoOp {
                            self.pending.insert(c.addr.config());
                        }
                        self.changes.push(c);
                    }
                }
                // Destroying: an object the state does not have is not known (destroying evaluates
                // no configuration of it); unknown keeps locals and module outputs that refer to
                // it from failing, as when destroying a stack that was never applied.
                let absent = if self.opts.mode == PlanMode::Destroy
                    || self.opts.evaluate_only
                    || self.opts.validate_only
                {
                    Value::dynamic_unknown()
                } else {
                    Value::null_dynamic()
                };
                for (addr, mut each) in resources {
                    let mut vals = values.remove(&addr).unwrap_or_default();
                    if self.opts.validate_only {
                        // validating: no resource has a value yet
                        vals.clear();
                        each = EachMode::None;
                    }
                    if self.opts.evaluate_only && vals.is_empty() {
                        // nothing of it in the state yet: not known until it is applied
                        each = EachMode::None;
                    }
                    self.common
                        .eval
                        .set_resource_or(addr, each, vals, absent.clone());
                }
                ok
            }
        }
    }
}

impl Planner {
    /// The id an `import` block gives for an instance not in state (import blocks live in the root
    /// module and name absolute addresses).
    fn import_id(&self, addr: &AbsResourceInstance, diags: &mut Diagnostics) -> Option<String> {
        for imp in &self.common.ctx.config.root.module.imports {
            let Ok(target) = terrane_addrs::parse_target(&imp.to.to_text()) else {
                continue;
            };
            let matches = match &target {
                Target::Instance(i) => i == addr,
                Target::Resource(r) => r.instance(InstanceKey::None) == *addr,
                Target::Module(_) => false,
            };
            if !matches {
                continue;
            }
            let ctx = EvalContext::new(&self.common.ctx.functions);
            let (v, d) = terrane_lang::evaluate(&imp.id, &ctx);
            if d.has_errors() {
                diags.extend(d);
                return None;
            }
            match v.unmark_deep().0.as_str() {
                Some(s) if !s.is_empty() => return Some(s.to_string()),
                _ => {
                    diags.push(
                        Diagnostic::error(
                            "Invalid import id argument",
                            "The import ID must be a known, non-empty string.",
                        )
                        .with_subject(imp.id.range.clone()),
                    );
                    return None;
                }
            }
        }
        None
    }

    /// Whether a `removed` block with `destroy = false` covers an instance that left the configuration.
    fn forgotten(&self, addr: &AbsResourceInstance) -> bool {
        for node in self.common.ctx.config.all_modules() {
            for r in &node.module.removed {
                if r.destroy {
                    continue;
                }
                let Ok(target) = terrane_addrs::parse_target(&r.from.to_text()) else {
                    continue;
                };
                let base = &node.path;
                let covered = match &target {
                    Target::Module(m) => {
                        let mut full = base.0.clone();
                        full.extend(m.0.iter().map(|s| s.name.clone()));
                        addr.module.module_path().0.starts_with(&full)
                    }
                    Target::Resource(res) => {
                        let mut full = base.0.clone();
                        full.extend(res.module.0.iter().map(|s| s.name.clone()));
                        addr.module.module_path().0 == full
                            && addr.resource.resource == res.resource
                    }
                    Target::Instance(_) => false,
                };
                if covered {
                    return true;
                }
            }
        }
        false
    }

    /// Whether a `replace_triggered_by` reference of a resource changed in this plan.
    fn replace_triggered(
        &self,
        rc: &terrane_config::module::ResourceConfig,
        scope: &terrane_lang::Names,
        module: &terrane_addrs::ModuleInstance,
        diags: &mut Diagnostics,
    ) -> bool {
        use terrane_config::ast::{ExprKind, TraversalStep};
        let mut triggered = false;
        for e in &rc.lifecycle.replace_triggered_by {
            // The expression is a resource reference, optionally indexed (by count.index or each.key)
            // and followed by attributes.
            let mut attrs: Vec<String> = Vec::new();
            let mut cur = e.unwrap_parens();
            let mut key_expr = None;
            loop {
                match &cur.kind {
                    ExprKind::GetAttr(inner, name) => {
                        attrs.insert(0, name.clone());
                        cur = inner;
                    }
                    ExprKind::Index(inner, k) => {
                        key_expr = Some(k.as_ref());
                        cur = inner;
                    }
                    _ => break,
                }
            }
            let Some(t) = cur.as_traversal() else {
                diags.push(
                    Diagnostic::error("Invalid replace_triggered_by expression", "Only resources, count.index, and each.key may be used in replace_triggered_by.")
                        .with_subject(e.range.clone()),
                );
                continue;
            };
            let Ok(r) = terrane_config::refs::parse_ref(t) else {
                continue;
            };
            let (res, mut key) = match r.subject {
                terrane_config::refs::RefSubject::Resource(res) => (res, None),
                terrane_config::refs::RefSubject::ResourceInstance(res, k) => (res, Some(k)),
                _ => {
                    diags.push(
                        Diagnostic::error("Invalid replace_triggered_by expression", "The expression must refer to a managed resource or one of its attributes.")
                            .with_subject(e.range.clone()),
                    );
                    continue;
                }
            };
            let mut steps: Vec<String> = r
                .remaining
                .iter()
                .filter_map(|s| match s {
                    TraversalStep::Attr(a, _) => Some(a.clone()),
                    TraversalStep::Index(..) => None,
                })
                .collect();
            steps.extend(attrs);
            if let Some(k) = key_expr {
                let ectx = EvalContext::with_names(&self.common.ctx.functions, scope.clone());
                let (kv, _) = terrane_lang::evaluate(k, &ectx);
                key = match kv.kind() {
                    terrane_values::Kind::Number(n) => n.to_i64().map(InstanceKey::Int),
                    terrane_values::Kind::String(s) => Some(InstanceKey::Str(s.to_string())),
                    _ => None,
                };
            }
            let target = AbsResource {
                module: module.clone(),
                resource: res,
            };
            for c in self
                .changes
                .iter()
                .filter(|c| c.addr.abs_resource() == target && c.deposed.is_none())
            {
                if key.as_ref().is_some_and(|k| k != c.addr.key()) {
                    continue;
                }
                if matches!(c.action, Action::NoOp | Action::Read) {
                    continue;
                }
                if steps.is_empty() || c.action != Action::Update {
                    triggered = true;
                    continue;
                }
                let at = |v: &Value| {
                    steps
                        .iter()
                        .try_fold(v.clone(), |acc, s| acc.get_attr(s).cloned())
                };
                match (at(&c.before), at(&c.after)) {
                    (Some(b), Some(a)) if crate::objects::same_object(&b, &a) => {}
                    _ => triggered = true,
                }
            }
        }
        triggered
    }

    /// The read requests for every object in state that this provider configuration manages and this
    /// plan covers.
    fn bulk_refresh_requests(
        &self,
        pc: &terrane_addrs::ProviderConfig,
    ) -> Vec<(AbsResourceInstance, terrane_provider_api::ReadRequest)> {
        if !self.opts.refresh {
            return Vec::new();
        }
        let Some(ps) = self.common.schemas.get(&pc.provider) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (addr, rs) in &self.prev.resources {
            if rs.provider != *pc
                || addr.resource.mode != ResourceMode::Managed
                || !self.included.contains(&addr.config())
            {
                continue;
            }
            let Some(schema) = ps.resources.get(&addr.resource.ty) else {
                continue;
            };
            let ty = schema.block.implied_type();
            for (key, inst) in &rs.instances {
                let Some(o) = &inst.current else { continue };
                let Ok(v) = o.value(&ty) else { continue };
                out.push((
                    addr.instance(key.clone()),
                    terrane_provider_api::ReadRequest {
                        type_name: addr.resource.ty.clone(),
                        prior_state: v.unmark_deep().0,
                        private: o.private.clone(),
                    },
                ));
            }
        }
        out
    }

    fn provider_of(&self, addr: &AbsResourceInstance) -> terrane_addrs::ProviderConfig {
        let cr = addr.config();
        match self
            .common
            .ctx
            .config
            .module(&cr.module)
            .and_then(|m| m.module.resources.get(&cr.resource))
        {
            Some(rc) => {
                let (name, alias) = match &rc.provider {
                    Some((n, a)) => (n.clone(), a.clone()),
                    None => (cr.resource.implied_provider().to_string(), None),
                };
                resolve_provider(&self.common.ctx.config, &cr.module, &name, alias.as_deref())
            }
            None => self
                .prev
                .resource(&addr.abs_resource())
                .map(|r| r.provider.clone())
                .unwrap_or_else(|| {
                    resolve_provider(
                        &self.common.ctx.config,
                        &cr.module,
                        cr.resource.implied_provider(),
                        None,
                    )
                }),
        }
    }

    fn output_change(&mut self, name: &str, after: Value, diags: &mut Diagnostics) {
        let sensitive = self
            .common
            .ctx
            .config
            .root
            .module
            .outputs
            .get(name)
            .is_some_and(|o| o.sensitive);
        let before = self.prev.outputs.get(name).map(|o| o.value.clone());
        let _ = diags;
        let action = match &before {
            None if after.is_null() => Action::NoOp,
            None => Action::Create,
            Some(b) if crate::objects::same_object(b, &after) => Action::NoOp,
            Some(_) if after.is_null() => Action::Delete,
            Some(_) => Action::Update,
        };
        self.outputs.push(OutputChange {
            name: name.to_string(),
            action,
            before: before.unwrap_or_else(Value::null_dynamic),
            after,
            sensitive,
        });
    }

    fn start_resource(&mut self, cr: &ConfigResource, orphan_node: bool) -> Task<PlanOut> {
        let config = self.common.ctx.config.clone();
        let rc = if orphan_node {
            None
        } else {
            config
                .module(&cr.module)
                .and_then(|m| m.module.resources.get(&cr.resource))
                .cloned()
        };
        let in_state: Vec<AbsResource> = self.prev_by_config.get(cr).cloned().unwrap_or_default();
        let pc = match in_state.first().and_then(|a| self.prev.resource(a)) {
            Some(rs) if rc.is_none() => rs.provider.clone(),
            _ => {
                let (name, alias) = match rc.as_ref().and_then(|r| r.provider.clone()) {
                    Some((n, a)) => (n, a),
                    None => (cr.resource.implied_provider().to_string(), None),
                };
                resolve_provider(&config, &cr.module, &name, alias.as_deref())
            }
        };
        let Some(provider) = self.common.providers.get(&pc).cloned() else {
            return Task::Done(PlanOut::Resource(
                Vec::new(),
                Vec::new(),
                Diagnostics::from(Diagnostic::error(
                    "Provider not configured",
                    format!("The provider {pc} for {cr} is not configured."),
                )),
            ));
        };
        let Some(ps) = self.common.schemas.get(&pc.provider).cloned() else {
            return Task::Done(PlanOut::Resource(
                Vec::new(),
                Vec::new(),
                Diagnostics::new(),
            ));
        };
        let table = if cr.resource.mode == ResourceMode::Managed {
            &ps.resources
        } else {
            &ps.data_sources
        };
        let Some(schema) = table.get(&cr.resource.ty).cloned() else {
            return Task::Done(PlanOut::Resource(
                Vec::new(),
                Vec::new(),
                Diagnostics::new(),
            ));
        };
        let mut diags = Diagnostics::new();
        let mut jobs = Vec::new();
        let mut kept: Vec<Outcome> = Vec::new();
        let mut resources = Vec::new();
        let module_instances = self.common.eval.module_instances(&cr.module);
        let current: BTreeSet<_> = module_instances.iter().cloned().collect();
        // Instances in modules that are no longer there.
        for (addr, rs) in in_state
            .iter()
            .filter_map(|a| self.prev.resources.get_key_value(a))
        {
            if !current.contains(&addr.module) {
                for (key, inst) in &rs.instances {
                    if let Some(o) = &inst.current {
                        jobs.push(Job {
                            prefetched: None,
                            triggered: false,
                            import_id: None,
                            forget: false,
                            addr: addr.instance(key.clone()),
                            prev_addr: None,
                            each: rs.each,
                            scope: Default::default(),
                            prior: Some(o.clone()),
                            orphan: Some(if rc.is_some() {
                                ActionReason::DeleteBecauseNoModule
                            } else {
                                ActionReason::DeleteBecauseNoResourceConfig
                            }),
                        });
                    }
                }
            }
        }
        let instance_filter: Vec<&AbsResourceInstance> = self
            .opts
            .targets
            .iter()
            .filter_map(|t| match t {
                Target::Instance(i) if i.config() == *cr => Some(i),
                _ => None,
            })
            .collect();
        let excluded_instance = |a: &AbsResourceInstance| {
            self.opts
                .excludes
                .iter()
                .any(|t| matches!(t, Target::Instance(i) if i == a))
        };
        let whole_targeted = self.opts.targets.iter().any(|t| match t {
            Target::Resource(a) => a.config() == *cr,
            Target::Module(m) => cr.module.0.starts_with(&m.module_path().0),
            Target::Instance(_) => false,
        });
        for mi in &module_instances {
            let addr = AbsResource {
                module: mi.clone(),
                resource: cr.resource.clone(),
            };
            let prev_res = self.prev.resource(&addr);
            let Some(rc) = &rc else {
                // Orphan: every instance goes.
                if let Some(rs) = prev_res {
                    for (key, inst) in &rs.instances {
                        if let Some(o) = &inst.current {
                            jobs.push(Job {
                                prefetched: None,
                                triggered: false,
                                import_id: None,
                                forget: false,
                                addr: addr.instance(key.clone()),
                                prev_addr: None,
                                each: rs.each,
                                scope: Default::default(),
                                prior: Some(o.clone()),
                                orphan: Some(ActionReason::DeleteBecauseNoResourceConfig),
                            });
                        }
                    }
                }
                continue;
            };
            let expansion = if self.opts.mode == PlanMode::Destroy {
                None
            } else {
                let refs = expr_refs(rc.count.iter().chain(rc.for_each.iter()));
                let names = self.common.scope(mi, &refs, &Repetition::Single);
                let ectx = EvalContext::with_names(&self.common.ctx.functions, names);
                match expand_or_stand_in(
                    self.opts.validate_only,
                    rc.count.as_ref(),
                    rc.for_each.as_ref(),
                    &ectx,
                ) {
                    Ok(e) => Some(e),
                    Err(d) => {
                        diags.extend(d);
                        continue;
                    }
                }
            };
            // Destroying does not expand; a resource the state has no instances of (a `for_each`
            // over an empty map) still has the shape its configuration gives it: `{}` or `[]`.
            let configured = if rc.for_each.is_some() {
                EachMode::Map
            } else if rc.count.is_some() {
                EachMode::List
            } else {
                EachMode::None
            };
            let each = expansion
                .as_ref()
                .map_or_else(|| prev_res.map_or(configured, |r| r.each), |e| e.each);
            resources.push((addr.clone(), each));
            let refs = resource_refs(rc);
            let mut wanted: BTreeSet<InstanceKey> = BTreeSet::new();
            let mut prior_taken: BTreeSet<InstanceKey> = BTreeSet::new();
            for rep in expansion.iter().flat_map(|e| e.instances.iter()) {
                let key = rep.key();
                wanted.insert(key.clone());
                let iaddr = addr.instance(key.clone());
                // A single instance and index 0 of a count are the same object across a change.
                let (prior, prev_addr) = match prev_res
                    .and_then(|r| r.instances.get(&key))
                    .and_then(|i| i.current.clone())
                {
                    Some(o) => (Some(o), None),
                    None => {
                        let alias = match &key {
                            InstanceKey::Int(0) => Some(InstanceKey::None),
                            InstanceKey::None => Some(InstanceKey::Int(0)),
                            _ => None,
                        };
                        match alias.and_then(|a| {
                            prev_res
                                .and_then(|r| r.instances.get(&a))
                                .and_then(|i| i.current.clone())
                                .map(|o| (a, o))
                        }) {
                            Some((a, o)) => {
                                prior_taken.insert(a.clone());
                                (Some(o), Some(addr.instance(a)))
                            }
                            None => (None, None),
                        }
                    }
                };
                let filtered_out = excluded_instance(&iaddr)
                    || !instance_filter.is_empty()
                        && !whole_targeted
                        && !instance_filter.contains(&&iaddr);
                let scope = self.common.scope(mi, &refs, rep);
                let triggered = self.replace_triggered(rc, &scope, mi, &mut diags);
                let import_id = if prior.is_none() && !self.opts.validate_only {
                    self.import_id(&iaddr, &mut diags)
                } else {
                    None
                };
                jobs.push(Job {
                    prefetched: None,
                    triggered,
                    import_id,
                    forget: false,
                    addr: iaddr,
                    prev_addr,
                    each,
                    scope,
                    prior,
                    orphan: None,
                });
                if filtered_out {
                    // Not targeted (or excluded): plan nothing, but references still see the object.
                    let j = jobs.pop().expect("just pushed");
                    let value = j
                        .prior
                        .as_ref()
                        .and_then(|o| o.value(&schema.block.implied_type()).ok())
                        .map(|v| crate::objects::mark_schema_sensitive(&schema.block, &v));
                    kept.push(Outcome {
                        addr: j.addr,
                        each: j.each,
                        change: None,
                        drift: None,
                        refresh_failed: false,
                        drift_paths: None,
                        refreshed: None,
                        value,
                        diags: Diagnostics::new(),
                    });
                }
            }
            if let Some(rs) = prev_res {
                for (key, inst) in &rs.instances {
                    if expansion.is_some() && (wanted.contains(key) || prior_taken.contains(key)) {
                        continue;
                    }
                    let Some(o) = &inst.current else { continue };
                    let reason = match (&expansion, key) {
                        (None, _) => None,
                        (Some(e), InstanceKey::Int(_)) if e.each == EachMode::List => {
                            Some(ActionReason::DeleteBecauseCountIndex)
                        }
                        (Some(e), InstanceKey::Str(_)) if e.each == EachMode::Map => {
                            Some(ActionReason::DeleteBecauseEachKey)
                        }
                        _ => Some(ActionReason::DeleteBecauseWrongRepetition),
                    };
                    let iaddr = addr.instance(key.clone());
                    if !instance_filter.is_empty()
                        && !whole_targeted
                        && !instance_filter.contains(&&iaddr)
                    {
                        continue;
                    }
                    jobs.push(Job {
                        prefetched: None,
                        triggered: false,
                        import_id: None,
                        forget: false,
                        addr: iaddr,
                        prev_addr: None,
                        each: rs.each,
                        scope: Default::default(),
                        prior: Some(o.clone()),
                        orphan: reason.or(if self.opts.mode == PlanMode::Destroy {
                            None
                        } else {
                            Some(ActionReason::DeleteBecauseNoResourceConfig)
                        }),
                    });
                }
            }
        }
        let deps_pending = rc.as_ref().is_some_and(|r| {
            r.depends_on.iter().any(|t| {
                terrane_config::refs::parse_ref(t)
                    .ok()
                    .is_some_and(|rf| match rf.subject {
                        terrane_config::refs::RefSubject::Resource(res)
                        | terrane_config::refs::RefSubject::ResourceInstance(res, _) => {
                            self.pending.contains(&ConfigResource {
                                module: cr.module.clone(),
                                resource: res,
                            })
                        }
                        _ => false,
                    })
            })
        });
        let dependencies: Vec<AbsResource> = self
            .deps
            .get(cr)
            .map(|ds| {
                ds.iter()
                    .map(|d| AbsResource {
                        module: terrane_addrs::ModuleInstance::root(),
                        resource: d.resource.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let dependencies = dependencies
            .into_iter()
            .zip(self.deps.get(cr).into_iter().flatten())
            .map(|(a, d)| AbsResource {
                module: terrane_addrs::ModuleInstance(
                    d.module
                        .0
                        .iter()
                        .map(|n| terrane_addrs::ModuleInstanceStep {
                            name: n.clone(),
                            key: InstanceKey::None,
                        })
                        .collect(),
                ),
                resource: a.resource,
            })
            .collect();
        let shared = Arc::new(Shared {
            ty: schema.block.implied_type(),
            schema,
            cfg: rc,
            provider,
            provider_config: pc,
            functions: self.common.ctx.functions.clone(),
            mode: self.opts.mode,
            refresh: self.opts.refresh,
            validate_only: self.opts.validate_only,
            replace: self.opts.replace.clone(),
            sem: self.sem.clone(),
            dependencies,
            deps_pending,
        });
        for j in &mut jobs {
            if j.orphan.is_some() {
                j.forget = self.forgotten(&j.addr);
            }
            let state_addr = j.prev_addr.clone().unwrap_or_else(|| j.addr.clone());
            j.prefetched = self.prefetched.remove(&state_addr);
            if j.prev_addr.is_none() {
                j.prev_addr = self.previous.get(&j.addr).cloned();
            }
        }
        let data = cr.resource.mode == ResourceMode::Data;
        Task::Spawn(Box::pin(async move {
            let mut set = tokio::task::JoinSet::new();
            for job in jobs {
                let sh = shared.clone();
                if data {
                    set.spawn(plan_data(sh, job));
                } else {
                    set.spawn(plan_managed(sh, job));
                }
            }
            let mut outcomes = kept;
            while let Some(r) = set.join_next().await {
                outcomes.push(r.expect("instance planning task panicked"));
            }
            PlanOut::Resource(outcomes, resources, diags)
        }))
    }
}
