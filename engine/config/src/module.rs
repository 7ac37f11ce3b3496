//! A module: the variables, locals, outputs, resources, data sources, module calls and provider
//! configurations declared by the files of one directory.

use crate::ast::{Expr, ExprKind, Traversal};
use crate::body::{Block, Body};
use crate::typeexpr::{TypeSpec, type_constraint};
use indexmap::IndexMap;
use std::path::PathBuf;
use terrane_addrs::{Provider, Resource, ResourceMode};
use terrane_diagnostics::{Diagnostic, Diagnostics, SourceRange};
use terrane_values::Value;

/// A map of declarations in the order written. Hashed with FxHash: keys are names from the
/// configuration, and evaluation looks them up for every reference.
pub type DeclMap<K, V> = IndexMap<K, V, rustc_hash::FxBuildHasher>;

/// Everything one directory of configuration declares.
#[derive(Clone, Debug, Default)]
pub struct Module {
    /// The directory the module was loaded from.
    pub dir: PathBuf,
    /// Input variables.
    pub variables: DeclMap<String, Variable>,
    /// Local values.
    pub locals: DeclMap<String, Local>,
    /// Output values.
    pub outputs: DeclMap<String, Output>,
    /// Managed resources and data sources, by address within the module.
    pub resources: DeclMap<Resource, ResourceConfig>,
    /// Calls of child modules.
    pub module_calls: DeclMap<String, ModuleCall>,
    /// Provider configurations.
    pub providers: Vec<ProviderBlock>,
    /// `required_providers` entries, by local name.
    pub required_providers: DeclMap<String, RequiredProvider>,
    /// `required_version` constraints.
    pub required_version: Vec<(String, SourceRange)>,
    /// The `backend` block, in the root module.
    pub backend: Option<Backend>,
    /// The `terraform { encryption { ... } }` block, as written (decoded by the state layer).
    pub encryption: Option<Block>,
    /// `moved`, `import`, `removed` and `check` blocks, kept for the features that read them.
    pub other_blocks: Vec<Block>,
    /// `removed` blocks.
    pub removed: Vec<Removed>,
    /// `import` blocks.
    pub imports: Vec<Import>,
    /// `check` blocks.
    pub checks: Vec<Check>,
}

/// `removed { from = ADDR  lifecycle { destroy = false } }`.
#[derive(Clone, Debug)]
pub struct Removed {
    /// The address removed from the configuration, as written.
    pub from: Traversal,
    /// Whether the objects are destroyed (default) or only forgotten.
    pub destroy: bool,
    /// The range of the block.
    pub range: SourceRange,
}

/// `import { to = ADDR  id = "..." }`.
#[derive(Clone, Debug)]
pub struct Import {
    /// The resource (instance) address to import into.
    pub to: Traversal,
    /// The provider-specific id.
    pub id: Expr,
    /// `for_each`, for importing several instances.
    pub for_each: Option<Expr>,
    /// The `provider` meta-argument.
    pub provider: Option<(String, Option<String>)>,
    /// The range of the block.
    pub range: SourceRange,
}

/// `check "name" { data ... { } assert { condition error_message } }`.
#[derive(Clone, Debug)]
pub struct Check {
    /// The check's name.
    pub name: String,
    /// The scoped data source, if any.
    pub data: Option<ResourceConfig>,
    /// The assertions.
    pub asserts: Vec<Validation>,
    /// The range of `check "name"`.
    pub range: SourceRange,
}

/// `variable "name" { ... }`.
#[derive(Clone, Debug)]
pub struct Variable {
    /// The name.
    pub name: String,
    /// The type constraint, if given.
    pub type_spec: Option<TypeSpec>,
    /// The default value expression (a constant), if given.
    pub default: Option<Expr>,
    /// The description.
    pub description: Option<String>,
    /// Whether the value is sensitive.
    pub sensitive: bool,
    /// Whether the value may be null (default true).
    pub nullable: bool,
    /// Whether the value is ephemeral.
    pub ephemeral: bool,
    /// Validation rules.
    pub validations: Vec<Validation>,
    /// The range of `variable "name"`.
    pub range: SourceRange,
}

impl Variable {
    /// Whether `-var` and environment values are taken as raw strings (no type, or `string`) rather than
    /// parsed as expressions.
    pub fn parses_as_literal(&self) -> bool {
        match &self.type_spec {
            None => true,
            Some(t) => t.ty == terrane_values::Type::String,
        }
    }

    /// Whether the variable must be given a value.
    pub fn is_required(&self) -> bool {
        self.default.is_none()
    }
}

/// A `validation` block (also used for `precondition` and `postcondition`).
#[derive(Clone, Debug)]
pub struct Validation {
    /// The condition.
    pub condition: Expr,
    /// The message shown when it is false.
    pub error_message: Expr,
    /// The range of the block.
    pub range: SourceRange,
}

/// One local value.
#[derive(Clone, Debug)]
pub struct Local {
    /// The name.
    pub name: String,
    /// The expression.
    pub expr: Expr,
    /// The range of the definition.
    pub range: SourceRange,
}

/// `output "name" { ... }`.
#[derive(Clone, Debug)]
pub struct Output {
    /// The name.
    pub name: String,
    /// The value.
    pub expr: Expr,
    /// The description.
    pub description: Option<String>,
    /// Whether the output is declared sensitive.
    pub sensitive: bool,
    /// Whether the output is ephemeral.
    pub ephemeral: bool,
    /// Explicit dependencies.
    pub depends_on: Vec<Traversal>,
    /// Preconditions.
    pub preconditions: Vec<Validation>,
    /// The range of `output "name"`.
    pub range: SourceRange,
}

/// What `lifecycle.ignore_changes` names.
#[derive(Clone, Debug, Default)]
pub enum IgnoreChanges {
    /// Nothing is ignored.
    #[default]
    None,
    /// `ignore_changes = all`.
    All,
    /// Attribute paths.
    Paths(Vec<Traversal>),
}

/// The `lifecycle` block of a resource.
#[derive(Clone, Debug, Default)]
pub struct Lifecycle {
    /// Create the replacement before destroying the old object.
    pub create_before_destroy: bool,
    /// Refuse to plan the destruction of the object.
    pub prevent_destroy: bool,
    /// Attributes whose changes in configuration are ignored.
    pub ignore_changes: IgnoreChanges,
    /// Expressions whose change forces replacement.
    pub replace_triggered_by: Vec<Expr>,
    /// Conditions checked before planning the resource.
    pub preconditions: Vec<Validation>,
    /// Conditions checked after applying it.
    pub postconditions: Vec<Validation>,
}

/// A `resource` or `data` block.
#[derive(Clone, Debug)]
pub struct ResourceConfig {
    /// The resource's address within its module.
    pub addr: Resource,
    /// The `provider` meta-argument: local name and alias.
    pub provider: Option<(String, Option<String>)>,
    /// `count`.
    pub count: Option<Expr>,
    /// `for_each`.
    pub for_each: Option<Expr>,
    /// `depends_on`.
    pub depends_on: Vec<Traversal>,
    /// The lifecycle settings.
    pub lifecycle: Lifecycle,
    /// The resource's own arguments and blocks (meta-arguments removed).
    pub body: Body,
    /// The range of `resource "type" "name"`.
    pub range: SourceRange,
}

impl ResourceConfig {
    /// The provider local name this resource uses.
    pub fn provider_local_name(&self) -> &str {
        match &self.provider {
            Some((name, _)) => name,
            None => self.addr.implied_provider(),
        }
    }
}

/// A `module` block.
#[derive(Clone, Debug)]
pub struct ModuleCall {
    /// The call's name.
    pub name: String,
    /// The `source` argument.
    pub source: String,
    /// The range of the source argument.
    pub source_range: SourceRange,
    /// The `version` argument.
    pub version: Option<String>,
    /// `count`.
    pub count: Option<Expr>,
    /// `for_each`.
    pub for_each: Option<Expr>,
    /// `depends_on`.
    pub depends_on: Vec<Traversal>,
    /// `providers = { child = parent }` pairs: child local name and alias, parent local name and alias.
    pub providers: Vec<((String, Option<String>), (String, Option<String>))>,
    /// The input variable arguments.
    pub inputs: Body,
    /// The range of `module "name"`.
    pub range: SourceRange,
}

/// A `provider` block.
#[derive(Clone, Debug)]
pub struct ProviderBlock {
    /// The provider's local name.
    pub name: String,
    /// The alias.
    pub alias: Option<String>,
    /// The configuration arguments.
    pub body: Body,
    /// The range of `provider "name"`.
    pub range: SourceRange,
}

/// A `required_providers` entry.
#[derive(Clone, Debug)]
pub struct RequiredProvider {
    /// The source address.
    pub source: Provider,
    /// The version constraint.
    pub version: Option<String>,
    /// Extra configuration aliases declared by a module.
    pub configuration_aliases: Vec<String>,
}

/// The `backend` block.
#[derive(Clone, Debug)]
pub struct Backend {
    /// The backend type, `local`, `pg`, `s3`.
    pub kind: String,
    /// The configuration arguments.
    pub body: Body,
    /// The range of `backend "kind"`.
    pub range: SourceRange,
}

impl Module {
    /// Drops the spare capacity of the declaration maps, filled one declaration at a time: the
    /// module is kept for the whole run.
    pub fn shrink_to_fit(&mut self) {
        self.variables.shrink_to_fit();
        self.locals.shrink_to_fit();
        self.outputs.shrink_to_fit();
        self.resources.shrink_to_fit();
        self.module_calls.shrink_to_fit();
        self.required_providers.shrink_to_fit();
    }

    /// Decodes the top-level blocks of a module's files, adding them to this module.
    /// The file's body is taken apart: its expressions move into the module.
    pub fn add_file(&mut self, body: Body, diags: &mut Diagnostics) {
        body.check_schema(
            &[],
            &[
                "terraform",
                "variable",
                "locals",
                "output",
                "resource",
                "data",
                "module",
                "provider",
                "moved",
                "import",
                "removed",
                "check",
            ],
            "here",
            diags,
        );
        for block in body.blocks {
            let kind = block.kind.clone();
            match kind.as_str() {
                "terraform" => self.decode_terraform(&block, diags),
                "variable" => self.decode_variable(&block, diags),
                "locals" => self.decode_locals(block, diags),
                "output" => self.decode_output(block, diags),
                "resource" => self.decode_resource(block, ResourceMode::Managed, diags),
                "data" => self.decode_resource(block, ResourceMode::Data, diags),
                "module" => self.decode_module_call(block, diags),
                "provider" => self.decode_provider(&block, diags),
                "moved" => self.other_blocks.push(block),
                "removed" => self.decode_removed(&block, diags),
                "import" => self.decode_import(&block, diags),
                "check" => self.decode_check(&block, diags),
                _ => {}
            }
        }
    }

    fn decode_terraform(&mut self, block: &Block, diags: &mut Diagnostics) {
        let b = &block.body;
        b.check_schema(
            &["required_version", "experiments", "language"],
            &[
                "required_providers",
                "backend",
                "cloud",
                "provider_meta",
                "encryption",
            ],
            "in a terraform block",
            diags,
        );
        if let Some(a) = b.attr("required_version") {
            match a.expr.as_static_string() {
                Some(s) => self.required_version.push((s, a.expr.range.clone())),
                None => diags.push(static_string_required(&a.expr, "required_version")),
            }
        }
        for rp in b.blocks_with_json("required_providers") {
            for a in rp.body.plain_attrs(&[]) {
                let (source, version, aliases) = match &a.expr.unwrap_parens().kind {
                    ExprKind::Object(items) => {
                        let mut source = None;
                        let mut version = None;
                        let mut aliases = Vec::new();
                        for (k, v) in items {
                            let key = match k {
                                crate::ast::ObjectKey::Name(n, _) => n.clone(),
                                crate::ast::ObjectKey::Expr(e) => {
                                    e.as_static_string().unwrap_or_default()
                                }
                            };
                            match key.as_str() {
                                "source" => source = v.as_static_string(),
                                "version" => version = v.as_static_string(),
                                "configuration_aliases" => {
                                    for t in v.as_tuple().unwrap_or_default() {
                                        if let Some(t) = t.as_traversal() {
                                            if let Some(alias) = t.attr(0) {
                                                aliases.push(alias.to_string());
                                            }
                                        }
                                    }
                                }
                                _ => diags.push(
                                    Diagnostic::error(
                                        "Invalid required_providers object",
                                        "required_providers objects can only contain \"version\", \"source\" and \"configuration_aliases\" attributes.",
                                    )
                                    .with_subject(v.range.clone()),
                                ),
                            }
                        }
                        (source, version, aliases)
                    }
                    _ => (None, a.expr.as_static_string(), Vec::new()),
                };
                let provider = match source {
                    Some(s) => {
                        match Provider::parse(&s) {
                            Some(p) => p,
                            None => {
                                diags.push(
                                Diagnostic::error("Invalid provider source string", format!("The source {s:?} is not a valid provider source address."))
                                    .with_subject(a.expr.range.clone()),
                            );
                                continue;
                            }
                        }
                    }
                    None => Provider::implied(&a.name),
                };
                self.required_providers.insert(
                    a.name.clone(),
                    RequiredProvider {
                        source: provider,
                        version,
                        configuration_aliases: aliases,
                    },
                );
            }
        }
        if let Some(enc) = b.blocks_with_json("encryption").into_iter().next() {
            self.encryption = Some(enc);
        }
        for bk in b.blocks_with_json("backend") {
            if let Some(prev) = &self.backend {
                diags.push(
                    Diagnostic::error(
                        "Duplicate backend configuration",
                        format!("A module may have only one backend configuration. The backend was previously configured at {}.", prev.range),
                    )
                    .with_subject(bk.def_range.clone()),
                );
                continue;
            }
            let kind = bk.labels.first().cloned().unwrap_or_default();
            self.backend = Some(Backend {
                kind,
                body: bk.body.clone(),
                range: bk.def_range.clone(),
            });
        }
    }

    fn decode_variable(&mut self, block: &Block, diags: &mut Diagnostics) {
        let Some(name) = single_label(block, "variable", diags) else {
            return;
        };
        let b = &block.body;
        b.check_schema(
            &[
                "type",
                "default",
                "description",
                "sensitive",
                "nullable",
                "ephemeral",
            ],
            &["validation"],
            "in a variable block",
            diags,
        );
        if is_reserved_variable_name(&name) {
            diags.push(
                Diagnostic::error(
                    "Invalid variable name",
                    format!("The variable name {name:?} is reserved due to its special meaning inside module blocks."),
                )
                .with_subject(block.label_ranges[0].clone()),
            );
        }
        let type_spec = b.attr("type").and_then(|a| match type_constraint(&a.expr) {
            Ok(t) => Some(t),
            Err(d) => {
                diags.push(d);
                None
            }
        });
        let default = b.attr("default").map(|a| a.expr.clone());
        if let Some(d) = &default {
            for t in d.traversals() {
                diags.push(
                    Diagnostic::error("Variables not allowed", "Variables may not be used here.")
                        .with_subject(t.range()),
                );
            }
        }
        let validations = b
            .blocks_with_json("validation")
            .iter()
            .filter_map(|v| decode_condition(v, diags))
            .collect();
        let var = Variable {
            name: name.clone(),
            type_spec,
            default,
            description: static_string_attr(b, "description", diags),
            sensitive: static_bool(b, "sensitive", false, diags),
            nullable: static_bool(b, "nullable", true, diags),
            ephemeral: static_bool(b, "ephemeral", false, diags),
            validations,
            range: block.def_range.clone(),
        };
        if let Some(prev) = self.variables.get(&name) {
            diags.push(duplicate("variable", &name, &prev.range, &block.def_range));
            return;
        }
        self.variables.insert(name, var);
    }

    fn decode_locals(&mut self, block: Block, diags: &mut Diagnostics) {
        let is_json = block.body.is_json;
        for a in block.body.attrs {
            if is_json && a.name == "//" {
                continue;
            }
            if let Some(prev) = self.locals.get(&a.name) {
                diags.push(
                    Diagnostic::error(
                        "Duplicate local value definition",
                        format!("A local value named {:?} was already defined at {}. Local value names must be unique within a module.", a.name, prev.range),
                    )
                    .with_subject(a.name_range.clone()),
                );
                continue;
            }
            self.locals.insert(
                a.name.clone(),
                Local {
                    name: a.name,
                    expr: a.expr,
                    range: a.name_range,
                },
            );
        }
        for b in &block.body.blocks {
            diags.push(
                Diagnostic::error(
                    "Unsupported block type",
                    format!("Blocks of type {:?} are not expected here.", b.kind),
                )
                .with_subject(b.def_range.clone()),
            );
        }
    }

    fn decode_output(&mut self, mut block: Block, diags: &mut Diagnostics) {
        let Some(name) = single_label(&block, "output", diags) else {
            return;
        };
        block.body.check_schema(
            &[
                "value",
                "description",
                "sensitive",
                "depends_on",
                "ephemeral",
            ],
            &["precondition"],
            "in an output block",
            diags,
        );
        let Some(value) = block.body.take_attr("value") else {
            diags.push(
                Diagnostic::error(
                    "Missing required argument",
                    "The argument \"value\" is required, but no definition was found.",
                )
                .with_subject(block.def_range.clone()),
            );
            return;
        };
        let b = &block.body;
        let out = Output {
            name: name.clone(),
            expr: value.expr,
            description: static_string_attr(b, "description", diags),
            sensitive: static_bool(b, "sensitive", false, diags),
            ephemeral: static_bool(b, "ephemeral", false, diags),
            depends_on: depends_on(b, diags),
            preconditions: b
                .blocks_with_json("precondition")
                .iter()
                .filter_map(|v| decode_condition(v, diags))
                .collect(),
            range: block.def_range.clone(),
        };
        if let Some(prev) = self.outputs.get(&name) {
            diags.push(duplicate("output", &name, &prev.range, &block.def_range));
            return;
        }
        self.outputs.insert(name, out);
    }

    fn decode_resource(&mut self, mut block: Block, mode: ResourceMode, diags: &mut Diagnostics) {
        let what = if mode == ResourceMode::Managed {
            "resource"
        } else {
            "data"
        };
        if block.labels.len() != 2 {
            diags.push(
                Diagnostic::error(
                    "Missing name for resource",
                    format!("All {what} blocks must have 2 labels (type, name)."),
                )
                .with_subject(block.def_range.clone()),
            );
            return;
        }
        let (ty, name) = (&block.labels[0], &block.labels[1]);
        for (label, range) in block.labels.iter().zip(&block.label_ranges) {
            if !is_valid_name(label) {
                diags.push(
                    Diagnostic::error(
                        "Invalid resource name",
                        "A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes.",
                    )
                    .with_subject(range.clone()),
                );
                return;
            }
        }
        let addr = Resource {
            mode,
            ty: ty.clone(),
            name: name.clone(),
        };
        let count = block.body.take_attr("count");
        let for_each = block.body.take_attr("for_each");
        if let (Some(_), Some(fe)) = (&count, &for_each) {
            diags.push(
                Diagnostic::error(
                    "Invalid combination of \"count\" and \"for_each\"",
                    "The \"count\" and \"for_each\" meta-arguments are mutually-exclusive, only one should be used to be explicit about the number of resources to be created.",
                )
                .with_subject(fe.name_range.clone()),
            );
        }
        let (count, for_each) = (count.map(|a| a.expr), for_each.map(|a| a.expr));
        let b = &block.body;
        let provider = b.attr("provider").and_then(|a| match a.expr.as_traversal() {
            Some(t) if t.steps.len() <= 1 => Some((t.root.clone(), t.attr(0).map(str::to_string))),
            _ => {
                diags.push(
                    Diagnostic::error("Invalid provider reference", "Provider argument requires a provider name followed by an optional alias, like \"aws.foo\".")
                        .with_subject(a.expr.range.clone()),
                );
                None
            }
        });
        let lifecycle_blocks = b.blocks_with_json("lifecycle");
        let mut lifecycle = Lifecycle::default();
        for lb in &lifecycle_blocks {
            lifecycle = decode_lifecycle(lb, mode, diags);
        }
        const META: &[&str] = &["count", "for_each", "depends_on", "provider", "lifecycle"];
        const META_BLOCKS: &[&str] = &["lifecycle", "provisioner", "connection"];
        let depends_on = depends_on(b, diags);
        let mut body = std::mem::replace(&mut block.body, Body::empty(block.def_range.clone()));
        let is_json = body.is_json;
        body.attrs.retain(|a| {
            !META.contains(&a.name.as_str())
                && !(is_json && (a.name == "//" || META_BLOCKS.contains(&a.name.as_str())))
        });
        body.blocks
            .retain(|bk| !META_BLOCKS.contains(&bk.kind.as_str()));
        let rc = ResourceConfig {
            addr: addr.clone(),
            provider,
            count,
            for_each,
            depends_on,
            lifecycle,
            body,
            range: block.def_range.clone(),
        };
        if let Some(prev) = self.resources.get(&addr) {
            diags.push(
                Diagnostic::error(
                    format!("Duplicate {what} {:?} configuration", addr.ty),
                    format!("A {} {:?} {:?} was already declared at {}. Resource names must be unique per type in each module.", what, addr.ty, addr.name, prev.range),
                )
                .with_subject(block.def_range.clone()),
            );
            return;
        }
        self.resources.insert(addr, rc);
    }

    fn decode_module_call(&mut self, mut block: Block, diags: &mut Diagnostics) {
        let Some(name) = single_label(&block, "module", diags) else {
            return;
        };
        let b = &block.body;
        let Some(source) = b.attr("source") else {
            diags.push(
                Diagnostic::error(
                    "Missing required argument",
                    "The argument \"source\" is required, but no definition was found.",
                )
                .with_subject(block.def_range.clone()),
            );
            return;
        };
        let Some(source_text) = source.expr.as_static_string() else {
            diags.push(static_string_required(&source.expr, "source"));
            return;
        };
        let count = b.attr("count").map(|a| a.expr.clone());
        let for_each = b.attr("for_each").map(|a| a.expr.clone());
        if count.is_some() && for_each.is_some() {
            diags.push(
                Diagnostic::error(
                    "Invalid combination of \"count\" and \"for_each\"",
                    "The \"count\" and \"for_each\" meta-arguments are mutually-exclusive, only one should be used to be explicit about the number of resources to be created.",
                )
                .with_subject(block.def_range.clone()),
            );
        }
        let mut providers = Vec::new();
        if let Some(p) = b.attr("providers") {
            match &p.expr.unwrap_parens().kind {
                ExprKind::Object(items) => {
                    for (k, v) in items {
                        let child = match k {
                            crate::ast::ObjectKey::Name(n, _) => Some((n.clone(), None)),
                            crate::ast::ObjectKey::Expr(e) => e
                                .as_traversal()
                                .map(|t| (t.root.clone(), t.attr(0).map(str::to_string))),
                        };
                        let parent = v
                            .as_traversal()
                            .map(|t| (t.root.clone(), t.attr(0).map(str::to_string)));
                        match (child, parent) {
                            (Some(c), Some(p)) => providers.push((c, p)),
                            _ => diags.push(
                                Diagnostic::error("Invalid providers argument", "The providers argument requires a map of provider references, like { aws = aws.west }.")
                                    .with_subject(v.range.clone()),
                            ),
                        }
                    }
                }
                _ => diags.push(
                    Diagnostic::error(
                        "Invalid providers argument",
                        "The providers argument requires a map of provider references.",
                    )
                    .with_subject(p.expr.range.clone()),
                ),
            }
        }
        const META: &[&str] = &[
            "source",
            "version",
            "count",
            "for_each",
            "depends_on",
            "providers",
        ];
        let source_range = source.expr.range.clone();
        let version = b.attr("version").and_then(|a| a.expr.as_static_string());
        let depends_on = depends_on(b, diags);
        let mut inputs = std::mem::replace(&mut block.body, Body::empty(block.def_range.clone()));
        inputs
            .attrs
            .retain(|a| !META.contains(&a.name.as_str()) && a.name != "//");
        for bk in &inputs.blocks {
            diags.push(
                Diagnostic::error(
                    "Unsupported block type",
                    format!("Blocks of type {:?} are not expected here.", bk.kind),
                )
                .with_subject(bk.def_range.clone()),
            );
        }
        let call = ModuleCall {
            name: name.clone(),
            source: source_text,
            source_range,
            version,
            count,
            for_each,
            depends_on,
            providers,
            inputs,
            range: block.def_range.clone(),
        };
        if let Some(prev) = self.module_calls.get(&name) {
            diags.push(duplicate("module", &name, &prev.range, &block.def_range));
            return;
        }
        self.module_calls.insert(name, call);
    }

    fn decode_removed(&mut self, block: &Block, diags: &mut Diagnostics) {
        let b = &block.body;
        b.check_schema(
            &["from"],
            &["lifecycle", "provisioner", "connection"],
            "in a removed block",
            diags,
        );
        let Some(from) = b.attr("from").and_then(|a| a.expr.as_traversal()).cloned() else {
            diags.push(
                Diagnostic::error(
                    "Invalid \"removed\" block",
                    "The \"from\" argument is required and must be a resource or module address.",
                )
                .with_subject(block.def_range.clone()),
            );
            return;
        };
        let mut destroy = true;
        for lb in b.blocks_with_json("lifecycle") {
            lb.body.check_schema(
                &["destroy"],
                &[],
                "in a removed block's lifecycle block",
                diags,
            );
            destroy = static_bool(&lb.body, "destroy", true, diags);
        }
        self.removed.push(Removed {
            from,
            destroy,
            range: block.def_range.clone(),
        });
    }

    fn decode_import(&mut self, block: &Block, diags: &mut Diagnostics) {
        let b = &block.body;
        b.check_schema(
            &["to", "id", "for_each", "provider", "identity"],
            &[],
            "in an import block",
            diags,
        );
        let to = b.attr("to").map(|a| &a.expr);
        let Some(to) = to.and_then(|e| {
            // `to` may index with an expression (for_each); keep the static part.
            let mut e = e.unwrap_parens();
            while let ExprKind::Index(inner, _) = &e.kind {
                e = inner.unwrap_parens();
            }
            e.as_traversal()
        }) else {
            diags.push(
                Diagnostic::error(
                    "Invalid import address",
                    "The \"to\" argument must be the address of a resource instance.",
                )
                .with_subject(block.def_range.clone()),
            );
            return;
        };
        let Some(id) = b.attr("id").map(|a| a.expr.clone()) else {
            diags.push(
                Diagnostic::error(
                    "Missing required argument",
                    "The argument \"id\" is required, but no definition was found.",
                )
                .with_subject(block.def_range.clone()),
            );
            return;
        };
        let provider = b
            .attr("provider")
            .and_then(|a| a.expr.as_traversal())
            .map(|t| (t.root.clone(), t.attr(0).map(str::to_string)));
        self.imports.push(Import {
            to: to.clone(),
            id,
            for_each: b.attr("for_each").map(|a| a.expr.clone()),
            provider,
            range: block.def_range.clone(),
        });
    }

    fn decode_check(&mut self, block: &Block, diags: &mut Diagnostics) {
        let Some(name) = single_label(block, "check", diags) else {
            return;
        };
        let b = &block.body;
        b.check_schema(&[], &["data", "assert"], "in a check block", diags);
        let asserts: Vec<Validation> = b
            .blocks_with_json("assert")
            .iter()
            .filter_map(|a| decode_condition(a, diags))
            .collect();
        if asserts.is_empty() {
            diags.push(
                Diagnostic::error(
                    "Zero assert blocks",
                    "Check blocks must have at least one assert block.",
                )
                .with_subject(block.def_range.clone()),
            );
        }
        let mut data = None;
        for d in b.blocks_of("data") {
            let mut scratch = Module::default();
            scratch.decode_resource(d.clone(), ResourceMode::Data, diags);
            if let Some((_, rc)) = scratch.resources.into_iter().next() {
                if data.is_some() {
                    diags.push(
                        Diagnostic::error(
                            "Multiple data blocks",
                            "A check block can contain at most one nested data block.",
                        )
                        .with_subject(d.def_range.clone()),
                    );
                }
                data = Some(rc);
            }
        }
        self.checks.push(Check {
            name,
            data,
            asserts,
            range: block.def_range.clone(),
        });
    }

    fn decode_provider(&mut self, block: &Block, diags: &mut Diagnostics) {
        let Some(name) = single_label(block, "provider", diags) else {
            return;
        };
        let alias = block
            .body
            .attr("alias")
            .and_then(|a| a.expr.as_static_string());
        let mut body = block.body.clone();
        body.attrs
            .retain(|a| a.name != "alias" && a.name != "version");
        if let Some(prev) = self
            .providers
            .iter()
            .find(|p| p.name == name && p.alias == alias)
        {
            diags.push(
                Diagnostic::error(
                    "Duplicate provider configuration",
                    format!("A provider configuration for {name:?} was already given at {}. Each configuration for the same provider must have a distinct alias.", prev.range),
                )
                .with_subject(block.def_range.clone()),
            );
            return;
        }
        self.providers.push(ProviderBlock {
            name,
            alias,
            body,
            range: block.def_range.clone(),
        });
    }

    /// The provider source address for a local name in this module.
    pub fn provider_for_local_name(&self, local: &str) -> Provider {
        match self.required_providers.get(local) {
            Some(rp) => rp.source.clone(),
            None => Provider::implied(local),
        }
    }
}

fn single_label(block: &Block, kind: &str, diags: &mut Diagnostics) -> Option<String> {
    if block.labels.len() != 1 {
        diags.push(
            Diagnostic::error(
                format!("Missing name for {kind}"),
                format!("All {kind} blocks must have 1 labels (name)."),
            )
            .with_subject(block.def_range.clone()),
        );
        return None;
    }
    let name = block.labels[0].clone();
    if !is_valid_name(&name) {
        diags.push(
            Diagnostic::error(
                format!("Invalid {kind} name"),
                "A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes.",
            )
            .with_subject(block.label_ranges[0].clone()),
        );
        return None;
    }
    Some(name)
}

/// Whether `s` is a valid identifier for a block name.
pub fn is_valid_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

fn is_reserved_variable_name(name: &str) -> bool {
    matches!(
        name,
        "source"
            | "version"
            | "providers"
            | "count"
            | "for_each"
            | "lifecycle"
            | "depends_on"
            | "locals"
    )
}

fn duplicate(kind: &str, name: &str, prev: &SourceRange, here: &SourceRange) -> Diagnostic {
    let (summary, what) = match kind {
        "variable" => ("Duplicate variable declaration", "A variable"),
        "output" => ("Duplicate output definition", "An output"),
        "module" => ("Duplicate module call", "A module call"),
        _ => ("Duplicate declaration", "An object"),
    };
    Diagnostic::error(
        summary,
        format!("{what} named {name:?} was already declared at {prev}. {} names must be unique within a module.", capitalized(kind)),
    )
    .with_subject(here.clone())
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn static_string_required(expr: &Expr, name: &str) -> Diagnostic {
    Diagnostic::error(
        "Invalid value",
        format!(
            "The {name:?} argument requires a literal string; it cannot refer to other values."
        ),
    )
    .with_subject(expr.range.clone())
}

fn static_string_attr(b: &Body, name: &str, diags: &mut Diagnostics) -> Option<String> {
    let a = b.attr(name)?;
    match a.expr.as_static_string() {
        Some(s) => Some(s),
        None => {
            diags.push(static_string_required(&a.expr, name));
            None
        }
    }
}

fn static_bool(b: &Body, name: &str, default: bool, diags: &mut Diagnostics) -> bool {
    let Some(a) = b.attr(name) else {
        return default;
    };
    match a.expr.as_literal().and_then(Value::as_bool) {
        Some(v) => v,
        None => {
            if let Some(s) = a.expr.as_static_string() {
                match s.as_str() {
                    "true" => return true,
                    "false" => return false,
                    _ => {}
                }
            }
            diags.push(
                Diagnostic::error("Unsuitable value type", format!("Unsuitable value: the {name:?} argument requires a literal bool (true or false)."))
                    .with_subject(a.expr.range.clone()),
            );
            default
        }
    }
}

fn depends_on(b: &Body, diags: &mut Diagnostics) -> Vec<Traversal> {
    let Some(a) = b.attr("depends_on") else {
        return Vec::new();
    };
    let Some(items) = a.expr.as_tuple() else {
        diags.push(
            Diagnostic::error(
                "Invalid depends_on",
                "The depends_on argument must be a list of references to resources or modules.",
            )
            .with_subject(a.expr.range.clone()),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for i in items {
        match i.as_traversal() {
            Some(t) => out.push(t.clone()),
            None => diags.push(
                Diagnostic::error("Invalid expression", "A single static variable reference is required: only attribute access and indexing with constant keys. No calculations, function calls, template expressions, etc are allowed here.")
                    .with_subject(i.range.clone()),
            ),
        }
    }
    out
}

fn decode_condition(block: &Block, diags: &mut Diagnostics) -> Option<Validation> {
    block.body.check_schema(
        &["condition", "error_message"],
        &[],
        &format!("in a {} block", block.kind),
        diags,
    );
    let condition = block.body.attr("condition");
    let message = block.body.attr("error_message");
    match (condition, message) {
        (Some(c), Some(m)) => Some(Validation {
            condition: c.expr.clone(),
            error_message: m.expr.clone(),
            range: block.def_range.clone(),
        }),
        _ => {
            let missing = if condition.is_none() {
                "condition"
            } else {
                "error_message"
            };
            diags.push(
                Diagnostic::error(
                    "Missing required argument",
                    format!("The argument {missing:?} is required, but no definition was found."),
                )
                .with_subject(block.def_range.clone()),
            );
            None
        }
    }
}

fn decode_lifecycle(block: &Block, mode: ResourceMode, diags: &mut Diagnostics) -> Lifecycle {
    let b = &block.body;
    if mode == ResourceMode::Data {
        b.check_schema(
            &[],
            &["precondition", "postcondition"],
            "in a data source lifecycle block",
            diags,
        );
    } else {
        b.check_schema(
            &[
                "create_before_destroy",
                "prevent_destroy",
                "ignore_changes",
                "replace_triggered_by",
            ],
            &["precondition", "postcondition"],
            "in a lifecycle block",
            diags,
        );
    }
    let ignore_changes = match b.attr("ignore_changes") {
        None => IgnoreChanges::None,
        Some(a) => {
            if a.expr.as_keyword() == Some("all") {
                IgnoreChanges::All
            } else if let Some(items) = a.expr.as_tuple() {
                let mut paths = Vec::new();
                for i in items {
                    match i.as_traversal() {
                        Some(t) => paths.push(t.clone()),
                        None => match i.as_static_string() {
                            Some(s) => {
                                match crate::syntax::native::parse_expression("ignore_changes", &s)
                                {
                                    Ok(e) if e.as_traversal().is_some() => {
                                        let mut t = e.as_traversal().cloned().expect("checked");
                                        t.root_range = i.range.clone();
                                        paths.push(t);
                                    }
                                    _ => diags.push(invalid_ignore(&i.range)),
                                }
                            }
                            None => diags.push(invalid_ignore(&i.range)),
                        },
                    }
                }
                IgnoreChanges::Paths(paths)
            } else {
                diags.push(invalid_ignore(&a.expr.range));
                IgnoreChanges::None
            }
        }
    };
    Lifecycle {
        create_before_destroy: static_bool(b, "create_before_destroy", false, diags),
        prevent_destroy: static_bool(b, "prevent_destroy", false, diags),
        ignore_changes,
        replace_triggered_by: b
            .attr("replace_triggered_by")
            .and_then(|a| a.expr.as_tuple().map(<[Expr]>::to_vec))
            .unwrap_or_default(),
        preconditions: b
            .blocks_with_json("precondition")
            .iter()
            .filter_map(|v| decode_condition(v, diags))
            .collect(),
        postconditions: b
            .blocks_with_json("postcondition")
            .iter()
            .filter_map(|v| decode_condition(v, diags))
            .collect(),
    }
}

fn invalid_ignore(range: &SourceRange) -> Diagnostic {
    Diagnostic::error(
        "Invalid ignore_changes value",
        "The ignore_changes argument must be the keyword `all` or a list of attribute references, like [tags, triggers[\"a\"]].",
    )
    .with_subject(range.clone())
}
