output "id" {
  description = "The DB instance's identifier."
  value       = aws_db_instance.this.identifier
}

output "arn" {
  description = "The DB instance's ARN."
  value       = aws_db_instance.this.arn
}

output "address" {
  description = "The database's host name."
  value       = aws_db_instance.this.address
}

output "endpoint" {
  description = "The database's host:port."
  value       = aws_db_instance.this.endpoint
}

output "port" {
  description = "The database's port."
  value       = aws_db_instance.this.port
}

output "database_name" {
  description = "The database created with the instance."
  value       = aws_db_instance.this.db_name
}

output "username" {
  description = "The master user's name."
  value       = aws_db_instance.this.username
}

output "password" {
  description = "The generated master password."
  value       = random_password.master.result
  sensitive   = true
}

output "security_group_id" {
  description = "The database's security group."
  value       = module.security_group.id
}

output "subnet_group_name" {
  description = "The DB subnet group's name."
  value       = aws_db_subnet_group.this.name
}

output "parameter_group_name" {
  description = "The parameter group's name."
  value       = aws_db_parameter_group.this.name
}
