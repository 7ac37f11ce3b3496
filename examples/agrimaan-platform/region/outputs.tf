output "vpc_id" {
  description = "The region's VPC."
  value       = module.vpc.vpc_id
}

output "availability_zones" {
  description = "The region's zones."
  value       = module.vpc.availability_zones
}

output "cluster_name" {
  description = "The region's EKS cluster."
  value       = module.eks.cluster_name
}

output "cluster_endpoint" {
  description = "The region's Kubernetes API."
  value       = module.eks.cluster_endpoint
}

output "node_groups" {
  description = "The region's node groups and their autoscaling bounds."
  value       = module.eks.node_groups
}

output "db_identifier" {
  description = "The region's database."
  value       = module.db.id
}

output "db_endpoint" {
  description = "The region's database host:port."
  value       = module.db.endpoint
}

output "db_password" {
  description = "The region's database password."
  value       = module.db.password
  sensitive   = true
}
