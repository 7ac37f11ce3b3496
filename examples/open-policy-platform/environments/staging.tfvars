environment = "staging"
vpc_cidr    = "10.41.0.0/16"

policy_engine_nodes = {
  instance_types = ["c6i.large"]
  min_size       = 2
  max_size       = 6
}

db_instance_class = "db.t3.small"
