#!/bin/sh
# Decodes NMEA files with pyais, for the tests of crates/ais.
#
#   scripts/ais-expected.sh setup          make target/pyais-venv with pyais from PyPI
#   scripts/ais-expected.sh FILE.nmea      print pyais's reading of FILE, one JSON object a message
#   scripts/ais-expected.sh fixture        rewrite crates/ais/tests/fixtures/sea.nmea and the
#                                          pyais reading of it, sea.pyais.jsonl
#
# The tests run pyais on the shared samples themselves when target/pyais-venv exists, and skip
# that comparison (saying so) when it does not. Nothing here runs at borderwatch's run time.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/target/pyais-venv"
PYAIS_VERSION=3.3.1

setup() {
    if [ ! -x "$venv/bin/python" ]; then
        python3 -m venv "$venv"
    fi
    "$venv/bin/pip" install --quiet "pyais==$PYAIS_VERSION"
}

case "${1:-}" in
setup) setup ;;
fixture)
    setup
    fx="$root/crates/ais/tests/fixtures"
    "$venv/bin/python" "$root/scripts/ais-fixture.py" > "$fx/sea.nmea"
    "$venv/bin/python" "$root/scripts/ais-expected.py" "$fx/sea.nmea" > "$fx/sea.pyais.jsonl"
    ;;
"")
    echo "usage: $0 setup | fixture | FILE.nmea" >&2
    exit 2
    ;;
*)
    [ -x "$venv/bin/python" ] || setup
    exec "$venv/bin/python" "$root/scripts/ais-expected.py" "$1"
    ;;
esac
