environment = "dev"
vpc_cidr    = "10.30.0.0/16"
az_count    = 2

matching_engine_nodes = {
  instance_types = ["m6i.large"]
  min_size       = 1
  max_size       = 3
}

api_nodes = {
  instance_types = ["t3.medium"]
  min_size       = 1
  max_size       = 2
}

db_engine_version      = "14.12"
db_instance_class      = "db.t3.medium"
db_deletion_protection = false
