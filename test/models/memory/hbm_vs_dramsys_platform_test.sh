#!/bin/bash
# scripts/experiments/hbm_vs_dramsys without DRAMSys: the platform side of every comparison and
# held-out row, in both scheduling modes, runs through the CLI (short runs) and prints a positive
# bandwidth and latency. Catches a script whose configuration the `hbm` module or the
# `traffic_generator` no longer accepts. Usage: hbm_vs_dramsys_platform_test.sh BUILD_DIR SOURCE_DIR
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
    python3 - "$table" "$scheduling $rows" << 'EOF'
import sys
path, what = sys.argv[1], sys.argv[2]
rows = 0
for line in open(path):
    if "|" not in line or line.startswith("scenario") or "GB/s" in line:
        continue
    name, cells = line[:39].strip(), line[39:].split("|")
    bandwidth, latency = float(cells[0].split()[1]), float(cells[1].split()[1])
    if not (bandwidth > 0 and latency > 0):
        sys.exit(f"{what}: row '{name}': bandwidth {bandwidth} GB/s, latency {latency} ns")
    rows += 1
if rows < 10:
    sys.exit(f"{what}: {rows} rows printed, expected the whole table")
print(f"{what}: {rows} rows")
EOF
  done
done
