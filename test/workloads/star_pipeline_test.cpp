#include <catch2/catch.hpp>
#include <cmath>

#include "workloads/star/random.h"
#include "workloads/star/reference_attention.h"
#include "workloads/star/star_figures.h"
#include "workloads/star/star_pipeline.h"
#include "workloads/star/synthetic_workload.h"

using namespace spatialvp::star;

TEST_CASE("star: Synthetic generator is deterministic per seed and shapes rows by type",
          "[star][pipeline]") {
  SyntheticConfig c;
  c.seq_len = 256;
  c.head_dim = 32;
  c.queries = 64;
  const AttentionWorkload a = generateSyntheticWorkload(c);
  const AttentionWorkload b = generateSyntheticWorkload(c);
  CHECK(a.q.values() == b.q.values());
  CHECK(a.k.values() == b.k.values());
  c.seed = 2;
  CHECK(generateSyntheticWorkload(c).q.values() != a.q.values());
  // Type I rows concentrate more softmax mass on their top key than type II rows.
  const auto top_mass = [](RowType type) {
    SyntheticConfig t;
    t.seq_len = 512;
    t.head_dim = 64;
    t.queries = 32;
    t.mix = RowTypeMix{type == RowType::I ? 1.0 : 0.0, type == RowType::II ? 1.0 : 0.0,
                       type == RowType::III ? 1.0 : 0.0};
    const AttentionWorkload w = generateSyntheticWorkload(t);
    const MatrixD logits = exactLogits(w.q, w.k, 1.0 / 8.0);
    double mass = 0.0;
    for (std::size_t i = 0; i < logits.rows(); ++i) {
      double m = -INFINITY;
      double sum = 0.0;
      for (std::size_t j = 0; j < logits.cols(); ++j) {
        m = std::max(m, logits(i, j));
      }
      for (std::size_t j = 0; j < logits.cols(); ++j) {
        sum += std::exp(logits(i, j) - m);
      }
      mass += 1.0 / sum;
    }
    return mass / static_cast<double>(logits.rows());
  };
  CHECK(top_mass(RowType::I) > top_mass(RowType::II));
}

TEST_CASE("star: Property: STAR output equals masked attention over its own selection",
          "[star][pipeline]") {
  DeterministicRng rng(99);
  for (int trial = 0; trial < 10; ++trial) {
    SyntheticConfig c;
    c.seq_len = 17 + rng.uniformIndex(300);
    c.head_dim = 4 + 4 * rng.uniformIndex(6);
    c.hidden_size = 3 * c.head_dim + rng.uniformIndex(20);
    c.queries = 1 + rng.uniformIndex(40);
    c.seed = rng.nextBits();
    c.token_mode = trial % 2 == 0;
    c.mix = RowTypeMix{rng.uniform01(), rng.uniform01(), rng.uniform01()};
    const AttentionWorkload w = generateSyntheticWorkload(c);
    StarConfig config;
    config.query_block = 1 + rng.uniformIndex(16);
    config.sads.segments = 1 + rng.uniformIndex(7);
    config.sads.keep_ratio = std::vector<double>{1e-4, 0.05, 0.3, 0.9, 1.0}[trial % 5];
    config.sads.radius = trial % 3 == 0 ? rng.uniform(0.5, 4.0) : INFINITY;
    config.order = static_cast<SuFaOrder>(trial % 3);
    config.psp = trial % 2 ? PspMode::PreFlip : PspMode::PostNegate;
    config.simulate_sorter = trial % 4 == 0;
    config.kv_policy =
        trial % 2 ? KvReusePolicy::RegeneratePerBlock : KvReusePolicy::CacheAcrossBlocks;
    const StarRunResult r = runStar(w, config);
    CHECK(r.masked_rel_error < 1e-12);
    CHECK(r.topk_recall >= 0.0);
    CHECK(r.topk_recall <= 1.0 + 1e-12);
    CHECK(r.kv.distinct_rows <= c.seq_len);
    CHECK(r.rass_loads <= r.rass_naive_loads);
    if (config.kv_policy == KvReusePolicy::CacheAcrossBlocks) {
      CHECK(r.kv.rows_generated == r.kv.distinct_rows);
    } else {
      CHECK(r.kv.rows_generated >= r.kv.distinct_rows);
    }
    if (config.sads.keep_ratio == 1.0 && std::isinf(config.sads.radius)) {
      CHECK(r.output_rel_error < 1e-12);  // every key kept: dense attention
      CHECK(r.topk_recall == Approx(1.0));
    }
  }
}

TEST_CASE("star: PSP changes negation activity but not a single prediction bit",
          "[star][pipeline]") {
  SyntheticConfig c;
  c.seq_len = 128;
  c.head_dim = 16;
  c.hidden_size = 64;
  c.queries = 16;
  c.token_mode = true;
  const AttentionWorkload w = generateSyntheticWorkload(c);
  DlzsStats post;
  DlzsStats pre;
  const MatrixD a = predictLogitsDlzs(w, PspMode::PostNegate, -1, &post, nullptr);
  const MatrixD b = predictLogitsDlzs(w, PspMode::PreFlip, -1, &pre, nullptr);
  CHECK(a.values() == b.values());
  CHECK(post.negations != pre.negations);
  CHECK(post.key_shift_adds == pre.key_shift_adds);
}

TEST_CASE("star: Degenerate inputs: all-equal scores and zero tensors", "[star][pipeline]") {
  AttentionWorkload w;
  w.q = MatrixD(3, 4, 0.0);  // all logits 0: every key ties
  w.k = MatrixD(10, 4, 1.0);
  w.v = MatrixD(10, 4, 0.0);
  for (std::size_t j = 0; j < 10; ++j) {
    w.v(j, 0) = static_cast<double>(j);
  }
  w.hidden_size = 12;
  StarConfig config;
  config.sads.segments = 3;  // tiles of 4, 4, 2
  config.sads.keep_ratio = 0.5;
  const StarRunResult r = runStar(w, config);
  // Ties go to the lowest index: keys 0,1 | 4,5 | 8 -> mean of V over those keys.
  CHECK(r.selections[0].sortedKeys() == std::vector<std::uint32_t>{0, 1, 4, 5, 8});
  CHECK(r.output(0, 0) == Approx((0.0 + 1 + 4 + 5 + 8) / 5.0));
  CHECK(r.masked_rel_error < 1e-12);
  w.k = MatrixD(10, 4, 0.0);  // zero keys too
  const StarRunResult zeros = runStar(w, config);
  CHECK(zeros.masked_rel_error < 1e-12);
  CHECK(zeros.dlzs.score_shift_adds == 0);  // zero eliminator drops every Q term
  w.v = MatrixD(9, 4, 0.0);
  CHECK_THROWS_AS(runStar(w, config), std::invalid_argument);
}

TEST_CASE("star: Figures come out of the counting model and respond to it", "[star][figures]") {
  SyntheticConfig c;
  c.seq_len = 256;
  c.head_dim = 32;
  c.hidden_size = 384;
  const AttentionWorkload w = generateSyntheticWorkload(c);
  StarConfig config;
  const FigureReport report = measureStarFigures(w, config, OpCostWeights{});
  REQUIRE(report.configurations.size() == 4);
  const auto* sads = report.find("complexity_sads");
  const auto* dlzs = report.find("complexity_dlzs");
  REQUIRE(sads != nullptr);
  REQUIRE(dlzs != nullptr);
  CHECK(sads->published == Approx(0.75));
  // SADS sorts sub-segments: fewer comparator rounds than the whole-row sorter.
  CHECK(report.configurations[2].top_k < report.configurations[1].top_k);
  CHECK(sads->measured < dlzs->measured);
  CHECK(report.find("dlzs_example")->measured == 96.0);
  CHECK(report.find("vanilla_lz_example")->measured == 64.0);
  CHECK(report.find("sufa_rescales_descending")->measured == 0.0);
  // Making compares free removes part of SU-FA's scalar advantage over FA-2 (FA-2 compares
  // every key): the figure depends on the weights, not on a constant.
  OpCostWeights free_compare;
  free_compare.cmp16 = 0.0;
  const FigureReport other = measureStarFigures(w, config, free_compare);
  CHECK(other.find("sufa_scalar_saving_vs_fa2")->measured <
        report.find("sufa_scalar_saving_vs_fa2")->measured);
}
