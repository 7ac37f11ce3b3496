#!/usr/bin/env python3
"""Generates benchmark stacks of N resources in several shapes, as Terraform-language files that
Terraform 1.0 and terrane both accept (null_resource only, so the reference Terraform can run them
offline).

    bench/gen.py SHAPE N DIR

Shapes:
  layered   layers of 50 null_resource, each depending on two of the layer before; triggers built with
            cidrsubnet, string interpolation and a local map (the stack of issue 6)
  wide      N independent resources in one layer
  chain     a chain of N resources, each depending on the one before
  modules   a module of 10 resources (two layers), called with for_each N/10 times
  exprs     N resources whose triggers use for expressions, templates and many functions
  parse     about N kilobytes of locals with expressions and a single output (parsing and evaluation)
"""

import os
import sys

HEADER = """terraform {
  required_providers {
    null = {
      source = "hashicorp/null"
    }
  }
}

locals {
  zones = { a = "10.0.0.0/16", b = "10.1.0.0/16" }
}
"""

LAYER = 50


def layered(n, out):
    out.write(HEADER)
    for i in range(n):
        out.write(f'resource "null_resource" "r{i}" {{\n  triggers = {{\n')
        out.write(f'    cidr = cidrsubnet(local.zones["a"], 8, {i % 256})\n')
        out.write(f'    name = "r-{i}-${{local.zones["b"]}}"\n')
        if i >= LAYER:
            layer = i // LAYER
            base = (layer - 1) * LAYER
            pos = i % LAYER
            out.write(f"    up1  = null_resource.r{base + pos}.id\n")
            out.write(f"    up2  = null_resource.r{base + (pos + 7) % LAYER}.id\n")
        out.write("  }\n}\n")


def wide(n, out):
    out.write(HEADER)
    for i in range(n):
        out.write(f'resource "null_resource" "w{i}" {{\n  triggers = {{\n')
        out.write(f'    cidr = cidrsubnet(local.zones["a"], 8, {i % 256})\n')
        out.write(f'    name = "w-{i}-${{local.zones["b"]}}"\n')
        out.write("  }\n}\n")


def chain(n, out):
    out.write(HEADER)
    for i in range(n):
        out.write(f'resource "null_resource" "c{i}" {{\n  triggers = {{\n')
        out.write(f'    name = "c-{i}-${{local.zones["a"]}}"\n')
        if i > 0:
            out.write(f"    prev = null_resource.c{i - 1}.id\n")
        out.write("  }\n}\n")


MODULE = """variable "name" {
  type = string
}

variable "cidr" {
  type = string
}

variable "tags" {
  type = map(string)
}

resource "null_resource" "base" {
  count = 5
  triggers = {
    name = "${var.name}-base-${count.index}"
    cidr = cidrsubnet(var.cidr, 4, count.index)
    tags = jsonencode(var.tags)
  }
}

resource "null_resource" "top" {
  for_each = toset(["a", "b", "c", "d", "e"])
  triggers = {
    name = "${var.name}-top-${each.key}"
    down = join(",", null_resource.base[*].id)
  }
}

output "ids" {
  value = concat(null_resource.base[*].id, [for r in null_resource.top : r.id])
}
"""


def modules(n, out, root):
    calls = max(1, n // 10)
    os.makedirs(os.path.join(root, "unit"), exist_ok=True)
    with open(os.path.join(root, "unit", "main.tf"), "w") as m:
        m.write(MODULE)
    out.write(HEADER)
    out.write("locals {\n  units = {\n")
    for i in range(calls):
        out.write(f'    u{i} = {{ cidr = cidrsubnet("10.0.0.0/8", 8, {i % 256}), team = "t{i % 7}" }}\n')
    out.write("  }\n}\n\n")
    out.write(
        """module "unit" {
  source   = "./unit"
  for_each = local.units
  name     = each.key
  cidr     = each.value.cidr
  tags     = { team = each.value.team, unit = each.key }
}

output "count" {
  value = length(flatten([for u in module.unit : u.ids]))
}
"""
    )


def exprs(n, out):
    out.write(HEADER)
    out.write(
        """locals {
  envs     = ["dev", "stage", "prod"]
  settings = { for e in local.envs : e => { size = length(e) * 2, tier = upper(e) } }
  ports    = [80, 443, 8080, 8443]
}
"""
    )
    for i in range(n):
        env = ["dev", "stage", "prod"][i % 3]
        out.write(f'resource "null_resource" "e{i}" {{\n  triggers = {{\n')
        out.write(f'    rules = join(",", [for p in local.ports : format("%s:%d/%s", "{env}", p + {i}, "tcp") if p != 8080])\n')
        out.write(f'    tier  = lower(local.settings["{env}"].tier)\n')
        out.write(f'    cfg   = jsonencode(merge(local.settings["{env}"], {{ index = {i}, name = "e{i}" }}))\n')
        out.write(f'    hash  = substr(sha256("e{i}-${{local.envs[{i} % 3]}}"), 0, 12)\n')
        out.write(f'    text  = <<-EOT\n      %{{ for p in local.ports ~}}\n      port ${{p}} for e{i}\n      %{{ endfor ~}}\n    EOT\n')
        if i >= 1:
            out.write(f"    after = null_resource.e{(i - 1) // 2}.id\n")
        out.write("  }\n}\n")


def parse(n, out):
    # n is a size in kilobytes
    out.write(HEADER)
    out.write('locals {\n  base = { owner = "platform", cost_center = "1234" }\n}\n')
    written = 0
    i = 0
    while written < n * 1024:
        block = (
            "locals {\n"
            f'  name_{i}   = format("svc-%04d-%s", {i}, local.base.owner)\n'
            f'  cidr_{i}   = cidrsubnet("10.0.0.0/8", 16, {i % 65536})\n'
            f'  tags_{i}   = merge(local.base, {{ name = local.name_{i}, index = "{i}" }})\n'
            f"  ports_{i}  = [for p in [80, 443, 8080] : p + {i % 1000} if p != 8080]\n"
            f'  label_{i}  = "${{upper(local.base.owner)}}-${{{i} * 3 + 1}}-${{length(local.ports_{i})}}"\n'
            "}\n"
        )
        out.write(block)
        written += len(block)
        i += 1
    out.write(f'output "last" {{\n  value = [local.name_{i - 1}, local.cidr_{i - 1}, local.label_{i - 1}]\n}}\n')


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    shape, n, root = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "main.tf"), "w") as out:
        if shape == "layered":
            layered(n, out)
        elif shape == "wide":
            wide(n, out)
        elif shape == "chain":
            chain(n, out)
        elif shape == "modules":
            modules(n, out, root)
        elif shape == "exprs":
            exprs(n, out)
        elif shape == "parse":
            parse(n, out)
        else:
            sys.exit(f"unknown shape {shape!r}\n\n{__doc__}")


if __name__ == "__main__":
    main()
