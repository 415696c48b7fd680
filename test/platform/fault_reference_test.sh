#!/usr/bin/env bash
# `spatialvp run --fault-reference`: a faulted run reports what its faults cost against its
# fault-free twin (the same config, overrides and seed with the faults cleared, run in a child
# process into OUT/fault_free). A dead die in the middle of the wafer loses throughput; the twin's
# figures are exactly those of a separate fault-free run; without faults no twin runs and nothing
# is added; with faults but without the option the summary says how to get the figure.
# Usage: fault_reference_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build="$1"
source_dir="$2"
work="$(mktemp -d /tmp/spatialvp-fault-reference-test.XXXXXX)"
trap 'rm -rf "$work"' EXIT
trap 'echo "FAIL: line $LINENO: $BASH_COMMAND"' ERR
cd "$work"
config="$source_dir/platform/configs/wafer_moe.yaml"
small=(--set orch.sample_layers=1 --set orch.balancer=none)
dead=(--set 'net.faults.dead_dies=[x3y3]')

"$build/spatialvp" run "$config" "${small[@]}" "${dead[@]}" --fault-reference --out faulted \
  > faulted.out
"$build/spatialvp" run "$config" "${small[@]}" --out healthy --quiet
grep -q "against the fault-free platform (fault_free/): orch.moe_tokens_per_second_per_device" \
  faulted.out || { echo "FAIL: no loss line in the summary"; cat faulted.out; exit 1; }
grep -q "lost to faults" faulted.out || { echo "FAIL: no 'lost to faults'"; exit 1; }
[[ ! -e faulted/fault_free.stderr && ! -e faulted/.fault_free.lock ]] ||
  { echo "FAIL: the twin left its stderr or lock file"; ls -a faulted; exit 1; }

/usr/bin/python3 - << 'PY'
import json
faulted = json.load(open("faulted/stats.json"))
healthy = json.load(open("healthy/stats.json"))
twin = json.load(open("faulted/fault_free/stats.json"))
key = "orch.moe_tokens_per_second_per_device"
reference = faulted["fault_reference"]
figure = reference["figures"][key]
value = faulted["headline"][key]["value"]
fault_free = healthy["headline"][key]["value"]
# The twin is the fault-free run: same figure exactly, same module stats.
assert figure["fault_free"] == fault_free, (figure, fault_free)
assert figure["value"] == value
assert abs(figure["lost"] - (fault_free - value)) <= 1e-9 * fault_free, figure
assert abs(figure["lost_fraction"] - (1 - value / fault_free)) <= 1e-12, figure
assert figure["lost_fraction"] > 0, figure
assert figure["unit"] == "tokens/s"
assert "lost" not in reference["figures"]["orch.iteration_time"]  # a time, not a throughput
assert "modules.net.params.faults.dead_dies=[]" in reference["overrides"], reference
assert reference["folder"] == "fault_free"
assert twin["modules"] == healthy["modules"], "the twin's stats differ from a fault-free run"
print(f"dead die x3y3: {value:.1f} of {fault_free:.1f} tokens/s per device, "
      f"lost {100 * figure['lost_fraction']:.1f}%")
PY

# Without faults: no twin and no loss figures, even when asked.
"$build/spatialvp" run "$config" "${small[@]}" --fault-reference --out none > none.out
[[ ! -e none/fault_free ]] || { echo "FAIL: a fault-free run started a twin"; exit 1; }
if grep -q "fault-free" none.out; then echo "FAIL: a loss line without faults"; exit 1; fi
/usr/bin/python3 -c "import json,sys; sys.exit('fault_reference' in json.load(open('none/stats.json')))" ||
  { echo "FAIL: fault_reference in a fault-free run's stats"; exit 1; }

# With faults but without the option: a hint, no twin.
"$build/spatialvp" run "$config" "${small[@]}" "${dead[@]}" --out hint > hint.out
grep -q -- "--fault-reference" hint.out || { echo "FAIL: no hint"; cat hint.out; exit 1; }
[[ ! -e hint/fault_free ]] || { echo "FAIL: a twin ran without the option"; exit 1; }
echo "PASS: --fault-reference"
