environment = "staging"
vpc_cidr    = "10.22.0.0/16"

node_groups = {
  general = {
    instance_types = ["m6i.large"]
    min_size       = 2
    max_size       = 6
  }
  memory-intensive = {
    instance_types = ["r6i.xlarge"]
    min_size       = 1
    max_size       = 4
  }
  compute-intensive = {
    instance_types = ["c6i.xlarge"]
    min_size       = 1
    max_size       = 4
  }
}

db_instance_class = "db.t3.medium"
