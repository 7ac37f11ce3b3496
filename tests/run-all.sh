#!/usr/bin/env bash
# Runs every test of terrane. Installs what the tests need when it is missing.
#
#   tests/run-all.sh
#
# Steps: formatting check, moto and awscli for the AWS tests (installed into a virtualenv under the
# target folder when missing), the unit, lifecycle and end-to-end tests of every crate (cargo test), and
# the Terraform conformance corpus when ../shared/conformance is present, and the benchmark smoke run
# (bench/smoke.py: fails when apply or a no-change plan got 3x slower than bench/RESULTS.md records).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
target="${CARGO_TARGET_DIR:-$root/target}"

step() { printf '\n== %s\n' "$*"; }

step "formatting"
cargo fmt --all -- --check
# The modules and examples are formatted as `terraform fmt` formats them (the reference Terraform of
# ../shared/tools, when present; it needs no provider to format).
reference_terraform="$root/../shared/tools/reference-terraform.sh"
if [ -f "$reference_terraform" ] && tf_env="$("$reference_terraform" 2>/dev/null)"; then
    (eval "$tf_env" && for d in modules examples; do terraform fmt -check -recursive -diff "$d"; done)
else
    echo "reference Terraform not available: the .tf formatting check is skipped"
fi

step "PostgreSQL for the pg state backend tests"
TERRANE_TEST_PG_CONN="$(tests/support/postgres.sh)"
export TERRANE_TEST_PG_CONN

step "build"
cargo build --workspace --bins --tests

step "moto and awscli for the AWS provider's tests (a virtualenv under the target folder)"
# The AWS tests run terrane against moto's emulation of the AWS APIs and check the results with awscli.
# tests/support/moto.rs finds the virtualenv through TERRANE_AWS_TEST_VENV.
export TERRANE_AWS_TEST_VENV="${TERRANE_AWS_TEST_VENV:-$target/aws-test-venv}"
if [ ! -x "$TERRANE_AWS_TEST_VENV/bin/moto_server" ] || [ ! -x "$TERRANE_AWS_TEST_VENV/bin/aws" ]; then
    rm -rf "$TERRANE_AWS_TEST_VENV"
    python3 -m venv "$TERRANE_AWS_TEST_VENV"
    "$TERRANE_AWS_TEST_VENV/bin/pip" install --quiet --disable-pip-version-check 'moto[server]==5.2.5' 'awscli==1.46.3'
fi
"$TERRANE_AWS_TEST_VENV/bin/python" -c 'import moto; print("moto", moto.__version__)'
"$TERRANE_AWS_TEST_VENV/bin/aws" --version

step "tests"
cargo test --workspace --no-fail-fast

conformance="$root/../shared/conformance/run.py"
if [ -f "$conformance" ]; then
    step "Terraform conformance corpus"
    python3 "$conformance" --bin "$target/debug/terrane"
    step "a plan right after an apply has no changes, on every conformance stack"
    python3 tests/idempotence.py --bin "$target/debug/terrane" --cases "$root/../shared/conformance/public"
else
    step "Terraform conformance corpus: ../shared/conformance not present, skipped"
fi

step "benchmark smoke: N = 1,000 layered, against the baseline in bench/RESULTS.md"
python3 bench/smoke.py --terrane "$target/debug/terrane"

step "all tests passed"
