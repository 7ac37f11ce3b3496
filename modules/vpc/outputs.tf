output "vpc_id" {
  description = "The VPC's id."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "The VPC's IPv4 CIDR block."
  value       = aws_vpc.this.cidr_block
}

output "availability_zones" {
  description = "The zones the subnets are in, in order."
  value       = local.zones
}

output "public_subnet_ids" {
  description = "The public subnets' ids, in the order of availability_zones."
  value       = [for zone in local.zones : aws_subnet.public[zone].id]
}

output "private_subnet_ids" {
  description = "The private subnets' ids, in the order of availability_zones."
  value       = [for zone in local.zones : aws_subnet.private[zone].id]
}

output "public_subnet_cidr_blocks" {
  description = "The public subnets' CIDR blocks, in the order of availability_zones."
  value       = [for zone in local.zones : aws_subnet.public[zone].cidr_block]
}

output "private_subnet_cidr_blocks" {
  description = "The private subnets' CIDR blocks, in the order of availability_zones."
  value       = [for zone in local.zones : aws_subnet.private[zone].cidr_block]
}

output "internet_gateway_id" {
  description = "The internet gateway's id."
  value       = aws_internet_gateway.this.id
}

output "nat_gateway_ids" {
  description = "The NAT gateways' ids by zone (empty with nat_gateways = \"none\")."
  value       = { for zone, nat in aws_nat_gateway.this : zone => nat.id }
}

output "nat_public_ips" {
  description = "The NAT gateways' public IP addresses by zone: the addresses the private subnets reach the internet from."
  value       = { for zone, eip in aws_eip.nat : zone => eip.public_ip }
}

output "public_route_table_id" {
  description = "The public subnets' route table."
  value       = aws_route_table.public.id
}

output "private_route_table_ids" {
  description = "The private subnets' route tables by zone."
  value       = { for zone, rt in aws_route_table.private : zone => rt.id }
}
