# A service: a number of identical instances behind one endpoint.

variable "name" {
  type        = string
  description = "The service name."
}

variable "port" {
  type        = number
  description = "The port the service listens on."

  validation {
    condition     = var.port > 0 && var.port < 65536
    error_message = "The port must be between 1 and 65535."
  }
}

variable "replicas" {
  type        = number
  description = "How many instances to run."
  default     = 1
}

variable "network" {
  type        = string
  description = "The network to attach to."
}

resource "null_resource" "instance" {
  count = var.replicas

  triggers = {
    name    = "${var.name}-${count.index}"
    port    = var.port
    network = var.network
  }
}

output "instance_ids" {
  value = null_resource.instance[*].id
}

output "endpoint" {
  value = "${var.name}.${var.network}.internal:${var.port}"
}
