environment  = "staging"
vpc_cidr     = "10.12.0.0/16"
nat_gateways = "single"

generation_engine_nodes = {
  instance_types = ["c6i.xlarge"]
  min_size       = 2
  max_size       = 6
}

conversion_worker_nodes = {
  instance_types = ["c6i.xlarge", "c5.xlarge"]
  min_size       = 2
  max_size       = 10
  capacity_type  = "SPOT"
}

db_instance_class        = "db.t3.medium"
db_allocated_storage     = 50
db_max_allocated_storage = 200
db_apply_immediately     = false
