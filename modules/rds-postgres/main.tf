# A PostgreSQL database on RDS: a DB subnet group over the given subnets, a parameter group of the
# engine's family, a security group admitting the database port from the given CIDR blocks and
# security groups only, a generated master password (sensitive: never printed, only in the state
# and the sensitive password output), and the instance with daily backups, a maintenance window,
# deletion protection and storage autoscaling.

locals {
  major_version = split(".", var.engine_version)[0]
  family        = "postgres${local.major_version}"
}

resource "random_password" "master" {
  length  = 32
  special = true
  # RDS refuses '/', '@', '"' and spaces in master passwords
  override_special = "!#$%&*()-_=+[]{}<>:?"
}

resource "aws_db_subnet_group" "this" {
  name        = var.identifier
  description = "Subnets of ${var.identifier}"
  subnet_ids  = var.subnet_ids

  tags = merge(var.tags, { Name = var.identifier })
}

resource "aws_db_parameter_group" "this" {
  name        = "${var.identifier}-${local.family}"
  family      = local.family
  description = "Parameters of ${var.identifier}"

  dynamic "parameter" {
    for_each = var.parameters

    content {
      name         = parameter.key
      value        = parameter.value
      apply_method = "pending-reboot"
    }
  }

  tags = merge(var.tags, { Name = "${var.identifier}-${local.family}" })
}

module "security_group" {
  source = "../security-group"

  name        = "${var.identifier}-db"
  description = "PostgreSQL ${var.identifier}"
  vpc_id      = var.vpc_id

  ingress_rules = concat(
    [for i, cidr in var.allowed_cidr_blocks : {
      key         = "cidr-${i}"
      description = "PostgreSQL from ${cidr}"
      from_port   = var.port
      to_port     = var.port
      cidr_ipv4   = cidr
    }],
    # no description on group rules: moto does not report it back (the key names the group)
    [for name in sort(keys(var.allowed_security_group_ids)) : {
      key                          = "sg-${name}"
      from_port                    = var.port
      to_port                      = var.port
      referenced_security_group_id = var.allowed_security_group_ids[name]
    }],
  )

  # a database answers; it opens no connections of its own
  egress_rules = []

  tags = var.tags
}

resource "aws_db_instance" "this" {
  identifier     = var.identifier
  engine         = "postgres"
  engine_version = var.engine_version
  instance_class = var.instance_class

  allocated_storage     = var.allocated_storage
  max_allocated_storage = var.max_allocated_storage
  storage_type          = var.storage_type
  storage_encrypted     = true

  db_name  = var.database_name
  username = var.username
  password = random_password.master.result
  port     = var.port

  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [module.security_group.id]
  parameter_group_name   = aws_db_parameter_group.this.name
  publicly_accessible    = false
  multi_az               = var.multi_az

  backup_retention_period = var.backup_retention_period
  backup_window           = var.backup_window
  maintenance_window      = var.maintenance_window
  copy_tags_to_snapshot   = true

  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = var.skip_final_snapshot
  final_snapshot_identifier = var.skip_final_snapshot ? null : "${var.identifier}-final"
  apply_immediately         = var.apply_immediately

  tags = merge(var.tags, { Name = var.identifier })
}
