# The Open Policy platform: the policy decision service (OPA) and the policy administration API run
# on EKS, policies and decision logs are kept in PostgreSQL on RDS. This stack is the one the CI/CD
# pipeline in ../ci drives: a plan on every pull request, the saved plan applied after approval, a
# drift check every night.

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
    tags = {
      Platform    = "open-policy"
      Environment = var.environment
      ManagedBy   = "terraform"
    }
  }
}

locals {
  name = "${var.name}-${var.environment}"
}

module "vpc" {
  source = "../../modules/vpc"

  name         = local.name
  cidr_block   = var.vpc_cidr
  az_count     = 2
  nat_gateways = var.environment == "production" ? "one_per_zone" : "single"

  private_subnet_tags = {
    "kubernetes.io/role/internal-elb"     = "1"
    "kubernetes.io/cluster/${local.name}" = "shared"
  }
}

module "eks" {
  source = "../../modules/eks-cluster"

  name       = local.name
  vpc_id     = module.vpc.vpc_id
  subnet_ids = module.vpc.private_subnet_ids

  node_groups = {
    # the decision service: latency-sensitive, sized for peak request rate
    policy-engine = {
      instance_types = var.policy_engine_nodes.instance_types
      min_size       = var.policy_engine_nodes.min_size
      max_size       = var.policy_engine_nodes.max_size
      labels         = { "openpolicy.io/component" = "decision" }
    }
    # the administration API, the bundle server and the decision log shipper
    platform = {
      instance_types = ["t3.large"]
      min_size       = var.environment == "production" ? 3 : 1
      max_size       = var.environment == "production" ? 6 : 3
      labels         = { "openpolicy.io/component" = "platform" }
    }
  }
}

module "db" {
  source = "../../modules/rds-postgres"

  identifier     = local.name
  vpc_id         = module.vpc.vpc_id
  subnet_ids     = module.vpc.private_subnet_ids
  database_name  = "policies"
  username       = "policy_admin"
  instance_class = var.db_instance_class

  backup_retention_period = var.environment == "production" ? 30 : 7
  deletion_protection     = var.db_deletion_protection
  skip_final_snapshot     = var.environment != "production"
  apply_immediately       = true

  allowed_security_group_ids = {
    eks-nodes = module.eks.node_security_group_id
  }
}
