//! `data "aws_ami"`: one AMI matching owners, `filter` blocks and `name_regex`; the newest when
//! `most_recent` is set.

use crate::client::Aws;
use crate::error::sdk;
use crate::json::{Json, b, opt, s, set, strs};
use crate::resource::DataSource;
use crate::schema::*;
use async_trait::async_trait;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::schema::{Attribute, Block};

pub struct Ami;

#[async_trait]
impl DataSource for Ami {
    fn schema(&self) -> Block {
        super::with_filters(
            Block::default()
                .attr("id", comp_str())
                .attr("owners", Attribute::optional(str_list()))
                .attr("most_recent", opt_bool())
                .attr("name_regex", opt_str())
                .attr("executable_users", Attribute::optional(str_list()))
                .attr("include_deprecated", opt_bool())
                .attr("arn", comp_str())
                .attr("image_id", comp_str())
                .attr("name", comp_str())
                .attr("description", comp_str())
                .attr("architecture", comp_str())
                .attr("creation_date", comp_str())
                .attr("deprecation_time", comp_str())
                .attr("hypervisor", comp_str())
                .attr("image_location", comp_str())
                .attr("image_type", comp_str())
                .attr("owner_id", comp_str())
                .attr("platform", comp_str())
                .attr("platform_details", comp_str())
                .attr("public", Attribute::computed(terrane_values::Type::Bool))
                .attr("root_device_name", comp_str())
                .attr("root_device_type", comp_str())
                .attr("state", comp_str())
                .attr("usage_operation", comp_str())
                .attr("virtualization_type", comp_str())
                .attr(
                    "ena_support",
                    Attribute::computed(terrane_values::Type::Bool),
                )
                .attr("tags", Attribute::computed(str_map())),
        )
    }

    async fn read(&self, aws: &Aws, config: &Json) -> Result<Json, Diagnostics> {
        let owners = strs(config, "owners");
        let users = strs(config, "executable_users");
        let out = aws
            .ec2
            .describe_images()
            .set_owners(Some(owners).filter(|o| !o.is_empty()))
            .set_executable_users(Some(users).filter(|o| !o.is_empty()))
            .set_filters(Some(super::filters(config)).filter(|f| !f.is_empty()))
            .set_include_deprecated(b(config, "include_deprecated"))
            .send()
            .await
            .map_err(|e| sdk("DescribeImages")(e).diag("reading EC2 AMIs"))?;
        let mut images: Vec<_> = out.images().iter().collect();
        if let Some(re) = s(config, "name_regex") {
            let Ok(m) = regex::Regex::new(re) else {
                return Err(terrane_provider_sdk::error(
                    "Invalid value",
                    format!("\"name_regex\" ({re}) is not a valid regular expression"),
                ));
            };
            images.retain(|i| m.is_match(i.name().unwrap_or_default()));
        }
        if images.is_empty() {
            return Err(super::no_match("EC2 AMI"));
        }
        if images.len() > 1 && b(config, "most_recent") != Some(true) {
            return Err(terrane_provider_sdk::error(
                "Your query returned more than one result. Please try a more specific search criteria, or set `most_recent` attribute to true.",
                "",
            ));
        }
        images.sort_by_key(|i| i.creation_date().unwrap_or_default().to_string());
        let img = images.last().copied().expect("not empty");
        let id = img.image_id().unwrap_or_default();
        let mut st = config.clone();
        set(&mut st, "id", id);
        set(&mut st, "image_id", id);
        set(
            &mut st,
            "arn",
            format!("arn:{}:ec2:{}::image/{id}", aws.partition, aws.region),
        );
        set(&mut st, "name", opt(img.name()));
        set(
            &mut st,
            "description",
            img.description().unwrap_or_default(),
        );
        set(
            &mut st,
            "architecture",
            img.architecture().map_or("", |a| a.as_str()),
        );
        set(
            &mut st,
            "creation_date",
            img.creation_date().unwrap_or_default(),
        );
        set(
            &mut st,
            "deprecation_time",
            img.deprecation_time().unwrap_or_default(),
        );
        set(
            &mut st,
            "hypervisor",
            img.hypervisor().map_or("", |a| a.as_str()),
        );
        set(
            &mut st,
            "image_location",
            img.image_location().unwrap_or_default(),
        );
        set(
            &mut st,
            "image_type",
            img.image_type().map_or("", |a| a.as_str()),
        );
        set(&mut st, "owner_id", img.owner_id().unwrap_or_default());
        set(
            &mut st,
            "platform",
            img.platform().map_or("", |a| a.as_str()),
        );
        set(
            &mut st,
            "platform_details",
            img.platform_details().unwrap_or_default(),
        );
        set(&mut st, "public", img.public().unwrap_or(false));
        set(
            &mut st,
            "root_device_name",
            img.root_device_name().unwrap_or_default(),
        );
        set(
            &mut st,
            "root_device_type",
            img.root_device_type().map_or("", |a| a.as_str()),
        );
        set(&mut st, "state", img.state().map_or("", |a| a.as_str()));
        set(
            &mut st,
            "usage_operation",
            img.usage_operation().unwrap_or_default(),
        );
        set(
            &mut st,
            "virtualization_type",
            img.virtualization_type().map_or("", |a| a.as_str()),
        );
        set(&mut st, "ena_support", img.ena_support().unwrap_or(false));
        set(
            &mut st,
            "tags",
            crate::json::map_json(&crate::tags::from_ec2(img.tags())),
        );
        if st.get("most_recent").is_none_or(Json::is_null) {
            set(&mut st, "most_recent", false);
        }
        Ok(st)
    }
}
