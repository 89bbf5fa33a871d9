#!/usr/bin/env bash
# Installs the benchmark peers (DuckDB, pandas, spaCy, pyais, libais) into bench/.venv from PyPI.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
python3 -m venv "$here/.venv"
"$here/.venv/bin/pip" install --quiet --upgrade pip
"$here/.venv/bin/pip" install --quiet -r "$here/requirements.txt"
"$here/.venv/bin/python" -c "import duckdb, pandas, spacy, pyais, ais; print('duckdb', duckdb.__version__, 'pandas', pandas.__version__, 'spacy', spacy.__version__)"
