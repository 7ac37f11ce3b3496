//! `terrane import ADDRESS ID`: bring an existing object under management.
//!
//! The resource must be declared in the configuration. The provider that would manage it imports the
//! object by its id; the engine then refreshes it through the configured provider (a refresh-only plan
//! of a state holding the imported object, so the provider's configuration and the variables are
//! evaluated exactly as for a plan); the refreshed object is recorded in one new state version, under
//! the lock.

use crate::args::{ImportArgs, LockArgs};
use crate::factory::BuiltinFactory;
use crate::ui::Ui;
use crate::{vars, workdir};
use std::process::ExitCode;
use terrane_addrs::{AbsResourceInstance, InstanceKey};
use terrane_core::{PlanOptions, ProviderFactory, resolve_provider};
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_plan::PlanMode;
use terrane_provider_api::ImportRequest;
use terrane_state::{EachMode, ObjectState};

pub async fn run(args: &ImportArgs) -> ExitCode {
    let ui = Ui::new(args.plan.no_color);
    match import(&ui, args).await {
        Ok(code) => code,
        Err(d) => {
            ui.diagnostics(&d, &Default::default());
            ExitCode::from(1)
        }
    }
}

fn one(d: Diagnostic) -> Diagnostics {
    d.into()
}

async fn import(ui: &Ui, args: &ImportArgs) -> Result<ExitCode, Diagnostics> {
    let addr = terrane_addrs::parse_resource_instance(&args.address)
        .map_err(|e| one(Diagnostic::error("Invalid address", e.to_string())))?;
    if addr.is_data() {
        return Err(one(Diagnostic::error(
            "Invalid address",
            "A data source cannot be imported; only managed resources can.",
        )));
    }
    let Some(mut loaded) = workdir::load(ui) else {
        return Ok(ExitCode::from(1));
    };
    let config = loaded.config.clone();
    let res_config = config
        .module(&addr.module.module_path())
        .and_then(|m| m.module.resources.get(&addr.resource.resource));
    let Some(res_config) = res_config else {
        return Err(one(Diagnostic::error(
            "Configuration for import target does not exist",
            format!(
                "The configuration does not declare {}, so it cannot be imported. Add a resource block for it first; it can be empty at first and then be filled in to match the imported object.",
                addr.abs_resource()
            ),
        )));
    };
    let each = match addr.key() {
        InstanceKey::None => EachMode::None,
        InstanceKey::Int(_) => EachMode::List,
        InstanceKey::Str(_) => EachMode::Map,
    };
    let (local, alias) = match &res_config.provider {
        Some((n, a)) => (n.clone(), a.clone()),
        None => (addr.resource.resource.implied_provider().to_string(), None),
    };
    let provider_config = resolve_provider(
        &config,
        &addr.module.module_path(),
        &local,
        alias.as_deref(),
    );
    let lock = LockArgs {
        lock: args.plan.lock,
        lock_timeout: args.plan.lock_timeout.clone(),
    };
    let opened = super::state::open(Some((&lock, "import"))).map_err(one)?;
    if opened.state.object(&addr).is_some() {
        return Err(one(Diagnostic::error(
            "Resource already managed by terrane",
            format!(
                "terrane is already managing a remote object for {addr}. To import to this address you must first remove the existing object from the state with `terrane state rm {addr}`."
            ),
        )));
    }
    let factory = BuiltinFactory::new();
    let Some(provider) = factory.instantiate(&provider_config.provider) else {
        return Err(one(Diagnostic::error(
            "Provider not available",
            format!("terrane has no provider {}.", provider_config.provider),
        )));
    };
    let ty = &addr.resource.resource.ty;
    let Some(schema) = provider.schema().resources.get(ty).cloned() else {
        return Err(one(Diagnostic::error(
            "Invalid resource type",
            format!(
                "The provider {} does not have a resource type {ty:?}.",
                provider_config.provider
            ),
        )));
    };
    ui.line(&format!("{addr}: Importing from ID {:?}...", args.id));
    let resp = provider
        .import_resource(ImportRequest {
            type_name: ty.clone(),
            id: args.id.clone(),
        })
        .await;
    if resp.diagnostics.has_errors() {
        return Err(resp.diagnostics);
    }
    let Some((_, value)) = resp.imported.into_iter().find(|(t, _)| t == ty) else {
        return Err(one(Diagnostic::error(
            "Import returned no object",
            format!("The provider returned no {ty} object for ID {:?}.", args.id),
        )));
    };
    let object = ObjectState::from_value(&value, &schema.block.implied_type(), schema.version)
        .map_err(|e| one(Diagnostic::error("Invalid imported object", e.to_string())))?;
    ui.line(&format!(
        "{addr}: Import prepared!\n  Prepared {ty} for import"
    ));
    let mut with_import = opened.state.clone();
    with_import.set_object(&addr, &provider_config, each, Some(object));
    let refreshed = refresh(ui, args, &mut loaded, &with_import, &addr).await?;
    let mut new_state = opened.state.clone();
    new_state.set_object(&addr, &provider_config, each, Some(refreshed));
    workdir::commit_state(opened.store.as_ref(), &opened.state, &new_state, "import")
        .map_err(one)?;
    ui.line(&format!(
        "\n{}\n\nThe resources that were imported are shown above. These resources are now in\nyour terrane state and will henceforth be managed by terrane.",
        ui.style("1;32", "Import successful!")
    ));
    Ok(ExitCode::SUCCESS)
}

/// Reads the imported object through the configured provider: a refresh-only plan of the state that
/// holds it.
async fn refresh(
    ui: &Ui,
    args: &ImportArgs,
    loaded: &mut workdir::Loaded,
    state: &terrane_state::State,
    addr: &AbsResourceInstance,
) -> Result<ObjectState, Diagnostics> {
    let (inputs, diags) = vars::collect(&args.plan, &loaded.config, &mut loaded.sources);
    if diags.has_errors() {
        return Err(diags);
    }
    let opts = PlanOptions {
        mode: PlanMode::RefreshOnly,
        refresh: true,
        inputs,
        ..PlanOptions::default()
    };
    let ctx = workdir::context(loaded.config.clone(), ui, args.plan.parallelism);
    let (plan, diags) = terrane_core::plan(&ctx, state, &opts).await;
    if diags.has_errors() {
        ui.diagnostics(&diags, &loaded.sources);
        return Err(Diagnostics::new());
    }
    plan.prior_state.object(addr).cloned().ok_or_else(|| {
        one(Diagnostic::error(
            "Cannot import non-existent remote object",
            format!("While attempting to import an existing object to {addr}, the provider detected that no object exists with the given id. Only pre-existing objects can be imported; check that the id is correct and that it is associated with the provider's configured region or endpoint, or use \"terrane apply\" to create a new remote object for this resource."),
        ))
    })
}
