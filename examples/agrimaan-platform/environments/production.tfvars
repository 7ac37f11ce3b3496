environment        = "production"
vpc_cidr           = "10.23.0.0/16"
secondary_region   = "us-west-2"
secondary_vpc_cidr = "10.123.0.0/16"

# at least 3 nodes per group in production
node_groups = {
  general = {
    instance_types = ["m6i.xlarge"]
    min_size       = 3
    max_size       = 12
  }
  memory-intensive = {
    instance_types = ["r6i.2xlarge"]
    min_size       = 3
    max_size       = 10
  }
  compute-intensive = {
    instance_types = ["c6i.2xlarge"]
    min_size       = 3
    max_size       = 20
  }
}

db_instance_class      = "db.r6g.large"
db_deletion_protection = true
