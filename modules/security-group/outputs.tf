output "id" {
  description = "The security group's id."
  value       = aws_security_group.this.id
}

output "arn" {
  description = "The security group's ARN."
  value       = aws_security_group.this.arn
}

output "name" {
  description = "The security group's name."
  value       = aws_security_group.this.name
}

output "ingress_rule_ids" {
  description = "The inbound rules' ids by key."
  value       = { for k, r in aws_vpc_security_group_ingress_rule.this : k => r.security_group_rule_id }
}

output "egress_rule_ids" {
  description = "The outbound rules' ids by key."
  value       = { for k, r in aws_vpc_security_group_egress_rule.this : k => r.security_group_rule_id }
}
