# One region of the Agrimaan platform: its VPC, its EKS cluster with a node group per workload
# type, and its PostgreSQL database, reachable from the cluster's nodes only. The root module calls
# it once per region, each time with that region's aws provider.

module "vpc" {
  source = "../../../modules/vpc"

  name         = var.name
  cidr_block   = var.vpc_cidr
  az_count     = var.az_count
  nat_gateways = var.nat_gateways

  private_subnet_tags = {
    "kubernetes.io/role/internal-elb"   = "1"
    "kubernetes.io/cluster/${var.name}" = "shared"
  }
}

module "eks" {
  source = "../../../modules/eks-cluster"

  name               = var.name
  kubernetes_version = var.kubernetes_version
  vpc_id             = module.vpc.vpc_id
  subnet_ids         = module.vpc.private_subnet_ids

  node_groups = {
    for workload, g in var.node_groups : workload => merge(g, {
      labels = { "agrimaan.io/workload-type" = workload }
    })
  }
}

module "db" {
  source = "../../../modules/rds-postgres"

  identifier     = var.name
  vpc_id         = module.vpc.vpc_id
  subnet_ids     = module.vpc.private_subnet_ids
  database_name  = "agrimaan"
  username       = "agrimaan"
  engine_version = "16.3"
  instance_class = var.db_instance_class
  multi_az       = var.db_multi_az

  allocated_storage       = 50
  max_allocated_storage   = 500
  backup_retention_period = 14

  deletion_protection = var.db_deletion_protection
  skip_final_snapshot = !var.db_final_snapshot
  apply_immediately   = true

  allowed_security_group_ids = {
    eks-nodes = module.eks.node_security_group_id
  }
}
