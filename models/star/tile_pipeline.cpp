#include "models/star/tile_pipeline.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace spatialvp::models::star {

TilePipeline::TilePipeline(std::size_t stage_buffers) : stage_buffers_(stage_buffers) {
  if (stage_buffers_ == 0)
    throw std::invalid_argument("stage_buffers: at least one buffer between stages");
}

Picoseconds TilePipeline::stageReady(std::size_t stage, Picoseconds input_ready) const {
  if (stage + 1 >= kTileStages)
    return input_ready;  // SU-FA's output goes to the block's accumulator, not to a stage buffer
  const auto& consumer = starts_.at(stage + 1);
  if (consumer.size() < stage_buffers_)
    return input_ready;
  return std::max(input_ready, consumer[consumer.size() - stage_buffers_]);
}

void TilePipeline::tileStageIssued(std::size_t stage, Picoseconds ready, Picoseconds started,
                                   Picoseconds finished) {
  auto& starts = starts_.at(stage);
  starts.push_back(started);
  if (starts.size() > stage_buffers_ + 1)
    starts.pop_front();
  otherJobIssued(stage, ready, started, finished);
  if (stage == static_cast<std::size_t>(TileStage::kSuFa))
    block_last_sufa_end_ = std::max(block_last_sufa_end_, finished);
}

void TilePipeline::otherJobIssued(std::size_t stage, Picoseconds ready, Picoseconds started,
                                  Picoseconds finished) {
  last_ready_.at(stage) = std::max(last_ready_.at(stage), ready);
  busy_.at(stage) += finished - started;
}

Picoseconds TilePipeline::frontier() const {
  return *std::min_element(last_ready_.begin(), last_ready_.end());
}

ItemBuffers::ItemBuffers(std::size_t buffers) : buffers_(buffers), window_(buffers + 8) {
  if (buffers_ == 0)
    throw std::invalid_argument("item buffers: at least one buffer");
}

Picoseconds ItemBuffers::bufferFree(std::size_t index) const {
  if (index < buffers_)
    return 0;
  const std::size_t frees = index - buffers_;
  if (frees >= released())
    return 0;
  if (frees < first_) {
    throw std::logic_error("item buffers: item " + std::to_string(frees) +
                           " is older than the kept window");
  }
  return releases_[frees - first_];
}

Picoseconds ItemBuffers::fetchIssue(std::size_t index, Picoseconds now) const {
  return std::max({now, last_fetch_done_, bufferFree(index)});
}

void ItemBuffers::release(std::size_t index, Picoseconds at) {
  if (index != released()) {
    throw std::logic_error("item buffers: item " + std::to_string(index) +
                           " released out of order (expected " + std::to_string(released()) + ")");
  }
  releases_.push_back(at);
  if (releases_.size() > window_) {
    releases_.pop_front();
    ++first_;
  }
}

void ItemBuffers::arrive(std::size_t index, Picoseconds at) {
  if (index < first_arrival_)
    throw std::logic_error("item buffers: arrival of an item older than the kept window");
  if (index >= first_arrival_ + arrivals_.size())
    arrivals_.resize(index - first_arrival_ + 1);
  arrivals_[index - first_arrival_] = at;
  while (arrivals_.size() > window_) {
    arrivals_.pop_front();
    ++first_arrival_;
  }
}

std::optional<Picoseconds> ItemBuffers::arrival(std::size_t index) const {
  if (index < first_arrival_ || index >= first_arrival_ + arrivals_.size())
    return std::nullopt;
  return arrivals_[index - first_arrival_];
}

Picoseconds ringForwardStart(Picoseconds here, const ItemBuffers& successor, std::size_t index) {
  return std::max(here, successor.bufferFree(index + 1));
}

}  // namespace spatialvp::models::star
