output "cluster_name" {
  description = "The cluster's name."
  value       = aws_eks_cluster.this.name
}

output "cluster_arn" {
  description = "The cluster's ARN."
  value       = aws_eks_cluster.this.arn
}

output "cluster_endpoint" {
  description = "The Kubernetes API's URL."
  value       = aws_eks_cluster.this.endpoint
}

output "cluster_version" {
  description = "The control plane's Kubernetes version."
  value       = aws_eks_cluster.this.version
}

output "cluster_certificate_authority_data" {
  description = "The cluster's CA certificate, base64-encoded, for kubeconfig."
  value       = aws_eks_cluster.this.certificate_authority[0].data
}

output "oidc_issuer_url" {
  description = "The cluster's OpenID Connect issuer, for IAM roles of service accounts."
  value       = try(aws_eks_cluster.this.identity[0].oidc[0].issuer, null)
}

output "cluster_security_group_id" {
  description = "The security group of the control plane this module creates."
  value       = aws_security_group.cluster.id
}

output "cluster_primary_security_group_id" {
  description = "The security group EKS creates for the cluster (empty where EKS reports none)."
  value       = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
}

output "node_security_group_id" {
  description = "The security group of every node: admit it where the cluster's workloads must reach (a database)."
  value       = aws_security_group.node.id
}

output "cluster_role_arn" {
  description = "The control plane's IAM role."
  value       = aws_iam_role.cluster.arn
}

output "node_role_arn" {
  description = "The nodes' IAM role."
  value       = aws_iam_role.node.arn
}

output "node_groups" {
  description = "The node groups by workload name: name, ARN, status, instance types and scaling bounds."
  value = {
    for k, g in aws_eks_node_group.this : k => {
      name           = g.node_group_name
      arn            = g.arn
      status         = g.status
      instance_types = g.instance_types
      min_size       = g.scaling_config[0].min_size
      max_size       = g.scaling_config[0].max_size
      desired_size   = g.scaling_config[0].desired_size
    }
  }
}
