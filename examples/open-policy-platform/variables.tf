variable "region" {
  description = "The AWS region of the platform."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "The platform's name, the first part of every resource name (NAME-ENVIRONMENT)."
  type        = string
  default     = "opp"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.name))
    error_message = "The name must be 2-21 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "The environment: dev, staging or production. Use the workspace of the same name."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "production"], var.environment)
    error_message = "The environment must be dev, staging or production."
  }
}

variable "revision" {
  description = "The revision (commit) of this configuration being applied, recorded in the state as the revision output. The pipeline sets it."
  type        = string
  default     = "unknown"
}

variable "vpc_cidr" {
  description = "The VPC's CIDR block."
  type        = string
}

variable "policy_engine_nodes" {
  description = "The decision service's node group: instance types and autoscaling bounds."
  type = object({
    instance_types = list(string)
    min_size       = number
    max_size       = number
  })
}

variable "db_instance_class" {
  description = "The database's instance class."
  type        = string
}

variable "db_deletion_protection" {
  description = "Whether the database refuses deletion."
  type        = bool
  default     = false
}
