#!/usr/bin/env python3
"""Writes bench/RESULTS.md from the JSON files of bench/run.py, and checks the targets of the benchmark.

    bench/report.py RESULT.json [RESULT.json ...] [--fresh-terrane] [--out bench/RESULTS.md]

The results of several runs are merged (a side-by-side run with the reference Terraform at N = 1,000 and
runs of terrane alone at N = 10,000 and 100,000, for example). A side-by-side run's terrane figures are
used with Terraform's, unless --fresh-terrane is given: then terrane's figures come from the runs of
terrane alone where there are any (the last given wins) and Terraform's from the side-by-side run, so
that a new terrane is compared with an earlier side-by-side run without running Terraform again (which
takes many minutes). Each table says which run its figures come from. The parts of RESULTS.md written by hand,
the profile between `<!-- profile:start -->` and `<!-- profile:end -->` and the CI smoke baseline that
bench/smoke.py records, are kept as they are.

The targets (the layered shape unless said otherwise):
  N = 1,000     apply >= 100x faster than Terraform, no-change plan >= 20x, plan from scratch >= 10x,
                peak memory <= 1/4 of Terraform's
  N = 10,000    apply < 10 s, no-change plan < 2 s
  N = 100,000   apply and no-change plan complete, time per resource within 2x of N = 1,000
  parse 10 MB   plan (parse and evaluate 10 MB of .tf) < 1 s
Exits 1 when a target measured by the given results is missed.
"""

import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
KEEP = [("<!-- profile:start -->", "<!-- profile:end -->"), ("<!-- smoke:start -->", "<!-- smoke:end -->")]


def run_label(doc, tool):
    what = doc.get("terraform") if tool == "terraform" else f"terrane {doc['terrane']['commit']}"
    return f"run of {doc['date']} ({what})"


def load(paths, fresh_terrane=False):
    docs = [json.load(open(p)) for p in paths]
    cases = {}
    for doc in docs:
        for r in doc["results"]:
            key = (r["shape"], r["size"])
            merged = cases.setdefault(key, {"shape": r["shape"], "size": r["size"], "medians": {}, "sources": {}})
            side_by_side = "terraform" in r["medians"]
            if not side_by_side:
                merged.setdefault("alone", {}).setdefault("terrane", {}).update(r["medians"].get("terrane", {}))
            for tool, steps in r["medians"].items():
                src = merged["sources"].get(tool)
                if src and src["side_by_side"] != side_by_side:
                    # A side-by-side run's figures go together for the ratios and stay, unless fresh
                    # terrane figures are asked for: then terrane's come from the runs of terrane alone.
                    prefer_alone = tool == "terrane" and fresh_terrane
                    if side_by_side == prefer_alone:
                        continue
                merged["medians"][tool] = dict(steps)
                merged["sources"][tool] = {"side_by_side": side_by_side, "label": run_label(doc, tool), "reps": r["reps"]}
    return docs, cases


def secs(cases, shape, size, tool, step):
    m = cases.get((shape, size), {}).get("medians", {}).get(tool, {}).get(step)
    return m["seconds"] if m else None


def peak(cases, shape, size, tool):
    """The peak over plan, apply and the no-change plan: the steps of the issue's Terraform figure
    (229 MB); destroy, where Terraform peaks higher still, is left out."""
    steps = cases.get((shape, size), {}).get("medians", {}).get(tool, {})
    return max((m["mib"] for s, m in steps.items() if s != "destroy"), default=None)


def targets(cases):
    """(description, measured text, met) for each target the results measure."""
    out = []
    tf = lambda step: secs(cases, "layered", 1000, "terraform", step)  # noqa: E731
    tn = lambda step: secs(cases, "layered", 1000, "terrane", step)  # noqa: E731
    for step, want in [("apply", 100), ("noop", 20), ("plan", 10)]:
        if tf(step) and tn(step):
            ratio = tf(step) / tn(step)
            out.append((f"N = 1,000: {step} at least {want}x faster than Terraform",
                        f"{ratio:.0f}x ({tn(step):.2f} s against {tf(step):.2f} s)", ratio >= want))
    tn_mem, tf_mem = peak(cases, "layered", 1000, "terrane"), peak(cases, "layered", 1000, "terraform")
    if tn_mem and tf_mem:
        out.append(("N = 1,000: peak memory at most a quarter of Terraform's",
                    f"{tn_mem / tf_mem:.2f} ({tn_mem:.0f} MiB against {tf_mem:.0f} MiB)", tn_mem <= tf_mem / 4))
    for step, limit in [("apply", 10.0), ("noop", 2.0)]:
        s = secs(cases, "layered", 10000, "terrane", step)
        if s is not None:
            out.append((f"N = 10,000: {step} under {limit:.0f} s", f"{s:.2f} s", s < limit))
    def alone(step):
        m = cases.get(("layered", 1000), {}).get("alone", {}).get("terrane", {}).get(step)
        return m["seconds"] if m else tn(step)

    for step in ["apply", "noop"]:
        # terrane alone at both sizes, so that the two figures come from like runs.
        big, small = secs(cases, "layered", 100000, "terrane", step), alone(step)
        if big is not None and small:
            per_big, per_small = big / 100000, small / 1000
            out.append((f"N = 100,000: {step} time per resource within 2x of N = 1,000",
                        f"{per_big * 1e6:.0f} us against {per_small * 1e6:.0f} us ({per_big / per_small:.2f}x)",
                        per_big <= 2 * per_small))
    s = secs(cases, "parse", 10240, "terrane", "plan")
    if s is not None:
        out.append(("parse and evaluate 10 MB of .tf under 1 s", f"{s:.2f} s", s < 1.0))
    return out


def tables(cases):
    lines = []
    for (shape, size), case in sorted(cases.items()):
        label = f"{size} KB of .tf" if shape == "parse" else f"N = {size:,}"
        lines.append(f"### {shape}, {label}\n")
        lines.append("; ".join(f"{'Terraform' if tool == 'terraform' else tool}: {src['label']}, median of {src['reps']}"
                               for tool, src in sorted(case["sources"].items(), key=lambda t: t[0] != "terrane"))
                     + "\n")
        tn = case["medians"].get("terrane", {})
        tf = case["medians"].get("terraform", {})
        if tf:
            lines.append("| step | terrane | Terraform | faster | memory |")
            lines.append("|---|---|---|---|---|")
        else:
            lines.append("| step | terrane | per resource |")
            lines.append("|---|---|---|")
        for step, m in tn.items():
            cell = f"{m['seconds']:.2f} s, {m['mib']:.0f} MiB"
            if tf and step in tf:
                t = tf[step]
                lines.append(f"| {step} | {cell} | {t['seconds']:.2f} s, {t['mib']:.0f} MiB | "
                             f"{t['seconds'] / m['seconds']:.0f}x | {m['mib'] / t['mib']:.2f}x |")
            elif tf:
                lines.append(f"| {step} | {cell} | | | |")
            else:
                per = "" if shape == "parse" else f"{m['seconds'] / size * 1e6:.0f} us"
                lines.append(f"| {step} | {cell} | {per} |")
        lines.append("")
    return lines


def kept_sections(path):
    if not os.path.exists(path):
        return {}
    text = open(path).read()
    out = {}
    for start, end in KEEP:
        m = re.search(re.escape(start) + r".*?" + re.escape(end), text, re.S)
        if m:
            out[start] = m.group(0)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", nargs="+")
    ap.add_argument("--fresh-terrane", action="store_true",
                    help="terrane's figures from the runs of terrane alone, Terraform's from the side-by-side runs")
    ap.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"))
    args = ap.parse_args()
    docs, cases = load(args.results, args.fresh_terrane)
    kept = kept_sections(args.out)
    first = docs[0]
    m = first["machine"]
    checks = targets(cases)

    lines = ["# Benchmark results", ""]
    lines.append("Written by `bench/report.py` from `bench/run.py` runs; the profile and the CI smoke "
                 "baseline are kept from the previous file. Regenerate with the commands in bench/README.md.")
    lines.append("")
    lines.append(f"- machine: {m['cpu']}, {m['cores']} cores, {m['memory']}, {m['os']}")
    for doc in docs:
        tf = doc.get("terraform") or "not run"
        lines.append(f"- run of {doc['date']}: terrane {doc['terrane']['commit']}, Terraform: {tf}; "
                     + ", ".join(f"{r['shape']} {r['size']}" for r in doc["results"]))
    if args.fresh_terrane:
        lines.append("- terrane's figures come from the runs of terrane alone where there are any, Terraform's "
                     "from the side-by-side runs (each table names its runs)")
    lines.append("- times are wall-clock medians, memory the peak resident set of the tool's own process "
                 "(Terraform's provider plugins run in processes of their own and are not counted)")
    lines.append("")
    lines.append("## Targets")
    lines.append("")
    lines.append("| target | measured | met |")
    lines.append("|---|---|---|")
    for desc, measured, met in checks:
        lines.append(f"| {desc} | {measured} | {'yes' if met else '**no**'} |")
    lines.append("")
    lines.append("## Measurements")
    lines.append("")
    lines.extend(tables(cases))
    for start, end in KEEP:
        lines.append(kept.get(start, f"{start}\n{end}"))
        lines.append("")
    with open(args.out, "w") as f:
        f.write("\n".join(lines).rstrip() + "\n")
    for desc, measured, met in checks:
        print(f"{'ok  ' if met else 'MISS'} {desc}: {measured}")
    sys.exit(0 if all(met for _, _, met in checks) else 1)


if __name__ == "__main__":
    main()
