#!/usr/bin/env python3
"""Physics property sweeps: each main parameter of each platform over a wide range.

Usage: physics_sweeps.py --binary build/spatialvp --list
       physics_sweeps.py --binary build/spatialvp --test star/hbm_data_rate    (one ctest)
       physics_sweeps.py --binary build/spatialvp --table [--jobs N] [NAME...]  (all, as a table)

A sweep runs `spatialvp run CONFIG --set ...` once per value (each run in its own process: one
SystemC elaboration per process) and checks, per figure, what physics demands:
  direction    more bandwidth, compute, lanes or clock never slower (the figure never moves the
               wrong way: a time never rises, a bandwidth never falls); more work never faster.
  proportion   no super-linear gain or cost: one resource k times larger speeds the job up at most
               k times; k times more work costs at most k times the time (`bound`), or the figure
               tracks a reference count within a band (`linear_in`, e.g. time per tile).
and, for every run, the invariants of physics_checks.py (energy = actions x energy per action,
counters reconcile with actions, bytes conserved over every mesh link, crossbar switch port and
connection).
Determinism: the same config run twice gives identical stats.json (outside `performance`).

A property that fails is a model defect. It is fixed, or listed with `expected_failure` naming the
property and the reason; such a sweep passes while the defect is there and fails once it is gone
(remove the mark then). Nothing is loosened to make a property pass.
"""
import argparse
import concurrent.futures
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Callable, Optional

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import physics_checks  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CONFIGS = os.path.join(ROOT, "platform", "configs")
HERE_CONFIGS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "configs")
BOUND_TOLERANCE = 0.01      # ceilings of cycles and bursts may cost a little beyond proportion
RUN_TIMEOUT_SECONDS = 120


# --- figures ---------------------------------------------------------------------------------

def headline(name):
    return lambda stats: stats["headline"][name]["value"]


def counter(module, name):
    return lambda stats: stats["modules"][module]["counters"][name]["value"]


def simulated_time(stats):
    return stats["run"]["simulated_time"]["value"]


def TOTAL_ENERGY(stats):
    return stats["totals"]["energy"]["value"]


@dataclass
class Figure:
    name: str                       # as printed
    extract: Callable[[dict], float]
    rises: bool                     # True: the figure must not fall as the value rises
    bound: bool = True              # change at most proportional to the value (see module doc)
    # Direction tolerance: exact for deterministic work; a mean over random traffic moves by
    # sampling noise when the load changes the interleaving, so it gets a stated margin.
    tolerance: float = 1e-9
    # The first value is chosen so that this resource bounds the job: the first step must then
    # gain at least this factor (a parameter the model ignores would pass the direction check).
    first_gain: Optional[float] = None
    linear_in: Optional[Callable[[dict], float]] = None  # figure / reference within `band`
    band: tuple = (0.8, 1.25)


@dataclass
class Sweep:
    name: str                       # "<platform>/<parameter>", also the ctest name
    config: str                     # path from the repository root, or "gen:W x H" (Spatial-STAR)
    parameter: str
    values: list
    settings: Callable[[object], dict]
    figures: list
    base: dict = field(default_factory=dict)
    unit: str = ""
    config_of: Optional[Callable[[object], str]] = None  # per-value config (core count sweeps)
    expected_failure: dict = field(default_factory=dict)  # figure name -> reason


def star_units(key, value):
    return {f"{unit}.{key}": value for unit in ("dlzs", "sads", "kv", "sufa")}


def faster(name, extract, gain=None):
    """A time that must not rise as the value (a resource) rises."""
    return Figure(name, extract, rises=False, first_gain=gain)


def more(name, extract, gain=None):
    """A rate that must not fall as the value (a resource) rises."""
    return Figure(name, extract, rises=True, first_gain=gain)


STAR = "platform/configs/star.yaml"
# A quarter of a Llama-7B layer at S = 2048: 8 heads of d = 128, about 0.3 s per run.
STAR_BASE = {"ctrl.workload.seq_len": 2048, "ctrl.workload.hidden_size": 1024, "ctrl.workload.heads": 8}
STAR_TIME = faster("latency [s]", headline("ctrl.latency"))
STAR_TILES = counter("ctrl", "tiles")
U_PER_K = 0.1009 / 0.074  # loss_2pct.yaml: union fraction u per keep ratio k (u >= k always)

SPATIAL = "platform/configs/spatial_star.yaml"
# The Spatial-STAR tests' small layer: S = 4K, 4 heads of d = 128, Bc = 256, exact (no sampling).
SPATIAL_BASE = {"orch.workload.seq_len": 4096, "orch.workload.hidden_size": 512, "orch.workload.heads": 4,
                "orch.workload.tile_length": 256, "orch.tile_group": 1, "orch.sample_rounds": 0,
                "orch.operating_point.kv_union_fraction": 0.25}
MESHES = {1: (1, 1), 2: (2, 1), 4: (2, 2), 8: (4, 2), 16: (4, 4)}
SPATIAL_CORES = 16  # spatial_star.yaml's 4 x 4 mesh: core i's units are c<i>_dlzs, c<i>_sads, ...
SPATIAL_TIME = faster("latency [s]", headline("orch.latency"), 1.5)


def spatial_units(settings_of_core):
    """The same unit settings on every core (star.yaml's keys, prefixed c<i>_)."""
    return {f"c{i}_{key}": value for i in range(SPATIAL_CORES)
            for key, value in settings_of_core.items()}


def unit_lanes(lanes):
    return {"dlzs.pe_rows": lanes, "sads.sort_cores": lanes, "kv.pe_rows": lanes, "sufa.lines": lanes,
            "sufa.exp_units": lanes, "sufa.div_units": lanes}


def keep_ratio(prefix, k):
    return {f"{prefix}.operating_point.keep_ratio": k,
            f"{prefix}.operating_point.kv_union_fraction": min(1.0, U_PER_K * k)}

MOE = "platform/configs/wafer_moe.yaml"
MOE_DIES = 64
# Two simulated MoE layers (scaled to the model's), 64 sequences per group: well under a second.
MOE_BASE = {"orch.sample_layers": 2, "orch.batch_per_group": 64}
# Two wafers of 8 x 8 dies side by side (wafers_x = 2), joined by one inter-wafer link per edge
# die pair (inter_wafer_links: [] = all 8; a list = those rows).
MOE_2W = dict(MOE_BASE, wafers_x=2)
# Work: every layer a MoE layer (no dense layers) and every layer simulated (no sampling), so
# the work is the layer count; k times more layers, about k times the time and energy.
MOE_LAYERS = counter("orch", "moe_layers_simulated")
# NVL72: the same model and workload on 72 GPUs behind one NVLink switch (MOE_BASE: ~0.1 s a run).
NVL72 = "platform/configs/nvl72_moe.yaml"
NVL72_DEVICES = 72
NVL72_TIME = faster("iteration time [s]", headline("orch.iteration_time"), 1.5)

MESH = "platform/configs/examples/mesh_4x4.yaml"
MESH_GENERATORS = ("g0", "g1", "g2", "g3")
HBM = "platform/configs/examples/hbm_stream.yaml"
SRAM = "test/physics/configs/sram_random.yaml"


def moe_layers(layers):
    return {"orch.model.layers": layers, "orch.model.dense_layers": 0, "orch.sample_layers": 0}


def moe_hbm(tbs, dies=MOE_DIES):
    # Every die's HBM module at 0.8 of the peak (achievable rate); the orchestrator's attention
    # roofline reads it from the modules.
    return {f"hbm{d}.bandwidth": f"{0.8 * tbs:g} TB/s" for d in range(dies)}


def spatial_tiles(stats):
    c = stats["modules"]["orch"]["counters"]
    return c["rounds"]["value"] * c["tile_groups"]["value"] * c["tile_group"]["value"]


def generated_spatial_config(cores):
    width, height = MESHES[cores]
    return f"gen:{width}x{height}"


def mesh_injection(interval_ns):
    settings = {}
    for g in MESH_GENERATORS:
        settings.update({f"{g}.outstanding": 8, f"{g}.issue_interval": f"{interval_ns} ns"})
    return settings


def accepted_throughput(stats):
    sent = sum(stats["modules"][g]["counters"]["bytes"]["value"] for g in MESH_GENERATORS)
    return sent / simulated_time(stats)


SWEEPS = [
    # --- STAR single core ----------------------------------------------------------------------
    Sweep("star/hbm_data_rate", STAR, "hbm.data_rate (fast timing)", [0.125, 0.25, 0.5, 1, 2, 4, 8],
          lambda v: {"hbm.data_rate": f"{v} Gb/s"}, [faster("latency [s]", headline("ctrl.latency"), 1.5)], STAR_BASE, "Gb/s"),
    Sweep("star/hbm_data_rate_detailed", STAR, "hbm.data_rate (detailed timing)",
          [0.25, 0.5, 1, 2, 4, 8], lambda v: {"hbm.data_rate": f"{v} Gb/s", "hbm.timing": "detailed"},
          [faster("latency [s]", headline("ctrl.latency"), 1.2)], STAR_BASE, "Gb/s"),
    Sweep("star/hbm_stacks", STAR, "hbm.stacks (8 channels each)", [1, 2, 4, 8],
          lambda v: {"hbm.stacks": v}, [STAR_TIME], STAR_BASE),
    Sweep("star/hbm_stacks_detailed", STAR, "hbm.stacks (detailed timing)", [1, 2, 4, 8],
          lambda v: {"hbm.stacks": v, "hbm.timing": "detailed"}, [STAR_TIME], STAR_BASE),
    Sweep("star/sram_banks", STAR, "token + weight SRAM banks", [1, 2, 4, 8, 16, 32],
          lambda v: {"token_sram.banks": v, "weight_sram.banks": v}, [faster("latency [s]", headline("ctrl.latency"), 1.5)], STAR_BASE),
    Sweep("star/sram_bus_bandwidth", STAR, "sram_bus.bandwidth", [32, 64, 128, 256, 512, 2048],
          lambda v: {"sram_bus.bandwidth": f"{v} GB/s"}, [faster("latency [s]", headline("ctrl.latency"), 1.5)], STAR_BASE, "GB/s"),
    Sweep("star/stage_buffers", STAR, "ctrl.stage_buffers (tiles between stages)", [1, 2, 4, 8],
          lambda v: {"ctrl.stage_buffers": v}, [STAR_TIME], STAR_BASE),
    Sweep("star/unit_lanes", STAR, "lanes of every unit (T = 128 rows)", [16, 32, 64, 128, 256],
          unit_lanes, [faster("latency [s]", headline("ctrl.latency"), 1.5)], STAR_BASE),
    # Fewer rows per block on 128 lanes: never faster per row (time for 512 queries).
    Sweep("star/rows_per_block", STAR, "ctrl.workload.query_block T (512 queries)", [16, 32, 64, 128],
          lambda v: {"ctrl.workload.query_block": v, "ctrl.workload.queries": 512}, [faster("latency [s]", headline("ctrl.latency"), 1.5)], STAR_BASE),
    # One block with fewer queries than lanes: the time per query row never falls with fewer
    # rows (bound: per-row time falls at most as fast as rows rise = the block is never faster).
    Sweep("star/rows_occupied", STAR, "ctrl.workload.queries in one block of T = 128", [8, 16, 32, 64, 128],
          lambda v: {"ctrl.workload.queries": v},
          [Figure("latency per query row [s]",
                  lambda s: s["headline"]["ctrl.latency"]["value"] / _queries(s), rises=False),
           Figure("latency [s]", headline("ctrl.latency"), rises=True)], STAR_BASE),
    # Keys of one query block, fixed Bc: tiles grow with S, the time with the tiles.
    Sweep("star/seq_len_tiles", STAR, "ctrl.workload.seq_len (128 queries, Bc = 256)",
          [1024, 2048, 4096, 8192, 16384, 32768],
          lambda v: {"ctrl.workload.seq_len": v, "ctrl.workload.queries": 128, "ctrl.workload.tile_length": 256,
                     "ctrl.tiling": "fixed"},
          [Figure("latency [s]", headline("ctrl.latency"), rises=True, bound=False,
                  linear_in=STAR_TILES),
           Figure("energy [J]", TOTAL_ENERGY, rises=True, bound=False, linear_in=STAR_TILES)],
          STAR_BASE),
    # Self-attention prefill at a fixed tile shape: tiles (and work) grow with S^2.
    Sweep("star/seq_len_prefill", STAR, "ctrl.workload.seq_len (queries = S, Bc = 256)",
          [512, 1024, 2048, 4096, 8192],
          lambda v: {"ctrl.workload.seq_len": v, "ctrl.workload.tile_length": 256, "ctrl.tiling": "fixed"},
          [Figure("latency [s]", headline("ctrl.latency"), rises=True, bound=False,
                  linear_in=STAR_TILES)], STAR_BASE),
    Sweep("star/keep_ratio", STAR, "ctrl.operating_point.keep_ratio k (u = 1.36 k)", [0.01, 0.02, 0.05, 0.1, 0.2, 0.4],
          lambda v: keep_ratio("ctrl", v),
          [Figure("latency [s]", headline("ctrl.latency"), rises=True),
           Figure("energy [J]", TOTAL_ENERGY, rises=True)], STAR_BASE),
    Sweep("star/unit_clock", STAR, "clock of every unit", [0.25, 0.5, 1, 2, 4],
          lambda v: star_units("clock", f"{v} GHz"), [faster("latency [s]", headline("ctrl.latency"), 1.5)], STAR_BASE, "GHz"),
    # --- Spatial-STAR ---------------------------------------------------------------------------
    Sweep("spatial_star/link_bandwidth", SPATIAL, "noc.link.bandwidth (ring)",
          [8, 16, 32, 64, 128, 256, 512], lambda v: {"noc.link.bandwidth": f"{v} GB/s"},
          [faster("latency [s]", headline("orch.latency"), 1.5)], SPATIAL_BASE, "GB/s"),
    Sweep("spatial_star/hbm_bandwidth", SPATIAL, "bandwidth of each of the 4 HBM stacks",
          [16, 32, 64, 128, 256, 512, 1024],
          lambda v: {f"hbm{i}.bandwidth": f"{v} GB/s" for i in range(4)},
          [faster("latency [s]", headline("orch.latency"), 1.2)], SPATIAL_BASE, "GB/s"),
    Sweep("spatial_star/link_bandwidth_hybrid", SPATIAL, "noc.link.bandwidth (hybrid, rings of 4)",
          [16, 32, 64, 128, 256, 512],
          lambda v: {"noc.link.bandwidth": f"{v} GB/s", "orch.dataflow": "hybrid"},
          [faster("latency [s]", headline("orch.latency"), 1.5)], SPATIAL_BASE, "GB/s"),
    Sweep("spatial_star/kv_buffers", SPATIAL, "kv_buffers of every core (ring, 32 GB/s links)",
          [2, 3, 4, 8], lambda v: {"kv_buffers": v, "noc.link.bandwidth": "32 GB/s"},
          [faster("latency [s]", headline("orch.latency"))], SPATIAL_BASE,
          expected_failure={"latency [s]": (
              "4 buffers are 0.3% slower than 3 (721.9 -> 724.0 us; monotone at 128 GB/s): with "
              "a fourth buffer the successor's credit comes earlier, so forwards start earlier "
              "and share first-come links with the HBM fetches on the critical path (mean packet "
              "latency 2501 -> 2513 ns). Not a flow-control gap: a forward waits for the "
              "successor's credit, which travels on the control network")}),
    Sweep("spatial_star/cores", "", "cores (ring; 1x1 .. 4x4 mesh)", [1, 2, 4, 8, 16],
          lambda v: {}, [faster("latency [s]", headline("orch.latency"), 1.5)], SPATIAL_BASE, config_of=generated_spatial_config),
    # 2048 queries (one block per core), keys S: at least one tile group per ring member, so
    # the waves are full and the work grows with the tiles.
    Sweep("spatial_star/seq_len", SPATIAL, "orch.workload.seq_len (2048 queries, ring)",
          [4096, 8192, 16384, 32768], lambda v: {"orch.workload.seq_len": v, "orch.workload.queries": 2048},
          [Figure("latency [s]", headline("orch.latency"), rises=True, bound=False,
                  linear_in=spatial_tiles),
           Figure("energy [J]", TOTAL_ENERGY, rises=True, bound=False, linear_in=spatial_tiles)],
          SPATIAL_BASE),
    # star/unit_lanes, star/unit_clock and star/keep_ratio on every core of the 4 x 4 mesh.
    Sweep("spatial_star/unit_lanes", SPATIAL, "lanes of every unit of every core (T = 128 rows)",
          [16, 32, 64, 128, 256], lambda v: spatial_units(unit_lanes(v)), [SPATIAL_TIME], SPATIAL_BASE),
    Sweep("spatial_star/unit_clock", SPATIAL, "clock of every unit of every core", [0.25, 0.5, 1, 2, 4],
          lambda v: spatial_units(star_units("clock", f"{v} GHz")), [SPATIAL_TIME], SPATIAL_BASE, "GHz"),
    Sweep("spatial_star/keep_ratio", SPATIAL, "orch.operating_point.keep_ratio k (u = 1.36 k)",
          [0.01, 0.02, 0.05, 0.1, 0.2, 0.4], lambda v: keep_ratio("orch", v),
          [Figure("latency [s]", headline("orch.latency"), rises=True),
           Figure("energy [J]", TOTAL_ENERGY, rises=True)], SPATIAL_BASE),
    # --- wafer-scale MoE ------------------------------------------------------------------------
    Sweep("wafer_moe/d2d_bandwidth", MOE, "net.link.bandwidth (D2D)",
          [56.25, 112.5, 225, 450, 900, 1800, 3600], lambda v: {"net.link.bandwidth": f"{v} GB/s"},
          [faster("iteration time [s]", headline("orch.iteration_time"), 1.2)], MOE_BASE, "GB/s"),
    Sweep("wafer_moe/d2d_latency", MOE, "net.link.latency (per hop)", [10, 30, 100, 300, 1000],
          lambda v: {"net.link.latency": f"{v} ns"},
          [Figure("iteration time [s]", headline("orch.iteration_time"), rises=True, bound=False)],
          MOE_BASE, "ns"),
    Sweep("wafer_moe/hbm_bandwidth", MOE, "die HBM bandwidth", [1, 2, 4, 8, 16, 32], moe_hbm,
          [faster("iteration time [s]", headline("orch.iteration_time"), 1.5)], MOE_BASE, "TB/s"),
    Sweep("wafer_moe/compute_peak", MOE, "peak_bf16 of every die's compute engine",
          [140.625, 281.25, 562.5, 1125, 2250, 4500],
          lambda v: {f"compute{d}.peak_bf16": f"{v} TFLOPS" for d in range(MOE_DIES)}, [faster("iteration time [s]", headline("orch.iteration_time"), 1.5)], MOE_BASE, "TFLOPS"),
    Sweep("wafer_moe/batch", MOE, "orch.batch_per_group", [1, 4, 16, 64, 256],
          lambda v: {"orch.batch_per_group": v},
          [Figure("iteration time [s]", headline("orch.iteration_time"), rises=True),
           Figure("tokens/s per device", headline("orch.moe_tokens_per_second_per_device"),
                  rises=True)], MOE_BASE),
    Sweep("wafer_moe/layers", MOE, "MoE layers (all simulated, no dense layers)", [1, 2, 4, 8, 16, 32],
          moe_layers,
          [Figure("iteration time [s]", headline("orch.iteration_time"), rises=True, linear_in=MOE_LAYERS),
           Figure("energy [J]", TOTAL_ENERGY, rises=True, linear_in=MOE_LAYERS)], MOE_BASE),
    # Two wafers: the links between them (D2D links inside each wafer at 900 GB/s). `combine:
    # auto` picks the owner all-gather at 900 GB/s only (the reverse all-reduce elsewhere).
    Sweep("wafer_moe/inter_wafer_bandwidth", MOE, "net.inter_wafer_link.bandwidth (2 wafers)",
          [14.0625, 28.125, 56.25, 112.5, 225, 450, 900, 1800, 3600],
          lambda v: {"net.inter_wafer_link.bandwidth": f"{v} GB/s"},
          [faster("iteration time [s]", headline("orch.iteration_time"), 1.5),
           faster("attention all-reduce [s]", counter("orch", "time.attention_allreduce"), 1.5)],
          MOE_2W, "GB/s"),
    Sweep("wafer_moe/inter_wafer_links", MOE, "inter-wafer links (2 wafers; rows 0, 0 4, 0 2 4 6, all 8)",
          [1, 2, 4, 8], lambda v: {"inter_wafer_links": "[]" if v == 8 else
                                   "[" + ",".join(str(r) for r in range(0, 8, 8 // v)) + "]"},
          [faster("iteration time [s]", headline("orch.iteration_time"))], MOE_2W),
    # --- NVL72 (single-hop NVLink switch) -------------------------------------------------------
    Sweep("nvl72/switch_bandwidth", NVL72, "net.bandwidth (NVLink per GPU per direction)",
          [28.125, 56.25, 112.5, 225, 450, 900, 1800, 3600], lambda v: {"net.bandwidth": f"{v} GB/s"},
          [NVL72_TIME, faster("dispatch [s]", counter("orch", "time.dispatch"), 1.5)], MOE_BASE, "GB/s"),
    Sweep("nvl72/switch_latency", NVL72, "net.latency (one switch hop)", [0.1, 0.3, 1, 3, 10],
          lambda v: {"net.latency": f"{v} us"},
          [Figure("iteration time [s]", headline("orch.iteration_time"), rises=True, bound=False)],
          MOE_BASE, "us"),
    # A DGX-class cluster: nodes of 8 GPUs, one NIC per GPU between nodes.
    Sweep("nvl72/scale_out_bandwidth", NVL72, "net.scale_out_bandwidth (nodes of 8)",
          [6.25, 12.5, 25, 50, 100, 200, 400, 800],
          lambda v: {"net.node_size": 8, "net.scale_out_bandwidth": f"{v} GB/s"}, [NVL72_TIME],
          MOE_BASE, "GB/s"),
    Sweep("nvl72/hbm_bandwidth", NVL72, "GPU HBM bandwidth", [1, 2, 4, 8, 16, 32],
          lambda v: moe_hbm(v, NVL72_DEVICES), [NVL72_TIME], MOE_BASE, "TB/s"),
    Sweep("nvl72/compute_peak", NVL72, "peak_bf16 of every GPU's compute engine",
          [140.625, 281.25, 562.5, 1125, 2250, 4500],
          lambda v: {f"compute{d}.peak_bf16": f"{v} TFLOPS" for d in range(NVL72_DEVICES)},
          [NVL72_TIME], MOE_BASE, "TFLOPS"),
    Sweep("nvl72/layers", NVL72, "MoE layers (all simulated, no dense layers)", [1, 2, 4, 8, 16, 32],
          moe_layers,
          [Figure("iteration time [s]", headline("orch.iteration_time"), rises=True, linear_in=MOE_LAYERS),
           Figure("energy [J]", TOTAL_ENERGY, rises=True, linear_in=MOE_LAYERS)], MOE_BASE),
    # --- mesh ------------------------------------------------------------------------------------
    Sweep("mesh/link_bandwidth", MESH, "noc.link.bandwidth", [8, 16, 32, 64, 128, 256],
          lambda v: {"noc.link.bandwidth": f"{v} GB/s"},
          [faster("mean network latency [ns]", headline("noc.mean_network_latency"), 1.2),
           faster("finish time [s]", simulated_time, 1.2)], {}, "GB/s"),
    Sweep("mesh/link_bandwidth_wormhole", MESH, "noc.link.bandwidth (wormhole, 32 B flits, 2 VCs)",
          [8, 16, 32, 64, 128, 256],
          lambda v: {"noc.link.bandwidth": f"{v} GB/s", "noc.flow_control": "wormhole",
                     "noc.link.flit": "32 B", "noc.virtual_channels": 2},
          [faster("mean network latency [ns]", headline("noc.mean_network_latency"), 1.2),
           faster("finish time [s]", simulated_time, 1.2)], {}, "GB/s"),
    Sweep("mesh/input_buffer", MESH, "noc.input_buffer (cut-through, 16 GB/s links)",
          [512, 1024, 2048, 4096, 8192], lambda v: {"noc.input_buffer": f"{v} B",
                                                     "noc.link.bandwidth": "16 GB/s"},
          [faster("finish time [s]", simulated_time)], {}, "B"),
    Sweep("mesh/router_latency", MESH, "noc.router_latency", [0.5, 1, 2, 4, 8, 16],
          lambda v: {"noc.router_latency": f"{v} ns"},
          [Figure("mean network latency [ns]", headline("noc.mean_network_latency"), rises=True,
                  bound=False)], {}, "ns"),
    # Injection rate: each generator issues at most one transaction per interval (8 in flight).
    Sweep("mesh/injection_rate", MESH, "issue rate per generator (1 / issue_interval)",
          [1 / 256, 1 / 128, 1 / 64, 1 / 32, 1 / 16, 1 / 8, 1 / 4],
          lambda v: mesh_injection(round(1 / v)),
          [Figure("mean network latency [ns]", headline("noc.mean_network_latency"), rises=True,
                  bound=False, tolerance=0.005),
           Figure("accepted throughput [B/s]", accepted_throughput, rises=True)], {}, "1/ns"),
    # --- HBM ---------------------------------------------------------------------------------------
    Sweep("hbm/data_rate_fast", HBM, "hbm.data_rate (fast timing, 8 x 1 MiB in flight)",
          [0.5, 1, 2, 4, 8], lambda v: {"hbm.data_rate": f"{v} Gb/s", "hbm.timing": "fast"},
          [more("bandwidth [B/s]", counter("hbm", "bandwidth"), 1.5)], {"dma.outstanding": 8}, "Gb/s"),
    Sweep("hbm/data_rate_detailed", HBM, "hbm.data_rate (detailed timing, 8 x 1 MiB in flight)",
          [0.5, 1, 2, 4, 8], lambda v: {"hbm.data_rate": f"{v} Gb/s", "hbm.timing": "detailed"},
          [more("bandwidth [B/s]", counter("hbm", "bandwidth"), 1.5)], {"dma.outstanding": 8}, "Gb/s"),
    # One channel (2 pseudo-channels x 4 bank groups): random row misses are bound by the banks.
    Sweep("hbm/bank_parallelism", HBM,
          "hbm.banks_per_group (1 channel, random 64 B reads, 32 in flight)",
          [1, 2, 4, 8], lambda v: {"hbm.banks_per_group": v, "hbm.timing": "detailed"},
          [more("bandwidth [B/s]", counter("hbm", "bandwidth"), 1.5)],
          {"dma.pattern": "random", "dma.size": "64 B", "dma.transactions": 4000,
           "dma.outstanding": 32, "hbm.stacks": 1, "hbm.channels_per_stack": 1}),
    Sweep("hbm/refresh_interval", HBM, "hbm.t_refi (random 64 B reads, detailed timing)",
          [0.975, 1.95, 3.9, 7.8], lambda v: {"hbm.t_refi": f"{v} us", "hbm.timing": "detailed"},
          [more("bandwidth [B/s]", counter("hbm", "bandwidth"))],
          {"dma.pattern": "random", "dma.size": "64 B", "dma.transactions": 4000,
           "dma.outstanding": 32}, "us"),
    # Little's law: more requests in flight never lower the bandwidth, at most proportionally more.
    Sweep("hbm/outstanding", HBM, "dma.outstanding (random 64 B reads, detailed timing)",
          [1, 2, 4, 8, 16, 32, 64], lambda v: {"dma.outstanding": v, "hbm.timing": "detailed"},
          [more("bandwidth [B/s]", counter("hbm", "bandwidth"), 1.5)], {"dma.pattern": "random", "dma.size": "64 B", "dma.transactions": 4000}),
    # --- SRAM --------------------------------------------------------------------------------------
    Sweep("sram/banks", SRAM, "sram.banks (random 64 B reads, 16 in flight)", [1, 2, 4, 8, 16, 32],
          lambda v: {"sram.banks": v}, [more("bandwidth [B/s]", counter("sram", "bandwidth"), 1.5)]),
    Sweep("sram/ports", SRAM, "sram.ports per bank", [1, 2, 4],
          lambda v: {"sram.ports": v}, [more("bandwidth [B/s]", counter("sram", "bandwidth"), 1.5)]),
    Sweep("sram/clock", SRAM, "sram.clock", [0.25, 0.5, 1, 2, 4],
          lambda v: {"sram.clock": f"{v} GHz"}, [more("bandwidth [B/s]", counter("sram", "bandwidth"), 1.5)], {}, "GHz"),
]


def _queries(stats):
    return float(stats["_settings"]["ctrl.workload.queries"])


# Determinism: the base of each platform run twice (seeded random traffic where there is any).
DETERMINISM = {
    "star": (STAR, STAR_BASE),
    "spatial_star": (SPATIAL, SPATIAL_BASE),
    "wafer_moe": (MOE, MOE_BASE),
    "nvl72": (NVL72, MOE_BASE),
    "mesh": (MESH, {"platform.seed": 7}),
    "hbm": (HBM, {"dma.pattern": "random", "dma.size": "64 B", "dma.transactions": 4000,
                  "dma.outstanding": 16, "hbm.timing": "detailed", "platform.seed": 3}),
    "sram": (SRAM, {"platform.seed": 5}),
}


# --- running ---------------------------------------------------------------------------------

class RunError(Exception):
    pass


def resolve_config(config, scratch):
    if not config.startswith("gen:"):
        return os.path.join(ROOT, config)
    width, height = (int(n) for n in config[4:].split("x"))
    path = os.path.join(scratch, f"spatial_star_{width}x{height}.yaml")
    if not os.path.exists(path):
        command = [sys.executable, os.path.join(ROOT, "scripts", "gen_spatial_star_config"),
                   "--width", str(width), "--height", str(height), "--output", path]
        if width * height == 1:
            command += ["--hbm-nodes", "W0"]
        subprocess.run(command, check=True, capture_output=True)
    return path


def run(binary, config, settings, scratch):
    """One `spatialvp run`: (stats with its settings under "_settings", config.yaml, stderr)."""
    config_path = resolve_config(config, scratch)
    out = tempfile.mkdtemp(prefix="run_", dir=scratch)
    shutil.rmtree(out)
    command = [binary, "run", config_path, "--quiet", "--out", out]
    for key, value in settings.items():
        command += ["--set", f"{key}={value}"]
    env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
    result = subprocess.run(command, capture_output=True, text=True, env=env,
                            timeout=RUN_TIMEOUT_SECONDS)
    if result.returncode != 0:
        raise RunError(f"exit {result.returncode}: {' '.join(command)}\n{result.stderr[-2000:]}")
    with open(os.path.join(out, "stats.json")) as handle:
        stats = json.load(handle)
    with open(os.path.join(out, "config.yaml")) as handle:
        effective = yaml.safe_load(handle)
    shutil.rmtree(out, ignore_errors=True)
    if not stats["run"]["complete"]:
        raise RunError(f"run ended {stats['run']['end']}: {' '.join(command)}")
    stats["_settings"] = dict(settings)
    return stats, effective, result.stderr


@dataclass
class Row:
    value: object
    figure: str
    measured: float
    ratio: Optional[float]   # measured / previous point's
    expected: str
    ok: bool
    note: str = ""


def evaluate(sweep, results):
    """Rows of the table and the failures per figure, from [(value, stats)]."""
    rows, failures = [], {}
    for figure in sweep.figures:
        previous = None
        first_row = len(rows)
        for value, stats in results:
            measured = figure.extract(stats)
            ratio, ok, note = None, True, ""
            expected = "rises or equal" if figure.rises else "falls or equal"
            if figure.tolerance > 1e-6:
                expected += f" (+-{figure.tolerance:.1%} noise)"
            if previous is not None:
                prev_value, prev_measured, prev_stats = previous
                ratio = measured / prev_measured if prev_measured else math.inf
                step = float(value) / float(prev_value)
                if figure.rises:
                    ok = measured >= prev_measured * (1 - figure.tolerance)
                else:
                    ok = measured <= prev_measured * (1 + figure.tolerance)
                if not ok:
                    note = "wrong direction"
                if figure.bound:
                    expected += f", x{1 / step:.3g}..1" if not figure.rises else f", x1..{step:.3g}"
                    if figure.rises and ratio > step * (1 + BOUND_TOLERANCE):
                        ok, note = False, f"more than proportional (x{ratio:.3g} for x{step:.3g})"
                    if not figure.rises and ratio < (1 / step) * (1 - BOUND_TOLERANCE):
                        ok, note = False, f"more than proportional (x{ratio:.3g} for x{step:.3g})"
                if figure.first_gain is not None and len(rows) == first_row + 1:
                    gained = ratio if figure.rises else 1 / ratio
                    expected += f", gain >= x{figure.first_gain:g} (bound here)"
                    if gained < figure.first_gain:
                        ok, note = False, f"no response: x{gained:.3g} where this resource binds"
                if figure.linear_in is not None:
                    reference = figure.linear_in(stats) / figure.linear_in(prev_stats)
                    low, high = figure.band
                    expected += f", x{reference * low:.3g}..{reference * high:.3g} (work x{reference:.3g})"
                    if not low <= ratio / reference <= high:
                        ok, note = False, f"not linear in work: x{ratio:.3g} for work x{reference:.3g}"
            rows.append(Row(value, figure.name, measured, ratio, expected, ok, note))
            if not ok:
                failures.setdefault(figure.name, []).append(
                    f"{sweep.parameter} {previous[0]} -> {value}: {figure.name} "
                    f"{previous[1]:.6g} -> {measured:.6g} ({note})")
            previous = (value, measured, stats)
    return rows, failures


def run_sweep(binary, sweep, scratch, pool=None):
    """Runs every point; returns (rows, property failures, invariant failures)."""
    def point(value):
        settings = dict(sweep.base)
        settings.update(sweep.settings(value))
        config = sweep.config_of(value) if sweep.config_of else sweep.config
        stats, effective, _ = run(binary, config, settings, scratch)
        return value, stats, physics_checks.check_run(stats, effective)

    mapper = pool.map if pool else map
    points = list(mapper(point, sweep.values))
    invariant_failures = [f"{sweep.parameter} = {value}: {kind}: {problem}"
                          for value, _, found in points for kind, problems in found.items()
                          for problem in problems]
    rows, failures = evaluate(sweep, [(value, stats) for value, stats, _ in points])
    return rows, failures, invariant_failures


def determinism(binary, platform, scratch):
    config, settings = DETERMINISM[platform]
    first, second = (run(binary, config, settings, scratch)[0] for _ in range(2))
    for stats in (first, second):
        stats.pop("performance", None)
    if first == second:
        return []
    differing = [k for k in first["modules"] if first["modules"][k] != second["modules"].get(k)]
    return [f"{platform}: two runs of the same config differ (modules {differing[:5]}, "
            f"headline equal: {first['headline'] == second['headline']})"]


def ring_embedding(binary, scratch):
    """Spatial-STAR ring on odd and even meshes: a warning exactly when no unit-hop ring exists."""
    problems = []
    small = dict(SPATIAL_BASE, **{"orch.workload.seq_len": 2048})
    for width, height, warns in ((3, 3, True), (3, 2, False), (4, 4, False), (5, 3, True)):
        stats, effective, stderr = run(binary, f"gen:{width}x{height}", small, scratch)
        warned = "no ring of one-hop links" in stderr
        if warned != warns:
            problems.append(f"{width} x {height}: warning {'missing' if warns else 'unexpected'}: "
                            f"{stderr.strip()[:300]}")
        found = physics_checks.check_run(stats, effective)
        problems += [f"{width} x {height}: {kind}: {p}" for kind, ps in found.items() for p in ps]
    return problems


# --- command line ----------------------------------------------------------------------------

def test_names():
    names = [s.name for s in SWEEPS]
    names += [f"{platform}/determinism" for platform in DETERMINISM]
    names.append("spatial_star/ring_embedding")
    return names


def format_value(value):
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def print_table(sweep, rows, failures):
    mark = f"  [expected failure: {sweep.expected_failure}]" if sweep.expected_failure else ""
    print(f"\n{sweep.name}: {sweep.parameter}{f' [{sweep.unit}]' if sweep.unit else ''}{mark}")
    print(f"  {'value':>10}  {'figure':<28} {'measured':>12} {'ratio':>8}  {'expected':<44} result")
    for row in rows:
        ratio = "" if row.ratio is None else f"{row.ratio:.3f}"
        result = "pass" if row.ok else "FAIL " + row.note
        if not row.ok and row.figure in sweep.expected_failure:
            result = "xfail " + row.note
        print(f"  {format_value(row.value):>10}  {row.figure:<28} {row.measured:>12.5g} "
              f"{ratio:>8}  {row.expected:<44} {result}")


def judge(sweep, failures, invariant_failures):
    """Exit status of one sweep: expected failures must still fail, the rest must hold."""
    problems = list(invariant_failures)
    for figure, lines in failures.items():
        if figure not in sweep.expected_failure:
            problems += lines
    for figure, reason in sweep.expected_failure.items():
        if figure not in failures:
            problems.append(f"{figure}: marked as an expected failure ({reason}) but it holds now: "
                            "remove the mark")
        else:
            print(f"expected failure, {figure}: {reason}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, "build", "spatialvp"))
    parser.add_argument("--list", action="store_true", help="print the test names")
    parser.add_argument("--test", help="run one test (a sweep, determinism or ring check)")
    parser.add_argument("--table", action="store_true", help="run sweeps and print the table")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("names", nargs="*", help="with --table: sweeps to run (default all)")
    args = parser.parse_args()
    if args.list:
        print("\n".join(test_names()))
        return 0
    binary = os.path.abspath(args.binary)
    with tempfile.TemporaryDirectory(prefix="spatialvp_physics_") as scratch:
        if args.table:
            chosen = [s for s in SWEEPS if not args.names or s.name in args.names
                      or s.name.split("/")[0] in args.names]
            failed = 0
            with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
                for sweep in chosen:
                    rows, failures, invariant_failures = run_sweep(binary, sweep, scratch, pool)
                    print_table(sweep, rows, failures)
                    for line in invariant_failures:
                        print(f"  INVARIANT FAIL {line}")
                    failed += bool(judge(sweep, failures, invariant_failures))
            print(f"\n{len(chosen) - failed} of {len(chosen)} sweeps as expected"
                  " (pass, or an expected failure that still fails)")
            return 1 if failed else 0
        if not args.test:
            parser.error("give --list, --test NAME or --table")
        if args.test.endswith("/determinism"):
            problems = determinism(binary, args.test.split("/")[0], scratch)
        elif args.test == "spatial_star/ring_embedding":
            problems = ring_embedding(binary, scratch)
        else:
            sweep = next((s for s in SWEEPS if s.name == args.test), None)
            if sweep is None:
                parser.error(f"no test named {args.test}")
            rows, failures, invariant_failures = run_sweep(binary, sweep, scratch)
            print_table(sweep, rows, failures)
            problems = judge(sweep, failures, invariant_failures)
    for problem in problems:
        print("FAIL", problem)
    print("ok" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
