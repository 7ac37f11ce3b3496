environment  = "production"
vpc_cidr     = "10.13.0.0/16"
nat_gateways = "one_per_zone"

generation_engine_nodes = {
  instance_types = ["c6i.2xlarge"]
  min_size       = 3
  max_size       = 12
  desired_size   = 4
}

conversion_worker_nodes = {
  instance_types = ["c6i.2xlarge", "c5.2xlarge"]
  min_size       = 3
  max_size       = 30
  capacity_type  = "ON_DEMAND"
}

db_instance_class        = "db.r6g.large"
db_allocated_storage     = 100
db_max_allocated_storage = 1000
db_multi_az              = true
db_deletion_protection   = true
db_apply_immediately     = false
