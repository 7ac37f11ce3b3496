environment = "staging"
vpc_cidr    = "10.31.0.0/16"

matching_engine_nodes = {
  instance_types = ["m6i.xlarge"]
  min_size       = 2
  max_size       = 6
}

api_nodes = {
  instance_types = ["t3.large"]
  min_size       = 2
  max_size       = 4
}

db_instance_class      = "db.r6g.large"
db_deletion_protection = false
