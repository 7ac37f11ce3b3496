//! Lifecycle tests: the engine's behaviour on create, update, replace, delete, failures, cycles and
//! unknown values, pinned through the scriptable in-memory provider. Each test writes a stack, plans and
//! applies it through the public API, and checks the plan, the calls the provider saw (in order) and
//! the resulting state.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use terrane_addrs::{Provider as ProviderAddr, parse_resource_instance};
use terrane_core::{
    ApplyOptions, Context, PlanOptions, ProviderFactory, RawInput, RunInfo, Silent, apply, plan,
};
use terrane_diagnostics::Diagnostics;
use terrane_lang::Functions;
use terrane_plan::{Plan, PlanMode};
use terrane_provider_api::Provider;
use terrane_provider_scripted::Scripted;
use terrane_state::State;
use terrane_state_api::{StateError, StateWriter};
use terrane_values::Value;

struct Factory(Scripted);

impl ProviderFactory for Factory {
    fn instantiate(&self, _addr: &ProviderAddr) -> Option<Arc<dyn Provider>> {
        Some(Arc::new(self.0.provider()))
    }
}

struct MemWriter(u64);

impl StateWriter for MemWriter {
    fn serial(&self) -> u64 {
        self.0
    }
    fn put(&mut self, _key: &str, _data: &[u8]) -> Result<(), StateError> {
        Ok(())
    }
    fn delete(&mut self, _key: &str) -> Result<(), StateError> {
        Ok(())
    }
    fn finish(self: Box<Self>) -> Result<(), StateError> {
        Ok(())
    }
}

struct Stack {
    dir: tempfile::TempDir,
    script: Scripted,
    state: State,
    parallelism: usize,
    inputs: BTreeMap<String, RawInput>,
}

impl Stack {
    fn new(main_tf: &str) -> Stack {
        let s = Stack {
            dir: tempfile::tempdir().unwrap(),
            script: Scripted::new(),
            state: State::new("test-lineage"),
            parallelism: 10,
            inputs: BTreeMap::new(),
        };
        s.write(main_tf);
        s
    }

    fn write(&self, main_tf: &str) {
        std::fs::write(self.dir.path().join("main.tf"), main_tf).unwrap();
    }

    fn context(&self) -> Context {
        let (config, diags) = terrane_config::load_config(self.dir.path());
        assert!(!diags.has_errors(), "configuration errors: {diags:?}");
        Context {
            config: Arc::new(config.unwrap()),
            factory: Arc::new(Factory(self.script.clone())),
            functions: Arc::new(Functions::new(self.dir.path())),
            run: RunInfo {
                cwd: self.dir.path().display().to_string(),
                workspace: "default".into(),
            },
            parallelism: self.parallelism,
            observer: Arc::new(Silent),
        }
    }

    fn options(&self, mode: PlanMode) -> PlanOptions {
        PlanOptions {
            mode,
            refresh: true,
            inputs: self.inputs.clone(),
            ..PlanOptions::default()
        }
    }

    async fn plan_opts(&self, opts: &PlanOptions) -> (Plan, Diagnostics) {
        plan(&self.context(), &self.state, opts).await
    }

    async fn plan(&self) -> Plan {
        let (p, d) = self.plan_opts(&self.options(PlanMode::Normal)).await;
        assert!(!d.has_errors(), "plan errors: {d:?}");
        p
    }

    async fn apply_plan(&mut self, p: &Plan) -> Diagnostics {
        let (state, diags) = apply(
            &self.context(),
            p,
            &self.state,
            Box::new(MemWriter(self.state.serial + 1)),
            &ApplyOptions::default(),
        )
        .await;
        self.state = state;
        diags
    }

    async fn apply(&mut self) -> Diagnostics {
        let p = self.plan().await;
        self.apply_plan(&p).await
    }

    async fn apply_ok(&mut self) {
        let d = self.apply().await;
        assert!(!d.has_errors(), "apply errors: {d:?}");
    }

    async fn destroy(&mut self) -> Diagnostics {
        let (p, d) = self.plan_opts(&self.options(PlanMode::Destroy)).await;
        assert!(!d.has_errors(), "plan errors: {d:?}");
        self.apply_plan(&p).await
    }

    fn instances(&self) -> Vec<String> {
        self.state
            .instances()
            .map(|(a, _, _)| a.to_string())
            .collect()
    }

    fn attr(&self, addr: &str, name: &str) -> Option<String> {
        let a = parse_resource_instance(addr).unwrap();
        self.state
            .object(&a)?
            .attributes
            .get(name)?
            .as_str()
            .map(str::to_string)
    }

    /// The provider calls that changed something (reads are left out).
    fn changes_log(&self) -> Vec<String> {
        self.script
            .log()
            .into_iter()
            .filter(|l| !l.starts_with("read"))
            .collect()
    }
}

fn actions(p: &Plan) -> Vec<String> {
    p.changes
        .iter()
        .filter(|c| c.action != terrane_plan::Action::NoOp)
        .map(|c| format!("{}: {}", c.addr, c.action.json_actions().join(",")))
        .collect()
}

const PAIR: &str = r#"
resource "scripted_thing" "a" {
  name  = "a"
  value = "one"
}
resource "scripted_thing" "b" {
  name  = "b"
  value = scripted_thing.a.id
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn create_in_dependency_order_with_unknown_values() {
    let mut s = Stack::new(PAIR);
    let p = s.plan().await;
    assert_eq!(
        actions(&p),
        ["scripted_thing.a: create", "scripted_thing.b: create"]
    );
    let b = p
        .changes
        .iter()
        .find(|c| c.addr.to_string() == "scripted_thing.b")
        .unwrap();
    assert!(
        !b.after.get_attr("value").unwrap().is_known(),
        "b's value is known only after apply"
    );
    s.apply_plan(&p).await;
    assert_eq!(s.changes_log(), ["create a", "create b"]);
    assert_eq!(s.attr("scripted_thing.b", "value").as_deref(), Some("id-a"));
    assert_eq!(
        actions(&s.plan().await),
        Vec::<String>::new(),
        "a second plan has no changes"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn update_in_place() {
    let mut s = Stack::new(PAIR);
    s.apply_ok().await;
    s.write(&PAIR.replace("\"one\"", "\"two\""));
    let p = s.plan().await;
    assert_eq!(actions(&p), ["scripted_thing.a: update"]);
    s.apply_plan(&p).await;
    assert!(s.changes_log().ends_with(&["update a".to_string()]));
    assert_eq!(s.attr("scripted_thing.a", "value").as_deref(), Some("two"));
}

#[tokio::test(flavor = "multi_thread")]
async fn replace_destroys_then_creates_and_names_the_attribute() {
    let cfg = |k: &str| {
        format!(
            "resource \"scripted_thing\" \"a\" {{\n  name = \"a\"\n  replace_key = \"{k}\"\n}}\n"
        )
    };
    let mut s = Stack::new(&cfg("1"));
    s.apply_ok().await;
    s.write(&cfg("2"));
    let p = s.plan().await;
    assert_eq!(actions(&p), ["scripted_thing.a: delete,create"]);
    assert_eq!(
        p.changes[0]
            .replace_paths
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["replace_key"]
    );
    s.apply_plan(&p).await;
    assert_eq!(s.changes_log(), ["create a", "delete a", "create a"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn create_before_destroy_reverses_the_order() {
    let cfg = |k: &str| {
        format!(
            "resource \"scripted_thing\" \"a\" {{\n  name = \"a\"\n  replace_key = \"{k}\"\n  lifecycle {{\n    create_before_destroy = true\n  }}\n}}\n"
        )
    };
    let mut s = Stack::new(&cfg("1"));
    s.apply_ok().await;
    s.write(&cfg("2"));
    let p = s.plan().await;
    assert_eq!(actions(&p), ["scripted_thing.a: create,delete"]);
    s.apply_plan(&p).await;
    assert_eq!(s.changes_log(), ["create a", "create a", "delete a"]);
    assert_eq!(s.instances(), ["scripted_thing.a"]);
    assert!(
        s.state
            .resources
            .values()
            .all(|r| r.instances.values().all(|i| i.deposed.is_empty())),
        "no deposed object left"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn removed_resources_are_destroyed_dependents_first() {
    let mut s = Stack::new(PAIR);
    s.apply_ok().await;
    s.write("");
    let p = s.plan().await;
    assert_eq!(
        actions(&p),
        ["scripted_thing.a: delete", "scripted_thing.b: delete"]
    );
    s.apply_plan(&p).await;
    assert_eq!(
        s.changes_log(),
        ["create a", "create b", "delete b", "delete a"]
    );
    assert!(s.instances().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn destroy_goes_in_reverse_dependency_order() {
    let mut s = Stack::new(PAIR);
    s.apply_ok().await;
    let d = s.destroy().await;
    assert!(!d.has_errors(), "{d:?}");
    assert_eq!(
        s.changes_log(),
        ["create a", "create b", "delete b", "delete a"]
    );
    assert!(s.instances().is_empty());
    assert!(s.script.with(|sc| sc.remote.is_empty()));
}

#[tokio::test(flavor = "multi_thread")]
async fn destroy_sees_empty_for_each_and_data_sources_as_last_read() {
    // Locals and module outputs are evaluated while destroying: a resource with no instances is
    // `{}` there as in a normal plan (not null), a data source is its last read value, and an
    // object the state does not have is unknown.
    let mut s = Stack::new(
        r#"
module "m" {
  source = "./m"
}
output "names" {
  value = module.m.names
}
"#,
    );
    std::fs::create_dir_all(s.dir.path().join("m")).unwrap();
    std::fs::write(
        s.dir.path().join("m/main.tf"),
        r#"
variable "items" {
  type    = map(string)
  default = {}
}
resource "scripted_thing" "each" {
  for_each = var.items
  name     = each.key
  value    = each.value
}
resource "scripted_thing" "counted" {
  count = 0
  name  = "c"
  value = "c"
}
data "scripted_echo" "prefix" {
  input = "p"
}
locals {
  prefix = data.scripted_echo.prefix.output
}
resource "scripted_thing" "one" {
  name  = "${local.prefix}-one"
  value = "1"
}
output "names" {
  value = concat([for k, t in scripted_thing.each : t.name], scripted_thing.counted[*].name, [local.prefix])
}
output "one" {
  value = scripted_thing.one.name
}
"#,
    )
    .unwrap();
    // before anything exists (nothing in the state to evaluate): nothing to do, no errors
    let d = s.destroy().await;
    assert!(!d.has_errors(), "{d:?}");
    s.apply_ok().await;
    let d = s.destroy().await;
    assert!(!d.has_errors(), "{d:?}");
    assert!(s.instances().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failure_skips_dependents_and_keeps_independent_work() {
    let mut s = Stack::new(&format!(
        "{PAIR}\nresource \"scripted_thing\" \"c\" {{\n  name = \"c\"\n}}\n"
    ));
    s.script.with(|sc| {
        sc.fail.insert("create:a".into());
    });
    let d = s.apply().await;
    assert!(d.has_errors(), "the failure is reported");
    let log = s.changes_log();
    assert!(
        log.contains(&"create c".to_string()),
        "independent work finished: {log:?}"
    );
    assert!(
        !log.contains(&"create b".to_string()),
        "b depends on a and must not run: {log:?}"
    );
    assert_eq!(
        s.instances(),
        ["scripted_thing.c"],
        "every created resource is in state"
    );
    // Fixing the failure, the next apply creates the rest.
    s.script.with(|sc| sc.fail.clear());
    s.apply_ok().await;
    assert_eq!(
        s.instances(),
        ["scripted_thing.a", "scripted_thing.b", "scripted_thing.c"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_object_created_before_a_failure_is_kept_tainted_and_replaced() {
    let mut s = Stack::new("resource \"scripted_thing\" \"a\" {\n  name = \"a\"\n}\n");
    s.script.with(|sc| {
        sc.fail_after_create.insert("create:a".into());
    });
    let d = s.apply().await;
    assert!(d.has_errors());
    assert_eq!(
        d.errors().next().unwrap().summary,
        "Scripted failure after create",
        "{d:?}"
    );
    let a = parse_resource_instance("scripted_thing.a").unwrap();
    let obj = s.state.object(&a).expect("the created object is recorded");
    assert_eq!(obj.status, terrane_state::ObjectStatus::Tainted);
    s.script.with(|sc| sc.fail_after_create.clear());
    let p = s.plan().await;
    assert_eq!(actions(&p), ["scripted_thing.a: delete,create"]);
    assert_eq!(
        p.changes[0].reason,
        Some(terrane_plan::ActionReason::ReplaceBecauseTainted)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn cycles_are_errors_naming_their_members() {
    let s = Stack::new(
        r#"
resource "scripted_thing" "a" {
  name  = "a"
  value = scripted_thing.b.id
}
resource "scripted_thing" "b" {
  name  = "b"
  value = scripted_thing.a.id
}
"#,
    );
    let (_, d) = s.plan_opts(&s.options(PlanMode::Normal)).await;
    let e = d.errors().next().expect("a cycle error");
    assert_eq!(e.summary, "Cycle: scripted_thing.a, scripted_thing.b");
    assert!(s.script.log().is_empty(), "nothing was called");
}

#[tokio::test(flavor = "multi_thread")]
async fn changes_outside_are_detected_and_undone() {
    let mut s = Stack::new(PAIR);
    s.apply_ok().await;
    s.script.with(|sc| {
        let a = sc.remote.get("a").unwrap().clone();
        sc.remote.insert(
            "a".into(),
            terrane_provider_sdk::with_attr(&a, "value", Value::string("changed by hand")),
        );
    });
    let p = s.plan().await;
    assert_eq!(p.drift.len(), 1, "the drift is reported");
    assert_eq!(p.drift[0].addr.to_string(), "scripted_thing.a");
    assert_eq!(actions(&p), ["scripted_thing.a: update"]);
    // Deleted outside: recreated.
    s.script.with(|sc| sc.remote.remove("b"));
    let p = s.plan().await;
    assert!(
        actions(&p).contains(&"scripted_thing.b: create".to_string()),
        "{:?}",
        actions(&p)
    );
    // Without refresh nothing is noticed.
    let mut opts = s.options(PlanMode::Normal);
    opts.refresh = false;
    let (p, _) = s.plan_opts(&opts).await;
    assert!(p.drift.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn refresh_reads_each_type_in_one_bulk_call() {
    let cfg: String = (0..5)
        .map(|i| format!("resource \"scripted_thing\" \"r{i}\" {{\n  name = \"r{i}\"\n}}\n"))
        .collect();
    let mut s = Stack::new(&cfg);
    s.apply_ok().await;
    s.script.with(|sc| sc.log.clear());
    s.plan().await;
    let reads: Vec<String> = s
        .script
        .log()
        .into_iter()
        .filter(|l| l.starts_with("read"))
        .collect();
    assert_eq!(
        reads,
        ["read_many 5"],
        "one bulk read for the five objects of the type"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn prevent_destroy_stops_the_plan() {
    let cfg = "resource \"scripted_thing\" \"a\" {\n  name = \"a\"\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n";
    let mut s = Stack::new(cfg);
    s.apply_ok().await;
    let (_, d) = s.plan_opts(&s.options(PlanMode::Destroy)).await;
    assert_eq!(
        d.errors().next().map(|e| e.summary.as_str()),
        Some("Instance cannot be destroyed")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn parallelism_bounds_concurrent_operations() {
    let cfg: String = (0..6)
        .map(|i| format!("resource \"scripted_thing\" \"r{i}\" {{\n  name = \"r{i}\"\n}}\n"))
        .collect();
    let mut s = Stack::new(&cfg);
    s.parallelism = 2;
    s.script.with(|sc| sc.delay = Duration::from_millis(50));
    s.apply_ok().await;
    assert_eq!(s.script.with(|sc| sc.max_in_flight), 2);
    let mut s = Stack::new(&cfg);
    s.script.with(|sc| sc.delay = Duration::from_millis(50));
    s.apply_ok().await;
    assert!(
        s.script.with(|sc| sc.max_in_flight) > 2,
        "independent work runs concurrently"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn count_and_for_each_expand_and_shrink() {
    let cfg = |n: usize, keys: &str| {
        format!(
            "resource \"scripted_thing\" \"c\" {{\n  count = {n}\n  name = \"c${{count.index}}\"\n}}\nresource \"scripted_thing\" \"e\" {{\n  for_each = toset([{keys}])\n  name = \"e-${{each.key}}\"\n}}\n"
        )
    };
    let mut s = Stack::new(&cfg(2, "\"x\", \"y\""));
    s.apply_ok().await;
    assert_eq!(
        s.instances(),
        [
            "scripted_thing.c[0]",
            "scripted_thing.c[1]",
            "scripted_thing.e[\"x\"]",
            "scripted_thing.e[\"y\"]"
        ]
    );
    s.write(&cfg(1, "\"y\", \"z\""));
    let p = s.plan().await;
    assert_eq!(
        actions(&p),
        [
            "scripted_thing.c[1]: delete",
            "scripted_thing.e[\"x\"]: delete",
            "scripted_thing.e[\"z\"]: create"
        ]
    );
    let reasons: Vec<_> = p.changes.iter().filter_map(|c| c.reason).collect();
    assert_eq!(
        reasons,
        [
            terrane_plan::ActionReason::DeleteBecauseCountIndex,
            terrane_plan::ActionReason::DeleteBecauseEachKey
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn data_sources_are_read_during_plan_unless_unknown() {
    let mut s = Stack::new(
        r#"
data "scripted_echo" "known" {
  input = "hello"
}
resource "scripted_thing" "a" {
  name  = "a"
  value = data.scripted_echo.known.output
}
data "scripted_echo" "later" {
  input = scripted_thing.a.id
}
"#,
    );
    let p = s.plan().await;
    assert_eq!(
        actions(&p),
        ["data.scripted_echo.later: read", "scripted_thing.a: create"],
        "data sources are listed first"
    );
    let a = p
        .changes
        .iter()
        .find(|c| c.addr.to_string() == "scripted_thing.a")
        .unwrap();
    assert_eq!(a.after.get_attr("value").unwrap().as_str(), Some("HELLO"));
    s.apply_plan(&p).await;
    assert_eq!(
        s.attr("data.scripted_echo.later", "output").as_deref(),
        Some("ID-A")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sensitive_values_stay_marked_in_plan_and_state() {
    let mut s = Stack::new(
        r#"
variable "pw" {
  type      = string
  sensitive = true
  default   = "hunter2"
}
resource "scripted_thing" "a" {
  name  = "a"
  value = var.pw
}
"#,
    );
    let p = s.plan().await;
    assert!(p.changes[0].after.get_attr("value").unwrap().is_sensitive());
    s.apply_plan(&p).await;
    let a = parse_resource_instance("scripted_thing.a").unwrap();
    let paths: Vec<String> = s
        .state
        .object(&a)
        .unwrap()
        .sensitive_paths
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(paths, ["value"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn targets_limit_the_plan_to_targets_and_their_dependencies() {
    let s = Stack::new(&format!(
        "{PAIR}\nresource \"scripted_thing\" \"c\" {{\n  name = \"c\"\n}}\n"
    ));
    let mut opts = s.options(PlanMode::Normal);
    opts.targets = vec![terrane_addrs::parse_target("scripted_thing.b").unwrap()];
    let (p, d) = s.plan_opts(&opts).await;
    assert!(!d.has_errors());
    assert_eq!(
        actions(&p),
        ["scripted_thing.a: create", "scripted_thing.b: create"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn replace_option_forces_replacement() {
    let mut s = Stack::new(PAIR);
    s.apply_ok().await;
    let mut opts = s.options(PlanMode::Normal);
    opts.replace = vec![parse_resource_instance("scripted_thing.a").unwrap()];
    let (p, _) = s.plan_opts(&opts).await;
    assert_eq!(
        actions(&p),
        [
            "scripted_thing.a: delete,create",
            "scripted_thing.b: update"
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn refresh_only_records_drift_without_changes() {
    let mut s = Stack::new(PAIR);
    s.apply_ok().await;
    s.script.with(|sc| sc.remote.remove("b"));
    let (p, d) = s.plan_opts(&s.options(PlanMode::RefreshOnly)).await;
    assert!(!d.has_errors());
    assert!(actions(&p).is_empty());
    assert_eq!(p.drift.len(), 1);
    s.apply_plan(&p).await;
    assert_eq!(
        s.instances(),
        ["scripted_thing.a"],
        "the deleted object is dropped from state"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn refresh_only_goes_on_past_a_failed_read_and_names_it() {
    let mut s = Stack::new(PAIR);
    s.apply_ok().await;
    s.script.with(|sc| {
        sc.fail.insert("read:a".into());
        let b = sc.remote.get("b").cloned().unwrap();
        let mut attrs = b.as_map().unwrap().clone();
        attrs.insert("value".into(), terrane_values::Value::string("changed"));
        sc.remote
            .insert("b".into(), terrane_values::Value::object(attrs));
    });
    let (p, d) = s.plan_opts(&s.options(PlanMode::RefreshOnly)).await;
    assert!(d.has_errors());
    let failed: Vec<String> = p
        .refresh_errors
        .iter()
        .map(|(a, _)| a.to_string())
        .collect();
    assert_eq!(failed, ["scripted_thing.a"]);
    assert!(p.refresh_errors[0].1.has_errors());
    let drifted: Vec<String> = p.drift.iter().map(|c| c.addr.to_string()).collect();
    assert_eq!(
        drifted,
        ["scripted_thing.b"],
        "the dependent of the failed read is still refreshed"
    );
    let changed: Vec<String> =
        terrane_plan::diff::changed_attributes(&p.drift[0].before, &p.drift[0].after)
            .iter()
            .map(|c| c.path.to_string())
            .collect();
    assert_eq!(changed, ["value"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn replace_triggered_by_replaces_when_the_reference_changes() {
    let cfg = |v: &str| {
        format!(
            "resource \"scripted_thing\" \"a\" {{\n  name = \"a\"\n  value = \"{v}\"\n}}\nresource \"scripted_thing\" \"b\" {{\n  name = \"b\"\n  lifecycle {{\n    replace_triggered_by = [scripted_thing.a.value]\n  }}\n}}\nresource \"scripted_thing\" \"c\" {{\n  name = \"c\"\n  lifecycle {{\n    replace_triggered_by = [scripted_thing.a.tags]\n  }}\n}}\n"
        )
    };
    let mut s = Stack::new(&cfg("1"));
    s.apply_ok().await;
    s.write(&cfg("2"));
    let p = s.plan().await;
    assert_eq!(
        actions(&p),
        [
            "scripted_thing.a: update",
            "scripted_thing.b: delete,create"
        ],
        "only the changed attribute triggers"
    );
    assert_eq!(
        p.changes
            .iter()
            .find(|c| c.addr.to_string() == "scripted_thing.b")
            .unwrap()
            .reason,
        Some(terrane_plan::ActionReason::ReplaceByTriggers)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn preconditions_and_postconditions_are_checked() {
    let s = Stack::new(
        r#"
resource "scripted_thing" "a" {
  name = "a"
  lifecycle {
    precondition {
      condition     = 1 + 1 == 3
      error_message = "Arithmetic is broken."
    }
  }
}
"#,
    );
    let (_, d) = s.plan_opts(&s.options(PlanMode::Normal)).await;
    let e = d.errors().next().expect("precondition error");
    assert_eq!(
        (e.summary.as_str(), e.detail.as_str()),
        ("Resource precondition failed", "Arithmetic is broken.")
    );
    let mut s = Stack::new(
        r#"
resource "scripted_thing" "a" {
  name = "a"
  lifecycle {
    postcondition {
      condition     = self.computed == "nope"
      error_message = "Computed is ${self.computed}."
    }
  }
}
"#,
    );
    let d = s.apply().await;
    let e = d
        .errors()
        .next()
        .expect("postcondition checked after apply");
    assert_eq!(
        (e.summary.as_str(), e.detail.as_str()),
        ("Resource postcondition failed", "Computed is computed-a.")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn moved_blocks_keep_the_object() {
    let mut s = Stack::new("resource \"scripted_thing\" \"old\" {\n  name = \"a\"\n}\n");
    s.apply_ok().await;
    s.write("resource \"scripted_thing\" \"new\" {\n  name = \"a\"\n}\nmoved {\n  from = scripted_thing.old\n  to   = scripted_thing.new\n}\n");
    let p = s.plan().await;
    assert!(actions(&p).is_empty(), "{:?}", actions(&p));
    assert_eq!(p.moved.len(), 1);
    assert!(p.has_changes(), "a move is a change to apply");
    s.apply_plan(&p).await;
    assert_eq!(s.instances(), ["scripted_thing.new"]);
    assert_eq!(
        s.changes_log(),
        ["create a"],
        "nothing destroyed or created by the move"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn removed_blocks_forget_without_destroying() {
    let mut s = Stack::new(PAIR);
    s.apply_ok().await;
    s.write("resource \"scripted_thing\" \"a\" {\n  name = \"a\"\n  value = \"one\"\n}\nremoved {\n  from = scripted_thing.b\n  lifecycle {\n    destroy = false\n  }\n}\n");
    let p = s.plan().await;
    assert_eq!(actions(&p), ["scripted_thing.b: forget"]);
    s.apply_plan(&p).await;
    assert_eq!(s.instances(), ["scripted_thing.a"]);
    assert!(
        s.script.with(|sc| sc.remote.contains_key("b")),
        "the object still exists"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn import_blocks_bring_existing_objects_under_management() {
    let mut s = Stack::new(
        "import {\n  to = scripted_thing.a\n  id = \"imp\"\n}\nresource \"scripted_thing\" \"a\" {\n  name = \"imp\"\n  value = \"v\"\n}\n",
    );
    s.script.with(|sc| {
        sc.remote.insert(
            "imp".into(),
            Value::object_from([
                ("name", Value::string("imp")),
                ("id", Value::string("id-imp")),
                ("value", Value::string("old")),
            ]),
        );
    });
    let p = s.plan().await;
    assert_eq!(p.import_count(), 1);
    assert_eq!(
        actions(&p),
        ["scripted_thing.a: update"],
        "imported, then updated to the configuration"
    );
    s.apply_plan(&p).await;
    assert_eq!(s.attr("scripted_thing.a", "value").as_deref(), Some("v"));
    assert!(s.script.log().contains(&"import imp".to_string()));
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_checks_are_warnings() {
    let mut s = Stack::new(
        r#"
resource "scripted_thing" "a" {
  name = "a"
}
check "value_set" {
  assert {
    condition     = scripted_thing.a.value != null
    error_message = "a has no value."
  }
}
"#,
    );
    let (_, d) = s.plan_opts(&s.options(PlanMode::Normal)).await;
    assert!(!d.has_errors());
    let d = s.apply().await;
    assert!(!d.has_errors());
    let w = d
        .iter()
        .find(|w| w.summary == "Check block assertion failed")
        .expect("a warning");
    assert_eq!(w.detail, "a has no value.");
}

#[tokio::test(flavor = "multi_thread")]
async fn exclude_leaves_out_the_object_and_its_dependents() {
    let s = Stack::new(&format!(
        "{PAIR}\nresource \"scripted_thing\" \"c\" {{\n  name = \"c\"\n}}\n"
    ));
    let mut opts = s.options(PlanMode::Normal);
    opts.excludes = vec![terrane_addrs::parse_target("scripted_thing.a").unwrap()];
    let (p, d) = s.plan_opts(&opts).await;
    assert!(!d.has_errors(), "{d:?}");
    assert_eq!(actions(&p), ["scripted_thing.c: create"]);
}
