// The A100 baseline: roofline bounds, FlashAttention-2 vs dense attention, scaling with S,
// calibration anchors from the FlashAttention-2 paper, energy and comparison ratios.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include <algorithm>
#include <string>
#include <vector>

#include "workloads/attention/attention_preset_loader.h"
#include "workloads/baselines/a100_model.h"

namespace {

using namespace spatialvp::workloads;

const std::string kPresets = std::string(SPATIALVP_SOURCE_DIR) + "/platform/configs/presets/";

AttentionWorkload shape(std::uint64_t seq_len, std::uint64_t heads, std::uint64_t head_dim,
                        std::uint64_t batch = 1) {
  AttentionWorkload workload;
  workload.model = "test";
  workload.hidden_size = heads * head_dim;
  workload.heads = heads;
  workload.head_dim = head_dim;
  workload.seq_len = seq_len;
  workload.batch = batch;
  return workload;
}

// The shipped baseline (presets/a100.yaml states every value once).
A100Params shippedA100() {
  return loadA100Params(kPresets + "a100.yaml");
}

AttentionWorkload llama7b() {
  return loadAttentionWorkload(kPresets + "workloads/llama_7b.yaml");
}

const std::vector<A100AttentionKernel> kKernels = {A100AttentionKernel::DensePyTorch,
                                                   A100AttentionKernel::FlashAttention2};

}  // namespace

TEST_CASE("a100: the preset loads with its units converted") {
  const A100Params loaded = shippedA100();
  CHECK(loaded.peak_fp16_tensor_flops == Approx(312e12));       // 312 TFLOPS
  CHECK(loaded.hbm_bandwidth_bytes_per_s == Approx(1.555e12));  // 1555 GB/s
  CHECK(loaded.op_dispatch_s == Approx(5e-6));                  // 5 us
  CHECK(loaded.board_power_w == Approx(400.0));                 // 400 W
  CHECK(loaded.sm_count == 108);
}

TEST_CASE("a100: preset loader rejects unknown keys and impossible values") {
  const std::string text = "peak_fp16_tensor: 312 TFLOPS\nturbo: 1\n";
  CHECK_THROWS_WITH(parseA100Params(text, "a.yaml"),
                    Catch::StartsWith("a.yaml:2:1: 'turbo': unknown key"));
  CHECK_THROWS_WITH(parseA100Params("peak_fp16_tensor: 312 TFLOPS\n", "a.yaml"),
                    Catch::Contains("'hbm_bandwidth': missing required parameter"));
  // Units are checked: a bandwidth where a compute rate belongs is located at its value.
  CHECK_THROWS_WITH(parseA100Params("peak_fp16_tensor: 312 GB/s\n", "a.yaml"),
                    Catch::StartsWith("a.yaml:1:19: 'peak_fp16_tensor'"));
  // A semantic check on the assembled struct points at the preset key behind the field.
  std::string shipped;
  {
    std::ifstream in(kPresets + "a100.yaml");
    std::stringstream buffer;
    buffer << in.rdbuf();
    shipped = buffer.str();
  }
  const auto idle = shipped.find("idle_power: 50 W");
  REQUIRE(idle != std::string::npos);
  shipped.replace(idle, std::string("idle_power: 50 W").size(), "idle_power: 450 W");
  CHECK_THROWS_WITH(parseA100Params(shipped, "a.yaml"),
                    Catch::Contains("'idle_power': must be in [0, board_power_w)"));
  A100Params params = shippedA100();
  params.idle_power_w = 500.0;
  CHECK_THROWS_WITH(A100Model(params), Catch::Contains("idle_power_w"));
}

TEST_CASE("a100: no kernel runs above peak compute or peak bandwidth") {
  const A100Model model{shippedA100()};
  const A100Params& p = model.params();
  std::vector<AttentionWorkload> workloads;
  for (const char* name :
       {"bert_base", "bert_large", "gpt2", "bloom_1b7", "llama_7b", "llama_13b", "pvt"}) {
    workloads.push_back(loadAttentionWorkload(kPresets + "workloads/" + name + ".yaml"));
  }
  workloads.push_back(shape(65536, 32, 128));
  workloads.push_back(shape(64, 1, 64));
  for (const AttentionWorkload& workload : workloads) {
    for (A100AttentionKernel kernel : kKernels) {
      for (A100Scope scope : {A100Scope::AttentionCore, A100Scope::AttentionWithQkvProjection}) {
        INFO(workload.model << " S=" << workload.seq_len << " " << a100AttentionKernelName(kernel));
        const A100Estimate estimate = model.estimateLayer(workload, kernel, scope);
        CHECK(estimate.achieved_flops_per_s <= p.peak_fp16_tensor_flops);
        CHECK(estimate.hbm_bytes / estimate.time_s <= p.hbm_bandwidth_bytes_per_s);
        for (const A100KernelTiming& timing : estimate.kernels) {
          INFO(timing.name);
          CHECK(timing.flops / timing.time_s <= p.peak_fp16_tensor_flops);
          CHECK(timing.hbm_bytes / timing.time_s <= p.hbm_bandwidth_bytes_per_s);
          CHECK(timing.time_s >= p.op_dispatch_s);
        }
      }
    }
  }
}

TEST_CASE("a100: FlashAttention-2 is 3-10x faster than dense attention at long S") {
  // FlashAttention-2 paper, section 4: "3-10x faster than a standard attention implementation".
  // The FA-2 efficiency is the paper's head-dim-128 figure; its head-dim-64 kernel is slower,
  // so at d = 64 the model overshoots the published top of the range slightly (up to ~10.4x).
  const A100Model model{shippedA100()};
  for (std::uint64_t seq_len : {1024u, 2048u, 4096u, 8192u, 16384u}) {
    for (std::uint64_t head_dim : {64u, 128u}) {
      INFO("S=" << seq_len << " d=" << head_dim);
      const AttentionWorkload workload = shape(seq_len, 2048 / head_dim, head_dim);
      const double dense = model.estimateLayer(workload, A100AttentionKernel::DensePyTorch).time_s;
      const double flash =
          model.estimateLayer(workload, A100AttentionKernel::FlashAttention2).time_s;
      CHECK(dense / flash >= 3.0);
      CHECK(dense / flash <= (head_dim == 128 ? 10.0 : 11.0));
    }
  }
}

TEST_CASE("a100: FlashAttention-2 reaches the paper's 73% only with full waves") {
  const A100Model model{shippedA100()};
  // The paper's benchmark: 16k tokens, hidden 2048, head dim 128 -> up to 230 TFLOPs/s.
  const A100Estimate full =
      model.estimateLayer(shape(16384, 16, 128), A100AttentionKernel::FlashAttention2);
  CHECK(full.achieved_flops_per_s == Approx(230e12).epsilon(0.02));
  // BERT-base at S=512: 12 heads x 4 query blocks = 48 CTAs on 108 SMs.
  const A100Estimate short_run =
      model.estimateLayer(shape(512, 12, 64), A100AttentionKernel::FlashAttention2);
  CHECK(short_run.achieved_flops_per_s < 0.5 * full.achieved_flops_per_s);
}

TEST_CASE("a100: time grows with S squared at long S and hits the dispatch floor at short S") {
  const A100Model model{shippedA100()};
  for (A100AttentionKernel kernel : kKernels) {
    INFO(a100AttentionKernelName(kernel));
    const double t4k = model.estimateLayer(shape(4096, 32, 128), kernel).time_s;
    const double t8k = model.estimateLayer(shape(8192, 32, 128), kernel).time_s;
    const double t16k = model.estimateLayer(shape(16384, 32, 128), kernel).time_s;
    CHECK(t8k / t4k == Approx(4.0).epsilon(0.06));
    CHECK(t16k / t8k == Approx(4.0).epsilon(0.06));
    // Batch is linear once the GPU is full.
    const double t4k_b2 = model.estimateLayer(shape(4096, 32, 128, 2), kernel).time_s;
    CHECK(t4k_b2 / t4k == Approx(2.0).epsilon(0.06));
  }
  const A100Params p = shippedA100();
  const A100Estimate tiny =
      model.estimateLayer(shape(64, 1, 64), A100AttentionKernel::DensePyTorch);
  CHECK(tiny.kernels.size() == 2 + p.dense_elementwise_passes);
  CHECK(tiny.time_s == Approx(static_cast<double>(tiny.kernels.size()) * p.op_dispatch_s));
}

TEST_CASE("a100: dense attention at Llama-7B S=4096 is bound by score-matrix traffic") {
  const A100Model model{shippedA100()};
  const A100Params& p = model.params();
  const A100Estimate dense = model.estimateLayer(llama7b(), A100AttentionKernel::DensePyTorch);
  // Score tensor: 32 heads x 4096 x 4096 x 2 B, written once, read and written by 3 passes, read
  // once: 8 crossings.
  const double score_bytes = 32.0 * 4096 * 4096 * 2;
  const double floor_s =
      8.0 * score_bytes / (p.hbm_bandwidth_bytes_per_s * p.hbm_bandwidth_efficiency);
  CHECK(dense.time_s >= floor_s);
  CHECK(dense.time_s <= 1.05 * floor_s);
  CHECK(dense.flops == Approx(274.877906944e9));
  const A100Estimate flash = model.estimateLayer(llama7b(), A100AttentionKernel::FlashAttention2);
  CHECK(flash.kernels.size() == 1);
  CHECK(flash.kernels[0].compute_s > 10.0 * flash.kernels[0].memory_s);
}

TEST_CASE("a100: QKV projection scope adds the projection GEMMs") {
  const A100Model model{shippedA100()};
  const AttentionWorkload workload = llama7b();
  for (A100AttentionKernel kernel : kKernels) {
    const A100Estimate core = model.estimateLayer(workload, kernel);
    const A100Estimate with_qkv =
        model.estimateLayer(workload, kernel, A100Scope::AttentionWithQkvProjection);
    CHECK(with_qkv.flops - core.flops ==
          Approx(static_cast<double>(workload.qkvProjectionOpsPerLayer())));
    CHECK(with_qkv.kernels.size() == core.kernels.size() + 3);
    CHECK(with_qkv.time_s > core.time_s);
  }
}

TEST_CASE("a100: energy is dynamic power times time, a model is layers times a layer") {
  const A100Model model{shippedA100()};
  const AttentionWorkload workload = llama7b();
  for (A100AttentionKernel kernel : kKernels) {
    const A100Estimate layer = model.estimateLayer(workload, kernel);
    CHECK(layer.energy_j == Approx((400.0 - 50.0) * layer.time_s));
    const A100Estimate all = model.estimateModel(workload, kernel);
    CHECK(all.time_s == Approx(32.0 * layer.time_s));
    CHECK(all.energy_j == Approx(32.0 * layer.energy_j));
    CHECK(all.achieved_flops_per_s == Approx(layer.achieved_flops_per_s));
  }
}

TEST_CASE("a100: comparison gives speedup and energy-efficiency ratios") {
  A100Estimate a100;
  a100.time_s = 6e-3;
  a100.energy_j = 2.1;
  const A100Comparison comparison = compareWithA100(a100, 1e-3, 0.03);
  CHECK(comparison.speedup == Approx(6.0));
  CHECK(comparison.energy_efficiency_ratio == Approx(70.0));
  CHECK_THROWS_AS(compareWithA100(a100, 0.0, 0.03), std::invalid_argument);
  CHECK_THROWS_AS(compareWithA100(a100, 1e-3, -1.0), std::invalid_argument);
}

TEST_CASE("a100 eager: short sequences are bound by the host, long ones by the kernels") {
  const A100Model model(shippedA100());
  const A100Params& p = model.params();
  // BERT-base at S = 128: every op's host time exceeds its kernel, so the time is the host's.
  AttentionWorkload small = shape(128, 12, 64);
  const A100Estimate bert = model.estimateEager(small, HfAttentionModule::Bert);
  const auto ops = eagerAttentionOps(small, HfAttentionModule::Bert, false, 2);
  std::size_t kernels = 0;
  for (const auto& op : ops)
    kernels += op.kind != EagerOp::Kind::Metadata;
  CHECK(bert.launches == kernels);
  CHECK(bert.host_s == Approx(static_cast<double>(ops.size()) * p.eager_host_per_op_s +
                              static_cast<double>(kernels) * p.eager_launch_s));
  CHECK(bert.time_s == Approx(bert.host_s + p.eager_min_kernel_s).epsilon(0.05));
  CHECK(bert.device_s < 0.5 * bert.time_s);
  // Llama-7B at S = 4096: the kernels (score traffic) dominate and the host hides behind them.
  const A100Estimate llama = model.estimateEager(llama7b(), HfAttentionModule::Llama);
  CHECK(llama.time_s == Approx(llama.device_s).epsilon(0.01));
  CHECK(llama.host_s < 0.01 * llama.time_s);
  // Dynamic energy is drawn only while kernels run.
  CHECK(bert.energy_j == Approx(bert.device_s * p.dynamicPowerW()));
  CHECK(bert.energy_j / bert.time_s < 0.5 * p.dynamicPowerW());
}

TEST_CASE("a100 eager: FP32 softmax and the projections cost what their bytes and FLOPs say") {
  const A100Model model(shippedA100());
  const AttentionWorkload llama = llama7b();
  // Same shape through Llama's module (FP32 softmax + cast back) and BERT's (FP16 softmax):
  // Llama moves 2 + 4 + 4 + 2 bytes per score in softmax and cast against BERT's 2 + 2.
  const A100Estimate fp32 = model.estimateEager(llama, HfAttentionModule::Llama);
  const A100Estimate fp16 = model.estimateEager(llama, HfAttentionModule::Bert);
  const double scores = 32.0 * 4096 * 4096;
  double fp32_softmax_bytes = 0, fp16_softmax_bytes = 0;
  for (const auto& kernel : fp32.kernels) {
    if (kernel.name == "softmax_fp32" || kernel.name == "to_fp16")
      fp32_softmax_bytes += kernel.hbm_bytes;
  }
  for (const auto& kernel : fp16.kernels) {
    if (kernel.name == "softmax")
      fp16_softmax_bytes += kernel.hbm_bytes;
  }
  CHECK(fp32_softmax_bytes == Approx(scores * 12));
  CHECK(fp16_softmax_bytes == Approx(scores * 4));
  CHECK(fp32.time_s > fp16.time_s);
  // With the projections: three S x H x H GEMMs and the rotary embedding's kernels are added.
  const A100Estimate layer =
      model.estimateEager(llama, HfAttentionModule::Llama, A100Scope::AttentionWithQkvProjection);
  CHECK(layer.flops - fp32.flops == Approx(3 * 2.0 * 4096 * 4096 * 4096));
  CHECK(layer.launches > fp32.launches + 3);
  CHECK(layer.time_s > fp32.time_s);
  // The fused QKV projection of GPT-2 is one launch where Llama has three.
  const auto gpt2 = eagerAttentionOps(llama, HfAttentionModule::Gpt2, true, 2);
  const auto qkv = std::count_if(gpt2.begin(), gpt2.end(),
                                 [](const EagerOp& op) { return op.name == "qkv_proj"; });
  CHECK(qkv == 1);
  CHECK_THROWS_AS(parseHfAttentionModule("t5"), std::invalid_argument);
}
