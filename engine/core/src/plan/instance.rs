//! Planning one resource instance: refresh it through its provider, evaluate its configuration, ask
//! the provider for the planned new state, and decide the action.

use crate::objects::{apply_ignore_changes, mark_schema_sensitive, proposed_new, same_object};
use std::sync::Arc;
use terrane_addrs::{AbsResource, AbsResourceInstance, ProviderConfig};
use terrane_config::module::ResourceConfig;
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_lang::decode::decode_body;
use terrane_lang::{EvalContext, Functions};
use terrane_plan::{Action, ActionReason, PlanMode, ResourceChange};
use terrane_provider_api::{PlanRequest, Provider, ReadDataRequest, ReadRequest, Schema};
use terrane_state::{EachMode, ObjectState, ObjectStatus};
use terrane_values::{Path, Type, Value};
use tokio::sync::Semaphore;

/// What is the same for every instance of a resource.
pub(crate) struct Shared {
    pub cfg: Option<ResourceConfig>,
    pub schema: Schema,
    pub ty: Type,
    pub provider: Arc<dyn Provider>,
    pub provider_config: ProviderConfig,
    pub functions: Arc<Functions>,
    pub mode: PlanMode,
    pub refresh: bool,
    pub validate_only: bool,
    pub replace: Vec<AbsResourceInstance>,
    pub sem: Arc<Semaphore>,
    pub dependencies: Vec<AbsResource>,
    pub deps_pending: bool,
}

/// One instance to plan.
pub(crate) struct Job {
    pub addr: AbsResourceInstance,
    pub prev_addr: Option<AbsResourceInstance>,
    pub each: EachMode,
    pub scope: terrane_lang::Names,
    pub prior: Option<Arc<ObjectState>>,
    /// Set for instances that must go: why.
    pub orphan: Option<ActionReason>,
    /// The object as already refreshed in bulk, when its provider did that.
    pub prefetched: Option<terrane_provider_api::ReadResponse>,
    /// A `replace_triggered_by` reference changed: replace the object.
    pub triggered: bool,
    /// An `import` block imports this instance with this id (only when it is not in state).
    pub import_id: Option<String>,
    /// A `removed` block says the object is to be forgotten rather than destroyed.
    pub forget: bool,
}

/// What planning one instance produced.
pub(crate) struct Outcome {
    pub addr: AbsResourceInstance,
    pub each: EachMode,
    pub change: Option<ResourceChange>,
    pub drift: Option<ResourceChange>,
    /// Refreshing the object failed (the errors are in `diags`).
    pub refresh_failed: bool,
    /// Refresh-only plans: the attributes of a drifted object its configuration would change back.
    pub drift_paths: Option<Vec<Path>>,
    /// The refreshed object (None: gone) when refresh or a data read changed the state.
    pub refreshed: Option<Option<ObjectState>>,
    /// The value expressions see, unless the instance is being removed.
    pub value: Option<Value>,
    pub diags: Diagnostics,
}

fn change(sh: &Shared, job: &Job, action: Action, before: Value, after: Value) -> ResourceChange {
    // Attributes the schema declares sensitive are shown and stored as such.
    let before = mark_schema_sensitive(&sh.schema.block, &before);
    let after = mark_schema_sensitive(&sh.schema.block, &after);
    ResourceChange {
        addr: job.addr.clone(),
        prev_run_addr: job.prev_addr.clone(),
        deposed: None,
        provider: sh.provider_config.clone(),
        each: job.each,
        action,
        reason: None,
        before,
        after,
        ty: sh.ty.clone(),
        schema_version: sh.schema.version,
        replace_paths: Vec::new(),
        private: Vec::new(),
        create_before_destroy: sh
            .cfg
            .as_ref()
            .is_some_and(|c| c.lifecycle.create_before_destroy),
        dependencies: sh.dependencies.clone(),
        importing: None,
    }
}

fn decode_prior(sh: &Shared, job: &Job, diags: &mut Diagnostics) -> Value {
    match &job.prior {
        None => Value::null(sh.ty.clone()),
        Some(o) => match o.value(&sh.ty) {
            Ok(v) => v,
            Err(e) => {
                diags.push(Diagnostic::error(
                    "Invalid resource state",
                    format!(
                        "The state of {} does not match the schema of {}: {e}.",
                        job.addr, job.addr.resource.resource.ty
                    ),
                ));
                Value::null(sh.ty.clone())
            }
        },
    }
}

/// Plans one managed resource instance.
pub(crate) async fn plan_managed(sh: Arc<Shared>, job: Job) -> Outcome {
    let mut diags = Diagnostics::new();
    let mut out = Outcome {
        addr: job.addr.clone(),
        each: job.each,
        change: None,
        drift: None,
        refresh_failed: false,
        drift_paths: None,
        refreshed: None,
        value: None,
        diags: Diagnostics::new(),
    };
    let mut prior = decode_prior(&sh, &job, &mut diags);
    if let (true, Some(id)) = (prior.is_null(), &job.import_id) {
        match import_object(&sh, &job, id).await {
            Ok((v, obj)) => {
                prior = v;
                out.refreshed = Some(Some(obj));
            }
            Err(d) => {
                diags.extend(d);
                out.diags = diags;
                return out;
            }
        }
    }
    let tainted = job
        .prior
        .as_ref()
        .is_some_and(|o| o.status == ObjectStatus::Tainted);
    // Refresh (unless the provider already refreshed this object in bulk).
    if sh.refresh && !prior.is_null() {
        let (plain, _) = prior.clone().unmark_deep();
        let resp = match job.prefetched.clone() {
            Some(r) => r,
            None => {
                let _permit = sh.sem.acquire().await.expect("semaphore open");
                sh.provider
                    .read_resource(ReadRequest {
                        type_name: job.addr.resource.resource.ty.clone(),
                        prior_state: plain.clone(),
                        private: job
                            .prior
                            .as_ref()
                            .map(|o| o.private.clone())
                            .unwrap_or_default(),
                    })
                    .await
            }
        };
        let failed = resp.diagnostics.has_errors();
        diags.extend(resp.diagnostics.into_iter().map(|d| d.or_subject(None)));
        if failed {
            out.refresh_failed = true;
            if sh.mode == PlanMode::RefreshOnly {
                // Dependents still see the object as it was, so that one failed read does not keep
                // the rest of a refresh-only plan (a drift check) from running.
                out.value = Some(mark_schema_sensitive(&sh.schema.block, &prior));
            }
            out.diags = with_resource_context(diags, &job.addr, "refresh");
            return out;
        }
        let new = resp.new_state;
        if new.is_null() {
            out.drift = Some(change(
                &sh,
                &job,
                Action::Delete,
                prior.clone(),
                Value::null(sh.ty.clone()),
            ));
            out.refreshed = Some(None);
            prior = Value::null(sh.ty.clone());
        } else if !same_object(&plain, &new) {
            let new_marked = restore_marks(&new, &prior);
            out.drift = Some(change(
                &sh,
                &job,
                Action::Update,
                prior.clone(),
                new_marked.clone(),
            ));
            let mut obj =
                ObjectState::from_value(&new_marked, &sh.ty, sh.schema.version).unwrap_or_default();
            if let Some(p) = &job.prior {
                obj.status = p.status;
                obj.dependencies = p.dependencies.clone();
                obj.create_before_destroy = p.create_before_destroy;
                obj.private = resp.private.clone();
            }
            out.refreshed = Some(Some(obj));
            prior = new_marked;
        }
    }
    let before = prior.clone();
    // Orphans and destroy plans: delete what exists.
    if job.orphan.is_some() || sh.mode == PlanMode::Destroy {
        if sh.mode == PlanMode::Destroy && !prior.is_null() {
            // Expressions evaluated while destroying (module arguments, provider configuration) still
            // see the objects as they are.
            out.value = Some(mark_schema_sensitive(&sh.schema.block, &prior));
        }
        if !prior.is_null() {
            let action = if job.forget {
                Action::Forget
            } else {
                Action::Delete
            };
            let mut c = change(&sh, &job, action, before, Value::null(sh.ty.clone()));
            c.reason = job.orphan;
            if let Some(cfg) = &sh.cfg {
                if cfg.lifecycle.prevent_destroy {
                    diags.push(prevent_destroy_error(&job.addr, cfg));
                }
            }
            out.change = Some(c);
        }
        out.diags = diags;
        return out;
    }
    if sh.mode == PlanMode::RefreshOnly {
        if let (Some(d), Some(cfg)) = (&out.drift, &sh.cfg)
            && d.action == Action::Update
        {
            out.drift_paths = paths_config_would_change(&sh, &job, cfg, &prior).await;
        }
        if !prior.is_null() {
            out.value = Some(mark_schema_sensitive(&sh.schema.block, &prior));
        }
        out.diags = diags;
        return out;
    }
    let cfg = sh.cfg.as_ref().expect("configured resource");
    let ectx = EvalContext::with_names(&sh.functions, job.scope.clone());
    let (config_val, d) = decode_body(&cfg.body, &sh.schema.block, &ectx);
    let failed = d.has_errors();
    diags.extend(d);
    if failed {
        out.diags = diags;
        return out;
    }
    if let Some(d) = ephemeral_argument(
        cfg,
        &config_val,
        "resource arguments, because resource instances must persist between Terraform phases",
    ) {
        diags.push(d);
        out.diags = diags;
        return out;
    }
    let validate = sh.provider.validate(terrane_provider_api::ValidateRequest {
        type_name: job.addr.resource.resource.ty.clone(),
        config: config_val.clone().unmark_deep().0,
    });
    let validate_failed = validate.diagnostics.has_errors();
    diags.extend(
        validate
            .diagnostics
            .into_iter()
            .map(|d| d.or_subject(Some(&cfg.range))),
    );
    if validate_failed || sh.validate_only {
        out.diags = diags;
        return out;
    }
    let config_ignored = apply_ignore_changes(
        &cfg.lifecycle.ignore_changes,
        &sh.schema.block,
        &prior,
        &config_val,
    );
    if let Err(d) = check_conditions(
        &cfg.lifecycle.preconditions,
        &ectx,
        None,
        &job.addr,
        "precondition",
    ) {
        diags.extend(d);
        out.diags = diags;
        return out;
    }
    let forced = sh.replace.contains(&job.addr);
    let replace_reason = if tainted && !prior.is_null() {
        Some(ActionReason::ReplaceBecauseTainted)
    } else if forced && !prior.is_null() {
        Some(ActionReason::ReplaceByRequest)
    } else if job.triggered && !prior.is_null() {
        Some(ActionReason::ReplaceByTriggers)
    } else {
        None
    };
    let plan_prior = if replace_reason.is_some() {
        Value::null(sh.ty.clone())
    } else {
        prior.clone()
    };
    let proposed = proposed_new(&sh.schema.block, &plan_prior, &config_ignored);
    let (plain_prior, _) = plan_prior.clone().unmark_deep();
    let (plain_proposed, _) = proposed.clone().unmark_deep();
    let (plain_config, _) = config_ignored.clone().unmark_deep();
    let resp = provider_plan(&sh, &job, plain_prior, plain_proposed, plain_config).await;
    let failed = resp.diagnostics.has_errors();
    diags.extend(
        resp.diagnostics
            .into_iter()
            .map(|d| d.or_subject(Some(&cfg.range))),
    );
    if failed {
        out.diags = diags;
        return out;
    }
    let planned = restore_marks(&resp.planned_state, &config_ignored);
    let cbd = cfg.lifecycle.create_before_destroy;
    let replace_action = if cbd {
        Action::CreateThenDelete
    } else {
        Action::DeleteThenCreate
    };
    let (action, reason) = if prior.is_null() {
        (Action::Create, None)
    } else if let Some(r) = replace_reason {
        (replace_action, Some(r))
    } else if !resp.requires_replace.is_empty() {
        (
            replace_action,
            Some(ActionReason::ReplaceBecauseCannotUpdate),
        )
    } else if same_object(&prior, &planned) {
        (Action::NoOp, None)
    } else {
        (Action::Update, None)
    };
    if action.deletes() && cfg.lifecycle.prevent_destroy {
        diags.push(prevent_destroy_error(&job.addr, cfg));
    }
    if let Err(d) = check_conditions(
        &cfg.lifecycle.postconditions,
        &ectx,
        Some(&planned),
        &job.addr,
        "postcondition",
    ) {
        diags.extend(d);
    }
    let mut c = change(&sh, &job, action, before, planned.clone());
    c.reason = reason;
    c.importing = job.import_id.clone().filter(|_| job.prior.is_none());
    c.replace_paths = resp.requires_replace;
    c.private = resp.planned_private;
    out.value = Some(mark_schema_sensitive(&sh.schema.block, &planned));
    out.change = Some(c);
    out.diags = diags;
    out
}

/// Asks the provider to plan the object (values without marks), within the parallelism limit.
async fn provider_plan(
    sh: &Shared,
    job: &Job,
    prior: Value,
    proposed: Value,
    config: Value,
) -> terrane_provider_api::PlanResponse {
    let _permit = sh.sem.acquire().await.expect("semaphore open");
    sh.provider
        .plan_resource_change(PlanRequest {
            type_name: job.addr.resource.resource.ty.clone(),
            prior_state: prior,
            proposed_new_state: proposed,
            config,
            prior_private: job
                .prior
                .as_ref()
                .map(|o| o.private.clone())
                .unwrap_or_default(),
        })
        .await
}

/// For a refresh-only plan: the attributes of a drifted object that its configuration would change
/// back (what a normal plan would change), so that drift in what the configuration leaves to the
/// provider (computed values it does not set, `ignore_changes`) can be told from drift against the
/// configuration. None when the configuration cannot be planned now; nothing is reported as a
/// problem, since a refresh-only plan does not need the configuration.
async fn paths_config_would_change(
    sh: &Shared,
    job: &Job,
    cfg: &ResourceConfig,
    prior: &Value,
) -> Option<Vec<Path>> {
    let ectx = EvalContext::with_names(&sh.functions, job.scope.clone());
    let (config_val, d) = decode_body(&cfg.body, &sh.schema.block, &ectx);
    if d.has_errors() {
        return None;
    }
    let config_ignored = apply_ignore_changes(
        &cfg.lifecycle.ignore_changes,
        &sh.schema.block,
        prior,
        &config_val,
    );
    let proposed = proposed_new(&sh.schema.block, prior, &config_ignored);
    let resp = provider_plan(
        sh,
        job,
        prior.clone().unmark_deep().0,
        proposed.unmark_deep().0,
        config_ignored.clone().unmark_deep().0,
    )
    .await;
    if resp.diagnostics.has_errors() {
        return None;
    }
    let planned = restore_marks(&resp.planned_state, &config_ignored);
    Some(
        terrane_plan::diff::changed_attributes(prior, &planned)
            .into_iter()
            .map(|c| c.path)
            .collect(),
    )
}

/// Plans one data source instance: read it now if its configuration is known, else during apply.
pub(crate) async fn plan_data(sh: Arc<Shared>, job: Job) -> Outcome {
    let mut diags = Diagnostics::new();
    let mut out = Outcome {
        addr: job.addr.clone(),
        each: job.each,
        change: None,
        drift: None,
        refresh_failed: false,
        drift_paths: None,
        refreshed: None,
        value: None,
        diags: Diagnostics::new(),
    };
    if job.orphan.is_some() || sh.mode == PlanMode::Destroy {
        if sh.mode == PlanMode::Destroy {
            // Expressions evaluated while destroying still see the data as last read.
            if let Some(v) = job.prior.as_ref().and_then(|o| o.value(&sh.ty).ok()) {
                out.value = Some(mark_schema_sensitive(&sh.schema.block, &v));
            }
        }
        out.refreshed = Some(None);
        return out;
    }
    let cfg = sh.cfg.as_ref().expect("configured data source");
    let ectx = EvalContext::with_names(&sh.functions, job.scope.clone());
    let (config_val, d) = decode_body(&cfg.body, &sh.schema.block, &ectx);
    let failed = d.has_errors();
    diags.extend(d);
    if failed {
        out.diags = diags;
        return out;
    }
    if let Some(d) = ephemeral_argument(
        cfg,
        &config_val,
        "data source arguments, because data sources are read into the state",
    ) {
        diags.push(d);
        out.diags = diags;
        return out;
    }
    if sh.validate_only {
        out.diags = diags;
        return out;
    }
    let known = config_val.is_wholly_known();
    if !known || sh.deps_pending {
        let planned = crate::objects::proposed_new(
            &sh.schema.block,
            &Value::null(sh.ty.clone()),
            &config_val,
        );
        let planned = unknown_computed(&sh.schema.block, &planned);
        let mut c = change(
            &sh,
            &job,
            Action::Read,
            Value::null(sh.ty.clone()),
            planned.clone(),
        );
        c.reason = Some(if known {
            ActionReason::ReadBecauseDependencyPending
        } else {
            ActionReason::ReadBecauseConfigUnknown
        });
        out.change = Some(c);
        out.value = Some(planned);
        out.diags = diags;
        return out;
    }
    let (plain, _) = config_val.clone().unmark_deep();
    let resp = {
        let _permit = sh.sem.acquire().await.expect("semaphore open");
        sh.provider
            .read_data_source(ReadDataRequest {
                type_name: job.addr.resource.resource.ty.clone(),
                config: plain,
            })
            .await
    };
    let failed = resp.diagnostics.has_errors();
    diags.extend(
        resp.diagnostics
            .into_iter()
            .map(|d| d.or_subject(Some(&cfg.range))),
    );
    if failed {
        out.diags = with_resource_context(diags, &job.addr, "read");
        return out;
    }
    let state = restore_marks(&resp.state, &config_val);
    let obj = ObjectState::from_value(&state, &sh.ty, sh.schema.version).unwrap_or_default();
    out.refreshed = Some(Some(obj));
    out.value = Some(mark_schema_sensitive(&sh.schema.block, &state));
    out.diags = diags;
    out
}

fn unknown_computed(schema: &terrane_provider_api::schema::Block, v: &Value) -> Value {
    let Some(m) = v.as_map() else {
        return v.clone();
    };
    Value::object(
        m.iter()
            .map(|(k, x)| {
                let nv = match schema.attributes.get(k) {
                    Some(a) if a.computed && x.is_null() => Value::unknown(a.ty.clone()),
                    _ => x.clone(),
                };
                (k.clone(), nv)
            })
            .collect(),
    )
}

/// Imports an object for an `import` block: the provider's import, then a read of what it returned.
async fn import_object(
    sh: &Shared,
    job: &Job,
    id: &str,
) -> Result<(Value, ObjectState), Diagnostics> {
    let ty_name = job.addr.resource.resource.ty.clone();
    let _permit = sh.sem.acquire().await.expect("semaphore open");
    let resp = sh
        .provider
        .import_resource(terrane_provider_api::ImportRequest {
            type_name: ty_name.clone(),
            id: id.to_string(),
        })
        .await;
    if resp.diagnostics.has_errors() {
        return Err(with_resource_context(resp.diagnostics, &job.addr, "import"));
    }
    let Some((_, imported)) = resp.imported.into_iter().next() else {
        return Err(Diagnostics::from(Diagnostic::error(
            "Import returned no resources",
            format!(
                "While attempting to import with ID {id:?}, the provider returned no instance states for {}.",
                job.addr
            ),
        )));
    };
    let read = sh
        .provider
        .read_resource(ReadRequest {
            type_name: ty_name,
            prior_state: imported,
            private: Vec::new(),
        })
        .await;
    if read.diagnostics.has_errors() {
        return Err(with_resource_context(read.diagnostics, &job.addr, "import"));
    }
    if read.new_state.is_null() {
        return Err(Diagnostics::from(Diagnostic::error(
            "Cannot import non-existent remote object",
            format!(
                "While attempting to import an existing object to {}, the provider detected that no object exists with the given id. Only pre-existing objects can be imported; check that the id is correct and that it is associated with the provider's configured region or endpoint, or use \"terrane apply\" to create a new remote object for this resource.",
                job.addr
            ),
        )));
    }
    let mut obj =
        ObjectState::from_value(&read.new_state, &sh.ty, sh.schema.version).unwrap_or_default();
    obj.private = read.private;
    obj.dependencies = sh.dependencies.clone();
    Ok((read.new_state, obj))
}

/// Checks `precondition` or `postcondition` blocks. Conditions whose result is not known yet are left
/// for apply; `self_value` is the object for postconditions.
pub(crate) fn check_conditions(
    conds: &[terrane_config::module::Validation],
    ctx: &EvalContext<'_>,
    self_value: Option<&Value>,
    addr: &AbsResourceInstance,
    kind: &str,
) -> Result<(), Diagnostics> {
    if conds.is_empty() {
        return Ok(());
    }
    let mut child = ctx.child();
    if let Some(v) = self_value {
        child.set("self", v.clone());
    }
    let mut diags = Diagnostics::new();
    for c in conds {
        let (ok, d) = terrane_lang::evaluate(&c.condition, &child);
        if d.has_errors() {
            diags.extend(d);
            continue;
        }
        let (ok, _) = ok.unmark_deep();
        let ok = match terrane_values::convert(&ok, &Type::Bool) {
            Ok(b) if b.is_null() => {
                diags.push(
                    Diagnostic::error(
                        "Invalid condition result",
                        "Condition expression must return either true or false, not null.",
                    )
                    .with_subject(c.condition.range.clone()),
                );
                continue;
            }
            Ok(b) => b,
            Err(e) => {
                diags.push(
                    Diagnostic::error(
                        "Invalid condition result",
                        format!("Invalid condition result value: {e}."),
                    )
                    .with_subject(c.condition.range.clone()),
                );
                continue;
            }
        };
        if ok.as_bool() == Some(false) {
            let (msg, _) = terrane_lang::evaluate(&c.error_message, &child);
            let msg = msg
                .unmark_deep()
                .0
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| format!("The {kind} for {addr} failed."));
            let summary = if kind == "precondition" {
                "Resource precondition failed"
            } else {
                "Resource postcondition failed"
            };
            diags.push(Diagnostic::error(summary, msg).with_subject(c.condition.range.clone()));
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(())
    }
}

/// Copies the marks of `from` onto the same paths of `to` (providers return unmarked values).
pub(crate) fn restore_marks(to: &Value, from: &Value) -> Value {
    let (_, paths) = from.clone().unmark_deep_with_paths();
    if paths.is_empty() {
        return to.clone();
    }
    to.clone().mark_paths(&paths)
}

fn prevent_destroy_error(addr: &AbsResourceInstance, cfg: &ResourceConfig) -> Diagnostic {
    Diagnostic::error(
        "Instance cannot be destroyed",
        format!(
            "Resource {} has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed. To avoid this error and continue with the plan, either disable lifecycle.prevent_destroy or reduce the scope of the plan using the -target flag.",
            addr.abs_resource()
        ),
    )
    .with_subject(cfg.range.clone())
}

fn with_resource_context(diags: Diagnostics, addr: &AbsResourceInstance, op: &str) -> Diagnostics {
    diags
        .into_iter()
        .map(|mut d| {
            if !d.detail.contains(&addr.to_string()) {
                d.detail = format!("{} ({op} of {addr})", d.detail);
            }
            d
        })
        .collect()
}

/// An argument whose value comes from an ephemeral value (an ephemeral variable or module output),
/// which an object recorded in the state cannot hold.
fn ephemeral_argument(cfg: &ResourceConfig, config_val: &Value, why: &str) -> Option<Diagnostic> {
    if !config_val
        .marks_deep()
        .contains(terrane_values::Marks::EPHEMERAL)
    {
        return None;
    }
    let subject = cfg
        .body
        .attrs
        .iter()
        .find(|a| {
            config_val
                .get_attr(&a.name)
                .is_some_and(|v| v.marks_deep().contains(terrane_values::Marks::EPHEMERAL))
        })
        .map_or_else(|| cfg.range.clone(), |a| a.expr.range.clone());
    Some(
        Diagnostic::error(
            "Invalid use of ephemeral value",
            format!("Ephemeral values are not valid in {why}."),
        )
        .with_subject(subject),
    )
}
