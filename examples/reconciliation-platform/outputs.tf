output "environment" {
  description = "The environment this state holds."
  value       = var.environment

  precondition {
    condition     = terraform.workspace == "default" || terraform.workspace == var.environment
    error_message = "The selected workspace is not the environment of the variables: select the workspace named after the environment or pass that environment's .tfvars file."
  }
}

output "vpc_id" {
  description = "The platform's VPC."
  value       = module.vpc.vpc_id
}

output "cluster_name" {
  description = "The EKS cluster."
  value       = module.eks.cluster_name
}

output "cluster_endpoint" {
  description = "The Kubernetes API (private)."
  value       = module.eks.cluster_endpoint
}

output "node_groups" {
  description = "The node groups and their autoscaling bounds."
  value       = module.eks.node_groups
}

output "node_security_group_id" {
  description = "The security group of the cluster's nodes, the only one the database admits."
  value       = module.eks.node_security_group_id
}

output "db_identifier" {
  description = "The RDS instance."
  value       = module.db.id
}

output "db_endpoint" {
  description = "The ledger database's host:port."
  value       = module.db.endpoint
}

output "db_security_group_id" {
  description = "The database's security group."
  value       = module.db.security_group_id
}

output "db_password" {
  description = "The database's generated master password."
  value       = module.db.password
  sensitive   = true
}
