//! What plan and apply walks share: the run context, and the evaluation of variables, locals,
//! outputs, module expansions and provider configurations.

use crate::eval_state::{EvalState, Repetition};
use crate::expand::expand_or_stand_in;
use crate::graph::Node;
use crate::providers::{ProviderFactory, Schemas};
use crate::refs::expr_refs;
use crate::scope::{RunInfo, build_scope};
use crate::variables::{RawInput, finalize, parse_text};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use terrane_addrs::{ModuleInstance, ModulePath, ProviderConfig};
use terrane_config::Config;
use terrane_config::refs::RefSubject;
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_lang::decode::decode_body;
use terrane_lang::{EvalContext, Functions, evaluate};
use terrane_provider_api::{ConfigureRequest, Provider};
use terrane_values::{Marks, Value};

/// Everything a walk needs that does not change during it.
#[derive(Clone)]
pub struct Context {
    /// The configuration.
    pub config: Arc<Config>,
    /// Makes provider instances.
    pub factory: Arc<dyn ProviderFactory>,
    /// The function table.
    pub functions: Arc<Functions>,
    /// The working directory and workspace.
    pub run: RunInfo,
    /// How many provider operations may run at once.
    pub parallelism: usize,
    /// Receives progress events.
    pub observer: Arc<dyn crate::events::Observer>,
}

/// Walk state shared by the plan and apply executors.
pub(crate) struct Common {
    pub ctx: Context,
    pub eval: EvalState,
    pub schemas: Schemas,
    pub providers: HashMap<ProviderConfig, Arc<dyn Provider>>,
    pub diags: Diagnostics,
    pub inputs: BTreeMap<String, RawInput>,
    pub root_values: BTreeMap<String, Value>,
    /// Validating: root variables and `count`/`for_each` are unknown, providers are not configured.
    pub validate_only: bool,
}

/// The outcome of a node that the shared code runs.
pub(crate) enum CommonOut {
    Done(Diagnostics),
    Provider(ProviderConfig, Arc<dyn Provider>, Diagnostics),
}

impl Common {
    pub fn new(ctx: Context, schemas: Schemas, inputs: BTreeMap<String, RawInput>) -> Common {
        Common {
            ctx,
            eval: EvalState::new(),
            schemas,
            providers: HashMap::new(),
            diags: Diagnostics::new(),
            inputs,
            root_values: BTreeMap::new(),
            validate_only: false,
        }
    }

    pub fn scope(
        &self,
        module: &ModuleInstance,
        refs: &[RefSubject],
        rep: &Repetition,
    ) -> terrane_lang::Names {
        build_scope(
            &self.ctx.config,
            &self.eval,
            &self.ctx.run,
            module,
            refs,
            rep,
        )
    }

    pub fn eval_in(
        &self,
        module: &ModuleInstance,
        expr: &terrane_config::ast::Expr,
        rep: &Repetition,
    ) -> (Value, Diagnostics) {
        let refs = expr_refs([expr]);
        let names = self.scope(module, &refs, rep);
        let ectx = EvalContext::with_names(&self.ctx.functions, names);
        evaluate(expr, &ectx)
    }

    /// Runs a variable, local, output or module expansion node (returns `None` for other nodes).
    pub fn run_value_node(&mut self, node: &Node) -> Option<Diagnostics> {
        Some(match node {
            Node::Variable(path, name) => self.variable(path, name),
            Node::Local(path, name) => {
                let mut diags = Diagnostics::new();
                let config = self.ctx.config.clone();
                let Some(l) = config.module(path).and_then(|m| m.module.locals.get(name)) else {
                    return Some(diags);
                };
                for inst in self.eval.module_instances(path) {
                    let (v, d) = self.eval_in(&inst, &l.expr, &Repetition::Single);
                    diags.extend(d);
                    self.eval.locals.insert((inst, name.clone()), v);
                }
                diags
            }
            Node::ModuleExpand(parent, call) => self.expand_module(parent, call),
            _ => return None,
        })
    }

    fn variable(&mut self, path: &ModulePath, name: &str) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let config = self.ctx.config.clone();
        let Some(var) = config
            .module(path)
            .and_then(|m| m.module.variables.get(name))
        else {
            return diags;
        };
        if path.is_root() {
            let raw = match self.inputs.get(name) {
                // validating: whatever value it will have is not known yet
                _ if self.validate_only => Some((Value::dynamic_unknown(), None)),
                Some(RawInput::Text { text, source }) => match parse_text(var, text, source) {
                    Ok(v) => Some((v, None)),
                    Err(d) => {
                        diags.extend(d);
                        return diags;
                    }
                },
                Some(RawInput::Value { value, range }) => Some((value.clone(), range.clone())),
                None => None,
            };
            let (raw, range) = match raw {
                Some((v, r)) => (Some(v), r),
                None => (None, None),
            };
            match finalize(var, raw, range.as_ref(), &self.ctx.functions) {
                Ok(v) => {
                    self.root_values.insert(name.to_string(), v.clone());
                    self.eval
                        .variables
                        .insert((ModuleInstance::root(), name.to_string()), v);
                }
                Err(d) => diags.extend(d),
            }
            return diags;
        }
        let parent_path = path.parent().expect("non-root");
        let call_name = path.0.last().expect("non-root").clone();
        let arg = config
            .module(&parent_path)
            .and_then(|m| m.module.module_calls.get(&call_name))
            .and_then(|c| c.inputs.attr(name));
        for inst in self.eval.module_instances(path) {
            let (parent, _) = inst.split_last().expect("child instance");
            let rep = self
                .eval
                .module_repetition
                .get(&inst)
                .cloned()
                .unwrap_or(Repetition::Single);
            let raw = match arg {
                Some(a) => {
                    let (v, d) = self.eval_in(&parent, &a.expr, &rep);
                    let failed = d.has_errors();
                    diags.extend(d);
                    if failed {
                        continue;
                    }
                    Some(v)
                }
                None => None,
            };
            match finalize(var, raw, arg.map(|a| &a.expr.range), &self.ctx.functions) {
                Ok(v) => {
                    self.eval.variables.insert((inst, name.to_string()), v);
                }
                Err(d) => diags.extend(d),
            }
        }
        diags
    }

    fn expand_module(&mut self, parent: &ModulePath, call: &str) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let config = self.ctx.config.clone();
        let Some(call_cfg) = config
            .module(parent)
            .and_then(|m| m.module.module_calls.get(call))
        else {
            return diags;
        };
        let child_path = parent.child(call);
        let mut children = Vec::new();
        for inst in self.eval.module_instances(parent) {
            let refs = expr_refs(call_cfg.count.iter().chain(call_cfg.for_each.iter()));
            let names = self.scope(&inst, &refs, &Repetition::Single);
            let ectx = EvalContext::with_names(&self.ctx.functions, names);
            let expanded = expand_or_stand_in(
                self.validate_only,
                call_cfg.count.as_ref(),
                call_cfg.for_each.as_ref(),
                &ectx,
            );
            if self.validate_only
                && matches!(&expanded, Ok(e) if e.each != terrane_state::EachMode::None)
            {
                // its instances are not known: references to the call see an unknown value
                self.eval.unknown_modules.push(child_path.clone());
            }
            match expanded {
                Ok(exp) => {
                    for rep in exp.instances {
                        let child = inst.child(call, rep.key());
                        self.eval.module_repetition.insert(child.clone(), rep);
                        children.push(child);
                    }
                }
                Err(d) => {
                    diags.extend(d);
                    self.eval.unknown_modules.push(child_path.clone());
                }
            }
        }
        self.eval.modules.insert(child_path, children);
        diags
    }

    /// Starts configuring a provider: evaluates its block and returns the configure future.
    pub fn start_provider(
        &mut self,
        pc: &ProviderConfig,
    ) -> Result<std::pin::Pin<Box<dyn std::future::Future<Output = CommonOut> + Send>>, Diagnostics>
    {
        let Some(provider) = self.ctx.factory.instantiate(&pc.provider) else {
            return Err(Diagnostics::from(Diagnostic::error(
                "Provider not available",
                format!(
                    "terrane has no provider {}. The built-in providers are null, random, local, time, terraform and aws.",
                    pc.provider
                ),
            )));
        };
        let schema = provider.schema();
        let config = self.ctx.config.clone();
        let block = config.module(&pc.module).and_then(|n| {
            n.module.providers.iter().find(|p| {
                n.module.provider_for_local_name(&p.name) == pc.provider && p.alias == pc.alias
            })
        });
        let inst = self
            .eval
            .module_instances(&pc.module)
            .into_iter()
            .next()
            .unwrap_or_else(ModuleInstance::root);
        let (cfg, diags) = match block {
            Some(b) => {
                // Nested blocks count too (`default_tags { tags = { Team = var.team } }`).
                let refs = crate::refs::subjects(crate::refs::body_traversals(&b.body));
                let names = self.scope(&inst, &refs, &Repetition::Single);
                let ectx = EvalContext::with_names(&self.ctx.functions, names);
                decode_body(&b.body, &schema.provider.block, &ectx)
            }
            None => {
                let empty = terrane_config::body::Body::empty(terrane_diagnostics::SourceRange {
                    file: std::sync::Arc::from(""),
                    start: Default::default(),
                    end: Default::default(),
                });
                let ectx = EvalContext::new(&self.ctx.functions);
                decode_body(&empty, &schema.provider.block, &ectx)
            }
        };
        if diags.has_errors() {
            return Err(diags);
        }
        let pc = pc.clone();
        let (cfg, _) = cfg.unmark_deep();
        if self.validate_only {
            // validating checks the provider's configuration, and configures nothing
            return Ok(Box::pin(
                async move { CommonOut::Provider(pc, provider, diags) },
            ));
        }
        Ok(Box::pin(async move {
            let resp = provider.configure(ConfigureRequest { config: cfg }).await;
            let mut d = diags;
            d.extend(resp.diagnostics);
            CommonOut::Provider(pc, provider, d)
        }))
    }

    /// Merges a shared node's result; returns whether it succeeded.
    pub fn finish_common(&mut self, out: CommonOut) -> bool {
        match out {
            CommonOut::Done(d) => {
                let ok = !d.has_errors();
                self.diags.extend(d);
                ok
            }
            CommonOut::Provider(pc, p, d) => {
                let ok = !d.has_errors();
                self.diags.extend(d);
                if ok {
                    self.providers.insert(pc, p);
                }
                ok
            }
        }
    }

    /// Evaluates an output in every instance of its module; returns the root value, if root.
    pub fn output(&mut self, path: &ModulePath, name: &str) -> (Option<Value>, Diagnostics) {
        let mut diags = Diagnostics::new();
        let config = self.ctx.config.clone();
        let Some(o) = config.module(path).and_then(|m| m.module.outputs.get(name)) else {
            return (None, diags);
        };
        let mut root_value = None;
        for inst in self.eval.module_instances(path) {
            let (v, d) = self.eval_in(&inst, &o.expr, &Repetition::Single);
            let failed = d.has_errors();
            diags.extend(d);
            if failed {
                continue;
            }
            for p in &o.preconditions {
                let (c, d) = self.eval_in(&inst, &p.condition, &Repetition::Single);
                diags.extend(d);
                if c.unmark_deep().0.as_bool() == Some(false) {
                    let (m, _) = self.eval_in(&inst, &p.error_message, &Repetition::Single);
                    diags.push(
                        Diagnostic::error(
                            "Module output value precondition failed",
                            m.unmark_deep().0.as_str().unwrap_or_default(),
                        )
                        .with_subject(p.condition.range.clone()),
                    );
                }
            }
            if !o.sensitive && v.marks_deep().is_sensitive() {
                diags.push(
                    Diagnostic::error(
                        "Output refers to sensitive values",
                        "To reduce the risk of accidentally exporting sensitive data that was intended to be only internal, terrane requires that any root module output containing sensitive data be explicitly marked as sensitive, to confirm your intent.\n\nIf you do intend to export this data, annotate the output value as sensitive by adding the following argument:\n    sensitive = true",
                    )
                    .with_subject(o.range.clone()),
                );
                continue;
            }
            if !o.ephemeral && v.marks_deep().contains(Marks::EPHEMERAL) {
                diags.push(
                    Diagnostic::error(
                        "Ephemeral value not allowed",
                        "This output value is not declared as returning an ephemeral value, so it cannot be set to a result derived from an ephemeral value.",
                    )
                    .with_subject(o.expr.range.clone()),
                );
                continue;
            }
            // an ephemeral output of a child module: its value is ephemeral wherever it is used
            let v = if o.ephemeral {
                v.mark(Marks::EPHEMERAL)
            } else {
                v
            };
            if inst.is_root() {
                root_value = Some(v.clone());
            }
            self.eval.outputs.insert((inst, name.to_string()), v);
        }
        (root_value, diags)
    }
}

impl Common {
    /// Evaluates every `check` block in every instance of its module, after the walk. Failed
    /// assertions and failed reads of scoped data sources are warnings; results not known yet are
    /// left for apply.
    pub async fn run_checks(&mut self) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let config = self.ctx.config.clone();
        for node in config.all_modules() {
            for check in &node.module.checks {
                for inst in self.eval.module_instances(&node.path) {
                    let mut refs = Vec::new();
                    for a in &check.asserts {
                        refs.extend(crate::refs::expr_refs([&a.condition, &a.error_message]));
                    }
                    let mut names = self.scope(&inst, &refs, &Repetition::Single);
                    if let Some(d) = &check.data {
                        match self.read_scoped_data(&inst, d).await {
                            Ok(v) => {
                                let mut data = names
                                    .remove("data")
                                    .and_then(|v| v.as_map().cloned())
                                    .unwrap_or_default();
                                let mut of_type = data
                                    .get(&d.addr.ty)
                                    .and_then(|v| v.as_map().cloned())
                                    .unwrap_or_default();
                                of_type.insert(d.addr.name.clone(), v);
                                data.insert(d.addr.ty.clone(), Value::object(of_type));
                                names.insert("data".into(), Value::object(data));
                            }
                            Err(errs) => {
                                for e in errs {
                                    diags.push(
                                        terrane_diagnostics::Diagnostic::warning(
                                            e.summary, e.detail,
                                        )
                                        .with_subject(e.subject),
                                    );
                                }
                                continue;
                            }
                        }
                    }
                    let ectx = EvalContext::with_names(&self.ctx.functions, names);
                    for a in &check.asserts {
                        let (ok, d) = evaluate(&a.condition, &ectx);
                        if d.has_errors() {
                            for e in d {
                                diags.push(
                                    terrane_diagnostics::Diagnostic::warning(e.summary, e.detail)
                                        .with_subject(e.subject),
                                );
                            }
                            continue;
                        }
                        if ok.unmark_deep().0.as_bool() == Some(false) {
                            let (msg, _) = evaluate(&a.error_message, &ectx);
                            let msg = msg
                                .unmark_deep()
                                .0
                                .as_str()
                                .map(str::to_string)
                                .unwrap_or_default();
                            diags.push(
                                terrane_diagnostics::Diagnostic::warning(
                                    "Check block assertion failed",
                                    msg,
                                )
                                .with_subject(a.condition.range.clone()),
                            );
                        }
                    }
                }
            }
        }
        diags
    }

    async fn read_scoped_data(
        &self,
        inst: &ModuleInstance,
        d: &terrane_config::module::ResourceConfig,
    ) -> Result<Value, Diagnostics> {
        let (name, alias) = match &d.provider {
            Some((n, a)) => (n.clone(), a.clone()),
            None => (d.addr.implied_provider().to_string(), None),
        };
        let pc = crate::providers::resolve_provider(
            &self.ctx.config,
            &inst.module_path(),
            &name,
            alias.as_deref(),
        );
        let provider = self
            .providers
            .get(&pc)
            .cloned()
            .or_else(|| self.ctx.factory.instantiate(&pc.provider));
        let Some(provider) = provider else {
            return Err(Diagnostics::new());
        };
        let schema = provider.schema();
        let Some(ds) = schema.data_sources.get(&d.addr.ty) else {
            return Err(Diagnostics::from(Diagnostic::error(
                "Invalid data source",
                format!("The provider does not support data source {:?}.", d.addr.ty),
            )));
        };
        let refs = crate::refs::subjects(crate::refs::body_traversals(&d.body));
        let names = self.scope(inst, &refs, &Repetition::Single);
        let ectx = EvalContext::with_names(&self.ctx.functions, names);
        let (cfg, diags) = decode_body(&d.body, &ds.block, &ectx);
        if diags.has_errors() {
            return Err(diags);
        }
        if !cfg.is_wholly_known() {
            return Ok(Value::unknown(ds.block.implied_type()));
        }
        let resp = provider
            .read_data_source(terrane_provider_api::ReadDataRequest {
                type_name: d.addr.ty.clone(),
                config: cfg.unmark_deep().0,
            })
            .await;
        if resp.diagnostics.has_errors() {
            return Err(resp.diagnostics);
        }
        Ok(resp.state)
    }
}
