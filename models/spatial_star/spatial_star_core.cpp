#include "models/spatial_star/spatial_star_core.h"

#include <algorithm>
#include <string>

#include "models/star/layer_params.h"
#include "models/star/stage_job.h"
#include "platform/sim/burst_transfer.h"
#include "platform/sim/kernel_time.h"
#include "platform/sim/trace_flow.h"

namespace spatialvp::models::spatial_star {

namespace {

using spatialvp::models::star::ItemBuffers;
using spatialvp::models::star::sendStageJob;
using spatialvp::models::star::StageJobTiming;
using spatialvp::models::star::TilePipeline;

}  // namespace

SpatialStarCore::SpatialStarCore(sc_core::sc_module_name name, const ModuleContext& context)
    : Module(name, context),
      stage_buffers_(static_cast<std::size_t>(params().integer("stage_buffers"))),
      kv_buffers_(static_cast<std::size_t>(params().integer("kv_buffers"))),
      hbm_what_(instanceName() + ": HBM access"),
      ring_what_(instanceName() + ": ring forward"),
      job_sender_(instanceName()) {
  for (std::size_t u = 0; u < kUnits; ++u)
    units_[u] = std::make_unique<Initiator>(kUnitPorts[u]);
  control_.register_b_transport(this, &SpatialStarCore::control);
}

InitiatorSocket* SpatialStarCore::initiatorSocket(const std::string& port, std::size_t index) {
  if (index != 0)
    return nullptr;
  for (std::size_t u = 0; u < kUnits; ++u) {
    if (port == kUnitPorts[u])
      return units_[u].get();
  }
  if (port == "control_out")
    return &control_out_;
  return port == "mesh" ? &mesh_ : nullptr;
}

TargetSocket* SpatialStarCore::targetSocket(const std::string& port, std::size_t index) {
  return port == "control" && index == 0 ? &control_ : nullptr;
}

std::size_t SpatialStarCore::portWidth(const std::string& port) const {
  for (const char* unit : kUnitPorts) {
    if (port == unit)
      return 1;
  }
  return port == "mesh" || port == "control" || port == "control_out" ? 1 : 0;
}

void SpatialStarCore::control(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  CoreMessage* message = nullptr;
  payload.get_extension(message);
  if (message == nullptr || !payload.is_write()) {
    // Only control words land here; anything else was addressed to the wrong window.
    payload.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  const Picoseconds arrival = nowPs() + static_cast<Picoseconds>(delay.value());
  if (trace()) {
    traceAccess(payload, false, payload.get_address(), payload.get_data_length(), arrival, arrival);
  }
  switch (message->kind) {
    case CoreMessage::Kind::kAssign:
      assign(*message->assignment);
      break;
    case CoreMessage::Kind::kItem:
      if (!pipeline_) {
        payload.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
        return;
      }
      processItem(*message->work, *message);
      break;
    case CoreMessage::Kind::kArrived:
      if (!kv_) {
        payload.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
        return;
      }
      kv_->arrive(message->item, arrival);
      ++doorbells_received_;
      break;
    case CoreMessage::Kind::kCredit:
      if (!successor_credits_) {
        payload.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
        return;
      }
      // Credits come in item order: the successor frees its buffers in order.
      successor_credits_->release(message->item, arrival);
      ++credits_received_;
      break;
    case CoreMessage::Kind::kReport:
      report(*message->totals);
      break;
  }
  payload.set_response_status(tlm::TLM_OK_RESPONSE);
}

void SpatialStarCore::assign(const CoreAssignment& assignment) {
  assignment_ = assignment;
  pipeline_ = std::make_unique<TilePipeline>(stage_buffers_);
  kv_ = std::make_unique<ItemBuffers>(kv_buffers_);
  successor_credits_ = assignment.forwards
                           ? std::make_unique<ItemBuffers>(assignment.successor_kv_buffers)
                           : nullptr;
  totals_ = CoreTotals{};
  totals_.stack_read_bytes.assign(assignment.stacks, 0);
  buffer_.assign(std::max(assignment.hbm_burst, assignment.ring_burst), 0);
}

Picoseconds SpatialStarCore::clampToNow(Picoseconds at) {
  const Picoseconds now = nowPs();
  if (at < now) {
    ++totals_.late_requests;
    return now;
  }
  return at;
}

Picoseconds SpatialStarCore::hbmAccess(const HbmRange& range, bool write, Picoseconds at) {
  at = clampToNow(at);
  (write ? totals_.hbm_write_bytes : totals_.hbm_read_bytes) += range.bytes;
  if (!write)
    totals_.stack_read_bytes[range.stack] += range.bytes;
  // The core's DMA goes through its mesh port; the mesh and the HBM stack space the bursts.
  std::uint64_t cursor = range.offset;
  const BurstTransfer transfer = burstTransfer(
      *mesh_.operator->(), buffer_, range.base, range.window, cursor, range.bytes,
      assignment_.hbm_burst, write, at, hbm_what_, trace() ? traceSite("dma") : TraceSite{});
  services().countTransactions(transfer.transactions);
  return transfer.done;
}

Picoseconds SpatialStarCore::forward(std::uint64_t bytes, Picoseconds at) {
  at = clampToNow(at);
  totals_.ring_bytes += bytes;
  const BurstTransfer transfer = burstTransfer(
      *mesh_.operator->(), buffer_, assignment_.successor_window, assignment_.successor_window_size,
      forward_cursor_, bytes, assignment_.ring_burst, true, at, ring_what_,
      trace() ? traceSite("dma") : TraceSite{});
  services().countTransactions(transfer.transactions);
  return transfer.done;
}

void SpatialStarCore::signal(std::uint64_t address, CoreMessage::Kind kind, std::size_t item,
                             Picoseconds at) {
  // A control word is sent when its event happens; an event already behind the kernel time (an
  // empty slot frees its buffer at once) goes out now.
  const Picoseconds now = nowPs();
  CoreMessage message;
  message.kind = kind;
  message.item = item;
  unsigned char word[kControlBytes] = {};
  tlm::tlm_generic_payload payload;
  payload.set_command(tlm::TLM_WRITE_COMMAND);
  payload.set_address(address);
  payload.set_data_ptr(word);
  payload.set_data_length(static_cast<unsigned int>(kControlBytes));
  payload.set_streaming_width(static_cast<unsigned int>(kControlBytes));
  payload.set_byte_enable_ptr(nullptr);
  payload.set_dmi_allowed(false);
  payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  payload.set_extension(&message);
  sc_core::sc_time delay = sc_core::sc_time::from_value(std::max(at, now) - now);
  {
    const TraceFlowScope flow(trace(), payload);
    control_out_->b_transport(payload, delay);
    if (trace()) {
      TraceArgs args;
      args.bytes = kControlBytes;
      args.address = address;
      traceTransfer("signals", flow.id(),
                    kind == CoreMessage::Kind::kCredit ? "credit" : "doorbell", std::max(at, now),
                    now + static_cast<Picoseconds>(delay.value()), args);
    }
  }
  payload.clear_extension(&message);
  ++control_words_sent_;
  totals_.control_bytes += kControlBytes;
  services().countTransactions(1);
  if (payload.is_response_error()) {
    const std::string text = instanceName() + ": " +
                             (kind == CoreMessage::Kind::kCredit ? "credit" : "doorbell") + " to " +
                             hexAddress(address) + " failed: " + payload.get_response_string() +
                             " (it must reach the neighbour core's control port)";
    SC_REPORT_ERROR("spatialvp/spatial_star", text.c_str());
  }
}

Picoseconds SpatialStarCore::sendJob(std::size_t unit, const spatialvp::star::StageWork& work,
                                     Picoseconds ready, bool tile_stage) {
  ready = clampToNow(ready);
  const StageJobTiming timing =
      sendStageJob(*(*units_[unit]).operator->(), work, ready, job_sender_, nullptr,
                   trace() ? traceSite("jobs") : TraceSite{});
  services().countTransactions(1);
  if (tile_stage)
    pipeline_->tileStageIssued(unit, ready, timing.started, timing.finished);
  else
    pipeline_->otherJobIssued(unit, ready, timing.started, timing.finished);
  ++totals_.jobs;
  return timing.finished;
}

void SpatialStarCore::processItem(const CoreItemWork& work, CoreMessage& answer) {
  if (work.first_of_round)
    pipeline_->beginBlock();
  Picoseconds release = 0;
  if (work.item != nullptr) {
    const Item& item = *work.item;
    const BlockWork& block = *work.block;
    ++totals_.items;
    const Picoseconds now = nowPs();
    const Picoseconds accepted = itemAccepted(work);
    Picoseconds data_ready = 0;
    Picoseconds private_ready = std::max(now, accepted);
    if (work.from_ring) {
      const auto arrived = kv_->arrival(work.index);
      if (!arrived) {
        SC_REPORT_ERROR("spatialvp/spatial_star",
                        (instanceName() + ": item " + std::to_string(work.index) +
                         " comes from the ring predecessor, but its doorbell has not arrived")
                            .c_str());
      }
      data_ready = std::max(arrived.value_or(now), accepted);
    } else {
      Picoseconds issue = std::max(kv_->fetchIssue(work.index, now), accepted);
      if (!assignment_.overlap)
        issue = std::max(issue, previous_item_end_);
      // The block's queries (or weights) come first; a Q projection issued ahead has fetched
      // its own inputs already (the orchestrator left them out of private_fetch).
      if (work.private_fetch.bytes > 0) {
        issue = hbmAccess(work.private_fetch, false, issue);
        private_ready = issue;
      }
      data_ready = work.fetch.bytes > 0 ? hbmAccess(work.fetch, false, issue) : issue;
      kv_->fetchDone(data_ready);
    }
    release = data_ready;
    if (work.compute) {
      Picoseconds tile_ready = data_ready;
      if (work.first_of_round && block.q_projection.rows > 0) {
        // Layer scope: the block's Q rows on the KV array before its first A-hat (issued
        // during the previous round where there was one, as the single-core controller does).
        if (work.q_projected_ahead) {
          tile_ready = std::max(tile_ready, q_ahead_done_);
        } else {
          const Picoseconds q_done =
              sendJob(2, block.q_projection, std::max(private_ready, nowPs()), false);
          tile_ready = std::max(tile_ready, q_done);
        }
      }
      for (std::size_t u = 0; u < kUnits; ++u) {
        // A stage may run at most `stage_buffers` items ahead of the stage that consumes it.
        const Picoseconds ready = pipeline_->stageReady(u, std::max(tile_ready, nowPs()));
        const Picoseconds end = sendJob(u, item.stage[u], ready, true);
        tile_ready = end;
        if (u == 2) {
          release = end;  // the KV stage has read the tile's K/V rows into its buffers
          if (work.first_of_round)
            projectNextQueries(work);
        }
      }
      previous_item_end_ = tile_ready;
    }
    if (work.forward) {
      // Forward the item to the successor (its item index + 1) once it is here and the
      // successor's credit says the buffer for it is free; then ring its doorbell.
      const std::size_t successor_item = work.index + 1;
      const std::size_t buffers = assignment_.successor_kv_buffers;
      if (successor_item >= buffers && successor_item - buffers >= successor_credits_->released()) {
        SC_REPORT_ERROR("spatialvp/spatial_star",
                        (instanceName() + ": no credit yet for the successor's buffer of item " +
                         std::to_string(successor_item))
                            .c_str());
      }
      const Picoseconds start =
          spatialvp::models::star::ringForwardStart(data_ready, *successor_credits_, work.index);
      const Picoseconds arrived = forward(work.payload, start);
      signal(assignment_.successor_control, CoreMessage::Kind::kArrived, successor_item, arrived);
      release = std::max(release, arrived);
    }
  }
  kv_->release(work.index, release);
  if (assignment_.receives)
    signal(assignment_.predecessor_control, CoreMessage::Kind::kCredit, work.index, release);
  if (work.last_of_round)
    finishRound(work, release, answer);
  answer.frontier = pipeline_->frontier();
}

void SpatialStarCore::projectNextQueries(const CoreItemWork& work) {
  // Layer scope: the next round's Q projection runs on the KV array while this round's tiles go
  // through DLZS and SADS (its inputs fetched first).
  if (work.next_q_block == nullptr)
    return;
  Picoseconds ready = nowPs();
  if (work.next_q_fetch.bytes > 0)
    ready = hbmAccess(work.next_q_fetch, false, ready);
  q_ahead_done_ = sendJob(2, work.next_q_block->q_projection, ready, false);
}

void SpatialStarCore::finishRound(const CoreItemWork& work, Picoseconds last_release,
                                  CoreMessage& answer) {
  Picoseconds done = last_release;
  if (work.compute) {
    // Tile synchronisation (sources S2.5.3) once the block's last SU-FA job is done, then O.
    const Picoseconds end =
        sendJob(3, work.block->sync, std::max(pipeline_->blockLastSufaEnd(), nowPs()), false);
    done = work.o_write.bytes > 0 ? hbmAccess(work.o_write, true, end) : end;
    previous_item_end_ = std::max(previous_item_end_, end);
  }
  done = std::max(done, last_release);
  const Picoseconds round_start = totals_.round_done.empty() ? 0 : totals_.round_done.back();
  finish_ = std::max(finish_, done);
  totals_.round_done.push_back(finish_);
  if (trace()) {
    const TraceSite site = traceSite("rounds");
    site.writer->complete(site.track, work.compute ? "round" : "relay round", round_start,
                          finish_ - round_start);
  }
  answer.round_finished = true;
  answer.round_done = finish_;
}

void SpatialStarCore::report(CoreTotals& totals) const {
  totals = totals_;
  if (pipeline_) {
    for (std::size_t u = 0; u < kUnits; ++u)
      totals.busy[u] = pipeline_->busy(u);
  }
}

void SpatialStarCore::reportStats(ModuleStats& stats) const {
  stats.counter("items", totals_.items, "items", "Items (tile groups) this core processed");
  stats.counter("jobs", totals_.jobs, "jobs", "Unit jobs the controller issued");
  stats.counter("doorbells_received", doorbells_received_, "messages",
                "Ring doorbells from the predecessor (an item arrived in the SRAM window)");
  stats.counter("credits_received", credits_received_, "messages",
                "Ring credits from the successor (a buffer of its came free)");
  stats.counter("control_words_sent", control_words_sent_, "messages",
                "Doorbells and credits this core sent through the mesh");
}

ModuleTypeInfo spatialStarCoreTypeInfo() {
  ModuleTypeInfo info;
  info.name = "spatial_star_core";
  info.params.integer("kv_buffers", "K/V tile buffers (prefetch / ring receive depth) [INF]")
      .byDefault("4")
      .atLeast(1);
  star::declareStageBuffers(info.params);
  info.description =
      "One Spatial-STAR core's controller: its tile pipeline and K/V buffers, its four STAR "
      "units, its HBM and ring traffic through the mesh; work, doorbells and credits arrive "
      "on its control window";
  for (const char* port : kUnitPorts) {
    info.ports.push_back({port, PortDirection::kInitiator,
                          std::string("Jobs to the core's ") + port + " unit", true});
  }
  info.ports.push_back({"mesh", PortDirection::kInitiator,
                        "The core's HBM and ring traffic, into the data mesh at its node", true});
  info.ports.push_back({"control", PortDirection::kTarget,
                        "Control window: work descriptors, doorbells and credits (TLM writes "
                        "with a CoreMessage extension), from the control network",
                        true});
  info.ports.push_back({"control_out", PortDirection::kInitiator,
                        "Doorbells and credits to the ring neighbours, into the control network",
                        true});
  return info;
}

void registerSpatialStarCore(ModuleRegistry& registry) {
  registry.add<SpatialStarCore>(spatialStarCoreTypeInfo());
}

}  // namespace spatialvp::models::spatial_star
