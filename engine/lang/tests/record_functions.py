#!/usr/bin/env python3
"""Records what the reference Terraform returns for expression cases.

Reads `fixtures/function_cases.txt` (one expression a line; blank lines and lines starting with `#` are
skipped), or with `--cases FILE --out FILE` another case file (`fixtures/language_cases.txt`, whose
cases are separated by lines `----` so that they can span lines), evaluates every expression as an output of ONE Terraform configuration, and writes
`fixtures/functions.json`: a list of `{"expr", "value", "type"}` entries (plus `"sensitive": true` when
Terraform reports the result as sensitive), or `{"expr", "error": {"summary", "detail"}}` when
Terraform rejects the expression (the detail is null when it is a Go panic's stack trace). Numbers are kept exactly as Terraform prints them. Two special
shapes: a null result (Terraform drops null outputs, so its type is unknown) has `"type": null`, and an
infinite number (which Terraform cannot store) has `"infinity": "+Inf"` or `"-Inf"` instead of a value.

The folder `fixtures/files/` is copied next to the configuration as `files/`, so file functions see the
same files the Rust test sees (its function base directory is `fixtures/`).

Usage, from the repository root (needs network access only the first time, to install Terraform):

    eval "$(/work/shared/tools/reference-terraform.sh)"
    python3 engine/lang/tests/record_functions.py
    python3 engine/lang/tests/record_functions.py --cases engine/lang/tests/fixtures/language_cases.txt \
        --out engine/lang/tests/fixtures/language.json

The Rust test `engine/lang/tests/functions.rs` reads the fixture; Terraform is not needed at test time.
Functions newer than the reference Terraform (1.0.3) are not recorded: their expectations are written
by hand in `fixtures/functions_manual.json`, from Terraform's documentation.
"""

import json
import re
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "fixtures", "function_cases.txt")
FILES = os.path.join(HERE, "fixtures", "files")
OUT = os.path.join(HERE, "fixtures", "functions.json")
SENSITIVE_SUMMARY = "Output refers to sensitive values"


class RawNumber(str):
    """A JSON number kept as the text Terraform printed."""


def load_json(text):
    return json.loads(text, parse_float=RawNumber, parse_int=RawNumber)


def dump(v, indent=""):
    """JSON text with numbers written back verbatim; small values stay on one line."""
    if isinstance(v, RawNumber):
        return str(v)
    if v is None or isinstance(v, (bool, str)):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(dump(x) for x in v) + "]"
    return "{" + ", ".join(json.dumps(k, ensure_ascii=False) + ": " + dump(x) for k, x in v.items()) + "}"


def read_cases(path):
    """One case a line, or, when the file has lines `----`, the text between them (comment lines
    starting with `#` and blank lines around a case left out)."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if "----" not in lines:
        return [l for l in lines if l.strip() and not l.lstrip().startswith("#")]
    cases, current = [], []
    for line in lines + ["----"]:
        if line == "----":
            text = "\n".join(current).strip("\n")
            if text:
                cases.append(text)
            current = []
        elif not line.startswith("#"):
            current.append(line)
    return cases


def write_config(workdir, cases, include, sensitive, infinite=()):
    """Writes one output per case and returns which case each line belongs to. Infinities cannot be
    stored in state, so those results are recorded as text (`+Inf`, `-Inf`)."""
    lines, owner = [], {}
    for i, expr in enumerate(cases):
        if i not in include:
            continue
        value = f"tostring({expr})" if i in infinite else expr
        block = [f'output "c{i:04d}" {{', *f"  value = {value}".split("\n")]
        if i in sensitive:
            block.append("  sensitive = true")
        block.append("}")
        for line in block:
            lines.append(line)
            owner[len(lines)] = i
    with open(os.path.join(workdir, "main.tf"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return owner


def run(workdir, *args):
    return subprocess.run(["terraform", *args], cwd=workdir, capture_output=True, text=True)


def plan_diagnostics(workdir, owner):
    """Error diagnostics of a plan, by case index."""
    out = run(workdir, "plan", "-json", "-input=false", "-refresh=false")
    found = {}
    for line in out.stdout.splitlines():
        try:
            msg = json.loads(line)
        except json.JSONDecodeError:
            continue
        d = msg.get("diagnostic")
        if msg.get("type") != "diagnostic" or not d or d.get("severity") != "error":
            continue
        rng = d.get("range")
        if not rng:
            sys.exit(f"diagnostic without a range: {d}")
        detail = d.get("detail", "")
        if "panic in function implementation" in detail:
            # A Go stack trace: only the summary is worth comparing.
            detail = None
        found.setdefault(owner[rng["start"]["line"]], {"summary": d["summary"], "detail": detail})
    return found


def main():
    args = sys.argv[1:]
    cases_path, out_path = CASES, OUT
    while args:
        flag, value, args = args[0], args[1], args[2:]
        if flag == "--cases":
            cases_path = value
        elif flag == "--out":
            out_path = value
        else:
            sys.exit(f"unknown flag {flag}")
    cases = read_cases(cases_path)
    with tempfile.TemporaryDirectory() as workdir:
        if os.path.isdir(FILES):
            shutil.copytree(FILES, os.path.join(workdir, "files"))
        include = set(range(len(cases)))
        sensitive = set()
        errors = {}
        write_config(workdir, cases, include, sensitive)
        init = run(workdir, "init", "-input=false")
        if init.returncode != 0:
            sys.exit(init.stdout + init.stderr)
        while True:
            owner = write_config(workdir, cases, include, sensitive)
            diags = plan_diagnostics(workdir, owner)
            if not diags:
                break
            for i, d in diags.items():
                if d["summary"] == SENSITIVE_SUMMARY:
                    sensitive.add(i)
                else:
                    errors[i] = d
                    include.discard(i)
        infinite = set()
        while True:
            for name in os.listdir(workdir):
                if name.startswith("terraform.tfstate"):
                    os.remove(os.path.join(workdir, name))
            write_config(workdir, cases, include, sensitive, infinite)
            applied = run(workdir, "apply", "-auto-approve", "-input=false", "-no-color")
            if applied.returncode == 0:
                break
            text = re.sub(r"\s+", " ", applied.stdout + applied.stderr)
            more = {int(n) for n in re.findall(r'output value "c(\d+)": cannot serialize infinity', text)}
            if not more - infinite:
                sys.exit(applied.stdout + applied.stderr)
            infinite |= more
        outputs = load_json(run(workdir, "output", "-json").stdout)
    entries = []
    for i, expr in enumerate(cases):
        if i in errors:
            entries.append({"expr": expr, "error": errors[i]})
            continue
        o = outputs.get(f"c{i:04d}")
        if o is None:
            e = {"expr": expr, "value": None, "type": None}
        elif i in infinite:
            e = {"expr": expr, "infinity": o["value"], "type": "number"}
        else:
            e = {"expr": expr, "value": o["value"], "type": o["type"]}
        if i in sensitive:
            e["sensitive"] = True
        entries.append(e)
    with open(out_path, "w", encoding="utf-8") as f:
        f.write("[\n" + ",\n".join("  " + dump(e) for e in entries) + "\n]\n")
    print(f"{len(entries)} cases, {len(errors)} errors, written to {out_path}")


if __name__ == "__main__":
    main()
