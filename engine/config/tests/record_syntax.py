#!/usr/bin/env python3
"""Records what the reference Terraform says about each file of `fixtures/syntax_cases.txt`.

Each case (the text between lines `----`; lines starting with `#!` are comments) is written as the
main.tf of a folder of its own, and `terraform validate -json` tells whether it parses: the result,
in `fixtures/syntax.json`, is a list of `{"text", "errors": [{"summary", "detail", "start": [line,
column], "end": [line, column]}]}`, in Terraform's order, with only the errors found while parsing
(a valid file, or one whose only errors come later than parsing, has none).

    eval "$(/work/shared/tools/reference-terraform.sh)"
    python3 engine/config/tests/record_syntax.py

The Rust test `engine/config/tests/syntax.rs` reads the fixture; Terraform is not needed at test time.
"""

import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "fixtures", "syntax_cases.txt")
OUT = os.path.join(HERE, "fixtures", "syntax.json")

# Diagnostics that come from checking the configuration's meaning, not from parsing it.
NOT_SYNTAX = {
    "Unsupported argument",
    "Unsupported block type",
    "Missing required argument",
    "Invalid resource type",
    "Reference to undeclared resource",
    "Reference to undeclared input variable",
    "Invalid reference",
    "Call to unknown function",
    "Missing resource schema from provider",
    "Invalid legacy provider address",
    "Missing required provider",
    "Invalid function argument",
    "Reference to undeclared local value",
    "Could not load plugin",
    "Extraneous label for resource",
}


def read_cases():
    with open(CASES, encoding="utf-8") as f:
        lines = f.read().split("\n")
    cases, current = [], []
    for line in lines + ["----"]:
        if line == "----":
            text = "\n".join(current).strip("\n")
            if text:
                cases.append(text + "\n")
            current = []
        elif not line.startswith("#!") and not (line.startswith("# ") and not current and not cases):
            current.append(line)
    return cases


def record(text):
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "main.tf"), "w", encoding="utf-8") as f:
            f.write(text)
        out = subprocess.run(["terraform", "validate", "-json", "-no-color"], cwd=d,
                             capture_output=True, text=True)
        doc = json.loads(out.stdout)
    errors = []
    for diag in doc.get("diagnostics", []):
        if diag["severity"] != "error" or diag["summary"] in NOT_SYNTAX:
            continue
        rng = diag.get("range") or {}
        start = rng.get("start", {})
        end = rng.get("end", {})
        errors.append({
            "summary": diag["summary"],
            "detail": diag.get("detail", ""),
            "start": [start.get("line"), start.get("column")],
            "end": [end.get("line"), end.get("column")],
        })
    return {"text": text, "errors": errors}


def main():
    cases = read_cases()
    entries = [record(text) for text in cases]
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(entries, f, indent=1, ensure_ascii=False)
        f.write("\n")
    bad = sum(1 for e in entries if e["errors"])
    print(f"{len(entries)} cases, {bad} with syntax errors, written to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
