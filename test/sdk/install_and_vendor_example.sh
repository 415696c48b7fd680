#!/usr/bin/env bash
# Installs the SDK into a fresh prefix, checks what was installed (public headers self-contained
# and free of yaml-cpp/nlohmann/Boost, soname, RUNPATH, pkg-config), builds examples/vendor_ip
# with a separate CMake invocation against it, and runs platforms with the vendor plug-in and
# the installed RTL plug-in using only the installed CLI, configs and presets; then builds the
# RTL plug-in again out of tree with the installed Verilator helper and runs it.
# Usage: install_and_vendor_example.sh SOURCE_DIR BUILD_DIR WORK_DIR [COMPILER_LAUNCHER]
set -euo pipefail
source_dir=$1 build_dir=$2 work=$3 launcher=${4:-}
fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work/run"
prefix="$work/prefix"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
unset SPATIALVP_PLUGIN_PATH SPATIALVP_CONFIG_PATH

cmake --install "$build_dir" --prefix "$prefix" > "$work/install.log"
libdir=$(dirname "$(find "$prefix" -name 'libspatialvp.so' | head -1)")
[[ -n $libdir ]] || fail "libspatialvp.so not installed"

# Public headers: every quoted include resolves inside the install; no private dependency leaks.
include_dir="$prefix/include/spatialvp"
while IFS= read -r header; do
  while IFS= read -r included; do
    [[ -f "$include_dir/$included" ]] || fail "$header includes \"$included\", which is not installed"
  done < <(sed -n 's/^#include "\(.*\)"/\1/p' "$header")
  if grep -Eq '^#include [<"](yaml-cpp|nlohmann|boost)/' "$header"; then
    fail "$header includes yaml-cpp, nlohmann JSON or Boost"
  fi
done < <(find "$include_dir" -name '*.h')

# Versioned soname; installed binaries find their libraries relative to themselves.
soname=$(readelf -d "$libdir/libspatialvp.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[[ $soname == libspatialvp.so.* && -e "$libdir/$soname" ]] || fail "soname '$soname'"
runpath=$(readelf -d "$prefix/bin/spatialvp" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p')
[[ $runpath == '$ORIGIN/'* ]] || fail "CLI RUNPATH '$runpath' is not relative to the binary"
if readelf -d "$prefix/bin/spatialvp" "$libdir/libspatialvp.so" | grep -E "R(UN)?PATH" | grep -q "$build_dir"; then
  fail "an installed binary's RUNPATH points into the build tree"
fi

# pkg-config file.
flags=$(PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --cflags --libs spatialvp)
pc_include=$(sed -n 's/.*-I\([^ ]*\).*/\1/p' <<< "$flags")
[[ $(realpath "$pc_include") == $(realpath "$include_dir") && $flags == *-lspatialvp* ]] ||
  fail "pkg-config: $flags"

# The vendor example: its own CMake project, built against the installed package only.
cmake -S "$source_dir/examples/vendor_ip" -B "$work/vendor-build" -G Ninja \
  -DCMAKE_PREFIX_PATH="$prefix" ${launcher:+-DCMAKE_CXX_COMPILER_LAUNCHER=$launcher} \
  > "$work/vendor-configure.log" || { cat "$work/vendor-configure.log"; fail "configure"; }
cmake --build "$work/vendor-build" > "$work/vendor-build.log" ||
  { cat "$work/vendor-build.log"; fail "build"; }

# The installed CLI finds the installed presets first: change one in the install and see it.
sed -i 's/^  area: 0.679 mm^2/  area: 0.777 mm^2/' "$prefix/share/spatialvp/configs/presets/star/sads_unit.yaml"
cd "$work/run"
SPATIALVP_PLUGIN_PATH="$work/vendor-build" "$prefix/bin/spatialvp" run \
  "$source_dir/examples/vendor_ip/vendor_star.yaml" --quiet --out vendor
python3 - vendor/stats.json vendor/config.yaml <<'PY'
import json, sys
stats = json.load(open(sys.argv[1]))
modules = stats["modules"]
def counter(module, name):
    return modules[module]["counters"][name]["value"]
assert stats["run"]["end"] == "completed", stats["run"]
assert modules["sads"]["type"] == "vendor_sads_unit" and modules["score_feed"]["type"] == "vendor_sram"
assert counter("sads", "functional_jobs") == counter("sads", "jobs") > 0
assert counter("score_feed", "read_bytes") > 0 and counter("score_feed", "write_bytes") > 0
assert counter("ctrl", "functional_mismatches") == 0
assert "area: 0.777 mm^2" in open(sys.argv[2]).read(), "installed preset not used"
PY

# The installed RTL plug-in is found in <libdir>/spatialvp/plugins without any search path.
if [[ -f "$libdir/spatialvp/plugins/libspatialvp_rtl_dlzs.so" ]]; then
  "$prefix/bin/spatialvp" run "$prefix/share/spatialvp/configs/examples/star_dlzs_rtl.yaml" \
    --quiet --out rtl
  grep -q '"star_dlzs_rtl"' rtl/stats.json || fail "RTL platform did not use star_dlzs_rtl"
fi
# The installed Verilator helper, out of tree: the shipped RTL DLZS unit rebuilt from its sources
# (copied away from the source tree) against the installed SDK, then run from the search path.
mkdir -p "$work/rtl-src"
cp "$source_dir/models/rtl/"{dlzs_lane.v,star_dlzs_rtl_unit.cpp,dlzs_lane_io.h} "$work/rtl-src/"
sed -i 's|"models/rtl/dlzs_lane_io.h"|"dlzs_lane_io.h"|' "$work/rtl-src/star_dlzs_rtl_unit.cpp"
cat > "$work/rtl-src/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.18)
project(rtl_ip LANGUAGES CXX)
find_package(spatialvp 0.1.0 EXACT REQUIRED CONFIG)
spatialvp_add_verilated_plugin(spatialvp_rtl_dlzs SOURCES star_dlzs_rtl_unit.cpp
  VERILOG ${CMAKE_CURRENT_SOURCE_DIR}/dlzs_lane.v TOP_MODULE dlzs_lane)
target_include_directories(spatialvp_rtl_dlzs PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
CMAKE
cmake -S "$work/rtl-src" -B "$work/rtl-build" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
  ${launcher:+-DCMAKE_CXX_COMPILER_LAUNCHER=$launcher} > "$work/rtl-configure.log" ||
  { cat "$work/rtl-configure.log"; fail "RTL plug-in configure"; }
cmake --build "$work/rtl-build" > "$work/rtl-build.log" || { cat "$work/rtl-build.log"; fail "RTL plug-in build"; }
SPATIALVP_PLUGIN_PATH="$work/rtl-build" "$prefix/bin/spatialvp" models star_dlzs_rtl \
  --plugin libspatialvp_rtl_dlzs.so > rtl-models.txt
grep -q "$work/rtl-build/libspatialvp_rtl_dlzs.so" rtl-models.txt || fail "out-of-tree RTL plug-in not used"
SPATIALVP_PLUGIN_PATH="$work/rtl-build" "$prefix/bin/spatialvp" run \
  "$prefix/share/spatialvp/configs/examples/star_dlzs_rtl.yaml" --quiet --out rtl-out-of-tree
python3 - rtl-out-of-tree/stats.json <<'PY'
import json, sys
modules = json.load(open(sys.argv[1]))["modules"]
assert modules["dlzs"]["type"] == "star_dlzs_rtl"
assert modules["ctrl"]["counters"]["functional_mismatches"]["value"] == 0
PY
echo "SDK install and vendor example: OK"
