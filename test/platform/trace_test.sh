#!/usr/bin/env bash
# `spatialvp run --trace` on small runs of the three shipped platforms (and two small platforms
# for the D2D link, the trace player, the address router and the flat memory): each trace.json
# passes scripts/check_trace (the trace-event format's rules: fields per phase, nesting per
# thread, flows paired and bound, counters numeric, metadata, microsecond timestamps against
# the run's simulated time) and holds the module kinds, counter tracks and flow arrows
# expected of its platform (work issued as several transactions fans out from its initiator,
# never chains burst to burst; the wormhole mesh has its buffer occupancy track). The STAR
# units' traced busy time matches their stats, and
# `scripts/plot utilisation` draws their timelines (where matplotlib is present).
# Usage: trace_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build="$1"
source_dir="$2"
work="$(mktemp -d /tmp/spatialvp-trace-test.XXXXXX)"
trap 'rm -rf "$work"' EXIT
trap 'echo "FAIL: line $LINENO: $BASH_COMMAND"' ERR
cd "$work"
configs="$source_dir/platform/configs"
check="/usr/bin/python3 $source_dir/scripts/check_trace"

run() {  # run OUT CONFIG ARGS...: a traced run; only a --trace-window may leave events out
  local out="$1" config="$2"
  shift 2
  "$build/spatialvp" run "$config" --quiet --trace --out "$out" "$@" 2> "$out.err"
  if grep "warning" "$out.err" | grep -qv "fell outside the trace window"; then
    echo "FAIL: $out: the run warned:"; cat "$out.err"; exit 1
  fi
}

# STAR single core: controller jobs -> units -> SRAM bus -> SRAMs, DRAM DMA -> HBM.
run star "$configs/star.yaml" --set ctrl.workload.heads=1 --set ctrl.workload.hidden_size=128 --set ctrl.workload.seq_len=512
$check star/trace.json --stats star/stats.json \
  --expect-category star_controller --expect-category star_dlzs_unit \
  --expect-category star_sads_unit --expect-category star_kv_array \
  --expect-category star_sufa_unit --expect-category router --expect-category sram \
  --expect-category hbm --expect-category memory \
  --expect-counter '^hbm bandwidth$' --expect-counter '^hbm outstanding requests$' \
  --expect-counter '^token_sram bandwidth$' --expect-counter '^sram_bus\.out_0 bandwidth$' \
  --expect-flow 'star_controller>star_dlzs_unit' --expect-flow 'star_controller>hbm' \
  --expect-flow 'star_dlzs_unit>router' --expect-flow 'router>sram' \
  --expect-fanout star_sufa_unit --forbid-flow 'sram>router' --forbid-flow 'router>router'

# The units' traced busy time is the busy time their stats count (same spans, same clock).
"$build/spatialvp" check "$configs/star.yaml" > star_effective.yaml
/usr/bin/python3 - star/trace.json star/stats.json star_effective.yaml << 'EOF'
import json, re, sys
trace = json.load(open(sys.argv[1]))["traceEvents"]
stats = json.load(open(sys.argv[2]))["modules"]
names = {e["tid"]: e["args"]["name"] for e in trace if e.get("name") == "thread_name"}
busy = {}
for e in trace:
    if e["ph"] == "X" and e["cat"].startswith("star_") and e["cat"] != "star_controller":
        unit = names[e["tid"]].split(" [")[0]
        busy[unit] = busy.get(unit, 0.0) + e["dur"] * 1e-6
assert set(busy) == {"dlzs", "sads", "kv", "sufa"}, busy
clock = re.search(r"clock: *([0-9.]+) *GHz", open(sys.argv[3]).read())
assert clock, "no unit clock in the effective config"
period = 1e-9 / float(clock.group(1))
for unit, seconds in busy.items():
    cycles = stats[unit]["counters"]["busy_cycles"]["value"]
    jobs = stats[unit]["counters"]["jobs"]["value"]
    # Each job's busy cycles are its span rounded to whole cycles: within half a cycle per job.
    assert abs(seconds - cycles * period) <= jobs * 0.5 * period + 1e-15, (unit, seconds, cycles)
print("unit busy time matches stats:", {u: f"{s * 1e6:.3f} us" for u, s in sorted(busy.items())})
EOF

# Spatial-STAR: work descriptors from the orchestrator to the cores' controllers over the control
# network, rounds per core, jobs to the units, DMA over the mesh to HBM stacks and to other
# cores' SRAMs; mesh link bandwidth and router buffer occupancy.
# (Its HBM stacks are flat `memory` modules.) The window keeps the trace small.
run sstar "$configs/spatial_star.yaml" --set orch.workload.seq_len=4096 --set orch.workload.heads=1 \
  --set orch.sample_rounds=1 --trace-window '0 us:300 us'
$check sstar/trace.json --stats sstar/stats.json \
  --expect-category spatial_star_core --expect-category mesh --expect-category memory \
  --expect-category star_dlzs_unit --expect-category star_sufa_unit --expect-category sram \
  --expect-counter '^noc\.link\.x\d+y\d+\.[ENSW] bandwidth$' \
  --expect-counter '^noc\.router\.x\d+y\d+ buffer occupancy$' \
  --expect-counter '^hbm\d bandwidth$' \
  --expect-flow 'spatial_star_core>mesh' --expect-flow 'mesh>memory' \
  --expect-flow 'mesh>router' --expect-flow 'spatial_star_core>star_dlzs_unit' \
  --expect-flow 'spatial_star_orchestrator>mesh' --expect-flow 'mesh>spatial_star_core'
grep -q '"name":"round"' sstar/trace.json || { echo "FAIL: no Spatial-STAR round spans"; exit 1; }

# Wafer MoE: phase windows, DMA over the die mesh to HBM (flat memories) and to other dies'
# receive buffers, die jobs to the dies' compute engines, the greedy balancer's migrations after
# the first iteration.
run moe "$configs/wafer_moe.yaml" --set orch.sample_layers=1 --set orch.iterations=2 \
  --set orch.balancer=greedy --set orch.balancer_interval=1
$check moe/trace.json --stats moe/stats.json \
  --expect-category moe_orchestrator --expect-category mesh --expect-category memory \
  --expect-counter '^net\.link\.x\d+y\d+\.[ENSW] bandwidth$' \
  --expect-counter '^net\.router\.x\d+y\d+ buffer occupancy$' \
  --expect-counter '^hbm\d+ bandwidth$' --expect-category die_compute_engine \
  --expect-flow 'moe_orchestrator>mesh' --expect-flow 'mesh>mesh' \
  --expect-flow 'mesh>moe_orchestrator' --expect-flow 'moe_orchestrator>memory' \
  --expect-flow 'moe_orchestrator>die_compute_engine' --expect-fanout moe_orchestrator
for phase in dispatch combine migration receive; do
  grep -q "\"name\":\"$phase\"" moe/trace.json || { echo "FAIL: no MoE $phase span"; exit 1; }
done

# NVL72: the crossbar switch between the GPUs.
run nvl "$configs/nvl72_moe.yaml" --set orch.sample_layers=1
$check nvl/trace.json --stats nvl/stats.json --expect-category moe_orchestrator \
  --expect-category crossbar_switch --expect-counter 'port\d+\.up bandwidth$' \
  --expect-counter 'port\d+\.down bandwidth$' --expect-flow 'moe_orchestrator>crossbar_switch' \
  --expect-flow 'crossbar_switch>moe_orchestrator'

# The mesh under wormhole flow control: buffer occupancy in flits, as cut-through has in packets.
run worm "$configs/examples/mesh_4x4.yaml" --set noc.flow_control=wormhole \
  --set noc.link.flit=16B --set g0.transactions=200 --set g1.transactions=200 --set g2.transactions=200 \
  --set g3.transactions=200
$check worm/trace.json --stats worm/stats.json --expect-category mesh \
  --expect-counter '^noc\.router\.x\d+y\d+ buffer occupancy$' \
  --expect-flow 'traffic_generator>mesh' --expect-flow 'mesh>memory'
/usr/bin/python3 - worm/trace.json << 'EOF'
import json, sys
samples = [e for e in json.load(open(sys.argv[1]))["traceEvents"]
           if e["ph"] == "C" and e["name"].endswith("buffer occupancy")]
assert samples and all(list(e["args"]) == ["flits"] for e in samples), samples[:3]
assert max(e["args"]["flits"] for e in samples) > 0, "no flit ever waited in a buffer"
print("wormhole buffer occupancy:", len(samples), "samples, peak",
      f'{max(e["args"]["flits"] for e in samples):.3g} flits')
EOF

# A D2D link between two traffic generators and memories, and a trace player behind a router.
cat > d2d.yaml << 'EOF'
modules:
  gen_a: {type: traffic_generator, params: {transactions: 50, size: 256 B, address_range: 64 KiB}}
  gen_b: {type: traffic_generator, params: {transactions: 50, size: 256 B, address_range: 64 KiB,
                                           read_fraction: 0.0}}
  link: {type: d2d_link, params: {bandwidth: 100 GB/s, latency: 2 ns}}
  mem_a: {type: memory, params: {size: 1 MiB, bandwidth: 64 GB/s}}
  mem_b: {type: memory, params: {size: 1 MiB, bandwidth: 64 GB/s}}
  player: {type: trace_player, params: {file: player.trace}}
  bus: {type: router, params: {inputs: 1, base_addresses: [0x0], sizes: [1 MiB]}}
  scratch: {type: memory, params: {size: 1 MiB, bandwidth: 64 GB/s}}
connections:
  - {from: gen_a.out, to: link.a_in}
  - {from: link.b_out, to: mem_b.target}
  - {from: gen_b.out, to: link.b_in}
  - {from: link.a_out, to: mem_a.target}
  - {from: player.out, to: "bus.in[0]"}
  - {from: "bus.out[0]", to: scratch.target}
EOF
printf '0 ns, W, 0x100, 64 B\n10 ns, R, 0x100, 64 B\n20 ns, R, 0x2000, 128 B\n' > player.trace
run d2d d2d.yaml
$check d2d/trace.json --stats d2d/stats.json --expect-category traffic_generator \
  --expect-category d2d_link --expect-category memory --expect-category trace_player \
  --expect-category router --expect-counter '^link\.a_to_b bandwidth$' \
  --expect-counter '^link\.b_to_a bandwidth$' --expect-counter '^mem_b outstanding requests$' \
  --expect-flow 'traffic_generator>d2d_link' --expect-flow 'd2d_link>memory' \
  --expect-flow 'trace_player>router' --expect-flow 'router>memory'
grep -q '"address":"0x2000"' d2d/trace.json || { echo "FAIL: no hex address arg"; exit 1; }

# The checker itself rejects what breaks the format.
/usr/bin/python3 - << 'EOF'
import json
bad = {"traceEvents": [
    {"name": "thread_name", "ph": "M", "pid": 1, "tid": 1, "args": {"name": "t"}},
    {"name": "a", "cat": "x", "ph": "X", "pid": 1, "tid": 1, "ts": 0, "dur": 5},
    {"name": "b", "cat": "x", "ph": "X", "pid": 1, "tid": 1, "ts": 3, "dur": 5},
    {"name": "c", "ph": "X", "pid": 1, "tid": 1, "ts": 10, "dur": -1},
    {"name": "f", "cat": "flow", "ph": "s", "id": 1, "pid": 1, "tid": 1, "ts": 20},
    {"name": "n", "cat": "x", "ph": "C", "pid": 1, "ts": 1, "args": {"v": "high"}}]}
json.dump(bad, open("bad.json", "w"))
EOF
if $check bad.json 2> bad.err; then echo "FAIL: a broken trace passed"; exit 1; fi
for text in "without nesting" "cat must be" "dur must be" "one s and one f" "finite numbers"; do
  grep -q "$text" bad.err || { echo "FAIL: check_trace did not report '$text'"; cat bad.err; exit 1; }
done

# Utilisation timelines of the units (scripts/plot), where matplotlib is present.
if /usr/bin/python3 -c "import matplotlib" 2> /dev/null; then
  "$build/spatialvp" plot utilisation star/trace.json --out pictures > star_util.txt
  "$source_dir/scripts/plot" utilisation sstar/trace.json --group '^(c\d+)_' --out pictures \
    > sstar_util.txt
  "$source_dir/scripts/plot" utilisation sstar/trace.json --group kind --out pictures > kind.txt
  for picture in utilisation_trace_unit utilisation_trace_group utilisation_trace_kind; do
    for extension in png svg csv; do
      [[ -s "pictures/$picture.$extension" ]] || { echo "FAIL: no $picture.$extension"; exit 1; }
    done
  done
  grep -q "^sufa: mean busy 0\.[0-9]*[1-9]" star_util.txt || { cat star_util.txt; exit 1; }
  # One group per core that ran in the window (c0_dlzs, c0_kv, ... fold into c0), nothing else.
  groups="$(grep -c ': mean busy' sstar_util.txt)"
  cores="$(grep -c '^c[0-9]*: mean busy' sstar_util.txt)"
  [[ "$groups" == "$cores" && "$cores" -ge 4 ]] || { cat sstar_util.txt; exit 1; }
else
  echo "note: no matplotlib, utilisation pictures not drawn"
fi
echo "PASS: traces of STAR, Spatial-STAR, wafer MoE, NVL72 and D2D/trace-player platforms"
