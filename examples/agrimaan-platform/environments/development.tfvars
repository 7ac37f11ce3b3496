environment = "development"
vpc_cidr    = "10.20.0.0/16"
az_count    = 2

node_groups = {
  general = {
    instance_types = ["t3.large"]
    min_size       = 1
    max_size       = 3
  }
}

db_instance_class = "db.t3.micro"
