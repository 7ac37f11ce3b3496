//! `data "aws_iam_policy_document"`: an IAM policy document built from `statement` blocks, rendered
//! as terraform-provider-aws renders it so that `json` is the same text: two-space indentation, keys
//! in the provider's order, a list of one value written as the value, several values sorted in
//! reverse, `"Principal": "*"` for `{type = "*", identifiers = ["*"]}`, and `<`, `>`, `&` escaped.

use crate::client::Aws;
use crate::json::{Json, blocks, s, strs};
use crate::resource::DataSource;
use crate::schema::*;
use async_trait::async_trait;
use serde_json::{Map, json};
use std::collections::BTreeMap;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::schema::{Attribute, Block, Nesting};

pub struct IamPolicyDocument;

fn principal_block() -> Block {
    Block::default()
        .attr("type", req_str())
        .attr("identifiers", Attribute::required(str_set()))
}

#[async_trait]
impl DataSource for IamPolicyDocument {
    fn schema(&self) -> Block {
        let statement = Block::default()
            .attr("sid", opt_str())
            .attr("effect", opt_str())
            .attr("actions", Attribute::optional(str_set()))
            .attr("not_actions", Attribute::optional(str_set()))
            .attr("resources", Attribute::optional(str_set()))
            .attr("not_resources", Attribute::optional(str_set()))
            .nested("principals", Nesting::Set, principal_block())
            .nested("not_principals", Nesting::Set, principal_block())
            .nested(
                "condition",
                Nesting::Set,
                Block::default()
                    .attr("test", req_str())
                    .attr("variable", req_str())
                    .attr("values", Attribute::required(str_list())),
            );
        Block::default()
            .attr("id", comp_str())
            .attr("version", opt_str())
            .attr("policy_id", opt_str())
            .attr("source_policy_documents", Attribute::optional(str_list()))
            .attr("override_policy_documents", Attribute::optional(str_list()))
            .attr("json", comp_str())
            .attr("minified_json", comp_str())
            .nested("statement", Nesting::List, statement)
    }

    async fn read(&self, _aws: &Aws, config: &Json) -> Result<Json, Diagnostics> {
        render(config)
    }
}

/// One value as itself, several sorted in reverse.
fn string_list(mut items: Vec<String>) -> Json {
    if items.len() == 1 {
        return Json::String(items.remove(0));
    }
    items.sort_by(|a, b| b.cmp(a));
    json!(items)
}

fn principals(list: &[Json]) -> Json {
    if let [p] = list
        && s(p, "type") == Some("*")
        && strs(p, "identifiers") == ["*"]
    {
        return json!("*");
    }
    let mut by_type: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in list {
        let mut ids = strs(p, "identifiers");
        ids.sort_by(|a, b| b.cmp(a));
        by_type
            .entry(s(p, "type").unwrap_or_default().to_string())
            .or_default()
            .extend(ids);
    }
    Json::Object(
        by_type
            .into_iter()
            .map(|(k, v)| (k, if v.len() == 1 { json!(v[0]) } else { json!(v) }))
            .collect(),
    )
}

fn statement(st: &Json) -> Json {
    let mut out = Map::new();
    if let Some(sid) = s(st, "sid") {
        out.insert("Sid".into(), json!(sid));
    }
    out.insert("Effect".into(), json!(s(st, "effect").unwrap_or("Allow")));
    for (key, json_key) in [
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ] {
        let items = strs(st, key);
        if !items.is_empty() {
            out.insert(json_key.into(), string_list(items));
        }
    }
    for (key, json_key) in [
        ("principals", "Principal"),
        ("not_principals", "NotPrincipal"),
    ] {
        let list = blocks(st, key);
        if !list.is_empty() {
            out.insert(json_key.into(), principals(list));
        }
    }
    let conds = blocks(st, "condition");
    if !conds.is_empty() {
        let mut by_test: BTreeMap<String, BTreeMap<String, Json>> = BTreeMap::new();
        for c in conds {
            by_test
                .entry(s(c, "test").unwrap_or_default().to_string())
                .or_default()
                .insert(
                    s(c, "variable").unwrap_or_default().to_string(),
                    string_list(strs(c, "values")),
                );
        }
        out.insert("Condition".into(), json!(by_test));
    }
    Json::Object(out)
}

/// Statements of a JSON policy document given as text.
fn statements_of(text: &str) -> Result<Vec<Json>, Diagnostics> {
    let doc: Json = serde_json::from_str(text).map_err(|e| {
        terrane_provider_sdk::error(
            "Invalid policy document",
            format!("a source or override policy document is not JSON: {e}"),
        )
    })?;
    Ok(match doc.get("Statement") {
        Some(Json::Array(a)) => a.clone(),
        Some(o @ Json::Object(_)) => vec![o.clone()],
        _ => Vec::new(),
    })
}

/// Adds `st`, replacing a statement with the same non-empty `Sid`.
fn merge(into: &mut Vec<Json>, st: Json) {
    let sid = st
        .get("Sid")
        .and_then(Json::as_str)
        .filter(|x| !x.is_empty())
        .map(str::to_string);
    if let Some(sid) = sid
        && let Some(pos) = into
            .iter()
            .position(|x| x.get("Sid").and_then(Json::as_str) == Some(sid.as_str()))
    {
        into[pos] = st;
        return;
    }
    into.push(st);
}

/// Go's JSON encoder escapes these for HTML safety; Terraform's output has them escaped.
fn go_escape(text: String) -> String {
    text.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The data source's state for a configuration.
pub fn render(config: &Json) -> Result<Json, Diagnostics> {
    let mut statements = Vec::new();
    for src in strs(config, "source_policy_documents") {
        for st in statements_of(&src)? {
            merge(&mut statements, st);
        }
    }
    for st in blocks(config, "statement") {
        merge(&mut statements, statement(st));
    }
    for ovr in strs(config, "override_policy_documents") {
        for st in statements_of(&ovr)? {
            merge(&mut statements, st);
        }
    }
    let mut doc = Map::new();
    doc.insert(
        "Version".into(),
        json!(s(config, "version").unwrap_or("2012-10-17")),
    );
    if let Some(id) = s(config, "policy_id") {
        doc.insert("Id".into(), json!(id));
    }
    doc.insert("Statement".into(), Json::Array(statements));
    let doc = Json::Object(doc);
    let pretty = go_escape(serde_json::to_string_pretty(&doc).unwrap_or_default());
    let minified = go_escape(serde_json::to_string(&doc).unwrap_or_default());
    let mut st = config.clone();
    crate::json::set(
        &mut st,
        "id",
        crate::ec2::route::crc32(pretty.as_bytes()).to_string(),
    );
    crate::json::set(&mut st, "json", pretty);
    crate::json::set(&mut st, "minified_json", minified);
    Ok(st)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_as_terraform_does() {
        let cfg = json!({
            "statement": [{
                "sid": null, "effect": null,
                "actions": ["sts:AssumeRole"],
                "principals": [{"type": "Service", "identifiers": ["eks.amazonaws.com"]}],
                "condition": [],
            }, {
                "sid": "S3", "effect": "Deny",
                "actions": ["s3:GetObject", "s3:PutObject"],
                "resources": ["arn:aws:s3:::b/*"],
                "principals": [{"type": "*", "identifiers": ["*"]}],
                "condition": [{"test": "StringEquals", "variable": "aws:SourceAccount", "values": ["123"]}],
            }]
        });
        let out = render(&cfg).unwrap();
        let expected = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "sts:AssumeRole",
      "Principal": {
        "Service": "eks.amazonaws.com"
      }
    },
    {
      "Sid": "S3",
      "Effect": "Deny",
      "Action": [
        "s3:PutObject",
        "s3:GetObject"
      ],
      "Resource": "arn:aws:s3:::b/*",
      "Principal": "*",
      "Condition": {
        "StringEquals": {
          "aws:SourceAccount": "123"
        }
      }
    }
  ]
}"#;
        assert_eq!(out["json"].as_str().unwrap(), expected);
        assert!(
            out["minified_json"]
                .as_str()
                .unwrap()
                .starts_with(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow""#)
        );
    }

    #[test]
    fn overrides_replace_statements_by_sid() {
        let cfg = json!({
            "source_policy_documents": [r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"ec2:*","Resource":"*"}]}"#],
            "statement": [{"sid": "A", "actions": ["s3:*"], "resources": ["*"]}],
            "override_policy_documents": [r#"{"Statement":{"Sid":"B","Effect":"Deny","Action":"iam:*","Resource":"*"}}"#],
        });
        let out = render(&cfg).unwrap();
        let doc: Json = serde_json::from_str(out["json"].as_str().unwrap()).unwrap();
        assert_eq!(doc["Statement"].as_array().unwrap().len(), 2);
        assert_eq!(doc["Statement"][0]["Action"], "s3:*");
        assert_eq!(doc["Statement"][1]["Sid"], "B");
        assert!(
            render(&json!({"statement": [{"actions": ["a:<b>&"]}]})).unwrap()["json"]
                .as_str()
                .unwrap()
                .contains("a:\\u003cb\\u003e\\u0026")
        );
    }
}
