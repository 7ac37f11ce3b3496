#!/usr/bin/env python3
"""The benchmark smoke run of CI: N = 1,000 layered, terrane alone, against the baseline in RESULTS.md.

    bench/smoke.py --terrane PATH            fail (exit 1) when apply or the no-change plan is more than
                                             3x slower than the recorded baseline
    bench/smoke.py --terrane PATH --record   measure and record the baseline in bench/RESULTS.md

CI runs the debug build it has just built (a release build of the AWS SDK would take most of CI's time),
so the baseline is a debug build's figures too, recorded with the binary CI uses. The baseline lives in
RESULTS.md between `<!-- smoke:start -->` and `<!-- smoke:end -->`, in a line that starts with
`smoke-baseline:` followed by JSON.
"""

import argparse
import json
import os
import re
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run  # noqa: E402

RESULTS = os.path.join(HERE, "RESULTS.md")
START, END = "<!-- smoke:start -->", "<!-- smoke:end -->"
SIZE, REPS, LIMIT = 1000, 3, 3.0
CHECKED = ["apply", "noop"]


def baseline():
    text = open(RESULTS).read() if os.path.exists(RESULTS) else ""
    m = re.search(r"^smoke-baseline: (\{.*\})$", text, re.M)
    return json.loads(m.group(1)) if m else None


def record(medians, binary):
    doc = {step: round(medians[step]["seconds"], 3) for step in CHECKED}
    doc["build"] = "debug" if "/debug/" in binary else "release"
    doc["date"] = time.strftime("%Y-%m-%d", time.gmtime())
    section = "\n".join([
        START,
        "## CI smoke baseline",
        "",
        f"`bench/smoke.py` (run by `.ci/run`) measures the layered stack at N = {SIZE:,} with the {doc['build']}",
        f"build CI tests, terrane alone, median of {REPS}, and fails when apply or the no-change plan takes",
        f"more than {LIMIT:.0f}x the time below. Re-record with `bench/smoke.py --terrane PATH --record`.",
        "",
        "smoke-baseline: " + json.dumps(doc, sort_keys=True),
        END,
    ])
    text = open(RESULTS).read() if os.path.exists(RESULTS) else "# Benchmark results\n"
    if START in text:
        text = re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _: section, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    with open(RESULTS, "w") as f:
        f.write(text)
    print(f"recorded {doc}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--terrane", required=True)
    ap.add_argument("--record", action="store_true")
    args = ap.parse_args()
    binary = os.path.abspath(args.terrane)
    tool = run.Tool("terrane", binary, {})
    with tempfile.TemporaryDirectory(prefix="terrane-smoke-") as work:
        result = run.run_case("layered", SIZE, [tool], ["plan", "apply", "noop", "destroy"], REPS, work)
    medians = result["medians"]["terrane"]
    if args.record:
        record(medians, binary)
        return
    base = baseline()
    if base is None:
        sys.exit(f"no smoke-baseline line in {RESULTS}: record one with --record")
    failed = False
    for step in CHECKED:
        now, then = medians[step]["seconds"], base[step]
        verdict = "ok" if now <= LIMIT * then else "SLOWER"
        failed |= verdict != "ok"
        print(f"{step:6} {now:6.2f} s, baseline {then:6.2f} s ({base['build']} build): {now / then:4.2f}x {verdict}")
    if failed:
        sys.exit(f"benchmark smoke: more than {LIMIT:.0f}x slower than the baseline in {RESULTS}")


if __name__ == "__main__":
    main()
