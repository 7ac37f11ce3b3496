//! Security group rules as terraform-provider-aws models them in `ingress` and `egress` blocks, and
//! their conversion to and from EC2 `IpPermission`s.
//!
//! A block may name several sources (CIDR blocks, prefix lists, groups, itself); AWS merges the
//! sources of equal protocol and ports into one permission. Changes are therefore computed on single
//! rules (one source each): the rules only in the old blocks are revoked, the ones only in the new
//! blocks authorized. Reading gives the remote rules the block shape of the prior state where they
//! match it, so an unchanged group reads back exactly as configured.

use crate::json::{Json, b, i, s_or_empty, strs};
use aws_sdk_ec2::types::{IpPermission, IpRange, Ipv6Range, PrefixListId, UserIdGroupPair};
use serde_json::json;
use std::collections::BTreeSet;

/// One rule with one source.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rule {
    /// The protocol (`tcp`, `-1`, `6` ...).
    pub protocol: String,
    /// The first port (or ICMP type).
    pub from: i64,
    /// The last port (or ICMP code).
    pub to: i64,
    /// The source.
    pub source: Source,
    /// The description of this source.
    pub description: String,
}

/// Where traffic of a rule comes from (ingress) or goes to (egress).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    /// An IPv4 CIDR block.
    Cidr(String),
    /// An IPv6 CIDR block.
    Ipv6(String),
    /// A prefix list.
    PrefixList(String),
    /// Another security group (or this one).
    Group(String),
}

/// The protocol as AWS reports it: names for the common numbers, `-1` for all.
pub fn normalize_protocol(p: &str) -> String {
    match p.to_ascii_lowercase().as_str() {
        "all" | "-1" => "-1".into(),
        "6" => "tcp".into(),
        "17" => "udp".into(),
        "1" => "icmp".into(),
        "58" => "icmpv6".into(),
        other => other.into(),
    }
}

/// The single rules of a block; `own_id` is the group the `self` flag refers to.
pub fn rules_of_block(block: &Json, own_id: &str) -> Vec<Rule> {
    let base = |source| Rule {
        protocol: normalize_protocol(s_or_empty(block, "protocol")),
        from: i(block, "from_port").unwrap_or(0),
        to: i(block, "to_port").unwrap_or(0),
        source,
        description: s_or_empty(block, "description").to_string(),
    };
    let mut out = Vec::new();
    out.extend(
        strs(block, "cidr_blocks")
            .into_iter()
            .map(|c| base(Source::Cidr(c))),
    );
    out.extend(
        strs(block, "ipv6_cidr_blocks")
            .into_iter()
            .map(|c| base(Source::Ipv6(c))),
    );
    out.extend(
        strs(block, "prefix_list_ids")
            .into_iter()
            .map(|c| base(Source::PrefixList(c))),
    );
    out.extend(
        strs(block, "security_groups")
            .into_iter()
            .map(|c| base(Source::Group(c))),
    );
    if b(block, "self") == Some(true) && !own_id.is_empty() {
        out.push(base(Source::Group(own_id.to_string())));
    }
    out
}

/// The single rules of a list of blocks.
pub fn rules_of_blocks(blocks: &[Json], own_id: &str) -> BTreeSet<Rule> {
    blocks
        .iter()
        .flat_map(|b| rules_of_block(b, own_id))
        .collect()
}

/// The single rules of EC2 permissions.
pub fn rules_of_permissions(perms: &[IpPermission]) -> BTreeSet<Rule> {
    let mut out = BTreeSet::new();
    for p in perms {
        let protocol = normalize_protocol(p.ip_protocol().unwrap_or("-1"));
        let all = protocol == "-1";
        let from = if all {
            0
        } else {
            i64::from(p.from_port().unwrap_or(0))
        };
        let to = if all {
            0
        } else {
            i64::from(p.to_port().unwrap_or(0))
        };
        let rule = |source, d: Option<&str>| Rule {
            protocol: protocol.clone(),
            from,
            to,
            source,
            description: d.unwrap_or("").to_string(),
        };
        for r in p.ip_ranges() {
            out.insert(rule(
                Source::Cidr(r.cidr_ip().unwrap_or_default().into()),
                r.description(),
            ));
        }
        for r in p.ipv6_ranges() {
            out.insert(rule(
                Source::Ipv6(r.cidr_ipv6().unwrap_or_default().into()),
                r.description(),
            ));
        }
        for r in p.prefix_list_ids() {
            out.insert(rule(
                Source::PrefixList(r.prefix_list_id().unwrap_or_default().into()),
                r.description(),
            ));
        }
        for g in p.user_id_group_pairs() {
            out.insert(rule(
                Source::Group(g.group_id().unwrap_or_default().into()),
                g.description(),
            ));
        }
    }
    out
}

/// EC2 permissions granting the rules, one per rule.
pub fn permissions(rules: &BTreeSet<Rule>) -> Vec<IpPermission> {
    rules
        .iter()
        .map(|r| {
            let d = Some(r.description.clone()).filter(|d| !d.is_empty());
            let mut p = IpPermission::builder().ip_protocol(&r.protocol);
            if r.protocol != "-1" {
                p = p.from_port(r.from as i32).to_port(r.to as i32);
            }
            p = match &r.source {
                Source::Cidr(c) => {
                    p.ip_ranges(IpRange::builder().cidr_ip(c).set_description(d).build())
                }
                Source::Ipv6(c) => {
                    p.ipv6_ranges(Ipv6Range::builder().cidr_ipv6(c).set_description(d).build())
                }
                Source::PrefixList(c) => p.prefix_list_ids(
                    PrefixListId::builder()
                        .prefix_list_id(c)
                        .set_description(d)
                        .build(),
                ),
                Source::Group(g) => p.user_id_group_pairs(
                    UserIdGroupPair::builder()
                        .group_id(g)
                        .set_description(d)
                        .build(),
                ),
            };
            p.build()
        })
        .collect()
}

/// Blocks for the remote rules: first the prior blocks whose rules all still exist, then one block
/// per protocol, ports and description for the rest.
pub fn blocks_of(remote: &BTreeSet<Rule>, prior_blocks: &[Json], own_id: &str) -> Vec<Json> {
    let mut left = remote.clone();
    let mut out = Vec::new();
    for pb in prior_blocks {
        let rules = rules_of_block(pb, own_id);
        if !rules.is_empty() && rules.iter().all(|r| left.contains(r)) {
            for r in &rules {
                left.remove(r);
            }
            let mut blk = pb.clone();
            if let Some(o) = blk.as_object_mut() {
                o.insert(
                    "protocol".into(),
                    json!(normalize_protocol(s_or_empty(pb, "protocol"))),
                );
            }
            out.push(blk);
        }
    }
    let mut groups: Vec<(String, i64, i64, String, Vec<Source>)> = Vec::new();
    for r in left {
        match groups
            .iter_mut()
            .find(|g| g.0 == r.protocol && g.1 == r.from && g.2 == r.to && g.3 == r.description)
        {
            Some(g) => g.4.push(r.source),
            None => groups.push((r.protocol, r.from, r.to, r.description, vec![r.source])),
        }
    }
    for (protocol, from, to, description, sources) in groups {
        let pick = |f: fn(&Source) -> Option<&String>| -> Vec<String> {
            sources.iter().filter_map(f).cloned().collect()
        };
        let groups: Vec<String> = pick(|s| {
            if let Source::Group(g) = s {
                Some(g)
            } else {
                None
            }
        });
        let is_self = groups.iter().any(|g| g == own_id);
        out.push(json!({
            "protocol": protocol,
            "from_port": from,
            "to_port": to,
            "description": description,
            "cidr_blocks": pick(|s| if let Source::Cidr(c) = s { Some(c) } else { None }),
            "ipv6_cidr_blocks": pick(|s| if let Source::Ipv6(c) = s { Some(c) } else { None }),
            "prefix_list_ids": pick(|s| if let Source::PrefixList(c) = s { Some(c) } else { None }),
            "security_groups": groups.iter().filter(|g| *g != own_id).collect::<Vec<_>>(),
            "self": is_self,
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_read_back_in_their_configured_shape() {
        let prior = vec![
            json!({"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["10.0.0.0/8", "192.168.0.0/16"], "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": [], "self": false, "description": "https"}),
            json!({"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": [], "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": [], "self": true, "description": "https"}),
        ];
        let remote = rules_of_blocks(&prior, "sg-1");
        assert_eq!(remote.len(), 3);
        assert_eq!(blocks_of(&remote, &prior, "sg-1"), prior);
    }

    #[test]
    fn rules_added_behind_our_back_show_as_new_blocks() {
        let mut remote = BTreeSet::new();
        remote.insert(Rule {
            protocol: "tcp".into(),
            from: 22,
            to: 22,
            source: Source::Cidr("0.0.0.0/0".into()),
            description: String::new(),
        });
        let blocks = blocks_of(&remote, &[], "sg-1");
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0]["cidr_blocks"], json!(["0.0.0.0/0"]));
        assert_eq!(blocks[0]["self"], json!(false));
        assert_eq!(normalize_protocol("ALL"), "-1");
    }
}
