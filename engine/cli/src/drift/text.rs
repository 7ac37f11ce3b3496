//! The drift report as text for a terminal or a CI log.

use crate::drift::report::change_text;
use crate::ui::Ui;
use serde_json::Value as Json;

fn summary_line(doc: &Json) -> String {
    let s = &doc["summary"];
    let n = |k: &str| s[k].as_u64().unwrap_or(0);
    let mut line = format!(
        "{} stack{}, {} resource{} checked: {} in sync, {} drifted, {} deleted outside terrane, {} error{}",
        n("stacks"),
        if n("stacks") == 1 { "" } else { "s" },
        n("resources"),
        if n("resources") == 1 { "" } else { "s" },
        n("in_sync"),
        n("drifted"),
        n("deleted"),
        n("errors"),
        if n("errors") == 1 { "" } else { "s" },
    );
    if n("not_checked") > 0 {
        line.push_str(&format!(", {} not checked", n("not_checked")));
    }
    if doc.get("unmanaged").is_some() {
        line.push_str(&format!(", {} unmanaged", n("unmanaged")));
    }
    line.push_str(&format!("; {} provider API calls.", n("api_calls")));
    line
}

/// Renders the report.
pub fn render(doc: &Json, ui: &Ui) -> String {
    let mut out = String::new();
    let title = if doc["errored"] == true {
        ui.style("1;31", "Drift check failed.")
    } else if doc["drift_detected"] == true {
        ui.style("1;33", "Drift detected.")
    } else {
        ui.style("1;32", "No drift.")
    };
    out.push_str(&format!("{title} {}\n", summary_line(doc)));
    for s in doc["stacks"].as_array().into_iter().flatten() {
        let path = s["path"].as_str().unwrap_or(".");
        let resources: Vec<&Json> = s["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| r["status"] != "in_sync")
            .collect();
        let errors = s["errors"].as_array().map_or(&[][..], |e| e.as_slice());
        if resources.is_empty() && errors.is_empty() {
            out.push_str(&format!("\n{}: in sync\n", ui.bold(path)));
            continue;
        }
        out.push_str(&format!(
            "\n{}: {}\n",
            ui.bold(path),
            s["status"].as_str().unwrap_or("")
        ));
        for e in errors {
            out.push_str(&format!(
                "  {} {}: {}\n",
                ui.style("31", "!"),
                e["summary"].as_str().unwrap_or(""),
                e["detail"].as_str().unwrap_or("")
            ));
        }
        for r in resources {
            let addr = r["address"].as_str().unwrap_or("");
            match r["status"].as_str() {
                Some("drifted") => {
                    out.push_str(&format!(
                        "  {} {addr} has changed outside terrane\n",
                        ui.style("33", "~")
                    ));
                    for c in r["changes"].as_array().into_iter().flatten() {
                        out.push_str(&format!("      {}\n", change_text(c)));
                    }
                }
                Some("deleted") => out.push_str(&format!(
                    "  {} {addr} has been deleted outside terrane\n",
                    ui.style("31", "-")
                )),
                Some("error") => out.push_str(&format!(
                    "  {} {addr} could not be refreshed: {}\n",
                    ui.style("31", "!"),
                    r["error"].as_str().unwrap_or("")
                )),
                _ => out.push_str(&format!("  ? {addr} was not checked\n")),
            }
        }
    }
    if let Some(u) = doc.get("unmanaged") {
        let objects = u["objects"].as_array().map_or(&[][..], |o| o.as_slice());
        let filters: Vec<&str> = u["filters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f.as_str())
            .collect();
        let scope = if filters.is_empty() {
            String::new()
        } else {
            format!(" matching {}", filters.join(", "))
        };
        out.push_str(&format!(
            "\n{}: {} object{} in no state checked{scope}\n",
            ui.bold("Unmanaged"),
            objects.len(),
            if objects.len() == 1 { "" } else { "s" }
        ));
        for o in objects {
            let name = o["name"]
                .as_str()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            let import = match o["import_id"].as_str() {
                Some(i) if o["id"].as_str() != Some(i) => format!(", import id {i}"),
                _ => String::new(),
            };
            out.push_str(&format!(
                "  {} {} {}{name}{import}\n",
                ui.style("33", "+"),
                o["type"].as_str().unwrap_or(""),
                o["id"].as_str().unwrap_or("")
            ));
        }
        for e in u["errors"].as_array().into_iter().flatten() {
            out.push_str(&format!(
                "  {} {}: {}\n",
                ui.style("31", "!"),
                e["summary"].as_str().unwrap_or(""),
                e["detail"].as_str().unwrap_or("")
            ));
        }
    }
    out
}
