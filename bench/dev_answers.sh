#!/bin/sh
# Are the answers unchanged? Ingest, answer every question of tests/data/dev.jsonl with
# `dossier ask --json -`, and diff the output with a file recorded the same way before a change.
#   bench/dev_answers.sh BEFORE.jsonl [AFTER.jsonl]     exit 0: byte-identical
# Not a test: work on answering changes answers on purpose; this is for refactors that must not.
set -eu
cd "$(dirname "$0")/.."
before=${1:?usage: bench/dev_answers.sh BEFORE.jsonl [AFTER.jsonl]}
after=${2:-.dossier/dev_answers.jsonl}
mkdir -p "$(dirname "$after")"
.venv/bin/dossier ingest >/dev/null
.venv/bin/python -c 'import json, sys
for line in sys.stdin:
    if line.strip():
        print(json.loads(line)["question"])' <tests/data/dev.jsonl | .venv/bin/dossier ask --json - >"$after"
if cmp -s "$before" "$after"; then
    echo "byte-identical: $(wc -l <"$after") answers ($after)"
else
    echo "DIFFERENT: diff $before $after" >&2
    exit 1
fi
