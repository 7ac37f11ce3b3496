//! The tooling commands end to end: `fmt` (with the exit codes, listing, diff and stdin handling of
//! Terraform's), `graph` and `console`.

mod support;

use expect_test::expect;
use support::Workdir;

const UNFORMATTED: &str =
    "resource \"null_resource\" \"a\" {\ntriggers = {\na=1\n  bbb = \"x\" # note\n}\n}\n";
const FORMATTED: &str = "resource \"null_resource\" \"a\" {\n  triggers = {\n    a   = 1\n    bbb = \"x\" # note\n  }\n}\n";

#[test]
fn fmt_rewrites_files_and_lists_them() {
    let w = Workdir::new(&[
        ("main.tf", UNFORMATTED),
        ("ok.tf", FORMATTED),
        ("x.tfvars", "region=\"eu\"\n"),
        ("notes.txt", "a=1\n"),
    ]);
    let r = w.run(&["fmt"]);
    expect![[r#"
        exit: 0
        --- stdout
        main.tf
        x.tfvars
        --- stderr
    "#]]
    .assert_eq(&r.text());
    assert_eq!(
        std::fs::read_to_string(w.path().join("main.tf")).unwrap(),
        FORMATTED
    );
    assert_eq!(
        std::fs::read_to_string(w.path().join("x.tfvars")).unwrap(),
        "region = \"eu\"\n"
    );
    assert_eq!(
        std::fs::read_to_string(w.path().join("notes.txt")).unwrap(),
        "a=1\n"
    );
    // a second run has nothing to do
    expect![[r#"
        exit: 0
        --- stdout
        --- stderr
    "#]]
    .assert_eq(&w.run(&["fmt", "-check"]).text());
}

#[test]
fn fmt_check_and_diff_change_nothing() {
    let w = Workdir::new(&[("main.tf", UNFORMATTED)]);
    let r = w.run(&["fmt", "-check", "-diff"]);
    expect![[r#"
        exit: 3
        --- stdout
        main.tf
        --- old/main.tf
        +++ new/main.tf
        @@ -1,6 +1,6 @@
         resource "null_resource" "a" {
        -triggers = {
        -a=1
        -  bbb = "x" # note
        -}
        +  triggers = {
        +    a   = 1
        +    bbb = "x" # note
        +  }
         }
        --- stderr
    "#]]
    .assert_eq(&r.text());
    assert_eq!(
        std::fs::read_to_string(w.path().join("main.tf")).unwrap(),
        UNFORMATTED
    );
    let r = w.run(&["fmt", "-write=false", "-list=false"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""));
    assert_eq!(
        std::fs::read_to_string(w.path().join("main.tf")).unwrap(),
        UNFORMATTED
    );
}

#[test]
fn fmt_reads_standard_input() {
    let w = Workdir::new(&[]);
    let r = w.run_with(&["fmt", "-"], &[], Some(UNFORMATTED));
    assert_eq!((r.code, r.stdout.as_str()), (0, FORMATTED), "{}", r.text());
    let r = w.run_with(&["fmt", "-check", "-"], &[], Some(UNFORMATTED));
    assert_eq!((r.code, r.stdout.as_str()), (3, ""), "{}", r.text());
    let r = w.run_with(&["fmt", "-check", "-"], &[], Some(FORMATTED));
    assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{}", r.text());
}

#[test]
fn fmt_recursive_walks_subdirectories_but_not_hidden_ones() {
    let w = Workdir::new(&[
        ("main.tf", "a=1\n"),
        ("modules/net/main.tf", "b=2\n"),
        (".terraform/modules/x/main.tf", "c=3\n"),
    ]);
    let r = w.run(&["fmt", "-check"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (3, "main.tf\n"),
        "{}",
        r.text()
    );
    let r = w.run(&["fmt", "-check", "-recursive"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (3, "main.tf\nmodules/net/main.tf\n"),
        "{}",
        r.text()
    );
    // without -recursive, a directory's subdirectories are not looked at
    let r = w.run(&["fmt", "-check", "modules"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{}", r.text());
    let r = w.run(&["fmt", "-check", "modules/net"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (3, "modules/net/main.tf\n"),
        "{}",
        r.text()
    );
    let r = w.run(&["fmt", "modules/net/main.tf"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "modules/net/main.tf\n"),
        "{}",
        r.text()
    );
    assert_eq!(
        std::fs::read_to_string(w.path().join(".terraform/modules/x/main.tf")).unwrap(),
        "c=3\n"
    );
}

#[test]
fn fmt_refuses_files_that_do_not_parse_and_leaves_them_alone() {
    let bad = "locals {\n  a = [1,\n}\n";
    let w = Workdir::new(&[("bad.tf", bad), ("good.tf", "b=2\n")]);
    let r = w.run(&["fmt", "-no-color"]);
    assert_eq!(r.code, 2, "{}", r.text());
    assert!(
        r.stderr.contains("Error: ") && r.stderr.contains("on bad.tf line 3"),
        "{}",
        r.text()
    );
    assert_eq!(
        std::fs::read_to_string(w.path().join("bad.tf")).unwrap(),
        bad
    );
    assert_eq!(
        std::fs::read_to_string(w.path().join("good.tf")).unwrap(),
        "b = 2\n"
    );
    let r = w.run(&["fmt", "-no-color", "missing"]);
    assert_eq!(r.code, 2, "{}", r.text());
    assert!(
        r.stderr.contains("No file or directory at missing"),
        "{}",
        r.text()
    );
    let r = w.run(&["fmt", "a", "b"]);
    assert_eq!(r.code, 1, "{}", r.text());
}

const GRAPHED: &str = r#"
variable "n" {
  default = 2
}
locals {
  name = "x-${var.n}"
}
resource "null_resource" "a" {
  count    = var.n
  triggers = { name = local.name }
}
resource "null_resource" "b" {
  triggers = { a = null_resource.a[0].id }
}
module "m" {
  source = "./m"
  x      = null_resource.b.id
}
output "o" {
  value = module.m.y
}
"#;

const GRAPHED_MODULE: &str = r#"
variable "x" {}
resource "null_resource" "c" {
  triggers = { x = var.x }
}
output "y" {
  value = null_resource.c.id
}
"#;

#[test]
fn graph_writes_terraforms_dot_without_implied_edges() {
    let w = Workdir::new(&[("main.tf", GRAPHED), ("m/main.tf", GRAPHED_MODULE)]);
    w.ok(&["init"]);
    // Terraform 1.0.3 draws the same nodes and edges, plus its internal ones (meta.count-boundary,
    // provider close, root)
    expect![[r#"
        digraph {
        	compound = "true"
        	newrank = "true"
        	subgraph "root" {
        		"[root] module.m.null_resource.c (expand)" [label = "module.m.null_resource.c", shape = "box"]
        		"[root] null_resource.a (expand)" [label = "null_resource.a", shape = "box"]
        		"[root] null_resource.b (expand)" [label = "null_resource.b", shape = "box"]
        		"[root] output.o" [label = "output.o", shape = "note"]
        		"[root] provider[\"registry.terraform.io/hashicorp/null\"]" [label = "provider[\"registry.terraform.io/hashicorp/null\"]", shape = "diamond"]
        		"[root] var.n" [label = "var.n", shape = "note"]
        		"[root] local.name (expand)" -> "[root] var.n"
        		"[root] module.m.null_resource.c (expand)" -> "[root] module.m.var.x (expand)"
        		"[root] module.m.output.y (expand)" -> "[root] module.m.null_resource.c (expand)"
        		"[root] module.m.var.x (expand)" -> "[root] module.m (expand)"
        		"[root] module.m.var.x (expand)" -> "[root] null_resource.b (expand)"
        		"[root] null_resource.a (expand)" -> "[root] local.name (expand)"
        		"[root] null_resource.a (expand)" -> "[root] provider[\"registry.terraform.io/hashicorp/null\"]"
        		"[root] null_resource.b (expand)" -> "[root] null_resource.a (expand)"
        		"[root] output.o" -> "[root] module.m.output.y (expand)"
        	}
        }

    "#]]
    .assert_eq(&w.ok(&["graph"]).stdout);
    expect![[r#"
        %% terrane graph: an arrow goes from an object to what it depends on
        flowchart LR
            n0("local.name")
            n1[["module.m (expand)"]]
            n5["null_resource.a"]
            n6["null_resource.b"]
            n7(["output.o"])
            n8{{"provider[#quot;registry.terraform.io/hashicorp/null#quot;]"}}
            n9>"var.n"]
            subgraph m1 ["module.m"]
                n2["module.m.null_resource.c"]
                n3(["module.m.output.y"])
                n4>"module.m.var.x"]
            end
            n0 --> n9
            n2 --> n4
            n3 --> n2
            n4 --> n1
            n4 --> n6
            n5 --> n0
            n5 --> n8
            n6 --> n5
            n7 --> n3
    "#]]
    .assert_eq(&w.ok(&["graph", "-format=mermaid"]).stdout);
}

#[test]
fn graph_draws_cycles_and_what_only_the_state_has() {
    let w = Workdir::new(&[(
        "main.tf",
        "resource \"null_resource\" \"a\" {}\nresource \"null_resource\" \"gone\" {}\n",
    )]);
    w.ok(&["init"]);
    w.ok(&["apply", "-auto-approve"]);
    w.write("main.tf", "resource \"null_resource\" \"a\" {}\n");
    let plan_graph = w.ok(&["graph"]).stdout;
    assert!(plan_graph.contains("\"[root] null_resource.gone (orphan)\" [label = \"null_resource.gone\", shape = \"box\"]"), "{plan_graph}");
    let validate_graph = w.ok(&["graph", "-type=validate"]).stdout;
    assert!(!validate_graph.contains("gone"), "{validate_graph}");
    // the apply graph of a saved plan has the deletion
    w.ok(&["plan", "-out=tfplan"]);
    let apply_graph = w.ok(&["graph", "-plan=tfplan"]).stdout;
    assert!(
        apply_graph.contains("\"[root] null_resource.gone (destroy)\""),
        "{apply_graph}"
    );

    w.write(
        "main.tf",
        "resource \"null_resource\" \"a\" {\n  triggers = { b = null_resource.b.id }\n}\nresource \"null_resource\" \"b\" {\n  triggers = { a = null_resource.a.id }\n}\n",
    );
    let plain = w.ok(&["graph"]).stdout;
    assert!(
        plain.contains(
            "\"[root] null_resource.a (expand)\" -> \"[root] null_resource.b (expand)\"\n"
        ),
        "{plain}"
    );
    assert!(!plain.contains("red"), "{plain}");
    let drawn = w.ok(&["graph", "-draw-cycles"]).stdout;
    assert!(drawn.contains("\"[root] null_resource.a (expand)\" -> \"[root] null_resource.b (expand)\" [color = \"red\", penwidth = \"2.0\"]"), "{drawn}");
    assert!(drawn.contains("\"[root] null_resource.b (expand)\" -> \"[root] null_resource.a (expand)\" [color = \"red\", penwidth = \"2.0\"]"), "{drawn}");
    let mermaid = w.ok(&["graph", "-draw-cycles", "-format=mermaid"]).stdout;
    assert!(mermaid.contains("linkStyle 0,2 stroke:red"), "{mermaid}");

    let r = w.run(&["graph", "-format=svg"]);
    assert_eq!(r.code, 1, "{}", r.text());
    assert!(
        r.stderr.contains("use \"dot\" or \"mermaid\""),
        "{}",
        r.text()
    );
}

#[test]
fn console_evaluates_against_the_state_and_prints_the_last_value() {
    let w = Workdir::new(&[("main.tf", GRAPHED), ("m/main.tf", GRAPHED_MODULE)]);
    w.ok(&["init"]);
    // before apply, resources are not known yet
    let r = w.run_with(&["console"], &[], Some("null_resource.b.id\n"));
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "(known after apply)\n"),
        "{}",
        r.text()
    );
    w.ok(&["apply", "-auto-approve"]);
    let id = w.outputs()["o"]["value"].as_str().unwrap().to_string();
    let console = |input: &str| w.run_with(&["console", "-no-color"], &[], Some(input));

    // as Terraform's in a script: every line evaluated, the last value printed
    let r = console("var.n\nlocal.name\n");
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "\"x-2\"\n"),
        "{}",
        r.text()
    );
    let r = console("module.m.y\n");
    assert_eq!(r.stdout, format!("\"{id}\"\n"), "{}", r.text());
    let r = console("length(null_resource.a)\n");
    assert_eq!(r.stdout, "2\n", "{}", r.text());
    let r = console("null_resource.a[1].triggers\n");
    expect![[r#"
        tomap({
          "name" = "x-2"
        })
    "#]]
    .assert_eq(&r.stdout);
    let r =
        console("{ list = tolist([\"a\"]), secret = sensitive(\"x\"), text = \"one\\ntwo\" }\n");
    expect![[r#"
        {
          "list" = tolist([
            "a",
          ])
          "secret" = (sensitive)
          "text" = <<EOT
        one
        two
        EOT
        }
    "#]]
    .assert_eq(&r.stdout);
    let r = console("type({ a = [1, \"x\"], b = tomap({ k = true }) })\n");
    expect![[r#"
        object({
            a: tuple([
                number,
                string,
            ]),
            b: map(bool),
        })
    "#]]
    .assert_eq(&r.stdout);
    let r = w.run_with(&["console", "-var", "n=5"], &[], Some("var.n * 2\n"));
    assert_eq!(r.stdout, "10\n", "{}", r.text());
    // `exit` ends the input
    let r = console("1\nexit\n2\n");
    assert_eq!(r.stdout, "1\n", "{}", r.text());
}

#[test]
fn console_stops_at_the_first_error_with_the_input_shown() {
    let w = Workdir::new(&[("main.tf", GRAPHED), ("m/main.tf", GRAPHED_MODULE)]);
    w.ok(&["init"]);
    let r = w.run_with(&["console", "-no-color"], &[], Some("1 + 1\nvar.nope\n3\n"));
    expect![[r#"
        exit: 1
        --- stdout
        --- stderr
        ╷
        │ Error: Reference to undeclared input variable
        │
        │   on <console-input> line 1:
        │    1: var.nope
        │       ^^^^^^^^
        │
        │ An input variable with the name "nope" has not been declared. This variable can be declared with a variable "nope" {} block.
        ╵
    "#]]
    .assert_eq(&r.text());
    let r = w.run_with(&["console", "-no-color"], &[], Some("upper(1 +)\n"));
    assert_eq!(r.code, 1, "{}", r.text());
    assert!(r.stderr.contains("Invalid expression"), "{}", r.text());
}

#[test]
fn plan_generates_configuration_for_import_blocks() {
    let w = Workdir::new(&[(
        "main.tf",
        "import {\n  to = null_resource.web\n  id = \"1234567\"\n}\nimport {\n  to = random_string.suffix\n  id = \"abcdEF12\"\n}\n",
    )]);
    w.ok(&["init"]);
    // without generation, Terraform's error
    let r = w.run(&["plan", "-no-color"]);
    assert_eq!(r.code, 1, "{}", r.text());
    assert!(
        r.stderr
            .contains("Configuration for import target does not exist"),
        "{}",
        r.text()
    );

    let r = w.ok(&["plan", "-no-color", "-generate-config-out=generated.tf"]);
    assert!(
        r.stdout
            .contains("Plan: 2 to import, 0 to add, 0 to change, 0 to destroy."),
        "{}",
        r.text()
    );
    expect![[r#"
        # __generated__ by terrane
        # Please review these resources and move them into your main configuration files.

        # __generated__ by terrane from "1234567"
        resource "null_resource" "web" {
          triggers = null
        }

        # __generated__ by terrane from "abcdEF12"
        resource "random_string" "suffix" {
          keepers          = null
          length           = 8
          lower            = true
          min_lower        = 0
          min_numeric      = 0
          min_special      = 0
          min_upper        = 0
          numeric          = true
          override_special = null
          special          = true
          upper            = true
        }
    "#]]
    .assert_eq(&std::fs::read_to_string(w.path().join("generated.tf")).unwrap());
    w.ok(&["apply", "-auto-approve"]);
    let r = w.ok(&["plan", "-detailed-exitcode", "-no-color"]);
    assert!(r.stdout.contains("No changes"), "{}", r.text());
    let r = w.ok(&["state", "show", "random_string.suffix"]);
    assert!(r.stdout.contains("abcdEF12"), "{}", r.text());
}

#[test]
fn providers_prints_terraforms_tree_and_the_schemas() {
    let w = Workdir::new(&[
        (
            "main.tf",
            "terraform {\n  required_providers {\n    null = {\n      source  = \"hashicorp/null\"\n      version = \">= 2.0\"\n    }\n  }\n}\nresource \"null_resource\" \"a\" {}\nmodule \"m\" {\n  source = \"./m\"\n}\n",
        ),
        (
            "m/main.tf",
            "resource \"null_resource\" \"b\" {}\nresource \"random_id\" \"c\" {\n  byte_length = 4\n}\n",
        ),
    ]);
    w.ok(&["init"]);
    w.ok(&["apply", "-auto-approve"]);
    // Terraform 1.0.3 prints the same for the null provider alone
    expect![[r#"

        Providers required by configuration:
        .
        ├── provider[registry.terraform.io/hashicorp/null] >= 2.0.0
        └── module.m
            ├── provider[registry.terraform.io/hashicorp/null]
            └── provider[registry.terraform.io/hashicorp/random]

        Providers required by state:

            provider[registry.terraform.io/hashicorp/null]

            provider[registry.terraform.io/hashicorp/random]

    "#]]
    .assert_eq(&w.ok(&["providers", "-no-color"]).stdout);

    let r = w.ok(&["providers", "schema", "-json"]);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(doc["format_version"], "0.2");
    let null = &doc["provider_schemas"]["registry.terraform.io/hashicorp/null"];
    assert_eq!(
        null["resource_schemas"]["null_resource"]["block"]["attributes"]["triggers"]["type"],
        serde_json::json!(["map", "string"])
    );
    assert_eq!(
        null["resource_schemas"]["null_resource"]["block"]["attributes"]["triggers"]["optional"],
        true
    );
    let random = &doc["provider_schemas"]["registry.terraform.io/hashicorp/random"];
    assert_eq!(
        random["resource_schemas"]["random_id"]["block"]["attributes"]["byte_length"]["required"],
        true
    );
    assert_eq!(
        random["resource_schemas"]["random_id"]["block"]["attributes"]["b64_std"]["computed"],
        true
    );
    let r = w.run(&["providers", "schema", "-no-color"]);
    assert_eq!(r.code, 1, "{}", r.text());
    assert!(
        r.stderr.contains("requires the `-json` flag"),
        "{}",
        r.text()
    );
}

/// The JSON lines of a run, each with its type and message (ids replaced), sorted: the order of
/// concurrent operations varies.
fn json_messages(stdout: &str) -> Vec<String> {
    let ids = regex::Regex::new(r"id=\d+").unwrap();
    let mut v: Vec<String> = stdout
        .lines()
        .map(|l| {
            let j: serde_json::Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
            for k in ["@level", "@message", "@module", "@timestamp", "type"] {
                assert!(j.get(k).is_some(), "{k} missing in {l}");
            }
            format!(
                "{} | {}",
                j["type"].as_str().unwrap(),
                ids.replace_all(j["@message"].as_str().unwrap(), "id=ID")
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn plan_and_apply_json_stream_terraforms_messages() {
    let config = "variable \"n\" {\n  default = 2\n}\nresource \"null_resource\" \"a\" {\n  count    = var.n\n  triggers = { x = \"1\" }\n}\nresource \"null_resource\" \"b\" {}\noutput \"o\" {\n  value = null_resource.b.id\n}\noutput \"s\" {\n  value     = \"x\"\n  sensitive = true\n}\n";
    let w = Workdir::new(&[("main.tf", config)]);
    w.ok(&["init"]);
    // the messages Terraform 1.0.3 writes for the same runs, but for its version line
    let plan = w.ok(&["plan", "-json"]);
    assert_eq!(
        json_messages(&plan.stdout),
        [
            "change_summary | Plan: 3 to add, 0 to change, 0 to destroy.",
            "planned_change | null_resource.a[0]: Plan to create",
            "planned_change | null_resource.a[1]: Plan to create",
            "planned_change | null_resource.b: Plan to create",
            "version | terrane 0.1.0",
        ]
    );
    let first: serde_json::Value =
        serde_json::from_str(plan.stdout.lines().nth(1).unwrap()).unwrap();
    assert_eq!(first["change"]["resource"]["resource_key"], 0, "{first}");
    assert_eq!(
        first["change"]["resource"]["implied_provider"], "null",
        "{first}"
    );

    let r = w.run(&["apply", "-json"]);
    assert_eq!(r.code, 1, "{}", r.text());
    assert!(
        r.stdout
            .contains("\"Error: Plan file or auto-approve required\""),
        "{}",
        r.text()
    );

    let apply = w.ok(&["apply", "-json", "-auto-approve"]);
    let messages = json_messages(&apply.stdout);
    for m in [
        "apply_complete | null_resource.b: Creation complete after 0s [id=ID]",
        "apply_start | null_resource.a[1]: Creating...",
        "change_summary | Apply complete! Resources: 3 added, 0 changed, 0 destroyed.",
        "outputs | Outputs: 2",
    ] {
        assert!(
            messages.contains(&m.to_string()),
            "{m} not in {messages:#?}"
        );
    }
    let outputs: serde_json::Value =
        serde_json::from_str(apply.stdout.lines().last().unwrap()).unwrap();
    assert_eq!(
        outputs["outputs"]["s"],
        serde_json::json!({"sensitive": true, "type": "string", "value": "x"})
    );

    w.write("main.tf", &config.replace("\"1\"", "\"2\""));
    let plan = w.ok(&["plan", "-json"]);
    let messages = json_messages(&plan.stdout);
    assert!(
        messages
            .contains(&"refresh_start | null_resource.b: Refreshing state... [id=ID]".to_string()),
        "{messages:#?}"
    );
    assert!(
        messages.contains(&"planned_change | null_resource.a[0]: Plan to replace".to_string()),
        "{messages:#?}"
    );
    assert!(
        plan.stdout
            .contains("\"action\":\"replace\",\"reason\":\"cannot_update\""),
        "{}",
        plan.stdout
    );

    w.write("bad.tf", "output \"bad\" {\n value = var.nope\n}\n");
    let r = w.run(&["plan", "-json"]);
    assert_eq!(r.code, 1, "{}", r.text());
    let diag: serde_json::Value = serde_json::from_str(r.stdout.lines().nth(1).unwrap()).unwrap();
    // Terraform's message, snippet and all
    assert_eq!(
        diag["diagnostic"],
        serde_json::json!({"severity":"error","summary":"Reference to undeclared input variable","detail":"An input variable with the name \"nope\" has not been declared. This variable can be declared with a variable \"nope\" {} block.","range":{"filename":"bad.tf","start":{"line":2,"column":10,"byte":24},"end":{"line":2,"column":18,"byte":32}},"snippet":{"context":"output \"bad\"","code":" value = var.nope","start_line":2,"highlight_start_offset":9,"highlight_end_offset":17,"values":[]}})
    );
}
