//! The graph builder's transforms, checked against text dumps of the graphs they build.

use expect_test::{Expect, expect};
use terrane_core::{GraphInputs, build_plan_graph};
use terrane_state::State;

fn check(files: &[(&str, &str)], expected: Expect) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let (config, diags) = terrane_config::load_config(dir.path());
    assert!(!diags.has_errors(), "{diags:?}");
    let config = config.unwrap();
    let state = State::default();
    let dump = match build_plan_graph(&GraphInputs {
        config: &config,
        state: &state,
    }) {
        Ok(g) => g.dump(),
        Err(d) => d
            .iter()
            .map(|e| format!("error: {}\n", e.summary))
            .collect(),
    };
    expected.assert_eq(&dump);
}

#[test]
fn references_locals_and_outputs() {
    check(
        &[(
            "main.tf",
            r#"
variable "n" {}
locals { name = "x-${var.n}" }
resource "null_resource" "a" { triggers = { n = local.name } }
resource "null_resource" "b" {
  triggers   = { a = null_resource.a.id }
  depends_on = [null_resource.a]
}
output "o" { value = null_resource.b.id }
"#,
        )],
        expect![[r#"
            local.name -> var.n
            null_resource.a -> local.name, provider["registry.terraform.io/hashicorp/null"]
            null_resource.b -> null_resource.a, provider["registry.terraform.io/hashicorp/null"]
            output.o -> null_resource.b
            provider["registry.terraform.io/hashicorp/null"]
            var.n
        "#]],
    );
}

#[test]
fn modules_wait_for_their_expansion_and_arguments() {
    check(
        &[
            (
                "main.tf",
                r#"
variable "names" { default = ["a"] }
module "m" {
  source = "./m"
  count  = length(var.names)
  name   = var.names[count.index]
}
output "ids" { value = module.m[*].id }
"#,
            ),
            (
                "m/main.tf",
                r#"
variable "name" {}
resource "null_resource" "r" { triggers = { n = var.name } }
output "id" { value = null_resource.r.id }
"#,
            ),
        ],
        expect![[r#"
            module.m (expand) -> var.names
            module.m.null_resource.r -> module.m (expand), module.m.var.name, provider["registry.terraform.io/hashicorp/null"]
            module.m.output.id -> module.m (expand), module.m.null_resource.r
            module.m.var.name -> module.m (expand), var.names
            output.ids -> module.m (expand), module.m.output.id
            provider["registry.terraform.io/hashicorp/null"]
            var.names
        "#]],
    );
}

#[test]
fn providers_wait_for_what_their_nested_blocks_reference() {
    check(
        &[(
            "main.tf",
            r#"
variable "region" {}
variable "environment" {}
locals { team = "platform" }
provider "aws" {
  alias  = "tagged"
  region = var.region
  default_tags {
    tags = { Environment = var.environment, Team = local.team }
  }
}
resource "aws_vpc" "a" { provider = aws.tagged }
"#,
        )],
        expect![[r#"
            aws_vpc.a -> provider["registry.terraform.io/hashicorp/aws"].tagged
            local.team
            provider["registry.terraform.io/hashicorp/aws"].tagged -> local.team, var.environment, var.region
            var.environment
            var.region
        "#]],
    );
}

#[test]
fn cycles_are_reported_with_their_members() {
    check(
        &[(
            "main.tf",
            r#"
locals {
  a = local.b
  b = local.a
}
"#,
        )],
        expect![[r#"
            error: Cycle: local.a, local.b
        "#]],
    );
}
