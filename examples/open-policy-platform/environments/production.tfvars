environment = "production"
vpc_cidr    = "10.42.0.0/16"

policy_engine_nodes = {
  instance_types = ["c6i.xlarge"]
  min_size       = 3
  max_size       = 15
}

db_instance_class      = "db.r6g.large"
db_deletion_protection = true
