# The quick start: a small "platform" of services described with the built-in providers only, so it
# plans and applies anywhere, with no cloud account. Run it from the repository root with
#
#   cargo run -- -chdir=examples/quickstart apply -auto-approve
#
# then change a value in terraform.tfvars and run it again to see an update planned and applied.

terraform {
  required_version = ">= 1.0"
  required_providers {
    null = {
      source = "hashicorp/null"
    }
  }
}

variable "environment" {
  type        = string
  description = "Name of the environment the services run in."
  default     = "dev"

  validation {
    condition     = contains(["dev", "test", "staging", "production"], var.environment)
    error_message = "The environment must be one of dev, test, staging or production."
  }
}

variable "services" {
  description = "The services to deploy, with their ports and replica counts."
  type = map(object({
    port     = number
    replicas = number
  }))
  default = {
    api = { port = 8080, replicas = 2 }
    web = { port = 80, replicas = 1 }
  }
}

locals {
  name_prefix    = "qs-${var.environment}"
  total_replicas = sum([for s in var.services : s.replicas])
}

# One network shared by every service.
resource "terraform_data" "network" {
  input = {
    name = "${local.name_prefix}-net"
    cidr = cidrsubnet("10.0.0.0/16", 8, 1)
  }
}

module "service" {
  source   = "./modules/service"
  for_each = var.services

  name     = "${local.name_prefix}-${each.key}"
  port     = each.value.port
  replicas = each.value.replicas
  network  = terraform_data.network.output.name
}

# A deployment marker that is replaced whenever any service changes.
resource "null_resource" "deployment" {
  triggers = {
    services = jsonencode({ for k, m in module.service : k => m.instance_ids })
  }
}

output "network" {
  description = "The network the services are attached to."
  value       = terraform_data.network.output
}

output "endpoints" {
  description = "Where each service listens."
  value       = { for k, m in module.service : k => m.endpoint }
}

output "total_replicas" {
  value = local.total_replicas
}
