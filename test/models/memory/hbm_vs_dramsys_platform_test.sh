#!/bin/bash
# scripts/experiments/hbm_vs_dramsys without DRAMSys: the platform side of every comparison and
# held-out row, in both scheduling modes, runs through the CLI (short runs) and prints a positive
# bandwidth and latency. Catches a script whose configuration the `hbm` module or the
# `traffic_generator` no longer accepts. The `warns` label (on_arrival met mixed reads and writes
# under load) must mark every 50% mix under on_arrival and no row of one direction, and no row
# under on_issue. --mix-sweep (platform only) prints its whole table, and its row with 16 in
# flight on a 50% interleaved stream warns. Usage: hbm_vs_dramsys_platform_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source=$2
command -v python3 > /dev/null || exit 77
table=$(mktemp)
trap 'rm -f "$table"' EXIT

for scheduling in on_arrival on_issue; do
  for rows in "" --held-out; do
    # Without DRAMSYS_ROOT the script runs the platform side only.
    env -u DRAMSYS_ROOT python3 "$source/scripts/experiments/hbm_vs_dramsys" $rows \
      --build-dir "$build" --requests 2000 --scheduling "$scheduling" > "$table"
    python3 - "$table" "$scheduling $rows" "$scheduling" << 'EOF'
import sys
path, what, scheduling = sys.argv[1], sys.argv[2], sys.argv[3]
rows = 0
for line in open(path):
    if "|" not in line or line.startswith("scenario") or "GB/s" in line:
        continue
    name, cells = line[:39].strip(), line[39:].split("|")
    bandwidth, latency = float(cells[0].split()[1]), float(cells[1].split()[1])
    if not (bandwidth > 0 and latency > 0):
        sys.exit(f"{what}: row '{name}': bandwidth {bandwidth} GB/s, latency {latency} ns")
    warns = line.rstrip().endswith(", warns")
    should = scheduling == "on_arrival" and name.startswith("50%")
    may = scheduling == "on_arrival" and "%" in name  # other mixes: by their load and share
    if warns != should and not (warns and may):
        sys.exit(f"{what}: row '{name}' {'warns' if warns else 'does not warn'}")
    rows += 1
if rows < 10:
    sys.exit(f"{what}: {rows} rows printed, expected the whole table")
print(f"{what}: {rows} rows")
EOF
  done
done

python3 "$source/scripts/experiments/hbm_vs_dramsys" --mix-sweep --build-dir "$build" \
  --requests 2000 > "$table"
rows=$(grep -c "|" "$table")
if [[ $rows -ne 29 ]]; then  # the header and 4 mixes x 7 loads
  echo "--mix-sweep: $rows table lines, expected 29" >&2
  exit 1
fi
grep -q "^50% reads stream, interleaved, 16 .*warns$" "$table" || {
  echo "--mix-sweep: the 50% interleaved stream at 16 in flight does not warn" >&2
  exit 1
}
echo "--mix-sweep: $((rows - 1)) rows"
