environment = "production"
vpc_cidr    = "10.32.0.0/16"

matching_engine_nodes = {
  instance_types = ["m6i.2xlarge"]
  min_size       = 3
  max_size       = 12
}

api_nodes = {
  instance_types = ["m6i.large"]
  min_size       = 3
  max_size       = 9
}

db_instance_class        = "db.r6g.xlarge"
db_allocated_storage     = 200
db_max_allocated_storage = 2000
db_deletion_protection   = true
