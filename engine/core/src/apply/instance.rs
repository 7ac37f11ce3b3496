//! Applying the change of one resource instance.

use super::writer::{StateSink, StateUpdate};
use crate::events::{Event, Observer, Operation};
use crate::objects::{apply_ignore_changes, mark_schema_sensitive, proposed_new, same_object};
use crate::plan::restore_marks;
use std::sync::Arc;
use std::time::Instant;
use terrane_addrs::{AbsResourceInstance, ProviderConfig};
use terrane_config::module::ResourceConfig;
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_lang::decode::decode_body;
use terrane_lang::{EvalContext, Functions};
use terrane_plan::{Action, ResourceChange};
use terrane_provider_api::{ApplyRequest, PlanRequest, Provider, ReadDataRequest, Schema};
use terrane_state::{EachMode, Intent, ObjectState, ObjectStatus};
use terrane_values::{Type, Value};
use tokio::sync::Semaphore;

/// What is the same for every instance of a resource.
pub(crate) struct ApplyShared {
    pub cfg: Option<ResourceConfig>,
    pub schema: Schema,
    pub ty: Type,
    pub provider: Arc<dyn Provider>,
    pub provider_config: ProviderConfig,
    pub functions: Arc<Functions>,
    pub sem: Arc<Semaphore>,
    pub sink: StateSink,
    pub observer: Arc<dyn Observer>,
}

fn id_of(v: &Value) -> Option<String> {
    v.get_attr("id")
        .and_then(|i| i.as_str())
        .map(str::to_string)
}

/// The result of one instance.
pub(crate) struct InstanceResult {
    pub addr: AbsResourceInstance,
    pub value: Option<Value>,
    pub diags: Diagnostics,
}

fn context(mut diags: Diagnostics, addr: &AbsResourceInstance, verb: &str) -> Diagnostics {
    diags = diags
        .into_iter()
        .map(|mut d| {
            if d.is_error() && !d.summary.contains(&addr.to_string()) {
                d.detail = if d.detail.is_empty() {
                    format!("while {verb} {addr}")
                } else {
                    format!("{} (while {verb} {addr})", d.detail)
                };
            }
            d
        })
        .collect();
    diags
}

fn object_from(
    sh: &ApplyShared,
    v: &Value,
    change: &ResourceChange,
    private: Vec<u8>,
) -> ObjectState {
    let v = mark_schema_sensitive(&sh.schema.block, v);
    let mut o = ObjectState::from_value(&v, &sh.ty, sh.schema.version).unwrap_or_default();
    o.private = private;
    o.dependencies = change.dependencies.clone();
    o.create_before_destroy = change.create_before_destroy;
    o
}

/// Creates, updates, replaces or reads one instance as planned.
pub(crate) async fn apply_change(
    sh: Arc<ApplyShared>,
    addr: AbsResourceInstance,
    change: ResourceChange,
    scope: terrane_lang::Names,
    prior_obj: Option<ObjectState>,
    each: EachMode,
) -> InstanceResult {
    let mut diags = Diagnostics::new();
    let cfg = sh.cfg.as_ref().expect("configured resource");
    let ectx = EvalContext::with_names(&sh.functions, scope);
    let (config_val, d) = decode_body(&cfg.body, &sh.schema.block, &ectx);
    if d.has_errors() {
        return InstanceResult {
            addr,
            value: None,
            diags: d,
        };
    }
    diags.extend(d);
    if !config_val.is_wholly_known() {
        diags.push(
            Diagnostic::error("Configuration contains unknown value", format!("The configuration of {addr} still has values that are not known after its dependencies were applied."))
                .with_subject(cfg.range.clone()),
        );
        return InstanceResult {
            addr,
            value: None,
            diags,
        };
    }
    if change.action == Action::Read {
        let (plain, _) = config_val.clone().unmark_deep();
        let started = Instant::now();
        let resp = {
            let _permit = sh.sem.acquire().await.expect("semaphore open");
            sh.observer.event(Event::Started {
                addr: addr.clone(),
                op: Operation::Read,
            });
            sh.provider
                .read_data_source(ReadDataRequest {
                    type_name: addr.resource.resource.ty.clone(),
                    config: plain,
                })
                .await
        };
        if resp.diagnostics.has_errors() {
            sh.observer.event(Event::Failed {
                addr: addr.clone(),
                op: Operation::Read,
            });
            return InstanceResult {
                addr: addr.clone(),
                value: None,
                diags: context(resp.diagnostics, &addr, "reading"),
            };
        }
        sh.observer.event(Event::Completed {
            addr: addr.clone(),
            op: Operation::Read,
            elapsed: started.elapsed(),
            id: id_of(&resp.state),
        });
        let state = restore_marks(&resp.state, &config_val);
        let obj = object_from(&sh, &state, &change, Vec::new());
        sh.sink.send(StateUpdate::Object {
            addr: addr.clone(),
            provider: sh.provider_config.clone(),
            each,
            deposed: None,
            object: Some(Arc::new(obj)),
        });
        return InstanceResult {
            addr,
            value: Some(mark_schema_sensitive(&sh.schema.block, &state)),
            diags,
        };
    }
    let prior = match (&prior_obj, change.action) {
        (Some(o), Action::Update) => o
            .value(&sh.ty)
            .unwrap_or_else(|_| Value::null(sh.ty.clone())),
        (Some(o), Action::CreateThenDelete) => o
            .value(&sh.ty)
            .unwrap_or_else(|_| Value::null(sh.ty.clone())),
        _ => Value::null(sh.ty.clone()),
    };
    let creating = change.action != Action::Update;
    let plan_prior = if creating {
        Value::null(sh.ty.clone())
    } else {
        prior.clone()
    };
    let config_ignored = apply_ignore_changes(
        &cfg.lifecycle.ignore_changes,
        &sh.schema.block,
        &plan_prior,
        &config_val,
    );
    let proposed = proposed_new(&sh.schema.block, &plan_prior, &config_ignored);
    let (plain_prior, _) = plan_prior.clone().unmark_deep();
    let (plain_config, _) = config_ignored.clone().unmark_deep();
    let private = prior_obj
        .as_ref()
        .map(|o| o.private.clone())
        .unwrap_or_default();
    let _permit = sh.sem.acquire().await.expect("semaphore open");
    let planned = sh
        .provider
        .plan_resource_change(PlanRequest {
            type_name: addr.resource.resource.ty.clone(),
            prior_state: plain_prior.clone(),
            proposed_new_state: proposed.clone().unmark_deep().0,
            config: plain_config.clone(),
            prior_private: private.clone(),
        })
        .await;
    if planned.diagnostics.has_errors() {
        return InstanceResult {
            addr: addr.clone(),
            value: None,
            diags: context(planned.diagnostics, &addr, "planning"),
        };
    }
    if change.after.is_wholly_known()
        && planned.planned_state.is_wholly_known()
        && !same_object(&change.after, &planned.planned_state)
    {
        diags.push(Diagnostic::error(
            "Provider produced inconsistent final plan",
            format!(
                "When expanding the plan for {addr} to include new values learned so far during apply, the provider {} produced an invalid new value; the planned value no longer matches.",
                sh.provider_config.provider
            ),
        ));
        return InstanceResult {
            addr,
            value: None,
            diags,
        };
    }
    if change.action == Action::CreateThenDelete {
        if let Some(old) = &prior_obj {
            // The old object stays recorded, deposed, until its replacement exists and it is destroyed.
            sh.sink.send(StateUpdate::Object {
                addr: addr.clone(),
                provider: sh.provider_config.clone(),
                each,
                deposed: Some("00000001".into()),
                object: Some(Arc::new(old.clone())),
            });
        }
    }
    let op = if creating {
        Operation::Create
    } else {
        Operation::Update
    };
    if creating {
        // Durable before the provider is asked: if terrane dies before the answer is recorded, the
        // next plan names the object that may exist unrecorded.
        sh.sink
            .record(StateUpdate::Intent {
                addr: addr.clone(),
                intent: Some(Intent {
                    action: "create".into(),
                    provider: sh.provider_config.to_string(),
                    started: terrane_lang::functions::now_rfc3339(),
                }),
            })
            .await;
    }
    let started = Instant::now();
    sh.observer.event(Event::Started {
        addr: addr.clone(),
        op,
    });
    let resp = sh
        .provider
        .apply_resource_change(ApplyRequest {
            type_name: addr.resource.resource.ty.clone(),
            prior_state: plain_prior,
            planned_state: planned.planned_state.clone(),
            config: plain_config,
            planned_private: planned.planned_private.clone(),
        })
        .await;
    drop(_permit);
    let failed = resp.diagnostics.has_errors();
    if failed {
        sh.observer.event(Event::Failed {
            addr: addr.clone(),
            op,
        });
    } else {
        sh.observer.event(Event::Completed {
            addr: addr.clone(),
            op,
            elapsed: started.elapsed(),
            id: id_of(&resp.new_state),
        });
    }
    diags.extend(context(
        resp.diagnostics,
        &addr,
        if creating { "creating" } else { "updating" },
    ));
    let new = restore_marks(&resp.new_state, &config_ignored);
    if new.is_null() {
        if creating {
            // The provider answered that nothing was created.
            sh.sink.send(StateUpdate::Intent {
                addr: addr.clone(),
                intent: None,
            });
        } else {
            sh.sink.send(StateUpdate::Object {
                addr: addr.clone(),
                provider: sh.provider_config.clone(),
                each,
                deposed: None,
                object: None,
            });
        }
        return InstanceResult {
            addr,
            value: None,
            diags,
        };
    }
    let mut obj = object_from(&sh, &new, &change, resp.private);
    if failed && creating {
        obj.status = ObjectStatus::Tainted;
    }
    sh.sink.send(StateUpdate::Object {
        addr: addr.clone(),
        provider: sh.provider_config.clone(),
        each,
        deposed: None,
        object: Some(Arc::new(obj)),
    });
    if failed {
        return InstanceResult {
            addr,
            value: None,
            diags,
        };
    }
    if change.action == Action::CreateThenDelete && !prior.is_null() {
        let (plain_old, _) = prior.clone().unmark_deep();
        let started = Instant::now();
        let del = {
            let _permit = sh.sem.acquire().await.expect("semaphore open");
            sh.observer.event(Event::Started {
                addr: addr.clone(),
                op: Operation::Destroy,
            });
            sh.provider
                .apply_resource_change(ApplyRequest {
                    type_name: addr.resource.resource.ty.clone(),
                    prior_state: plain_old,
                    planned_state: Value::null(sh.ty.clone()),
                    config: Value::null(sh.ty.clone()),
                    planned_private: private,
                })
                .await
        };
        if del.diagnostics.has_errors() {
            sh.observer.event(Event::Failed {
                addr: addr.clone(),
                op: Operation::Destroy,
            });
            diags.extend(context(
                del.diagnostics,
                &addr,
                "destroying the replaced object of",
            ));
        } else {
            sh.observer.event(Event::Completed {
                addr: addr.clone(),
                op: Operation::Destroy,
                elapsed: started.elapsed(),
                id: None,
            });
            sh.sink.send(StateUpdate::Object {
                addr: addr.clone(),
                provider: sh.provider_config.clone(),
                each,
                deposed: Some("00000001".into()),
                object: None,
            });
        }
    }
    // Postconditions that could not be decided at plan time are checked on the new object.
    if let Err(d) = crate::plan::check_conditions(
        &cfg.lifecycle.postconditions,
        &ectx,
        Some(&new),
        &addr,
        "postcondition",
    ) {
        diags.extend(d);
        return InstanceResult {
            addr,
            value: None,
            diags,
        };
    }
    InstanceResult {
        addr,
        value: Some(mark_schema_sensitive(&sh.schema.block, &new)),
        diags,
    }
}

/// Destroys one instance (a deletion, or the first half of a replacement).
pub(crate) async fn destroy_change(
    sh: Arc<ApplyShared>,
    change: ResourceChange,
    prior_obj: Option<ObjectState>,
) -> InstanceResult {
    let addr = change.addr.clone();
    let Some(obj) = prior_obj else {
        return InstanceResult {
            addr,
            value: None,
            diags: Diagnostics::new(),
        };
    };
    let prior = match obj.value(&sh.ty) {
        Ok(v) => v.unmark_deep().0,
        Err(e) => {
            return InstanceResult {
                addr: addr.clone(),
                value: None,
                diags: Diagnostics::from(Diagnostic::error(
                    "Invalid resource state",
                    format!("The state of {addr} cannot be read: {e}."),
                )),
            };
        }
    };
    if addr.is_data() || change.action == Action::Forget {
        // Data sources and forgotten objects leave the state without a provider call.
        sh.sink.send(StateUpdate::Object {
            addr: addr.clone(),
            provider: change.provider.clone(),
            each: change.each,
            deposed: None,
            object: None,
        });
        return InstanceResult {
            addr,
            value: None,
            diags: Diagnostics::new(),
        };
    }
    let started = Instant::now();
    let id = id_of(&prior);
    let resp = {
        let _permit = sh.sem.acquire().await.expect("semaphore open");
        sh.observer.event(Event::Started {
            addr: addr.clone(),
            op: Operation::Destroy,
        });
        sh.provider
            .apply_resource_change(ApplyRequest {
                type_name: addr.resource.resource.ty.clone(),
                prior_state: prior,
                planned_state: Value::null(sh.ty.clone()),
                config: Value::null(sh.ty.clone()),
                planned_private: obj.private.clone(),
            })
            .await
    };
    if resp.diagnostics.has_errors() {
        sh.observer.event(Event::Failed {
            addr: addr.clone(),
            op: Operation::Destroy,
        });
        return InstanceResult {
            addr: addr.clone(),
            value: None,
            diags: context(resp.diagnostics, &addr, "destroying"),
        };
    }
    let _ = id;
    sh.observer.event(Event::Completed {
        addr: addr.clone(),
        op: Operation::Destroy,
        elapsed: started.elapsed(),
        id: None,
    });
    sh.sink.send(StateUpdate::Object {
        addr: addr.clone(),
        provider: change.provider.clone(),
        each: change.each,
        deposed: None,
        object: None,
    });
    InstanceResult {
        addr,
        value: None,
        diags: Diagnostics::new(),
    }
}
