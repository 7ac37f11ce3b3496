#!/usr/bin/env python3
"""Records what the reference `terraform fmt` makes of each input, for `terrane fmt`'s test.

The inputs are the cases of `fixtures/fmt_cases.txt` (separated by lines `----`; lines starting with
`#!` are comments) and every `.tf` file of this repository's `modules/` and `examples/`, each with its
indentation removed and the spaces before `=` doubled, so that Terraform has to put them back.
Each input goes through `terraform fmt -` and the result is written to `fixtures/fmt.json` as a list
of `{"name", "input", "output"}` (`"output": null` when Terraform refused the input).

    eval "$(/work/shared/tools/reference-terraform.sh)"
    python3 engine/config/tests/record_fmt.py

The Rust test `engine/config/tests/fmt.rs` reads the fixture; Terraform is not needed at test time.
"""

import json
import os
import re
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
CASES = os.path.join(HERE, "fixtures", "fmt_cases.txt")
OUT = os.path.join(HERE, "fixtures", "fmt.json")


def read_cases():
    with open(CASES, encoding="utf-8") as f:
        lines = f.read().split("\n")
    cases, current = [], []
    for line in lines + ["----"]:
        if line == "----":
            text = "\n".join(current).strip("\n")
            if text:
                cases.append(("case %d" % (len(cases) + 1), text + "\n"))
            current = []
        elif not line.startswith("#!"):
            current.append(line)
    return cases


HEREDOC = re.compile(r"<<-?([A-Za-z_][A-Za-z0-9_-]*)\s*$")


def mangle(text):
    """Removes indentation outside heredocs and pads `=` signs, keeping the meaning."""
    out, closing = [], None
    for line in text.split("\n"):
        if closing is not None:
            out.append(line)
            if line.strip() == closing:
                closing = None
            continue
        stripped = line.lstrip()
        if not stripped.startswith("#") and '"' not in stripped:
            stripped = re.sub(r"\s*=\s*(?![=>])", "  =  ", stripped, count=1) if re.match(r"^[A-Za-z_][\w-]*\s*=[^=>]", stripped) else stripped
        out.append(stripped)
        m = HEREDOC.search(line)
        if m:
            closing = m.group(1)
    return "\n".join(out)


def repo_files():
    found = []
    for top in ("modules", "examples"):
        for dirpath, dirnames, filenames in os.walk(os.path.join(ROOT, top)):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.endswith(".tf"):
                    path = os.path.join(dirpath, name)
                    with open(path, encoding="utf-8") as f:
                        found.append((os.path.relpath(path, ROOT), mangle(f.read())))
    return found


def terraform_fmt(text):
    p = subprocess.run(["terraform", "fmt", "-no-color", "-"], input=text.encode(), capture_output=True)
    return p.stdout.decode() if p.returncode == 0 else None


def main():
    records = []
    for name, text in read_cases() + repo_files():
        records.append({"name": name, "input": text, "output": terraform_fmt(text)})
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(records, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("recorded %d inputs into %s" % (len(records), OUT))


if __name__ == "__main__":
    main()
