#pragma once
// Die, wafer system and switch (NVL72) parameters of the analytic MoE model. Every default is
// tagged with its source in docs/sources.md (W sections) (README "Parameters" lists them all).
#include <vector>

namespace spatialvp::moe {

// Datatype of the GEMMs and the stored weights; activations on the wire stay at the model
// preset's bytes_per_activation.
enum class Datatype { kBf16, kFp8 };

struct DieSpec {
  double peak_flops_bf16 = 2250e12;  // [S4] "2250 TFLOPS BF16" = HGX B200 dense BF16
  double peak_flops_fp8 = 4500e12;   // [I] public B200 dense FP8 = 2x BF16
  Datatype datatype = Datatype::kBf16;
  double compute_efficiency = 0.7;  // [I] achievable fraction of peak for expert GEMMs
  double hbm_bandwidth = 8e12;      // [S4] 8 TB/s
  double hbm_efficiency = 0.8;      // [I] achievable fraction of HBM bandwidth
  double hbm_capacity = 180e9;      // [S4] 180 GB
  double sram_bytes = 0.0;          // not found in any source: 0 = no weights pinned

  double peakFlops() const { return datatype == Datatype::kFp8 ? peak_flops_fp8 : peak_flops_bf16; }
};

struct WaferSystemSpec {
  int mesh_width = 8;  // [S4] 8x8 dies per wafer
  int mesh_height = 8;
  int wafers_x = 1;  // wafer arrangement; [I] grid, see MeshTopology
  int wafers_y = 1;
  double d2d_bandwidth = 900e9;          // [S4] 900 GB/s; [I] read as per link per direction
  double d2d_hop_latency = 100e-9;       // not found: [I] 100 ns per hop
  double inter_wafer_bandwidth = 900e9;  // not found: [I] same as a D2D link
  double inter_wafer_latency = 500e-9;   // not found: [I]
  // Positions along a facing wafer edge that carry an inter-wafer link (empty = every edge die).
  std::vector<int> inter_wafer_link_offsets;
  DieSpec die;

  int wafers() const { return wafers_x * wafers_y; }
};

// Wafer grid for a wafer count: as square as possible, wider than tall (4 -> 2x2, 2 -> 2x1).
WaferSystemSpec waferSystemWithWafers(int wafers, WaferSystemSpec base = {});

struct SwitchSystemSpec {
  int devices = 72;               // [P] NVL72 supernode, EP = 72
  double port_bandwidth = 900e9;  // [P/S4] NVLink-5 900 GB/s per direction per GPU
  double latency = 1e-6;          // not found: [I] single switch hop incl. software
  DieSpec die;                    // [I] same B200-class die as the wafer (isolates EP effect)
};

}  // namespace spatialvp::moe
