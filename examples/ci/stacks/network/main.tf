# A small stack for the CI recipes: a VPC with two subnets and a security group. The state is kept in
# S3 (the bucket must exist) so that the plan, apply and drift jobs, each on a fresh runner, share it.

terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }

  backend "s3" {
    bucket         = "terrane-ci-state" # change to your state bucket
    key            = "network/terraform.tfstate"
    region         = "us-east-1"
    use_lockfile   = true
    encrypt        = true
    use_path_style = true
  }
}

provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      ManagedBy = "terrane"
      Team      = var.team
    }
  }
}

variable "team" {
  type    = string
  default = "platform"
}

resource "aws_vpc" "main" {
  cidr_block           = "10.50.0.0/16"
  enable_dns_hostnames = true
  tags                 = { Name = "ci-network" }
}

resource "aws_subnet" "private" {
  for_each          = { a = 0, b = 1 }
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, each.value)
  availability_zone = "us-east-1${each.key}"
  tags              = { Name = "ci-private-${each.key}" }
}

resource "aws_security_group" "app" {
  name        = "ci-app"
  description = "app"
  vpc_id      = aws_vpc.main.id

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.main.cidr_block]
  }
}

output "vpc_id" {
  value = aws_vpc.main.id
}
