#include "models/spatial_star/spatial_plan.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "interconnect/mesh/attachment_point.h"
#include "models/star/stage_job.h"

namespace spatialvp::models::spatial_star {

namespace {

using spatialvp::star::PipelineStage;
using spatialvp::star::StageWork;

void accumulate(StageWork& into, const StageWork& work) {
  into.ops += work.ops;
  into.bytes += work.bytes;
  into.keys += work.keys;
  into.rows = work.rows;
}

}  // namespace

const char* dataflowName(Dataflow dataflow) {
  switch (dataflow) {
    case Dataflow::kHeadParallel:
      return "head_parallel";
    case Dataflow::kRing:
      return "ring";
    case Dataflow::kHybrid:
      return "hybrid";
    case Dataflow::kBaseline:
      return "baseline";
  }
  return "?";
}

std::optional<MeshPoint> parseMeshPoint(const std::string& text, std::uint32_t width,
                                        std::uint32_t height, std::string& problem) {
  const interconnect::AttachmentPoint point =
      interconnect::parseAttachmentPoint(text, width, height);
  if (point.endpoint) {
    const std::uint32_t router = point.endpoint->router;
    return MeshPoint{router % width, router / width,
                     point.endpoint->port != interconnect::Port::kLocal};
  }
  if (!point.outside.empty()) {
    problem = "'" + text + "': " + point.outside + " is outside the " + std::to_string(width) +
              " x " + std::to_string(height) + " mesh";
  } else {
    problem = "'" + text +
              "' is not a mesh attachment point; write a node id, 'x<X>y<Y>', or an edge port "
              "'N<X>', 'S<X>', 'E<Y>', 'W<Y>'";
  }
  return std::nullopt;
}

std::uint32_t meshDistance(const MeshPoint& a, const MeshPoint& b) {
  const auto dx = a.x > b.x ? a.x - b.x : b.x - a.x;
  const auto dy = a.y > b.y ? a.y - b.y : b.y - a.y;
  return dx + dy;
}

std::vector<std::size_t> ringOrder(std::uint32_t width, std::uint32_t height, RingOrder order) {
  std::vector<std::size_t> nodes;
  const std::size_t count = static_cast<std::size_t>(width) * height;
  if (order == RingOrder::kRowMajor || count <= 2) {
    for (std::size_t node = 0; node < count; ++node)
      nodes.push_back(node);
    return nodes;
  }
  if (width == 1 || height == 1) {
    // A line has no cycle of unit hops: out over the even positions, back over the odd ones,
    // so no hop is longer than 2 (node id = position on either kind of line).
    for (std::size_t position = 0; position < count; position += 2)
      nodes.push_back(position);
    for (std::size_t position = count - 1 - count % 2;; position -= 2) {
      nodes.push_back(position);
      if (position < 2)
        return nodes;
    }
  }
  // A cycle of unit hops needs an even number of rows (or columns, then walk transposed):
  // boustrophedon over columns 1..W-1, then back down column 0.
  const bool transpose = height % 2 != 0 && width % 2 == 0;
  const std::uint32_t rows = transpose ? width : height;
  const std::uint32_t columns = transpose ? height : width;
  auto id = [&](std::uint32_t column, std::uint32_t row) -> std::size_t {
    return transpose ? static_cast<std::size_t>(column) * width + row
                     : static_cast<std::size_t>(row) * width + column;
  };
  // Both odd: the grid is bipartite with an odd number of nodes, so every cycle through all of
  // them has a hop of even length; one hop of 2 is the least. The even-row cycle is laid on rows
  // 0..R-2 and the last row spliced into its row R-2, which it walks right to left: a detour
  // down and back over each column pair (j, j-1), and one diagonal hop for the leftover corner.
  const bool odd = rows % 2 != 0;
  const std::uint32_t cycle_rows = odd ? rows - 1 : rows;
  nodes.push_back(id(0, 0));
  for (std::uint32_t row = 0; row < cycle_rows; ++row) {
    if (odd && row == cycle_rows - 1) {
      const std::uint32_t last = rows - 1;
      nodes.push_back(id(columns - 1, row));
      nodes.push_back(id(columns - 1, last));
      for (std::uint32_t j = columns - 2;; j -= 2) {
        nodes.push_back(id(j, row));
        nodes.push_back(id(j, last));
        nodes.push_back(id(j - 1, last));
        nodes.push_back(id(j - 1, row));
        if (j < 2)
          break;
      }
      continue;
    }
    for (std::uint32_t k = 1; k < columns; ++k)
      nodes.push_back(id(row % 2 == 0 ? k : columns - k, row));
  }
  for (std::uint32_t row = cycle_rows - 1; row >= 1; --row) {
    if (!(odd && row == cycle_rows - 1))
      nodes.push_back(id(0, row));
  }
  return nodes;
}

std::vector<std::size_t> groupedRingOrder(std::uint32_t width, std::uint32_t height,
                                          std::size_t group, RingOrder order) {
  const std::size_t count = static_cast<std::size_t>(width) * height;
  if (order != RingOrder::kSnake || group < 2 || group >= count || count % group != 0)
    return ringOrder(width, height, order);
  // Consecutive cores of one big ring close with a long hop (a row of 4 on a 4 x 4 mesh: 3
  // hops). Tile the mesh with a x b blocks that each have a unit-hop ring, the squarest first.
  std::uint32_t best_a = 0;
  for (std::uint32_t a = 1; a <= width; ++a) {
    if (group % a != 0 || width % a != 0)
      continue;
    const auto b = static_cast<std::uint32_t>(group / a);
    if (height % b != 0 || !unitHopRingExists(a, b))
      continue;
    auto skew = [&](std::uint32_t x) {
      const std::uint32_t y = static_cast<std::uint32_t>(group / x);
      return x > y ? x - y : y - x;
    };
    if (best_a == 0 || skew(a) < skew(best_a))
      best_a = a;
  }
  if (best_a == 0)
    return ringOrder(width, height, order);
  const std::uint32_t a = best_a;
  const auto b = static_cast<std::uint32_t>(group / a);
  const auto local = ringOrder(a, b, RingOrder::kSnake);
  std::vector<std::size_t> nodes;
  for (std::uint32_t by = 0; by < height / b; ++by) {
    for (std::uint32_t bx = 0; bx < width / a; ++bx) {
      for (const std::size_t id : local) {
        const std::uint32_t x = bx * a + static_cast<std::uint32_t>(id % a);
        const std::uint32_t y = by * b + static_cast<std::uint32_t>(id / a);
        nodes.push_back(static_cast<std::size_t>(y) * width + x);
      }
    }
  }
  return nodes;
}

bool unitHopRingExists(std::uint32_t width, std::uint32_t height) {
  const std::size_t count = static_cast<std::size_t>(width) * height;
  return count <= 2 || (width >= 2 && height >= 2 && count % 2 == 0);
}

std::uint32_t longestRingHop(const std::vector<std::size_t>& ring, std::uint32_t width) {
  std::uint32_t longest = 0;
  if (ring.size() < 2 || width == 0)
    return longest;
  auto point = [&](std::size_t node) {
    return MeshPoint{static_cast<std::uint32_t>(node % width),
                     static_cast<std::uint32_t>(node / width), false};
  };
  for (std::size_t i = 0; i < ring.size(); ++i)
    longest = std::max(longest, meshDistance(point(ring[i]), point(ring[(i + 1) % ring.size()])));
  return longest;
}

BlockTemplates::BlockTemplates(const spatialvp::star::TilingPlanInput& layer,
                               std::size_t tile_group)
    : layer_(layer), tile_group_(tile_group == 0 ? 1 : tile_group) {
  // Every head is planned identically, so one head is enough. In the attention scope the
  // planner uses H only through d = H / A: plan one head of width d. With the projections,
  // the byte and op counts depend on H itself: keep H and A and read head 0's entries.
  if (!layer_.include_projections) {
    layer_.hidden_size = layer.hidden_size / layer.heads;
    layer_.heads = 1;
  }
  block(true, std::min(layer.query_block, layer.queries == 0 ? layer.seq_len : layer.queries));
}

const BlockWork& BlockTemplates::block(bool first_of_core, std::size_t rows) {
  const auto key = std::make_pair(first_of_core, rows);
  auto found = cache_.find(key);
  if (found != cache_.end())
    return found->second;

  // Plan just enough queries that the last block is the wanted shape.
  spatialvp::star::TilingPlanInput in = layer_;
  in.queries = first_of_core ? rows : in.query_block + rows;
  const auto plan = spatialvp::star::planTiling(in);
  tiles_ = plan.tiles;
  tile_groups_ = (plan.tiles + tile_group_ - 1) / tile_group_;
  const std::size_t last_block = plan.query_blocks - 1;
  const std::uint64_t d = plan.head_dim;
  const std::uint64_t act = in.activation_bytes;
  const std::uint64_t H = in.hidden_size;
  const std::uint64_t weight_codes = (H * d * in.lz_code_bits + 7) / 8;
  const std::uint64_t weights_16bit = 2 * H * d * in.weight_bytes;

  BlockWork block;
  block.rows = rows;
  block.items.resize(tile_groups_);
  for (std::size_t g = 0; g < tile_groups_; ++g) {
    Item& item = block.items[g];
    item.tile_group = g;
    item.first_tile = g * tile_group_;
    item.tiles = std::min(tile_group_, plan.tiles - item.first_tile);
    for (std::size_t s = 0; s < 4; ++s) {
      item.stage[s].stage = static_cast<PipelineStage>(s);
      item.stage[s].tile = item.first_tile;
      item.stage[s].query_block = last_block;
    }
  }
  for (const auto& work : plan.work) {
    if (work.head != 0 || work.query_block != last_block)
      continue;
    block.write_bytes += work.bytes.dram_write;  // O; with the projections K-hat and K/V spills
    if (work.stage == PipelineStage::Synchronize) {
      block.sync = work;
      continue;
    }
    if (work.stage == PipelineStage::QProjection) {
      // The block's own X rows and W_q, fetched with its queries before the first item.
      block.q_projection = work;
      block.q_projection_bytes = work.bytes.dram_read;
      continue;
    }
    Item& item = block.items[work.tile / tile_group_];
    accumulate(item.stage[models::star::stageUnit(work.stage)], work);
    std::uint64_t private_bytes = 0;
    if (work.tile == 0) {
      if (!in.include_projections && work.stage == PipelineStage::Dlzs)
        private_bytes = work.rows * d * act;  // the Q block
      if (work.stage == PipelineStage::Dlzs && work.ops.khat_shift_adds > 0)
        private_bytes = weight_codes;  // W_k LZ codes
      if (work.stage == PipelineStage::KvGeneration && work.ops.macs > 0)
        private_bytes = weights_16bit;  // W_k, W_v
    }
    private_bytes = std::min(private_bytes, work.bytes.dram_read);
    item.private_bytes += private_bytes;
    item.shared_bytes += work.bytes.dram_read - private_bytes;
    if (work.stage == PipelineStage::Dlzs)
      item.keys += work.keys;
  }
  block.private_bytes = block.q_projection_bytes;
  for (auto& item : block.items) {
    block.private_bytes += item.private_bytes;
    block.shared_bytes += item.shared_bytes;
  }
  return cache_.emplace(key, std::move(block)).first->second;
}

std::uint64_t ringPayloadBytes(const Item& item, const spatialvp::star::TilingPlanInput& layer,
                               RingPayload payload, std::size_t members) {
  if (payload == RingPayload::kPlan)
    return item.shared_bytes;
  if (layer.include_projections)
    return item.keys * layer.hidden_size * layer.token_bytes;
  const std::uint64_t tile = item.keys * (layer.hidden_size / layer.heads) * layer.activation_bytes;
  if (payload == RingPayload::kFullKv)
    return 2 * tile;
  const double u = std::pow(1.0 - layer.kv_union_fraction, static_cast<double>(members));
  return tile + static_cast<std::uint64_t>(std::ceil(static_cast<double>(tile) * (1.0 - u)));
}

SpatialPlan planSpatial(const SpatialConfig& config) {
  const auto& layer = config.layer;
  const std::size_t cores = config.cores();
  if (cores == 0)
    throw std::invalid_argument("mesh_width: the mesh has no cores");
  if (layer.query_block == 0 || layer.heads == 0 || layer.seq_len == 0)
    throw std::invalid_argument("heads: heads, S and T must be positive");
  SpatialPlan plan;
  plan.queries = layer.queries == 0 ? layer.seq_len : layer.queries;
  plan.query_blocks = (plan.queries + layer.query_block - 1) / layer.query_block;
  const auto order = config.dataflow == Dataflow::kHybrid
                         ? groupedRingOrder(config.mesh_width, config.mesh_height,
                                            config.ring_group, config.ring_order)
                         : ringOrder(config.mesh_width, config.mesh_height, config.ring_order);
  plan.cores.resize(cores);

  auto blockRows = [&](std::size_t block) {
    return std::min(layer.query_block, plan.queries - block * layer.query_block);
  };
  // Groups of `size` consecutive ring cores, heads round-robin over the groups, and the query
  // blocks of a head split into contiguous runs over the members.
  auto makeGroups = [&](std::size_t size, bool circulate, bool split_queries) {
    const std::size_t count = cores / size;
    for (std::size_t g = 0; g < count; ++g) {
      CoreGroup group;
      group.circulate = circulate;
      for (std::size_t m = 0; m < size; ++m)
        group.cores.push_back(order[g * size + m]);
      for (std::size_t h = g; h < layer.heads; h += count)
        group.heads.push_back(h);
      std::size_t most_blocks = 0;
      for (std::size_t m = 0; m < size; ++m) {
        CoreShare& share = plan.cores[group.cores[m]];
        share.core = group.cores[m];
        share.group = g;
        share.position = m;
        share.heads = group.heads;
        const std::size_t first = split_queries ? plan.query_blocks * m / size : 0;
        const std::size_t last =
            split_queries ? plan.query_blocks * (m + 1) / size : plan.query_blocks;
        for (std::size_t b = first; b < last; ++b)
          share.block_rows.push_back(blockRows(b));
        most_blocks = std::max(most_blocks, share.block_rows.size());
      }
      group.rounds = group.heads.size() * most_blocks;
      plan.groups.push_back(std::move(group));
    }
  };

  switch (config.dataflow) {
    case Dataflow::kHeadParallel:
      makeGroups(1, false, false);
      break;
    case Dataflow::kRing:
      makeGroups(cores, true, true);
      break;
    case Dataflow::kHybrid:
      if (config.ring_group < 2 || config.ring_group > cores || cores % config.ring_group != 0) {
        throw std::invalid_argument("ring_group: " + std::to_string(config.ring_group) +
                                    " cores per ring must be at least 2 and divide the " +
                                    std::to_string(cores) + " cores");
      }
      makeGroups(config.ring_group, true, true);
      break;
    case Dataflow::kBaseline:
      if (config.baseline_by_heads)
        makeGroups(1, false, false);
      else
        makeGroups(cores, false, true);
      break;
  }
  return plan;
}

std::size_t itemsPerRound(bool circulate, std::size_t members, std::size_t tile_groups) {
  if (!circulate || members <= 1)
    return tile_groups;
  const std::size_t waves = (tile_groups + members - 1) / members;
  return waves * members;
}

ItemSlot itemSlot(bool circulate, std::size_t members, std::size_t position,
                  std::size_t tile_groups, std::size_t index) {
  ItemSlot slot;
  if (!circulate || members <= 1) {
    slot.tile_group = index;
    return slot;
  }
  slot.wave = index / members;
  slot.step = index % members;
  const std::size_t owner = (position + members - slot.step) % members;
  slot.tile_group = std::min(owner + slot.wave * members, tile_groups);
  return slot;
}

}  // namespace spatialvp::models::spatial_star
