//! The AWS provider (`hashicorp/aws`): EC2, VPC, EKS, RDS and the IAM they need, on the official AWS
//! SDK for Rust, with terraform-provider-aws's resource types, argument and attribute names,
//! defaults, and "forces replacement" rules, so existing stacks plan and apply unchanged.
//!
//! The layers:
//!
//! - [`provider::AwsProvider`] implements the engine's `Provider` interface: it builds the SDK
//!   clients when configured ([`config`]), plans changes from the schemas ([`plan`]), and converts
//!   between the engine's typed values and the JSON the resource types work on ([`json`]);
//! - each resource type ([`resource::Resource`]) creates, reads (many at once, with Describe
//!   filters and pages), updates, deletes and imports one kind of AWS object, one file per type
//!   under [`ec2`], [`iam`], [`eks`] and [`rds`]; data sources are under [`data`];
//! - shared concerns have their own modules: [`tags`] (`tags`, `tags_all`, `default_tags`),
//!   [`retry`] (backoff while AWS catches up), [`wait`] (polling until usable, `timeouts`),
//!   [`error`] (AWS errors as diagnostics naming the operation, code and message);
//! - [`client::ApiCalls`] counts the API calls of a provider instance, so tests can check what a
//!   refresh costs, and the provider reports them through `Provider::usage`;
//! - [`inventory`] lists the objects of the supported types that exist (`Provider::list_resources`),
//!   so drift checks can name the ones no state manages.

pub mod client;
pub mod config;
pub mod data;
pub mod ec2;
pub mod eks;
pub mod error;
pub mod iam;
pub mod inventory;
pub mod json;
pub mod plan;
pub mod provider;
pub mod rds;
pub mod resource;
pub mod retry;
pub mod schema;
pub mod tags;
pub mod validate;
pub mod wait;

pub use client::{ApiCalls, Aws};
pub use provider::AwsProvider;

/// The provider with every resource and data source type.
pub fn provider() -> AwsProvider {
    AwsProvider::new()
        .resource("aws_db_instance", rds::instance::AwsDbInstance)
        .resource(
            "aws_db_parameter_group",
            rds::parameter_group::AwsDbParameterGroup,
        )
        .resource("aws_db_subnet_group", rds::subnet_group::AwsDbSubnetGroup)
        .resource("aws_eip", ec2::eip::AwsEip)
        .resource("aws_eks_cluster", eks::cluster::AwsEksCluster)
        .resource("aws_eks_node_group", eks::node_group::AwsEksNodeGroup)
        .resource("aws_iam_policy", iam::policy::AwsIamPolicy)
        .resource("aws_iam_role", iam::role::AwsIamRole)
        .resource(
            "aws_iam_role_policy_attachment",
            iam::role_policy_attachment::AwsIamRolePolicyAttachment,
        )
        .resource("aws_instance", ec2::instance::AwsInstance)
        .resource(
            "aws_internet_gateway",
            ec2::internet_gateway::AwsInternetGateway,
        )
        .resource("aws_key_pair", ec2::key_pair::AwsKeyPair)
        .resource(
            "aws_launch_template",
            ec2::launch_template::AwsLaunchTemplate,
        )
        .resource("aws_nat_gateway", ec2::nat_gateway::AwsNatGateway)
        .resource("aws_route", ec2::route::AwsRoute)
        .resource("aws_route_table", ec2::route_table::AwsRouteTable)
        .resource(
            "aws_route_table_association",
            ec2::route_table_association::AwsRouteTableAssociation,
        )
        .resource("aws_security_group", ec2::security_group::AwsSecurityGroup)
        .resource("aws_subnet", ec2::subnet::AwsSubnet)
        .resource("aws_vpc", ec2::vpc::AwsVpc)
        .resource(
            "aws_vpc_security_group_egress_rule",
            ec2::security_group_rule::AwsSecurityGroupRule { egress: true },
        )
        .resource(
            "aws_vpc_security_group_ingress_rule",
            ec2::security_group_rule::AwsSecurityGroupRule { egress: false },
        )
        .data_source("aws_ami", data::ami::Ami)
        .data_source(
            "aws_availability_zones",
            data::availability_zones::AvailabilityZones,
        )
        .data_source("aws_caller_identity", data::caller_identity::CallerIdentity)
        .data_source(
            "aws_iam_policy_document",
            data::iam_policy_document::IamPolicyDocument,
        )
        .data_source("aws_partition", data::partition::Partition)
        .data_source("aws_region", data::region::Region)
        .data_source("aws_subnets", data::subnets::Subnets)
        .data_source("aws_vpc", data::vpc::Vpc)
}
