output "environment" {
  description = "The environment this state holds."
  value       = var.environment

  precondition {
    condition     = terraform.workspace == "default" || terraform.workspace == var.environment
    error_message = "The selected workspace is not the environment of the variables: select the workspace named after the environment (workspace select ENVIRONMENT) or pass that environment's .tfvars file."
  }
}

output "vpc_id" {
  description = "The platform's VPC."
  value       = module.vpc.vpc_id
}

output "private_subnet_ids" {
  description = "The private subnets the cluster and the database run in."
  value       = module.vpc.private_subnet_ids
}

output "nat_public_ips" {
  description = "The addresses the services reach the internet from, by zone."
  value       = module.vpc.nat_public_ips
}

output "cluster_name" {
  description = "The EKS cluster (aws eks update-kubeconfig --name CLUSTER)."
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

output "node_security_group_id" {
  description = "The security group of the cluster's nodes."
  value       = module.eks.node_security_group_id
}

output "db_identifier" {
  description = "The RDS instance."
  value       = module.db.id
}

output "db_endpoint" {
  description = "The database's host:port."
  value       = module.db.endpoint
}

output "db_security_group_id" {
  description = "The database's security group (admits the cluster's nodes only)."
  value       = module.db.security_group_id
}

output "db_password" {
  description = "The database's generated master password."
  value       = module.db.password
  sensitive   = true
}
