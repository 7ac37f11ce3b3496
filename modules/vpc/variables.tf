variable "name" {
  description = "Name of the VPC, and the prefix of every resource's Name tag."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9][a-zA-Z0-9-]{0,62}$", var.name))
    error_message = "The name must be 1-63 letters, digits or hyphens, starting with a letter or digit."
  }
}

variable "cidr_block" {
  description = "The IPv4 CIDR block of the VPC, a /16 to a /24."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrhost(var.cidr_block, 0)) && tonumber(split("/", var.cidr_block)[1]) >= 16 && tonumber(split("/", var.cidr_block)[1]) <= 24
    error_message = "The cidr_block must be an IPv4 CIDR block between /16 and /24, such as \"10.0.0.0/16\"."
  }
}

variable "availability_zones" {
  description = "The availability zones to use, in order. Empty (the default) takes the first az_count zones of the region."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.availability_zones) == length(distinct(var.availability_zones))
    error_message = "The availability_zones must not repeat a zone."
  }
}

variable "az_count" {
  description = "How many availability zones to span when availability_zones is empty."
  type        = number
  default     = 3

  validation {
    condition     = var.az_count >= 1 && var.az_count <= 6 && floor(var.az_count) == var.az_count
    error_message = "The az_count must be a whole number from 1 to 6."
  }
}

variable "subnet_newbits" {
  description = "Bits added to the VPC's prefix length for each subnet: 4 turns a /16 into /20 subnets. The lower half of the resulting subnets is for public subnets, the upper half for private ones."
  type        = number
  default     = 4

  validation {
    condition     = var.subnet_newbits >= 2 && var.subnet_newbits <= 8 && floor(var.subnet_newbits) == var.subnet_newbits
    error_message = "The subnet_newbits must be a whole number from 2 to 8."
  }
}

variable "nat_gateways" {
  description = "NAT gateways for the private subnets: \"one_per_zone\" (highly available), \"single\" (one in the first zone, to save cost) or \"none\" (private subnets without internet access)."
  type        = string
  default     = "one_per_zone"

  validation {
    condition     = contains(["one_per_zone", "single", "none"], var.nat_gateways)
    error_message = "The nat_gateways must be \"one_per_zone\", \"single\" or \"none\"."
  }
}

variable "enable_dns_hostnames" {
  description = "Whether instances in the VPC get public DNS host names (EKS and RDS need it)."
  type        = bool
  default     = true
}

variable "map_public_ip_on_launch" {
  description = "Whether instances launched in the public subnets get a public IP address."
  type        = bool
  default     = false
}

variable "public_subnet_tags" {
  description = "Extra tags of the public subnets, such as {\"kubernetes.io/role/elb\" = \"1\"} for Kubernetes load balancers."
  type        = map(string)
  default     = {}
}

variable "private_subnet_tags" {
  description = "Extra tags of the private subnets, such as {\"kubernetes.io/role/internal-elb\" = \"1\"}."
  type        = map(string)
  default     = {}
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
  default     = {}
}
