variable "name" {
  description = "Name of the EKS cluster, and the prefix of its IAM roles, security groups, launch templates and node groups."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9][a-zA-Z0-9_-]{0,37}$", var.name))
    error_message = "The name must be 1-38 letters, digits, hyphens or underscores, starting with a letter or digit (the IAM role names add up to 26 characters to it)."
  }
}

variable "kubernetes_version" {
  description = "The Kubernetes version of the control plane, such as \"1.30\"."
  type        = string
  default     = "1.30"

  validation {
    condition     = can(regex("^1\\.[0-9]+$", var.kubernetes_version))
    error_message = "The kubernetes_version must be a minor version such as \"1.30\"."
  }
}

variable "vpc_id" {
  description = "The VPC of the cluster."
  type        = string
}

variable "subnet_ids" {
  description = "The subnets of the control plane's network interfaces and, unless a node group names its own, of the nodes: private subnets in at least two availability zones."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "EKS needs subnets in at least two availability zones."
  }
}

variable "endpoint_public_access" {
  description = "Whether the Kubernetes API is reachable from the internet (from public_access_cidrs). It is always reachable from inside the VPC."
  type        = bool
  default     = true
}

variable "public_access_cidrs" {
  description = "The CIDR blocks that may reach the public Kubernetes API endpoint."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = alltrue([for c in var.public_access_cidrs : can(cidrhost(c, 0))])
    error_message = "Each of public_access_cidrs must be a CIDR block."
  }
}

variable "enabled_log_types" {
  description = "The control plane logs sent to CloudWatch: any of api, audit, authenticator, controllerManager and scheduler."
  type        = list(string)
  default     = ["api", "audit"]

  validation {
    condition     = alltrue([for t in var.enabled_log_types : contains(["api", "audit", "authenticator", "controllerManager", "scheduler"], t)])
    error_message = "The enabled_log_types may contain only api, audit, authenticator, controllerManager and scheduler."
  }
}

variable "node_groups" {
  description = <<-EOT
    Managed node groups by workload name. Each has its instance types, scaling bounds (min_size,
    max_size, and desired_size, which defaults to min_size), capacity type (ON_DEMAND or SPOT), disk
    size in GiB, Kubernetes labels (a "workload" label with the group's name is always added), and
    optionally its own subnets. Scaling bounds and labels change in place; instance types, capacity
    type and disk size replace the group.
  EOT
  type = map(object({
    instance_types = list(string)
    min_size       = number
    max_size       = number
    desired_size   = optional(number)
    capacity_type  = optional(string, "ON_DEMAND")
    disk_size      = optional(number, 50)
    labels         = optional(map(string), {})
    subnet_ids     = optional(list(string))
  }))
  default = {}

  validation {
    condition     = alltrue([for k, g in var.node_groups : can(regex("^[a-z0-9][a-z0-9-]{0,30}$", k))])
    error_message = "Node group names must be 1-31 lowercase letters, digits or hyphens, starting with a letter or digit."
  }

  validation {
    condition = alltrue([
      for g in var.node_groups : g.min_size >= 0 && g.min_size <= g.max_size && g.max_size >= 1 && (g.desired_size == null ? true : g.desired_size >= g.min_size && g.desired_size <= g.max_size)
    ])
    error_message = "Each node group needs 0 <= min_size <= desired_size <= max_size and max_size >= 1."
  }

  validation {
    condition     = alltrue([for g in var.node_groups : length(g.instance_types) >= 1])
    error_message = "Each node group needs at least one instance type."
  }

  validation {
    condition     = alltrue([for g in var.node_groups : contains(["ON_DEMAND", "SPOT"], g.capacity_type)])
    error_message = "The capacity_type of a node group must be ON_DEMAND or SPOT."
  }

  validation {
    condition     = alltrue([for g in var.node_groups : g.disk_size >= 20])
    error_message = "The disk_size of a node group must be at least 20 GiB."
  }
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
  default     = {}
}
