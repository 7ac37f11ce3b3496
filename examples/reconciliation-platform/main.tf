# The reconciliation platform: the matching engine and its API run on EKS; the ledgers they
# reconcile live in PostgreSQL 14 or newer on RDS, backed up daily and kept 30 days. The database's
# security group admits the cluster's nodes and nothing else: no CIDR block, no other group.

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
      Platform    = "reconciliation"
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
  az_count     = var.az_count
  nat_gateways = var.environment == "production" ? "one_per_zone" : "single"

  private_subnet_tags = {
    "kubernetes.io/role/internal-elb"     = "1"
    "kubernetes.io/cluster/${local.name}" = "shared"
  }
}

module "eks" {
  source = "../../modules/eks-cluster"

  name               = local.name
  kubernetes_version = var.kubernetes_version
  vpc_id             = module.vpc.vpc_id
  subnet_ids         = module.vpc.private_subnet_ids

  # the API is reached through the VPC (VPN, peering) only
  endpoint_public_access = false

  node_groups = {
    matching-engine = {
      instance_types = var.matching_engine_nodes.instance_types
      min_size       = var.matching_engine_nodes.min_size
      max_size       = var.matching_engine_nodes.max_size
      labels         = { "reconciliation.io/role" = "matching" }
    }
    api = {
      instance_types = var.api_nodes.instance_types
      min_size       = var.api_nodes.min_size
      max_size       = var.api_nodes.max_size
      labels         = { "reconciliation.io/role" = "api" }
    }
  }
}

module "db" {
  source = "../../modules/rds-postgres"

  identifier     = local.name
  vpc_id         = module.vpc.vpc_id
  subnet_ids     = module.vpc.private_subnet_ids
  database_name  = "ledger"
  username       = "reconciler"
  engine_version = var.db_engine_version
  instance_class = var.db_instance_class
  multi_az       = var.environment == "production"

  allocated_storage     = var.db_allocated_storage
  max_allocated_storage = var.db_max_allocated_storage

  backup_retention_period = var.db_backup_retention_days
  deletion_protection     = var.db_deletion_protection
  skip_final_snapshot     = var.environment != "production"
  apply_immediately       = var.environment != "production"

  # only the cluster reaches the database: its nodes' security group, no CIDR blocks
  allowed_cidr_blocks = []
  allowed_security_group_ids = {
    eks-nodes = module.eks.node_security_group_id
  }
}
