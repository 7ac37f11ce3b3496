variable "region" {
  description = "The AWS region of the platform."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "The platform's name, the first part of every resource name (NAME-ENVIRONMENT)."
  type        = string
  default     = "afp"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.name))
    error_message = "The name must be 2-21 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "The environment: dev, test, staging or production. Use the workspace of the same name."
  type        = string

  validation {
    condition     = contains(["dev", "test", "staging", "production"], var.environment)
    error_message = "The environment must be dev, test, staging or production."
  }
}

variable "vpc_cidr" {
  description = "The VPC's CIDR block; give each environment its own so they can be peered."
  type        = string
}

variable "nat_gateways" {
  description = "\"one_per_zone\" (production) or \"single\" (cheaper, for the other environments)."
  type        = string
  default     = "single"
}

variable "kubernetes_version" {
  description = "The EKS control plane's Kubernetes version."
  type        = string
  default     = "1.30"
}

variable "generation_engine_nodes" {
  description = "The generation engine's node group: instance types and autoscaling bounds."
  type = object({
    instance_types = list(string)
    min_size       = number
    max_size       = number
    desired_size   = optional(number)
  })
}

variable "conversion_worker_nodes" {
  description = "The conversion workers' node group: instance types, autoscaling bounds and capacity type (SPOT suits the queue-driven workers)."
  type = object({
    instance_types = list(string)
    min_size       = number
    max_size       = number
    desired_size   = optional(number)
    capacity_type  = optional(string, "ON_DEMAND")
  })
}

variable "db_engine_version" {
  description = "The PostgreSQL version."
  type        = string
  default     = "16.3"
}

variable "db_instance_class" {
  description = "The database's instance class."
  type        = string
}

variable "db_allocated_storage" {
  description = "The database's initial storage, GiB."
  type        = number
  default     = 20
}

variable "db_max_allocated_storage" {
  description = "The limit the database's storage grows to on its own, GiB."
  type        = number
  default     = 100
}

variable "db_multi_az" {
  description = "Whether the database has a standby in another zone."
  type        = bool
  default     = false
}

variable "db_deletion_protection" {
  description = "Whether the database refuses deletion."
  type        = bool
  default     = false
}

variable "db_apply_immediately" {
  description = "Whether database changes apply at once (true) or in the maintenance window (false)."
  type        = bool
  default     = true
}
