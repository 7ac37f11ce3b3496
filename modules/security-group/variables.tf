variable "name" {
  description = "Name of the security group."
  type        = string

  validation {
    condition     = length(var.name) >= 1 && length(var.name) <= 255 && !startswith(lower(var.name), "sg-")
    error_message = "The name must be 1-255 characters and must not start with \"sg-\"."
  }
}

variable "description" {
  description = "What the group is for. Changing it replaces the group."
  type        = string
  default     = "Managed by Terraform"
}

variable "vpc_id" {
  description = "The VPC the group belongs to."
  type        = string
}

variable "ingress_rules" {
  description = <<-EOT
    Inbound rules. Each admits one source: cidr_ipv4, cidr_ipv6, referenced_security_group_id or
    prefix_list_id. ip_protocol is "tcp", "udp", "icmp" or "-1" (all, without ports). key names the
    rule in the state (default: its position); give it when the list may change order.
  EOT
  type = list(object({
    key                          = optional(string)
    description                  = optional(string)
    ip_protocol                  = optional(string, "tcp")
    from_port                    = optional(number)
    to_port                      = optional(number)
    cidr_ipv4                    = optional(string)
    cidr_ipv6                    = optional(string)
    referenced_security_group_id = optional(string)
    prefix_list_id               = optional(string)
  }))
  default = []

  validation {
    condition = alltrue([
      for r in var.ingress_rules : length([for source in [r.cidr_ipv4, r.cidr_ipv6, r.referenced_security_group_id, r.prefix_list_id] : source if source != null]) == 1
    ])
    error_message = "Each ingress rule needs exactly one of cidr_ipv4, cidr_ipv6, referenced_security_group_id and prefix_list_id."
  }

  validation {
    condition = alltrue([
      for r in var.ingress_rules : r.ip_protocol == "-1" || (r.from_port != null && r.to_port != null)
    ])
    error_message = "Each ingress rule other than ip_protocol = \"-1\" needs from_port and to_port."
  }

  validation {
    condition     = length(distinct([for i, r in var.ingress_rules : coalesce(r.key, tostring(i))])) == length(var.ingress_rules)
    error_message = "The ingress rules' keys must be unique."
  }
}

variable "egress_rules" {
  description = "Outbound rules, with the fields of ingress_rules. The default allows all outbound traffic over IPv4."
  type = list(object({
    key                          = optional(string)
    description                  = optional(string)
    ip_protocol                  = optional(string, "tcp")
    from_port                    = optional(number)
    to_port                      = optional(number)
    cidr_ipv4                    = optional(string)
    cidr_ipv6                    = optional(string)
    referenced_security_group_id = optional(string)
    prefix_list_id               = optional(string)
  }))
  default = [{
    key         = "all"
    description = "All outbound traffic"
    ip_protocol = "-1"
    cidr_ipv4   = "0.0.0.0/0"
  }]

  validation {
    condition = alltrue([
      for r in var.egress_rules : length([for source in [r.cidr_ipv4, r.cidr_ipv6, r.referenced_security_group_id, r.prefix_list_id] : source if source != null]) == 1
    ])
    error_message = "Each egress rule needs exactly one of cidr_ipv4, cidr_ipv6, referenced_security_group_id and prefix_list_id."
  }

  validation {
    condition = alltrue([
      for r in var.egress_rules : r.ip_protocol == "-1" || (r.from_port != null && r.to_port != null)
    ])
    error_message = "Each egress rule other than ip_protocol = \"-1\" needs from_port and to_port."
  }

  validation {
    condition     = length(distinct([for i, r in var.egress_rules : coalesce(r.key, tostring(i))])) == length(var.egress_rules)
    error_message = "The egress rules' keys must be unique."
  }
}

variable "tags" {
  description = "Tags of the group and its rules."
  type        = map(string)
  default     = {}
}
