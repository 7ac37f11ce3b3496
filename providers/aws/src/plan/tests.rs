//! Planning tests: defaults, unknown computed attributes, replacement, tags_all, null versus empty.

use super::*;
use terrane_provider_api::schema::Attribute;

fn schema() -> Block {
    let set_block = Block::default()
        .attr("from_port", Attribute::required(Type::Number))
        .attr("cidr_blocks", Attribute::optional(Type::list(Type::String)))
        .attr("description", Attribute::optional(Type::String));
    let list_block = Block::default()
        .attr(
            "subnet_ids",
            Attribute::required(Type::set(Type::String)).force_new(),
        )
        .attr("vpc_id", Attribute::computed(Type::String))
        .attr("public", Attribute::optional(Type::Bool));
    crate::tags::with_tags(
        Block::default()
            .attr("id", Attribute::computed(Type::String))
            .attr("cidr_block", Attribute::required(Type::String).force_new())
            .attr("tenancy", Attribute::optional(Type::String).force_new())
            .attr("az", Attribute::optional_computed(Type::String).force_new())
            .attr("names", Attribute::optional(Type::list(Type::String))),
    )
    .nested("ingress", Nesting::Set, set_block)
    .nested("vpc_config", Nesting::List, list_block)
}

fn config(cidr: &str, tags: Option<&[(&str, &str)]>) -> Value {
    let tags = match tags {
        Some(t) => Value::map(
            Type::String,
            t.iter()
                .map(|(k, v)| (k.to_string(), Value::string(*v)))
                .collect(),
        ),
        None => Value::null(Type::map(Type::String)),
    };
    let ty = schema().implied_type();
    let mut j = serde_json::json!({
        "cidr_block": cidr,
        "ingress": [{"from_port": 80, "cidr_blocks": null, "description": null}],
        "vpc_config": [{"subnet_ids": ["a", "b"], "vpc_id": null, "public": true}],
    });
    if let Some(t) = tags.as_map() {
        j["tags"] = serde_json::Value::Object(
            t.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        serde_json::Value::String(v.as_str().unwrap().into()),
                    )
                })
                .collect(),
        );
    }
    crate::json::from_json(&j, &ty).unwrap()
}

fn defaults() -> Value {
    Value::object_from([("tenancy", Value::string("default"))])
}

#[test]
fn create_fills_defaults_zero_values_and_unknowns() {
    let cfg = config("10.0.0.0/16", Some(&[("Name", "main")]));
    let dt = Tags::from([("env".to_string(), "test".to_string())]);
    let (p, _) = plan(
        &schema(),
        &defaults(),
        &dt,
        &Value::null(schema().implied_type()),
        &cfg,
        &cfg,
    );
    let s = p.state;
    assert_eq!(s.get_attr("tenancy"), Some(&Value::string("default")));
    assert!(!s.get_attr("id").unwrap().is_known());
    assert!(!s.get_attr("az").unwrap().is_known());
    let tags_all = crate::json::to_json(s.get_attr("tags_all").unwrap());
    assert_eq!(tags_all, serde_json::json!({"Name": "main", "env": "test"}));
    let ingress = crate::json::to_json(s.get_attr("ingress").unwrap());
    assert_eq!(
        ingress,
        serde_json::json!([{"from_port": 80, "cidr_blocks": [], "description": ""}])
    );
    let vc = s.get_attr("vpc_config").unwrap().as_seq().unwrap()[0].clone();
    assert!(!vc.get_attr("vpc_id").unwrap().is_known());
    assert_eq!(
        vc.get_attr("public"),
        Some(&Value::bool(true)),
        "configured nested values stay"
    );
}

fn applied(cfg: &Value) -> Value {
    let (p, _) = plan(
        &schema(),
        &defaults(),
        &Tags::new(),
        &Value::null(schema().implied_type()),
        cfg,
        cfg,
    );
    let mut j = crate::json::to_json(&p.state);
    j["id"] = "vpc-1".into();
    j["az"] = "us-east-1a".into();
    j["vpc_config"][0]["vpc_id"] = "vpc-1".into();
    crate::json::from_json(&j, &schema().implied_type()).unwrap()
}

fn proposed(prior: &Value, cfg: &Value) -> Value {
    // the engine's ProposedNew for this schema: computed attributes unset in config come from prior
    let mut j = crate::json::to_json(cfg);
    let pj = crate::json::to_json(prior);
    j["id"] = pj["id"].clone();
    j["az"] = pj["az"].clone();
    j["tags_all"] = pj["tags_all"].clone();
    j["vpc_config"][0]["vpc_id"] = pj["vpc_config"][0]["vpc_id"].clone();
    crate::json::from_json(&j, &schema().implied_type()).unwrap()
}

#[test]
fn unchanged_configuration_plans_the_prior_object() {
    let cfg = config("10.0.0.0/16", None);
    let prior = applied(&cfg);
    let (p, _) = plan(
        &schema(),
        &defaults(),
        &Tags::new(),
        &prior,
        &proposed(&prior, &cfg),
        &cfg,
    );
    assert!(p.requires_replace.is_empty());
    assert_eq!(crate::json::to_json(&p.state), crate::json::to_json(&prior));
    assert!(p.state.equals(&prior) == Some(true));
}

#[test]
fn force_new_arguments_replace_and_nested_ones_too() {
    let cfg = config("10.0.0.0/16", None);
    let prior = applied(&cfg);
    let cfg2 = config("10.1.0.0/16", None);
    let (p, _) = plan(
        &schema(),
        &defaults(),
        &Tags::new(),
        &prior,
        &proposed(&prior, &cfg2),
        &cfg2,
    );
    assert_eq!(p.requires_replace, vec![Path::root().attr("cidr_block")]);
    assert!(!p.state.get_attr("id").unwrap().is_known());
    let mut j = crate::json::to_json(&cfg);
    j["vpc_config"][0]["subnet_ids"] = serde_json::json!(["a"]);
    let cfg3 = crate::json::from_json(&j, &schema().implied_type()).unwrap();
    let (p, _) = plan(
        &schema(),
        &defaults(),
        &Tags::new(),
        &prior,
        &proposed(&prior, &cfg3),
        &cfg3,
    );
    assert_eq!(
        p.requires_replace,
        vec![Path::root().attr("vpc_config").index(0).attr("subnet_ids")]
    );
}

#[test]
fn tag_changes_update_in_place() {
    let cfg = config("10.0.0.0/16", None);
    let prior = applied(&cfg);
    let cfg2 = config("10.0.0.0/16", Some(&[("Name", "x")]));
    let (p, _) = plan(
        &schema(),
        &defaults(),
        &Tags::new(),
        &prior,
        &proposed(&prior, &cfg2),
        &cfg2,
    );
    assert!(p.requires_replace.is_empty());
    assert_eq!(
        crate::json::to_json(p.state.get_attr("tags_all").unwrap()),
        serde_json::json!({"Name": "x"})
    );
    assert_eq!(p.state.get_attr("id"), Some(&Value::string("vpc-1")));
}

#[test]
fn reads_keep_the_prior_null_or_empty_shape() {
    let cfg = config("10.0.0.0/16", None);
    let prior = applied(&cfg);
    let mut j = crate::json::to_json(&prior);
    j["names"] = serde_json::json!([]);
    j["tags"] = serde_json::json!({});
    let read = crate::json::from_json(&j, &schema().implied_type()).unwrap();
    let n = normalize_like(&schema(), &read, &prior);
    assert!(n.get_attr("names").unwrap().is_null());
    assert!(n.get_attr("tags").unwrap().is_null());
    assert!(n.equals(&prior) == Some(true));
}
