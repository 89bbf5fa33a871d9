#!/usr/bin/env bash
# The tests: Rust unit and integration tests (the API on a loopback port among them), then the
# web UI in a real browser (Playwright driving Debian's Chromium). Installs what it needs first:
# Chromium (scripts/setup-browser.sh) and the UI's npm packages (scripts/build-ui.sh), so the
# binary under test carries the UI, and PostgreSQL (scripts/postgres.sh), for the tests of the
# store on PostgreSQL (BORDERWATCH_TEST_POSTGRES; a test without it says it was skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-browser.sh
scripts/build-ui.sh
BORDERWATCH_TEST_POSTGRES=${BORDERWATCH_TEST_POSTGRES:-$(scripts/postgres.sh start)}
export BORDERWATCH_TEST_POSTGRES
cargo test --workspace --locked
# The binary the Rust tests just built (debug), now with the UI embedded.
BORDERWATCH_BIN="$PWD/target/debug/borderwatch" npm --prefix ui test
