#!/usr/bin/env python3
"""Benchmarks terrane, and the reference Terraform when it is installed, on generated stacks.

    bench/run.py [--terrane PATH] [--terraform PATH | --no-terraform] [--shapes layered,wide]
                 [--sizes 1000,10000] [--reps 3] [--steps plan,apply,noop,destroy]
                 [--work DIR] [--json FILE]

For every shape and size it generates the stack once (bench/gen.py), gives each tool its own copy and
runs `init` (not timed), then for each repetition: deletes the state, and runs the steps
  plan     plan from scratch (empty state)
  apply    apply -auto-approve
  noop     plan -detailed-exitcode right after the apply (must exit 0: no changes)
  destroy  destroy -auto-approve
with each tool in turn, alternating which goes first. It measures the wall time and the peak resident
memory of the tool's process (its maximum RSS from wait4; Terraform's provider plugins run in processes
of their own and are not counted, which favours Terraform), and prints the medians and ratios. With
--json it also writes every sample and the medians, for bench/report.py to turn into RESULTS.md.

Terraform is found with ../shared/tools/reference-terraform.sh when --terraform is not given (the
reference Terraform 1.0.3 and the hashicorp/null provider, offline); without it, terrane runs alone.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
STEPS = ["plan", "apply", "noop", "destroy"]


def find_terraform():
    script = os.path.join(ROOT, "..", "shared", "tools", "reference-terraform.sh")
    if not os.path.exists(script):
        return None, {}
    probe = 'eval "$(bash "$1")" && command -v terraform && echo "$TF_CLI_CONFIG_FILE"'
    out = subprocess.run(["bash", "-c", probe, "probe", script], capture_output=True, text=True)
    lines = out.stdout.split()
    if out.returncode != 0 or len(lines) != 2:
        return None, {}
    return lines[0], {"TF_CLI_CONFIG_FILE": lines[1]}


class Tool:
    def __init__(self, name, binary, env):
        self.name = name
        self.binary = binary
        self.env = dict(os.environ, **env)

    def version(self):
        out = subprocess.run([self.binary, "version"], capture_output=True, text=True, env=self.env)
        return out.stdout.splitlines()[0] if out.stdout else "?"

    def state_files(self):
        if self.name == "terrane":
            return ["terrane.tfstate.db", "terrane.tfstate.db-wal", "terrane.tfstate.db-shm"]
        return ["terraform.tfstate", "terraform.tfstate.backup"]

    def args(self, step):
        return {
            "plan": ["plan", "-input=false", "-no-color"],
            "apply": ["apply", "-auto-approve", "-input=false", "-no-color"],
            "noop": ["plan", "-input=false", "-no-color", "-detailed-exitcode"],
            "destroy": ["destroy", "-auto-approve", "-input=false", "-no-color"],
        }[step]


def timed(cmd, cwd, env, log):
    """Runs a command; returns (seconds, peak RSS in MiB, exit code)."""
    with open(log, "w") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024.0, proc.returncode


def prepare(shape, size, work, tools):
    src = os.path.join(work, f"{shape}-{size}", "src")
    if not os.path.exists(os.path.join(src, "main.tf")):
        subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), shape, str(size), src], check=True)
    dirs = {}
    for tool in tools:
        d = os.path.join(work, f"{shape}-{size}", tool.name)
        if not os.path.isdir(d):
            shutil.copytree(src, d)
            init = subprocess.run([tool.binary, "init", "-input=false", "-no-color"], cwd=d,
                                  env=tool.env, capture_output=True, text=True)
            if init.returncode != 0:
                sys.exit(f"{tool.name} init failed in {d}:\n{init.stdout}{init.stderr}")
        dirs[tool.name] = d
    return dirs


def run_case(shape, size, tools, steps, reps, work):
    dirs = prepare(shape, size, work, tools)
    samples = {t.name: {s: [] for s in steps} for t in tools}
    for rep in range(reps):
        order = tools if rep % 2 == 0 else list(reversed(tools))
        for tool in order:
            d = dirs[tool.name]
            for f in tool.state_files():
                if os.path.exists(os.path.join(d, f)):
                    os.remove(os.path.join(d, f))
            for step in steps:
                log = os.path.join(d, f"{step}.log")
                secs, mib, code = timed([tool.binary, *tool.args(step)], d, tool.env, log)
                ok = code == 0
                if not ok:
                    sys.exit(f"{tool.name} {step} exited {code} on {shape} N={size}; see {log}")
                samples[tool.name][step].append({"seconds": secs, "mib": mib})
                print(f"  {shape:8} N={size:<7} {tool.name:9} {step:8} {secs:8.2f} s {mib:8.1f} MiB",
                      flush=True)
    medians = {}
    for name, per_step in samples.items():
        medians[name] = {
            step: {
                "seconds": statistics.median(x["seconds"] for x in xs),
                "mib": statistics.median(x["mib"] for x in xs),
            }
            for step, xs in per_step.items()
            if xs
        }
    return {"shape": shape, "size": size, "reps": reps, "samples": samples, "medians": medians}


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = f"{kb / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem, "os": platform.platform()}


def commit():
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return out.stdout.strip() or "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--terrane", default=os.path.join(ROOT, "target", "release", "terrane"))
    ap.add_argument("--terraform", default=None)
    ap.add_argument("--no-terraform", action="store_true")
    ap.add_argument("--shapes", default="layered")
    ap.add_argument("--sizes", default="1000")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--steps", default=",".join(STEPS))
    ap.add_argument("--work", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "terrane-bench"))
    ap.add_argument("--json", default=None)
    args = ap.parse_args()

    if not os.access(args.terrane, os.X_OK):
        sys.exit(f"no terrane binary at {args.terrane} (cargo build --release, or pass --terrane)")
    tools = [Tool("terrane", os.path.abspath(args.terrane), {})]
    if not args.no_terraform:
        path, env = (args.terraform, {}) if args.terraform else find_terraform()
        if path:
            tools.append(Tool("terraform", path, env))
        else:
            print("reference Terraform not found: terrane alone", file=sys.stderr)
    steps = args.steps.split(",")
    for s in steps:
        if s not in STEPS:
            sys.exit(f"unknown step {s}")

    results = []
    for shape in args.shapes.split(","):
        for size in [int(x) for x in args.sizes.split(",")]:
            case_steps = ["plan"] if shape == "parse" else steps
            results.append(run_case(shape, size, tools, case_steps, args.reps, args.work))

    print()
    for r in results:
        print(f"{r['shape']} N={r['size']} (median of {r['reps']})")
        tn = r["medians"]["terrane"]
        tf = r["medians"].get("terraform")
        for step, m in tn.items():
            line = f"  {step:8} terrane {m['seconds']:8.2f} s {m['mib']:7.1f} MiB"
            if tf and step in tf:
                t = tf[step]
                line += (f"   terraform {t['seconds']:8.2f} s {t['mib']:7.1f} MiB"
                         f"   {t['seconds'] / m['seconds']:7.1f}x faster, memory {m['mib'] / t['mib']:.2f}x")
            print(line)

    if args.json:
        doc = {
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "machine": machine(),
            "terrane": {"commit": commit(), "version": tools[0].version()},
            "terraform": tools[1].version() if len(tools) > 1 else None,
            "results": results,
        }
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
