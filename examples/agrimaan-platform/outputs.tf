output "environment" {
  description = "The environment this state holds."
  value       = var.environment

  precondition {
    condition     = terraform.workspace == "default" || terraform.workspace == var.environment
    error_message = "The selected workspace is not the environment of the variables: select the workspace named after the environment or pass that environment's .tfvars file."
  }

  precondition {
    condition     = var.environment != "production" || alltrue([for g in var.node_groups : g.min_size >= 3])
    error_message = "Production node groups keep at least 3 nodes (min_size >= 3)."
  }

  precondition {
    condition     = var.environment != "production" || var.secondary_region != null
    error_message = "Production runs in two regions: set secondary_region."
  }
}

output "regions" {
  description = "The regions the environment runs in."
  value       = var.secondary_region == null ? [var.region] : [var.region, var.secondary_region]
}

output "primary" {
  description = "The primary region: VPC, cluster, node groups and database."
  value = {
    region        = var.region
    vpc_id        = module.primary.vpc_id
    cluster_name  = module.primary.cluster_name
    node_groups   = module.primary.node_groups
    db_identifier = module.primary.db_identifier
    db_endpoint   = module.primary.db_endpoint
  }
}

output "secondary" {
  description = "The secondary region, or null."
  value = var.secondary_region == null ? null : {
    region        = var.secondary_region
    vpc_id        = module.secondary[0].vpc_id
    cluster_name  = module.secondary[0].cluster_name
    node_groups   = module.secondary[0].node_groups
    db_identifier = module.secondary[0].db_identifier
    db_endpoint   = module.secondary[0].db_endpoint
  }
}
