//! Which listed objects the checked stacks manage: an object is managed when a managed resource of
//! its type has its `id` or its import id, or when it is part of an object (a route of a route
//! table) whose resource's configuration sets the block that manages such parts inline.
//!
//! Each stack's report carries what this needs of its resources (`import_id`, `inline`), so that a
//! recursive check matches the listing against every stack's report without their states.

use crate::factory::Recording;
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use terrane_config::Config;
use terrane_config::body::Body;
use terrane_core::ProviderFactory;
use terrane_provider_api::Provider;
use terrane_state::State;

/// What a report says of a managed resource instance beside its `id`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Identity {
    /// The id `terrane import` takes for it, when the provider tells.
    pub import_id: Option<String>,
    /// The blocks of its configuration that manage objects of a listed type inline.
    pub inline: Vec<String>,
}

/// The identity of every managed instance of the state, by address: the import id from its
/// provider, and which of its type's inline blocks its configuration sets.
pub fn identities(
    config: &Config,
    state: &State,
    factory: &Recording,
) -> BTreeMap<String, Identity> {
    let made = factory.instances();
    let mut providers: BTreeMap<String, Option<(Arc<dyn Provider>, BTreeMap<String, _>)>> =
        BTreeMap::new();
    let mut out = BTreeMap::new();
    for (addr, res, obj) in state.instances() {
        if addr.is_data() {
            continue;
        }
        let paddr = &res.provider.provider;
        let entry = providers.entry(paddr.to_string()).or_insert_with(|| {
            let p = made
                .iter()
                .find(|(a, _)| a == paddr)
                .map(|(_, p)| p.clone())
                .or_else(|| crate::factory::BuiltinFactory::new().instantiate(paddr))?;
            let types = p
                .schema()
                .resources
                .into_iter()
                .map(|(k, s)| (k, s.block.implied_type()))
                .collect();
            Some((p, types))
        });
        let Some((provider, types)) = entry else {
            continue;
        };
        let ty = &addr.resource.resource.ty;
        let Some(value) = types.get(ty).and_then(|t| obj.value(t).ok()) else {
            continue;
        };
        let found = provider.managed_identity(ty, &value);
        let body = config
            .module(&addr.module.module_path())
            .and_then(|m| m.module.resources.get(&addr.resource.resource))
            .map(|r| &r.body);
        let inline = found
            .inline_blocks
            .into_iter()
            .filter(|b| body.is_some_and(|body| sets(body, b)))
            .collect();
        out.insert(
            addr.to_string(),
            Identity {
                import_id: found.import_id,
                inline,
            },
        );
    }
    out
}

/// Whether a body sets an argument or has blocks (or `dynamic` blocks) of this name.
fn sets(body: &Body, name: &str) -> bool {
    body.attr(name).is_some()
        || body.blocks_of(name).next().is_some()
        || body
            .blocks_of("dynamic")
            .any(|b| b.labels.first().map(String::as_str) == Some(name))
}

/// What the stacks' reports manage.
#[derive(Default)]
pub struct Managed {
    ids: BTreeSet<(String, String)>,
    inline: BTreeSet<(String, String, String)>,
}

impl Managed {
    /// Collected from the `resources` of stack entries.
    pub fn of(stacks: &[Json]) -> Managed {
        let mut m = Managed::default();
        let text = |v: &Json| v.as_str().map(str::to_string);
        for s in stacks {
            for r in s["resources"].as_array().into_iter().flatten() {
                let Some(ty) = text(&r["type"]) else { continue };
                for id in [text(&r["id"]), text(&r["import_id"])]
                    .into_iter()
                    .flatten()
                {
                    m.ids.insert((ty.clone(), id));
                }
                if let Some(id) = text(&r["id"]) {
                    for b in r["inline"].as_array().into_iter().flatten() {
                        if let Some(b) = text(b) {
                            m.inline.insert((ty.clone(), id.clone(), b));
                        }
                    }
                }
            }
        }
        m
    }

    /// Whether a listed object (`unmanaged.objects[]`) is managed.
    pub fn manages(&self, o: &Json) -> bool {
        let text = |v: &Json| v.as_str().unwrap_or_default().to_string();
        let ty = text(&o["type"]);
        let p = &o["part_of"];
        self.ids.contains(&(ty.clone(), text(&o["id"])))
            || self.ids.contains(&(ty, text(&o["import_id"])))
            || (p.is_object()
                && self
                    .inline
                    .contains(&(text(&p["type"]), text(&p["id"]), text(&p["block"]))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn listed_objects_are_managed_by_id_import_id_or_an_inline_block_of_their_parent() {
        let stacks = [json!({"resources": [
            {"type": "aws_vpc", "id": "vpc-1"},
            {"type": "aws_iam_role_policy_attachment", "id": "app-2024", "import_id": "app/arn:p"},
            {"type": "aws_route_table", "id": "rtb-1", "inline": ["route"]},
            {"type": "aws_security_group", "id": "sg-1"},
        ]})];
        let m = Managed::of(&stacks);
        let object = |ty: &str, id: &str, import_id: &str, part_of: Json| json!({"type": ty, "id": id, "import_id": import_id, "part_of": part_of});
        let cases = [
            (object("aws_vpc", "vpc-1", "vpc-1", Json::Null), true),
            (object("aws_vpc", "vpc-2", "vpc-2", Json::Null), false),
            (
                object(
                    "aws_iam_role_policy_attachment",
                    "app/arn:p",
                    "app/arn:p",
                    Json::Null,
                ),
                true,
            ),
            (
                object(
                    "aws_route",
                    "r-rtb-11",
                    "rtb-1_10.0.0.0/8",
                    json!({"type": "aws_route_table", "id": "rtb-1", "block": "route"}),
                ),
                true,
            ),
            // the group is managed, but its configuration leaves its rules to rule resources
            (
                object(
                    "aws_vpc_security_group_ingress_rule",
                    "sgr-1",
                    "sgr-1",
                    json!({"type": "aws_security_group", "id": "sg-1", "block": "ingress"}),
                ),
                false,
            ),
        ];
        for (o, want) in cases {
            assert_eq!(m.manages(&o), want, "{o}");
        }
    }
}
