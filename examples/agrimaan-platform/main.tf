# The Agrimaan agriculture platform: the same module set in development, testing, staging and
# production. Each region is the ./region module (VPC, EKS with a node group per workload type,
# PostgreSQL); production runs it in a second region too, through an aliased aws provider.

terraform {
  required_version = ">= 1.3.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
    random = {
      source  = "hashicorp/random"
      version = ">= 3.0"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = local.tags
  }
}

# The second region. Configured in every environment (a provider cannot be conditional), used only
# where secondary_region is set.
provider "aws" {
  alias  = "secondary"
  region = coalesce(var.secondary_region, var.region)

  default_tags {
    tags = local.tags
  }
}

locals {
  tags = {
    Platform    = "agrimaan"
    Environment = var.environment
    ManagedBy   = "terraform"
  }

  common = {
    az_count               = var.az_count
    nat_gateways           = var.environment == "production" ? "one_per_zone" : "single"
    kubernetes_version     = var.kubernetes_version
    node_groups            = var.node_groups
    db_instance_class      = var.db_instance_class
    db_multi_az            = var.environment == "production"
    db_deletion_protection = var.db_deletion_protection
    db_final_snapshot      = var.environment == "production"
  }
}

module "primary" {
  source = "./region"

  name     = "${var.name}-${var.environment}-${replace(var.region, "-", "")}"
  vpc_cidr = var.vpc_cidr

  az_count               = local.common.az_count
  nat_gateways           = local.common.nat_gateways
  kubernetes_version     = local.common.kubernetes_version
  node_groups            = local.common.node_groups
  db_instance_class      = local.common.db_instance_class
  db_multi_az            = local.common.db_multi_az
  db_deletion_protection = local.common.db_deletion_protection
  db_final_snapshot      = local.common.db_final_snapshot
}

module "secondary" {
  source = "./region"
  count  = var.secondary_region == null ? 0 : 1

  providers = {
    aws = aws.secondary
  }

  name     = "${var.name}-${var.environment}-${replace(coalesce(var.secondary_region, var.region), "-", "")}"
  vpc_cidr = var.secondary_vpc_cidr

  az_count               = local.common.az_count
  nat_gateways           = local.common.nat_gateways
  kubernetes_version     = local.common.kubernetes_version
  node_groups            = local.common.node_groups
  db_instance_class      = local.common.db_instance_class
  db_multi_az            = local.common.db_multi_az
  db_deletion_protection = local.common.db_deletion_protection
  db_final_snapshot      = local.common.db_final_snapshot
}
