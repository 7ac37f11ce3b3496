# A PostgreSQL database on RDS in private subnets: a DB subnet group, a security group that admits
# PostgreSQL from inside the VPC only (a standalone ingress rule), a parameter group, and the
# instance. Storage, class, backup retention and the parameter group update in place with
# apply_immediately; the password is sensitive and never printed.

terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

provider "aws" {
  region = var.region
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "name" {
  type    = string
  default = "example-pg"
}

variable "instance_class" {
  type    = string
  default = "db.t3.micro"
}

variable "allocated_storage" {
  type    = number
  default = 20
}

variable "backup_retention_period" {
  type    = number
  default = 7
}

variable "db_password" {
  type      = string
  sensitive = true
  default   = "change-me-1234"
}

data "aws_availability_zones" "available" {
  state = "available"
}

resource "aws_vpc" "db" {
  cidr_block = "10.60.0.0/16"

  tags = {
    Name = var.name
  }
}

resource "aws_subnet" "db" {
  count = 2

  vpc_id            = aws_vpc.db.id
  cidr_block        = cidrsubnet(aws_vpc.db.cidr_block, 8, count.index)
  availability_zone = data.aws_availability_zones.available.names[count.index]

  tags = {
    Name = "${var.name}-${count.index}"
  }
}

resource "aws_db_subnet_group" "db" {
  name       = var.name
  subnet_ids = aws_subnet.db[*].id

  tags = {
    Name = var.name
  }
}

resource "aws_security_group" "db" {
  name        = "${var.name}-db"
  description = "PostgreSQL from inside the VPC"
  vpc_id      = aws_vpc.db.id
}

resource "aws_vpc_security_group_ingress_rule" "postgres" {
  security_group_id = aws_security_group.db.id
  description       = "PostgreSQL"
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv4         = aws_vpc.db.cidr_block
}

resource "aws_db_parameter_group" "postgres" {
  name   = "${var.name}-pg16"
  family = "postgres16"

  parameter {
    name  = "log_connections"
    value = "1"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = "500"
  }
}

resource "aws_db_instance" "main" {
  identifier     = var.name
  engine         = "postgres"
  engine_version = "16.3"
  instance_class = var.instance_class

  allocated_storage       = var.allocated_storage
  storage_type            = "gp3"
  db_name                 = "app"
  username                = "app"
  password                = var.db_password
  db_subnet_group_name    = aws_db_subnet_group.db.name
  vpc_security_group_ids  = [aws_security_group.db.id]
  parameter_group_name    = aws_db_parameter_group.postgres.name
  backup_retention_period = var.backup_retention_period
  apply_immediately       = true
  skip_final_snapshot     = true

  tags = {
    Name = var.name
  }
}

output "db_endpoint" {
  value = aws_db_instance.main.endpoint
}

output "db_address" {
  value = aws_db_instance.main.address
}

output "db_arn" {
  value = aws_db_instance.main.arn
}
