environment  = "test"
vpc_cidr     = "10.11.0.0/16"
nat_gateways = "single"

generation_engine_nodes = {
  instance_types = ["t3.large"]
  min_size       = 1
  max_size       = 4
}

conversion_worker_nodes = {
  instance_types = ["t3.large"]
  min_size       = 1
  max_size       = 6
  capacity_type  = "SPOT"
}

db_instance_class        = "db.t3.small"
db_allocated_storage     = 20
db_max_allocated_storage = 50
