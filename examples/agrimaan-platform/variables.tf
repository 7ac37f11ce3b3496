variable "region" {
  description = "The primary AWS region."
  type        = string
  default     = "us-east-1"
}

variable "secondary_region" {
  description = "The second region of the environment (production), or null for a single region."
  type        = string
  default     = null
}

variable "name" {
  description = "The platform's name, the first part of every resource name (NAME-ENVIRONMENT-REGION)."
  type        = string
  default     = "agrimaan"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,14}$", var.name))
    error_message = "The name must be 2-15 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "The environment: development, testing, staging or production. Use the workspace of the same name."
  type        = string

  validation {
    condition     = contains(["development", "testing", "staging", "production"], var.environment)
    error_message = "The environment must be development, testing, staging or production."
  }
}

variable "vpc_cidr" {
  description = "The primary region's VPC block."
  type        = string
}

variable "secondary_vpc_cidr" {
  description = "The secondary region's VPC block (not overlapping vpc_cidr, so the regions can be peered)."
  type        = string
  default     = "10.100.0.0/16"
}

variable "az_count" {
  description = "How many availability zones each region's VPC spans."
  type        = number
  default     = 3
}

variable "kubernetes_version" {
  description = "The EKS control planes' Kubernetes version."
  type        = string
  default     = "1.30"
}

variable "node_groups" {
  description = "The node groups by workload type (general, memory-intensive, compute-intensive): instance types and autoscaling bounds."
  type = map(object({
    instance_types = list(string)
    min_size       = number
    max_size       = number
    desired_size   = optional(number)
  }))

  validation {
    condition     = alltrue([for k in keys(var.node_groups) : contains(["general", "memory-intensive", "compute-intensive"], k)])
    error_message = "The node groups are named by workload type: general, memory-intensive or compute-intensive."
  }

  validation {
    condition     = contains(keys(var.node_groups), "general")
    error_message = "Every environment needs a general node group (cluster add-ons run there)."
  }
}

variable "db_instance_class" {
  description = "The databases' instance class."
  type        = string
}

variable "db_deletion_protection" {
  description = "Whether the databases refuse deletion."
  type        = bool
  default     = false
}
