variable "identifier" {
  description = "The DB instance identifier, also the name of its subnet group, parameter group and security group."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,58}$", var.identifier)) && !endswith(var.identifier, "-") && length(regexall("--", var.identifier)) == 0
    error_message = "The identifier must be 1-59 lowercase letters, digits or hyphens, start with a letter, and contain no two consecutive hyphens nor end with one."
  }
}

variable "vpc_id" {
  description = "The VPC of the database's security group."
  type        = string
}

variable "subnet_ids" {
  description = "The subnets of the DB subnet group: private subnets in at least two availability zones."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "A DB subnet group needs subnets in at least two availability zones."
  }
}

variable "engine_version" {
  description = "The PostgreSQL version, such as \"16.3\" (or a major version, \"16\"). PostgreSQL 14 or newer."
  type        = string
  default     = "16.3"

  validation {
    condition     = can(regex("^[0-9]+(\\.[0-9]+)?$", var.engine_version)) && tonumber(split(".", var.engine_version)[0]) >= 14
    error_message = "The engine_version must be PostgreSQL 14 or newer, such as \"16.3\"."
  }
}

variable "instance_class" {
  description = "The DB instance class, such as \"db.t3.medium\". Changes in place (during the maintenance window unless apply_immediately)."
  type        = string
  default     = "db.t3.medium"

  validation {
    condition     = startswith(var.instance_class, "db.")
    error_message = "The instance_class must be a DB instance class, starting with \"db.\"."
  }
}

variable "allocated_storage" {
  description = "The initial storage in GiB."
  type        = number
  default     = 20

  validation {
    condition     = var.allocated_storage >= 20 && var.allocated_storage <= 65536
    error_message = "The allocated_storage must be from 20 to 65536 GiB."
  }
}

variable "max_allocated_storage" {
  description = "The upper limit in GiB to which RDS grows the storage on its own (storage autoscaling); 0 turns autoscaling off. Must exceed allocated_storage when set."
  type        = number
  default     = 100

  validation {
    condition     = var.max_allocated_storage == 0 || (var.max_allocated_storage >= 20 && var.max_allocated_storage <= 65536)
    error_message = "The max_allocated_storage must be 0 (off) or from 20 to 65536 GiB."
  }
}

variable "storage_type" {
  description = "The storage type: gp3, gp2, io1 or io2."
  type        = string
  default     = "gp3"

  validation {
    condition     = contains(["gp2", "gp3", "io1", "io2"], var.storage_type)
    error_message = "The storage_type must be gp2, gp3, io1 or io2."
  }
}

variable "database_name" {
  description = "The name of the database created with the instance."
  type        = string
  default     = "app"

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9_]{0,62}$", var.database_name))
    error_message = "The database_name must be 1-63 letters, digits or underscores, starting with a letter."
  }
}

variable "username" {
  description = "The master user's name. Its password is generated and given by the password output."
  type        = string
  default     = "app"

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9_]{0,62}$", var.username)) && !contains(["postgres", "admin", "rdsadmin"], lower(var.username))
    error_message = "The username must be 1-63 letters, digits or underscores, start with a letter, and not be a reserved name (postgres, admin, rdsadmin)."
  }
}

variable "port" {
  description = "The port PostgreSQL listens on."
  type        = number
  default     = 5432

  validation {
    condition     = var.port >= 1150 && var.port <= 65535
    error_message = "The port must be from 1150 to 65535."
  }
}

variable "multi_az" {
  description = "Whether a standby in another availability zone takes over on failure."
  type        = bool
  default     = false
}

variable "backup_retention_period" {
  description = "How many days the daily automated backups are kept (0 turns backups off)."
  type        = number
  default     = 7

  validation {
    condition     = var.backup_retention_period >= 0 && var.backup_retention_period <= 35 && floor(var.backup_retention_period) == var.backup_retention_period
    error_message = "The backup_retention_period must be a whole number of days from 0 to 35."
  }
}

variable "backup_window" {
  description = "The daily time range (UTC) of automated backups, hh24:mi-hh24:mi; must not overlap the maintenance window."
  type        = string
  default     = "02:00-03:00"

  validation {
    condition     = can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$", var.backup_window))
    error_message = "The backup_window must look like \"02:00-03:00\"."
  }
}

variable "maintenance_window" {
  description = "The weekly time range (UTC) of maintenance, ddd:hh24:mi-ddd:hh24:mi."
  type        = string
  default     = "sun:04:00-sun:05:00"

  validation {
    condition     = can(regex("^(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]$", var.maintenance_window))
    error_message = "The maintenance_window must look like \"sun:04:00-sun:05:00\" (lowercase day names)."
  }
}

variable "deletion_protection" {
  description = "Whether the instance refuses to be deleted. Turn it off (and apply) before destroying."
  type        = bool
  default     = true
}

variable "skip_final_snapshot" {
  description = "Whether deleting the instance skips the final snapshot (named IDENTIFIER-final otherwise)."
  type        = bool
  default     = false
}

variable "apply_immediately" {
  description = "Whether changes (instance class, storage) apply at once rather than in the next maintenance window."
  type        = bool
  default     = false
}

variable "parameters" {
  description = "PostgreSQL parameters of the parameter group, by name. Static parameters apply at the next reboot."
  type        = map(string)
  default = {
    log_min_duration_statement = "1000"
    "rds.force_ssl"            = "1"
  }
}

variable "allowed_cidr_blocks" {
  description = "IPv4 CIDR blocks admitted to the database port."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.allowed_cidr_blocks : can(cidrhost(c, 0))])
    error_message = "Each of allowed_cidr_blocks must be an IPv4 CIDR block."
  }
}

variable "allowed_security_group_ids" {
  description = "Security groups admitted to the database port, by a name of your choice (the names must be known when planning, the ids need not be)."
  type        = map(string)
  default     = {}
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
  default     = {}
}
