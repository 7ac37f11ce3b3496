output "environment" {
  description = "The environment this state holds."
  value       = var.environment

  precondition {
    condition     = terraform.workspace == "default" || terraform.workspace == var.environment
    error_message = "The selected workspace is not the environment of the variables: select the workspace named after the environment or pass that environment's .tfvars file."
  }
}

output "revision" {
  description = "The revision last applied."
  value       = var.revision
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
  description = "The Kubernetes API."
  value       = module.eks.cluster_endpoint
}

output "node_groups" {
  description = "The node groups and their autoscaling bounds."
  value       = module.eks.node_groups
}

output "db_identifier" {
  description = "The RDS instance."
  value       = module.db.id
}

output "db_endpoint" {
  description = "The policy database's host:port."
  value       = module.db.endpoint
}

output "db_password" {
  description = "The database's generated master password."
  value       = module.db.password
  sensitive   = true
}
