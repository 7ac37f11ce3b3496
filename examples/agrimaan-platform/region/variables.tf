variable "name" {
  description = "The name of this region's resources."
  type        = string
}

variable "vpc_cidr" {
  description = "The region's VPC block."
  type        = string
}

variable "az_count" {
  description = "How many availability zones the region's VPC spans."
  type        = number
}

variable "nat_gateways" {
  description = "\"one_per_zone\" or \"single\"."
  type        = string
}

variable "kubernetes_version" {
  description = "The EKS control plane's version."
  type        = string
}

variable "node_groups" {
  description = "The node groups by workload type."
  type = map(object({
    instance_types = list(string)
    min_size       = number
    max_size       = number
    desired_size   = optional(number)
  }))
}

variable "db_instance_class" {
  description = "The database's instance class."
  type        = string
}

variable "db_multi_az" {
  description = "Whether the database has a standby in another zone."
  type        = bool
}

variable "db_deletion_protection" {
  description = "Whether the database refuses deletion."
  type        = bool
}

variable "db_final_snapshot" {
  description = "Whether deleting the database leaves a final snapshot."
  type        = bool
}
