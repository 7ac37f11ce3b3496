//! Address display and parsing.

use crate::*;

#[test]
fn display_uses_terraform_syntax() {
    let m = ModuleInstance::root()
        .child("net", InstanceKey::Int(0))
        .child("sub", InstanceKey::Str("a".into()));
    let r = AbsResource {
        module: m,
        resource: Resource::managed("aws_subnet", "private"),
    };
    assert_eq!(
        r.instance(InstanceKey::Str("a\"b".into())).to_string(),
        r#"module.net[0].module.sub["a"].aws_subnet.private["a\"b"]"#
    );
    assert_eq!(
        Resource::data("null_data_source", "d").to_string(),
        "data.null_data_source.d"
    );
    let pc = ProviderConfig {
        module: ModulePath::root(),
        provider: Provider::new("hashicorp", "null"),
        alias: None,
    };
    assert_eq!(
        pc.to_string(),
        r#"provider["registry.terraform.io/hashicorp/null"]"#
    );
    assert_eq!(ProviderConfig::parse(&pc.to_string()), Some(pc));
}

#[test]
fn targets_parse_and_round_trip() {
    for s in [
        "module.a",
        "module.a[0].null_resource.x",
        r#"null_resource.x["k"]"#,
        "data.null_data_source.d[2]",
        "null_resource.x",
    ] {
        assert_eq!(parse_target(s).unwrap().to_string(), s);
    }
    assert!(parse_target("null_resource").is_err());
    assert!(parse_target("null_resource.x[zz]").is_err());
    let t = parse_target("module.a").unwrap();
    let inst = parse_resource_instance("module.a.null_resource.x[1]").unwrap();
    assert!(t.contains(&inst));
}
