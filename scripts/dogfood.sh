#!/usr/bin/env bash
# The dogfood gate: capsim checks its own bundled scenarios, as a user's CI would.
#
# For every scenario under scenarios/: `capsim check` runs its expect: block (when it has one)
# and compares its scaling decisions with the golden file scenarios/golden/NAME.decisions.csv.
# An engine change that moves a decision must rewrite that file in the same commit and say why
# in its message:  capsim check FILE --no-store --write-decisions scenarios/golden/NAME.decisions.csv
#
# Uses the binary the test build made (its Simulation target is -O), so CI builds nothing
# more; CAPSIM=path overrides. JUnit XML for each scenario goes to .build/dogfood/.
set -uo pipefail
cd "$(dirname "$0")/.."
capsim=${CAPSIM:-.build/debug/capsim}
[ -x "$capsim" ] || { echo "dogfood: $capsim not found: build first (swift build, or swift test)" >&2; exit 2; }
mkdir -p .build/dogfood
status=0
started=$(date +%s)
for f in $(find scenarios -name '*.yaml' -not -path 'scenarios/golden/*' | sort); do
  name=$(basename "$f" .yaml)
  golden=scenarios/golden/$name.decisions.csv
  if [ ! -f "$golden" ]; then
    echo "dogfood: $f has no golden decisions file; write it with: capsim check $f --no-store --write-decisions $golden" >&2
    status=1
    continue
  fi
  t0=$(date +%s)
  "$capsim" check "$f" --no-store --decisions "$golden" --junit ".build/dogfood/$name.xml" || status=1
  echo "dogfood: $f checked in $(( $(date +%s) - t0 )) s"
done
# What-ifs kept off in a scenario (faults: … enabled: false) run with --fault NAME, each against
# its own golden file scenarios/golden/NAME+FAULT.decisions.csv. Faults that touch different
# services share one run (FAULT+FAULT), as CI time is tight; their rows are checked in it.
for whatif in "scenarios/stan-store-et.yaml zone-a-at-peak" "scenarios/stan-store-et.yaml rewards-on-spot+marketplace-db-failover"; do
  set -- $whatif
  f=$1 name=$(basename "$1" .yaml)+$2
  flags=()
  for fault in ${2//+/ }; do flags+=(--fault "$fault"); done
  golden=scenarios/golden/$name.decisions.csv
  t0=$(date +%s)
  "$capsim" check "$f" "${flags[@]}" --no-store --decisions "$golden" --junit ".build/dogfood/$name.xml" || status=1
  echo "dogfood: $f ${flags[*]} checked in $(( $(date +%s) - t0 )) s"
done
echo "dogfood: all scenarios in $(( $(date +%s) - started )) s: $([ $status -eq 0 ] && echo PASS || echo FAIL)"
exit $status
