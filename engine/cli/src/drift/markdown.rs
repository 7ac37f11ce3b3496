//! The drift report as GitHub-flavoured markdown, for a pull-request or merge-request comment: a
//! headline, a table of stacks, and per drifted resource a collapsed table of attributes.

use crate::drift::report::value_text;
use serde_json::Value as Json;

/// Text safe inside a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', "<br>")
}

/// A value as inline code (backticks in it widen the fence).
fn code(text: &str) -> String {
    let fence = if text.contains('`') { "``" } else { "`" };
    format!("{fence}{}{fence}", cell(text))
}

/// Elements of a collection, one per line of a table cell.
fn elements(items: &[Json], what: &str) -> String {
    if items.is_empty() {
        return String::new();
    }
    let list: Vec<String> = items.iter().map(|x| code(&x.to_string())).collect();
    format!("{what}: {}", list.join("<br>"))
}

/// The longest comment GitHub accepts is 65,536 characters; the report stays below with room for
/// what a pipeline adds around it.
pub const LIMIT: usize = 60_000;

/// Renders the report. A report longer than [`LIMIT`] keeps its headline and tables and as many
/// findings as fit, and says how many it leaves out.
pub fn render(doc: &Json) -> String {
    let s = &doc["summary"];
    let n = |k: &str| s[k].as_u64().unwrap_or(0);
    let mut out = String::new();
    let head = if doc["errored"] == true {
        "## :x: terrane drift check failed"
    } else if doc["drift_detected"] == true {
        "## :warning: terrane found drift"
    } else {
        "## :white_check_mark: terrane found no drift"
    };
    out.push_str(head);
    out.push_str("\n\n");
    out.push_str(&format!(
        "{} resources in {} stack{}: **{} drifted**, **{} deleted**, {} errors, {} in sync",
        n("resources"),
        n("stacks"),
        if n("stacks") == 1 { "" } else { "s" },
        n("drifted"),
        n("deleted"),
        n("errors"),
        n("in_sync")
    ));
    if doc.get("unmanaged").is_some() {
        out.push_str(&format!(", **{} unmanaged**", n("unmanaged")));
    }
    out.push_str(&format!(" ({} provider API calls).\n\n", n("api_calls")));
    out.push_str("| Stack | Status | Drifted | Deleted | Errors |\n|---|---|---:|---:|---:|\n");
    for st in doc["stacks"].as_array().into_iter().flatten() {
        let rs = st["resources"].as_array().map_or(&[][..], |r| r.as_slice());
        let count = |k: &str| rs.iter().filter(|r| r["status"] == k).count();
        let errors = count("error") + st["errors"].as_array().map_or(0, |e| e.len());
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            code(st["path"].as_str().unwrap_or(".")),
            st["status"].as_str().unwrap_or(""),
            count("drifted"),
            count("deleted"),
            errors
        ));
    }
    // Where the text may be cut (between findings), and how many findings come before.
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut shown = 0;
    for st in doc["stacks"].as_array().into_iter().flatten() {
        let path = st["path"].as_str().unwrap_or(".");
        let rs: Vec<&Json> = st["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| r["status"] != "in_sync")
            .collect();
        let errors = st["errors"].as_array().map_or(&[][..], |e| e.as_slice());
        if rs.is_empty() && errors.is_empty() {
            continue;
        }
        out.push_str(&format!("\n### {}\n\n", code(path)));
        for e in errors {
            out.push_str(&format!(
                "- :x: **{}**: {}\n",
                cell(e["summary"].as_str().unwrap_or("")),
                cell(e["detail"].as_str().unwrap_or(""))
            ));
        }
        for r in rs {
            cuts.push((out.len(), shown));
            shown += 1;
            let addr = code(r["address"].as_str().unwrap_or(""));
            match r["status"].as_str() {
                Some("drifted") => {
                    out.push_str(&format!(
                        "\n<details><summary>:pencil2: {addr} changed outside terrane</summary>\n\n| Attribute | Before | After |\n|---|---|---|\n"
                    ));
                    for c in r["changes"].as_array().into_iter().flatten() {
                        // collections: the elements removed and added rather than the whole
                        let (before, after) = match (c["removed"].as_array(), c["added"].as_array())
                        {
                            (Some(removed), Some(added)) => {
                                (elements(removed, "removed"), elements(added, "added"))
                            }
                            _ => (
                                code(&value_text(&c["before"])),
                                code(&value_text(&c["after"])),
                            ),
                        };
                        out.push_str(&format!(
                            "| {} | {before} | {after} |\n",
                            code(c["path"].as_str().unwrap_or("")),
                        ));
                    }
                    out.push_str("\n</details>\n");
                }
                Some("deleted") => out.push_str(&format!(
                    "- :wastebasket: {addr} was deleted outside terrane\n"
                )),
                Some("error") => out.push_str(&format!(
                    "- :x: {addr} could not be refreshed: {}\n",
                    cell(r["error"].as_str().unwrap_or(""))
                )),
                _ => out.push_str(&format!("- :grey_question: {addr} was not checked\n")),
            }
        }
    }
    cuts.push((out.len(), shown));
    if let Some(u) = doc.get("unmanaged") {
        let objects = u["objects"].as_array().map_or(&[][..], |o| o.as_slice());
        out.push_str(&format!("\n### Unmanaged objects ({})\n\n", objects.len()));
        if !objects.is_empty() {
            out.push_str("| Type | Id | Name | Import id |\n|---|---|---|---|\n");
            for o in objects {
                out.push_str(&format!(
                    "| {} | {} | {} | {} |\n",
                    code(o["type"].as_str().unwrap_or("")),
                    code(o["id"].as_str().unwrap_or("")),
                    cell(o["name"].as_str().unwrap_or("")),
                    code(o["import_id"].as_str().unwrap_or(""))
                ));
            }
        }
        for e in u["errors"].as_array().into_iter().flatten() {
            out.push_str(&format!(
                "- :x: **{}**: {}\n",
                cell(e["summary"].as_str().unwrap_or("")),
                cell(e["detail"].as_str().unwrap_or(""))
            ));
        }
    }
    truncate(out, &cuts, shown)
}

/// Cuts the text at the last place between findings that keeps it under [`LIMIT`].
fn truncate(mut out: String, cuts: &[(usize, usize)], total: usize) -> String {
    if out.len() <= LIMIT {
        return out;
    }
    let (at, kept) = cuts
        .iter()
        .rev()
        .find(|(at, _)| *at + 400 <= LIMIT)
        .copied()
        .unwrap_or((0, 0));
    out.truncate(at);
    out.push_str(&format!(
        "\n**{} more findings are not shown here** (the comment would be too long); the full report is in the job's artifacts.\n",
        total.saturating_sub(kept)
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_long_report_is_cut_between_findings() {
        let resources: Vec<Json> = (0..2000)
            .map(|i| {
                json!({"address": format!("aws_subnet.s[{i}]"), "status": "drifted", "changes": [
                    {"path": "tags[\"Team\"]", "before": "a", "after": "b"}]})
            })
            .collect();
        let doc = json!({"summary": {}, "stacks": [{"path": ".", "status": "drifted", "errors": [], "resources": resources}]});
        let md = render(&doc);
        assert!(md.len() <= LIMIT, "{}", md.len());
        assert_eq!(
            md.matches("<details>").count(),
            md.matches("</details>").count()
        );
        let shown = md.matches("<details>").count();
        assert!(shown > 100, "{shown}");
        assert!(
            md.contains(&format!(
                "**{} more findings are not shown here**",
                2000 - shown
            )),
            "{}",
            &md[md.len() - 300..]
        );
    }
}
