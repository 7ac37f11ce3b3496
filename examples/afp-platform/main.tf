# The AFP document-generation platform: its microservices run on EKS in a VPC over three
# availability zones, with a node group for the generation engine and one for the conversion
# workers, and keep their data in PostgreSQL on RDS with daily backups kept 30 days. Every
# environment (dev, test, staging, production) is this same code with its own .tfvars file and its
# own workspace (its own state).

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
      Platform    = "afp"
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
  az_count     = 3
  nat_gateways = var.nat_gateways

  public_subnet_tags = {
    "kubernetes.io/role/elb" = "1"
  }
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

  node_groups = {
    # renders documents from templates: CPU-bound, steady load
    generation-engine = {
      instance_types = var.generation_engine_nodes.instance_types
      min_size       = var.generation_engine_nodes.min_size
      max_size       = var.generation_engine_nodes.max_size
      desired_size   = var.generation_engine_nodes.desired_size
      labels         = { "afp.io/service" = "generation-engine" }
    }
    # converts documents (PDF, DOCX, HTML) from a queue: bursty, scales out
    conversion-workers = {
      instance_types = var.conversion_worker_nodes.instance_types
      min_size       = var.conversion_worker_nodes.min_size
      max_size       = var.conversion_worker_nodes.max_size
      desired_size   = var.conversion_worker_nodes.desired_size
      capacity_type  = var.conversion_worker_nodes.capacity_type
      labels         = { "afp.io/service" = "conversion-workers" }
    }
  }
}

module "db" {
  source = "../../modules/rds-postgres"

  identifier     = local.name
  vpc_id         = module.vpc.vpc_id
  subnet_ids     = module.vpc.private_subnet_ids
  database_name  = "afp"
  username       = "afp"
  engine_version = var.db_engine_version
  instance_class = var.db_instance_class
  multi_az       = var.db_multi_az

  allocated_storage     = var.db_allocated_storage
  max_allocated_storage = var.db_max_allocated_storage

  # daily backups, kept 30 days
  backup_retention_period = 30
  backup_window           = "01:00-02:00"
  maintenance_window      = "sun:03:00-sun:04:00"

  deletion_protection = var.db_deletion_protection
  skip_final_snapshot = var.environment != "production"
  apply_immediately   = var.db_apply_immediately

  # the services on the cluster's nodes, nothing else
  allowed_security_group_ids = {
    eks-nodes = module.eks.node_security_group_id
  }
}
