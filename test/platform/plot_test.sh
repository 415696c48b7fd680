#!/usr/bin/env bash
# scripts/plot draws every kind of picture as PNG and SVG, deterministically: sweep lines and a
# heat map from a sweep's results.csv, a mesh link heat map from stats.json and from the
# scripts/heatmap CSV, a mesh latency-versus-load curve, and unit utilisation timelines from a trace.
# Usage: plot_test.sh BUILD_DIR SOURCE_DIR   (exit 77 = skipped: no matplotlib)
set -euo pipefail
build="$1"
source_dir="$2"
if ! /usr/bin/python3 -c "import matplotlib" 2> /dev/null; then
  echo "SKIP: /usr/bin/python3 has no matplotlib (scripts/setup installs python3-matplotlib)"
  exit 77
fi
work="$(mktemp -d /tmp/spatialvp-plot-test.XXXXXX)"
trap 'rm -rf "$work"' EXIT
trap 'echo "FAIL: line $LINENO: $BASH_COMMAND"' ERR
cd "$work"
plot="$source_dir/scripts/plot"
picture() {  # the PNG and SVG exist, the PNG is a PNG
  for extension in png svg; do [[ -s "$1.$extension" ]] || { echo "FAIL: no $1.$extension"; exit 1; }; done
  [[ "$(head -c 4 "$1.png" | tail -c 3)" == "PNG" ]] || { echo "FAIL: $1.png is not a PNG"; exit 1; }
}

"$build/spatialvp" sweep --base "$source_dir/platform/configs/star.yaml" --set ctrl.workload.heads=1 \
  --set ctrl.workload.hidden_size=128 --grid ctrl.workload.seq_len=256,512 --grid 'hbm.data_rate=1 Gb/s,2 Gb/s' \
  --out sweep --quiet
"$build/spatialvp" plot sweep sweep/results.csv   # `spatialvp plot` runs scripts/plot
picture sweep/sweep_latency_s_vs_ctrl.workload.seq_len
"$plot" sweep sweep/results.csv --x hbm.data_rate --y ctrl.workload.seq_len --metric energy_J
picture sweep/sweep_energy_J_hbm.data_rate_ctrl.workload.seq_len
cp sweep/sweep_energy_J_hbm.data_rate_ctrl.workload.seq_len.png first.png
cp sweep/sweep_energy_J_hbm.data_rate_ctrl.workload.seq_len.svg first.svg
"$plot" sweep sweep/results.csv --x hbm.data_rate --y ctrl.workload.seq_len --metric energy_J > /dev/null
cmp first.png sweep/sweep_energy_J_hbm.data_rate_ctrl.workload.seq_len.png
cmp first.svg sweep/sweep_energy_J_hbm.data_rate_ctrl.workload.seq_len.svg
# A heat map needs one point per cell.
if "$plot" sweep sweep/results.csv --x ctrl.workload.seq_len --y ctrl.workload.seq_len 2> err.txt; then
  echo "FAIL: --y equal to --x accepted"; exit 1
fi

"$build/spatialvp" run "$source_dir/platform/configs/examples/mesh_4x4.yaml" --out mesh --quiet
"$plot" links mesh/stats.json --out links
picture links/links_noc
/usr/bin/python3 "$source_dir/scripts/heatmap" mesh/stats.json --output mesh/mesh_heatmap.csv > /dev/null
"$plot" links mesh/mesh_heatmap.csv --value bytes --out links
picture links/links_mesh_heatmap
# A stats table with x, y, port and bytes columns (the wafer MoE's per-phase link tables).
/usr/bin/python3 - << 'EOF'
import json
rows = [[x, y, p, 0, 1000 * (x + 2 * y + 1)] for x in range(2) for y in range(2)
        for p in "ENWS"]
table = {"description": "bytes per link", "rows": rows,
         "columns": [{"name": n, "unit": u} for n, u in
                     (("x", ""), ("y", ""), ("port", ""), ("inter_wafer", ""), ("bytes", "B"))]}
stats = {"modules": {"orch": {"type": "moe_orchestrator", "counters": {},
                              "tables": {"link_heatmap_dispatch": table}}}}
json.dump(stats, open("table_stats.json", "w"))
EOF
"$plot" links table_stats.json --value bytes --out links
picture links/links_orch.link_heatmap_dispatch

# The tool as built (no build during the suite: it could relink libraries other tests run).
SPATIALVP_NO_BUILD=1 BUILD_DIR="$build" "$plot" latency-curve --out curve -- --width 2 --height 2 \
  --loads 0.2,0.5
picture curve/mesh_latency_curve_width_2_height_2_loads_0.2_0.5
# Utilisation timelines from a trace: busy fraction per row (here the generators' transactions).
"$build/spatialvp" run "$source_dir/platform/configs/star.yaml" --set ctrl.workload.heads=1 \
  --set ctrl.workload.hidden_size=128 --set ctrl.workload.seq_len=256 --out traced --trace --quiet
"$plot" utilisation traced/trace.json --bins 20 > util.txt
picture traced/utilisation_trace_unit
[[ "$(grep -c ': mean busy 0\.[0-9]' util.txt)" == 4 ]] || { cat util.txt; exit 1; }
"$plot" utilisation traced/trace.json --group kind --bins 20 --out util > /dev/null
picture util/utilisation_trace_kind
cmp <(head -1 util/utilisation_trace_kind.csv) \
  <(echo "time_us,star_dlzs_unit,star_kv_array,star_sads_unit,star_sufa_unit")
echo "PASS: sweep lines and heat map, link heat maps, latency curve, utilisation timelines \
(PNG + SVG, deterministic)"
