#!/usr/bin/env python3
"""Checks that a plan right after an apply has no changes, for every stack of a conformance corpus.

Usage: tests/idempotence.py --bin PATH/TO/terrane --cases DIR

For each case folder (with case.json) that is not an error case, the final configuration (step2/ or
config/) is applied in a temporary copy, then `plan -detailed-exitcode` must exit 0. Prints one line per
failure and a summary; exits 1 if any case fails.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile


def run(binary, args, cwd):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_VAR_")}
    p = subprocess.run([binary] + args, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    return p.returncode, p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--cases", required=True)
    a = ap.parse_args()
    binary = os.path.abspath(a.bin)
    failed = 0
    checked = 0
    for name in sorted(os.listdir(a.cases)):
        case_dir = os.path.join(a.cases, name)
        meta = os.path.join(case_dir, "case.json")
        if not os.path.isfile(meta):
            continue
        case = json.load(open(meta))
        if case.get("kind") == "error":
            continue
        src = os.path.join(case_dir, "step2" if os.path.isdir(os.path.join(case_dir, "step2")) else "config")
        extra = case.get("args", [])
        with tempfile.TemporaryDirectory() as tmp:
            work = os.path.join(tmp, "w")
            shutil.copytree(src, work)
            rc, out = run(binary, ["apply", "-auto-approve", "-no-color"] + extra, work)
            if rc != 0:
                print("FAIL %s: apply exited %d: %s" % (name, rc, out[-300:]))
                failed += 1
                continue
            rc, out = run(binary, ["plan", "-detailed-exitcode", "-no-color"] + extra, work)
            checked += 1
            if rc != 0:
                print("FAIL %s: plan after apply exited %d: %s" % (name, rc, out[-300:]))
                failed += 1
    print("%d stacks plan with no changes after apply, %d failed" % (checked - failed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
