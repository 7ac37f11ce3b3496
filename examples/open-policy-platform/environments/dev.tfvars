environment = "dev"
vpc_cidr    = "10.40.0.0/16"

policy_engine_nodes = {
  instance_types = ["t3.medium"]
  min_size       = 1
  max_size       = 3
}

db_instance_class = "db.t3.micro"
