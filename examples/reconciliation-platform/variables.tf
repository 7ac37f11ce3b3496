variable "region" {
  description = "The AWS region of the platform."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "The platform's name, the first part of every resource name (NAME-ENVIRONMENT)."
  type        = string
  default     = "recon"

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

variable "vpc_cidr" {
  description = "The VPC's CIDR block."
  type        = string
}

variable "az_count" {
  description = "How many availability zones the VPC spans."
  type        = number
  default     = 3
}

variable "kubernetes_version" {
  description = "The EKS control plane's Kubernetes version."
  type        = string
  default     = "1.30"
}

variable "matching_engine_nodes" {
  description = "The matching engine's node group: instance types and autoscaling bounds."
  type = object({
    instance_types = list(string)
    min_size       = number
    max_size       = number
  })
}

variable "api_nodes" {
  description = "The API's node group: instance types and autoscaling bounds."
  type = object({
    instance_types = list(string)
    min_size       = number
    max_size       = number
  })
}

variable "db_engine_version" {
  description = "The PostgreSQL version: 14 or newer."
  type        = string
  default     = "16.3"

  validation {
    condition     = can(regex("^[0-9]+(\\.[0-9]+)?$", var.db_engine_version)) && tonumber(split(".", var.db_engine_version)[0]) >= 14
    error_message = "The reconciliation platform needs PostgreSQL 14 or newer."
  }
}

variable "db_instance_class" {
  description = "The database's instance class."
  type        = string
}

variable "db_allocated_storage" {
  description = "The database's initial storage, GiB."
  type        = number
  default     = 50
}

variable "db_max_allocated_storage" {
  description = "The limit the database's storage grows to on its own, GiB."
  type        = number
  default     = 500
}

variable "db_backup_retention_days" {
  description = "How many days the daily backups are kept: at least 30 (audit requirement)."
  type        = number
  default     = 30

  validation {
    condition     = var.db_backup_retention_days >= 30 && var.db_backup_retention_days <= 35
    error_message = "Backups must be kept at least 30 days (and RDS keeps at most 35)."
  }
}

variable "db_deletion_protection" {
  description = "Whether the database refuses deletion."
  type        = bool
  default     = true
}
