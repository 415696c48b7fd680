#include "platform/cli/star_algo_command.h"

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "workloads/star/npy_file.h"
#include "workloads/star/star_figures.h"
#include "workloads/star/synthetic_workload.h"
#include "workloads/star/tiling_planner.h"

namespace spatialvp::cli {
namespace {

using namespace spatialvp::star;

struct StarAlgoOptions {
  std::size_t seq_len = 1024;
  std::size_t head_dim = 64;
  std::size_t hidden = 0;  // 0 = 12 x head dim
  std::size_t queries = 0;
  std::size_t block = 128;
  std::size_t tiles = 4;
  std::size_t tile_length = 0;
  double keep = 0.25;
  double radius = INFINITY;
  std::uint64_t seed = 1;
  std::string row_type = "mix";
  std::string order = "descending";
  std::string kv_policy = "cache";
  bool tokens = false;
  bool psp = false;
  bool simulate_sorter = false;
  std::string q_file, k_file, v_file, x_file, wq_file, wk_file, wv_file;
  std::string json_file;
  std::size_t plan_heads = 0;  // > 0: also print a tiling plan for this many heads
};

// Input errors (exit code 2).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

MatrixD multiply(const MatrixD& a, const MatrixD& b) {
  MatrixD out(a.rows(), b.cols(), 0.0);
  for (std::size_t i = 0; i < a.rows(); ++i) {
    for (std::size_t k = 0; k < a.cols(); ++k) {
      const double aik = a(i, k);
      for (std::size_t j = 0; j < b.cols(); ++j) {
        out(i, j) += aik * b(k, j);
      }
    }
  }
  return out;
}

AttentionWorkload loadWorkload(const StarAlgoOptions& o, std::string& description) {
  const bool qkv = !o.q_file.empty() || !o.k_file.empty() || !o.v_file.empty();
  const bool tokens =
      !o.x_file.empty() || !o.wq_file.empty() || !o.wk_file.empty() || !o.wv_file.empty();
  if (qkv && tokens) {
    throw UsageError("give either --q/--k/--v or --x/--wq/--wk/--wv, not both");
  }
  AttentionWorkload w;
  if (qkv) {
    if (o.q_file.empty() || o.k_file.empty() || o.v_file.empty()) {
      throw UsageError("--q, --k and --v must be given together");
    }
    w.k = readNpyMatrix(o.k_file, "K");
    w.q = readNpyMatrix(o.q_file, "Q (queries x head dim)", 0, w.k.cols());
    w.v = readNpyMatrix(o.v_file, "V (one row per key)", w.k.rows(), w.k.cols());
    w.hidden_size = o.hidden ? o.hidden : 12 * w.k.cols();
    description = "npy Q " + o.q_file + ", K " + o.k_file + ", V " + o.v_file;
    return w;
  }
  if (tokens) {
    if (o.x_file.empty() || o.wq_file.empty() || o.wk_file.empty() || o.wv_file.empty()) {
      throw UsageError("--x, --wq, --wk and --wv must be given together");
    }
    w.x = readNpyMatrix(o.x_file, "X (tokens x hidden)");
    w.wk = readNpyMatrix(o.wk_file, "W_k (hidden x head dim)", w.x.cols(), 0);
    w.wq = readNpyMatrix(o.wq_file, "W_q (hidden x head dim)", w.x.cols(), w.wk.cols());
    w.wv = readNpyMatrix(o.wv_file, "W_v (hidden x head dim)", w.x.cols(), w.wk.cols());
    const std::size_t queries = o.queries ? std::min(o.queries, w.x.rows()) : w.x.rows();
    w.q = multiply(w.x.sliceRows(0, queries), w.wq);
    w.k = multiply(w.x, w.wk);
    w.v = multiply(w.x, w.wv);
    w.hidden_size = w.x.cols();
    description = "npy X " + o.x_file + " with W_q/W_k/W_v";
    return w;
  }
  SyntheticConfig c;
  c.seq_len = o.seq_len;
  c.head_dim = o.head_dim;
  c.hidden_size = o.hidden ? o.hidden : 12 * o.head_dim;
  c.queries = o.queries;
  c.seed = o.seed;
  c.token_mode = o.tokens;
  if (o.row_type != "mix") {
    const RowType type = parseRowType(o.row_type);
    c.mix = RowTypeMix{type == RowType::I ? 1.0 : 0.0, type == RowType::II ? 1.0 : 0.0,
                       type == RowType::III ? 1.0 : 0.0};
  }
  description = "synthetic S=" + std::to_string(c.seq_len) + " d=" + std::to_string(c.head_dim) +
                " H=" + std::to_string(c.hidden_size) + " seed=" + std::to_string(c.seed) +
                " rows=" + o.row_type + (c.token_mode ? " (tokens + weights)" : " (Q/K/V)");
  return generateSyntheticWorkload(c);
}

// Shapes are checked before anything is allocated: the reference algorithms hold S x d
// matrices (S x H with --tokens) and spend O(S^2 d) time, so beyond these bounds a run would
// exhaust memory or take hours instead of failing at once.
constexpr std::size_t kMaxSeqLen = 65536;
constexpr std::size_t kMaxHeadDim = 16384;
constexpr std::size_t kMaxMatrixElements = std::size_t{1} << 27;  // 1 GiB of doubles
constexpr std::size_t kMaxPlanHeads = 4096;

void checkShapes(const StarAlgoOptions& o) {
  auto require = [](bool ok, const std::string& message) {
    if (!ok)
      throw UsageError(message);
  };
  require(o.seq_len >= 1 && o.seq_len <= kMaxSeqLen, "-S/--seq-len must be in [1, " +
                                                         std::to_string(kMaxSeqLen) + "], got " +
                                                         std::to_string(o.seq_len));
  require(o.head_dim >= 1 && o.head_dim <= kMaxHeadDim, "-d/--head-dim must be in [1, " +
                                                            std::to_string(kMaxHeadDim) +
                                                            "], got " + std::to_string(o.head_dim));
  const std::size_t hidden = o.hidden ? o.hidden : 12 * o.head_dim;
  require(hidden <= kMaxMatrixElements / o.seq_len && hidden <= kMaxMatrixElements / o.head_dim,
          "--hidden " + std::to_string(hidden) + " with S=" + std::to_string(o.seq_len) +
              " and d=" + std::to_string(o.head_dim) + " needs matrices beyond " +
              std::to_string(kMaxMatrixElements) + " elements");
  require(o.seq_len <= kMaxMatrixElements / o.head_dim,
          "S x d = " + std::to_string(o.seq_len) + " x " + std::to_string(o.head_dim) +
              " exceeds " + std::to_string(kMaxMatrixElements) + " elements");
  require(o.block <= kMaxSeqLen && o.tiles <= kMaxSeqLen && o.tile_length <= kMaxSeqLen,
          "--block, --tiles and --tile-length must be at most " + std::to_string(kMaxSeqLen));
  require(o.plan_heads <= kMaxPlanHeads,
          "--plan-heads must be at most " + std::to_string(kMaxPlanHeads));
}

StarConfig buildConfig(const StarAlgoOptions& o) {
  StarConfig config;
  config.query_block = o.block;
  config.sads.segments = o.tiles;
  config.tile_length = o.tile_length;
  config.sads.keep_ratio = o.keep;
  config.sads.radius = o.radius;
  if (!(o.keep > 0.0 && o.keep <= 1.0)) {
    throw UsageError("-k/--keep must be in (0, 1]");
  }
  if (!(o.radius >= 0.0)) {
    throw UsageError("-r/--radius must be >= 0");
  }
  if (o.block == 0 || o.tiles == 0) {
    throw UsageError("--block and --tiles must be positive");
  }
  if (o.order == "descending") {
    config.order = SuFaOrder::Descending;
  } else if (o.order == "ascending") {
    config.order = SuFaOrder::Ascending;
  } else if (o.order == "fa2") {
    config.order = SuFaOrder::FlashAttention2;
  } else {
    throw UsageError("--order must be descending, ascending or fa2");
  }
  if (o.kv_policy == "cache") {
    config.kv_policy = KvReusePolicy::CacheAcrossBlocks;
  } else if (o.kv_policy == "regenerate") {
    config.kv_policy = KvReusePolicy::RegeneratePerBlock;
  } else {
    throw UsageError("--kv-policy must be cache or regenerate");
  }
  config.psp = o.psp ? PspMode::PreFlip : PspMode::PostNegate;
  config.simulate_sorter = o.simulate_sorter;
  return config;
}

void printReport(const FigureReport& report, const std::string& description,
                 const StarConfig& config, std::size_t seq_len) {
  const SadsConfig sads = effectiveSadsConfig(config, seq_len);
  std::printf("STAR reference algorithms (workloads/star)\n");
  std::printf("workload: %s\n", description.c_str());
  std::printf("config: T=%zu Tc=%zu k=%.3g r=%g order=%s kv=%s psp=%s\n", config.query_block,
              sads.segments, sads.keep_ratio, sads.radius, suFaOrderName(config.order),
              config.kv_policy == KvReusePolicy::CacheAcrossBlocks ? "cache" : "regenerate",
              config.psp == PspMode::PreFlip ? "pre-flip" : "post-negate");
  std::printf("\n%-52s %10s %12s %8s  %s\n", "figure", "published", "measured", "ratio", "kind");
  for (const Figure& f : report.figures) {
    const std::string kind = figureKind(f);
    if (f.published) {
      std::printf("%-52s %10.4g %12.4g %8.3f  %s\n", f.label.c_str(), *f.published, f.measured,
                  *f.published != 0.0 ? f.measured / *f.published : 0.0, kind.c_str());
    } else {
      std::printf("%-52s %10s %12.4g %8s  %s\n", f.label.c_str(), "-", f.measured, "-",
                  kind.c_str());
    }
  }
  std::printf(
      "kind: model = an outcome of the algorithms on this workload; check = a worked "
      "example or identity of the method, equal by construction\n");
  std::printf("\ncomplexity by stage (add units, see workloads/star/README.md)\n");
  std::printf("%-30s %10s %10s %10s %10s %10s %10s %8s\n", "configuration", "Q-gen", "KV-gen",
              "K-pred", "A-pred", "top-k", "formal", "rel.");
  const double base = report.configurations.front().total();
  for (const auto& c : report.configurations) {
    std::printf("%-30s %10.3g %10.3g %10.3g %10.3g %10.3g %10.3g %8.3f\n", c.name.c_str(),
                c.q_generation, c.kv_generation, c.key_prediction, c.score_prediction, c.top_k,
                c.formal, c.total() / base);
  }
  const auto show_ops = [](const char* name, const OpCounts& ops) {
    std::printf("%-30s exp %-11llu mul %-12llu add %-12llu cmp %-10llu div %llu\n", name,
                static_cast<unsigned long long>(ops.exp), static_cast<unsigned long long>(ops.mul),
                static_cast<unsigned long long>(ops.add), static_cast<unsigned long long>(ops.cmp),
                static_cast<unsigned long long>(ops.div));
  };
  std::printf("\nformal-stage counts over the SADS selection\n");
  show_ops("SU-FA descending", report.formal_descending);
  show_ops("SU-FA ascending", report.formal_ascending);
  show_ops("FlashAttention-2", report.formal_fa2);
  std::printf(
      "\nwhy figures differ from the paper: see 'Measured figures' in "
      "workloads/star/README.md\n");
  std::printf("elapsed %.3f s\n", report.seconds);
}

nlohmann::json toJson(const FigureReport& report, const std::string& description) {
  nlohmann::json j;
  j["workload"] = description;
  for (const Figure& f : report.figures) {
    nlohmann::json entry{
        {"label", f.label}, {"measured", f.measured}, {"note", f.note}, {"kind", figureKind(f)}};
    entry["published"] = f.published ? nlohmann::json(*f.published) : nlohmann::json(nullptr);
    j["figures"][f.key] = entry;
  }
  for (const auto& c : report.configurations) {
    j["complexity"].push_back({{"name", c.name},
                               {"q_generation", c.q_generation},
                               {"kv_generation", c.kv_generation},
                               {"key_prediction", c.key_prediction},
                               {"score_prediction", c.score_prediction},
                               {"top_k", c.top_k},
                               {"formal", c.formal},
                               {"total", c.total()}});
  }
  const auto ops = [](const OpCounts& o) {
    return nlohmann::json{
        {"exp", o.exp}, {"mul", o.mul}, {"add", o.add}, {"cmp", o.cmp}, {"div", o.div}};
  };
  j["formal_ops"] = {{"descending", ops(report.formal_descending)},
                     {"ascending", ops(report.formal_ascending)},
                     {"fa2", ops(report.formal_fa2)}};
  j["elapsed_seconds"] = report.seconds;
  return j;
}

void printPlan(const StarAlgoOptions& o, const StarConfig& config, double kv_fraction) {
  TilingPlanInput in;
  in.seq_len = o.seq_len;
  in.heads = o.plan_heads;
  in.hidden_size = o.plan_heads * o.head_dim;
  in.query_block = config.query_block;
  in.tiles = config.sads.segments;
  in.tile_length = config.tile_length;
  in.keep_ratio = config.sads.keep_ratio;
  in.kv_union_fraction = std::min(1.0, kv_fraction);
  in.kv_policy = config.kv_policy;
  in.order = config.order;
  const TilePlan plan = planTiling(in);
  std::printf("\ntiling plan: %zu heads x %zu query blocks x %zu tiles of Bc=%zu (%zu entries)\n",
              in.heads, plan.query_blocks, plan.tiles, plan.tile_length, plan.work.size());
  std::printf("%-8s %14s %14s %14s %14s\n", "stage", "DRAM read B", "DRAM write B", "SRAM read B",
              "SRAM write B");
  for (PipelineStage s : {PipelineStage::Dlzs, PipelineStage::Sads, PipelineStage::KvGeneration,
                          PipelineStage::SuFa, PipelineStage::Synchronize}) {
    const ByteCounts b = plan.totalBytes(s);
    std::printf("%-8s %14llu %14llu %14llu %14llu\n", pipelineStageName(s),
                static_cast<unsigned long long>(b.dram_read),
                static_cast<unsigned long long>(b.dram_write),
                static_cast<unsigned long long>(b.sram_read),
                static_cast<unsigned long long>(b.sram_write));
  }
}

int runStarAlgo(const StarAlgoOptions& o) {
  try {
    checkShapes(o);
    std::string description;
    const AttentionWorkload workload = loadWorkload(o, description);
    validateWorkload(workload);
    const StarConfig config = buildConfig(o);
    const FigureReport report = measureStarFigures(workload, config, OpCostWeights{});
    printReport(report, description, config, workload.seqLen());
    if (o.plan_heads > 0) {
      const Figure* kv = report.find("kv_rows_generated_fraction");
      printPlan(o, config, kv ? kv->measured : 1.0);
    }
    if (!o.json_file.empty()) {
      std::ofstream out(o.json_file);
      if (!out) {
        std::cerr << "star-algo: cannot write " << o.json_file << "\n";
        return 2;
      }
      out << toJson(report, description).dump(2) << "\n";
    }
    return 0;
  } catch (const NpyError& e) {
    std::cerr << "star-algo: " << e.what() << "\n";
    return 2;
  } catch (const UsageError& e) {
    std::cerr << "star-algo: " << e.what() << "\n";
    return 2;
  } catch (const std::invalid_argument& e) {
    std::cerr << "star-algo: invalid input: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "star-algo: internal failure: " << e.what() << "\n";
    return 3;
  }
}

}  // namespace

std::function<int()> addStarAlgoCommand(CLI::App& app) {
  auto options = std::make_shared<StarAlgoOptions>();
  CLI::App* cmd = app.add_subcommand(
      "star-algo",
      "Run the STAR reference algorithms (DLZS, SADS, SU-FA, RASS) and print measured vs "
      "published figures");
  StarAlgoOptions& o = *options;
  cmd->add_option("-S,--seq-len", o.seq_len, "Sequence length S (synthetic)")
      ->capture_default_str();
  cmd->add_option("-d,--head-dim", o.head_dim, "Head dimension d (synthetic)")
      ->capture_default_str();
  cmd->add_option("--hidden", o.hidden, "Hidden size H for QKV-generation cost (0 = 12 d)");
  cmd->add_option("--queries", o.queries, "Query rows (0 = S)");
  cmd->add_option("-T,--block", o.block, "Queries processed in parallel T")->capture_default_str();
  cmd->add_option("--tiles", o.tiles, "Sub-segments / tiles Tc = n")->capture_default_str();
  cmd->add_option("--tile-length", o.tile_length, "Tile length Bc (overrides --tiles)");
  cmd->add_option("-k,--keep", o.keep, "Top-k keep ratio k")->capture_default_str();
  cmd->add_option("-r,--radius", o.radius, "SADS sphere radius r in logits (default: inf)");
  cmd->add_option("--seed", o.seed, "Synthetic generator seed")->capture_default_str();
  cmd->add_option("--row-type", o.row_type, "Row shape: I, II, III or mix")->capture_default_str();
  cmd->add_option("--order", o.order, "SU-FA order: descending, ascending or fa2")
      ->capture_default_str();
  cmd->add_option("--kv-policy", o.kv_policy, "On-demand KV reuse: cache or regenerate")
      ->capture_default_str();
  cmd->add_flag("--tokens", o.tokens, "Synthetic X with weights (runs the DLZS key phase)");
  cmd->add_flag("--psp", o.psp, "Sign pre-flip (PSP) variant of DLZS");
  cmd->add_flag("--simulate-sorter", o.simulate_sorter, "Run the 16-to-4 sorter round by round");
  cmd->add_option("--q", o.q_file, "Q from .npy (queries x d; float16/32/64 or int8/16/32)");
  cmd->add_option("--k", o.k_file, "K from .npy (S x d)");
  cmd->add_option("--v", o.v_file, "V from .npy (S x d)");
  cmd->add_option("--x", o.x_file, "X tokens from .npy (S x H)");
  cmd->add_option("--wq", o.wq_file, "W_q from .npy (H x d)");
  cmd->add_option("--wk", o.wk_file, "W_k from .npy (H x d)");
  cmd->add_option("--wv", o.wv_file, "W_v from .npy (H x d)");
  cmd->add_option("--json", o.json_file, "Also write the figures as JSON to FILE");
  cmd->add_option("--plan-heads", o.plan_heads, "Also print the tiling plan for this many heads");
  return [options]() { return runStarAlgo(*options); };
}

}  // namespace spatialvp::cli
