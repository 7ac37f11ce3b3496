environment = "testing"
vpc_cidr    = "10.21.0.0/16"
az_count    = 2

node_groups = {
  general = {
    instance_types = ["t3.large"]
    min_size       = 1
    max_size       = 4
  }
  memory-intensive = {
    instance_types = ["r6i.large"]
    min_size       = 0
    max_size       = 2
  }
  compute-intensive = {
    instance_types = ["c6i.large"]
    min_size       = 0
    max_size       = 2
  }
}

db_instance_class = "db.t3.small"
