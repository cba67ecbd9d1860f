#!/usr/bin/env bash
# Byte-identity check for engine refactors: runs every bundled scenario with several seeds
# through two capsim binaries and compares summary.json, timeline.csv, routes.csv and
# events.csv file by file. Exit 0 when every pair is identical.
#
#   scripts/compare-runs.sh OLD_BINARY NEW_BINARY [SEEDS...]     (default seeds: 1 2 3 4 5)
#
# Build the old binary from the commit before the refactor (e.g. a git worktree with its own
# --scratch-path), the new one from the working tree; use release builds: the bundled
# scenario takes about a minute per seed.
set -uo pipefail
cd "$(dirname "$0")/.."
old=$1 new=$2; shift 2
seeds=${*:-1 2 3 4 5}
work=$(mktemp -d)
status=0
for f in $(find scenarios -name '*.yaml' | sort); do
  for seed in $seeds; do
    for side in old new; do
      bin=$([ $side = old ] && echo "$old" || echo "$new")
      "$bin" simulate "$f" --seed "$seed" --no-store --format json --out "$work/$side" > /dev/null 2>&1 || echo "compare: $side failed on $f seed $seed" >&2
    done
    same=identical
    for file in summary.json timeline.csv routes.csv events.csv; do
      if ! cmp -s "$work/old/$file" "$work/new/$file"; then same="$file differs"; status=1; fi
    done
    echo "compare: $f seed $seed: $same"
  done
done
rm -rf "$work"
exit $status
