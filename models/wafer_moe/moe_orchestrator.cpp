#include "models/wafer_moe/moe_orchestrator.h"
#include "models/wafer_moe/phase_keys.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <numeric>
#include <sstream>
#include <stdexcept>

#include "interconnect/tlm/link_param_schema.h"
#include "platform/core/param_choice.h"
#include "platform/sim/burst_transfer.h"
#include "workloads/moe/routing_trace.h"
#include "workloads/moe/zipf_routing_generator.h"

namespace spatialvp::models::wafer_moe {

using moe::Phase;
using moe::Transfer;

MoeOrchestrator::MoeOrchestrator(sc_core::sc_module_name name, const ModuleContext& context)
    : Module(name, context),
      burst_(wholeBytes(params().quantity("burst"))),
      hbm_burst_(wholeBytes(params().quantity("hbm_burst"))),
      hbm_size_(wholeBytes(params().quantity("hbm_size"))),
      window_base_(static_cast<std::uint64_t>(params().integer("window_base"))),
      window_stride_(wholeBytes(params().quantity("window_stride"))) {
  // The model: the `model` preset group (presets/moe/<name>.yaml, or keys that change it).
  model_ = moe::moeModelFrom(params(), "model");

  if (paramChoice<bool>(params(), "datatype", {{"fp8", true}, {"bf16", false}})) {
    die_.datatype = moe::Datatype::kFp8;
    model_.bytes_per_weight = 1;
  }
  // The HBM bandwidth (and the capacities) are the memory modules': read once bound. Every HBM
  // read (attention weights and KV cache, expert weights) is a TLM read the module times.

  mesh_network_ = paramChoice<bool>(params(), "network", {{"mesh", true}, {"switch", false}});
  moe::MappingConfig& mapping = mapping_config_;
  mapping.kind = paramChoice<moe::MappingKind>(params(), "mapping",
                                               {{"baseline", moe::MappingKind::kContiguous},
                                                {"er", moe::MappingKind::kEntwined},
                                                {"her", moe::MappingKind::kHierarchicalEntwined}});
  mapping.tp_x = static_cast<int>(params().integer("tp_x"));
  mapping.tp_y = static_cast<int>(params().integer("tp_y"));
  mapping.ep_domain_wafers = static_cast<int>(params().integer("ep_domain_wafers"));
  mapping.combine = paramChoice<moe::CombinePolicy>(
      params(), "combine",
      {{"auto", moe::CombinePolicy::kAuto},
       {"reverse_allreduce", moe::CombinePolicy::kReverseThenGroupAllReduce},
       {"owner_allgather", moe::CombinePolicy::kToOwnerThenGroupAllGather}});
  combine_auto_ = mapping.combine == moe::CombinePolicy::kAuto;  // resolved in connected()
  if (paramChoice<bool>(params(), "her_forwarding", {{"on_demand", true}, {"all_gather", false}})) {
    if (mapping.kind != moe::MappingKind::kHierarchicalEntwined)
      params().fail("her_forwarding", "on_demand applies only to mapping: her");
    mapping.her_forwarding = moe::HerForwarding::kOnDemand;
  }
  phase_barrier_ = params().boolean("phase_barrier");
  chunk_booked_bound_ =
      paramChoice<bool>(params(), "chunk_admission", {{"booked", true}, {"zero_load", false}});
  layer_windows_ =
      paramChoice<bool>(params(), "migration_window", {{"layer", true}, {"collective", false}});

  iterations_ = static_cast<int>(params().integer("iterations"));
  report_from_ = static_cast<int>(params().integer("report_from_iteration"));
  if (report_from_ >= iterations_)
    params().fail("report_from_iteration", "must be below iterations");
  const int sample = static_cast<int>(params().integer("sample_layers"));
  layers_ = sample > 0 ? std::min(sample, model_.moeLayers()) : model_.moeLayers();
  decode_ = paramChoice<bool>(params(), "mode", {{"decode", true}, {"prefill", false}});
  batch_per_group_ = static_cast<int>(params().integer("batch_per_group"));
  sequence_length_ = static_cast<int>(params().integer("sequence_length"));

  issue_.fill(false);
  for (const std::string& phase : params().strings("traffic_phases")) {
    bool known = false;
    for (int p = 0; p < moe::kPhaseCount; ++p) {
      if (phase == kPhaseKeys[p] || phase == "all") {
        issue_[static_cast<std::size_t>(p)] = true;
        known = true;
      }
    }
    if (!known)
      params().fail("traffic_phases", "unknown phase '" + phase + "'");
  }

  segment_.fill(false);
  for (const std::string& phase : params().strings("segment_phases")) {
    // Only the combine: on the ER dispatch (FTD-local, short routes) the pieces' passes through
    // the turning dies' ports lengthened the phase by 28% (README "Route segments").
    if (phase != "combine")
      params().fail("segment_phases",
                    "expected combine (the owner all-to-all), got '" + phase + "'");
    segment_[static_cast<std::size_t>(Phase::kCombine)] = true;
  }

  const auto balancer_kind =
      paramChoice<moe::BalancerKind>(params(), "balancer",
                                     {{"none", moe::BalancerKind::kNone},
                                      {"greedy", moe::BalancerKind::kGreedyInvasive},
                                      {"topology", moe::BalancerKind::kTopologyAwareInvasive},
                                      {"ni", moe::BalancerKind::kNonInvasive}});
  if (balancer_kind == moe::BalancerKind::kNonInvasive && !mesh_network_)
    params().fail("balancer", "'ni' needs cold-link windows, i.e. network: mesh");
  balancer_config_ = moe::defaultBalancerConfig(balancer_kind);
  balancer_config_.interval = static_cast<int>(params().integer("balancer_interval"));
  balancer_config_.alpha = params().real("balancer_alpha");
  balancer_config_.history_window = static_cast<int>(params().integer("history_window"));
  balancer_config_.target_imbalance = params().real("target_imbalance");
  balancer_config_.split = paramChoice<moe::PlanSplit>(
      params(), "replica_split",
      {{"weighted", moe::PlanSplit::kWeighted}, {"even", moe::PlanSplit::kEven}});
  balancer_config_.chunk_bytes = params().quantity("migration_chunk");

  dies_ = static_cast<int>(params().integer("dies"));
  if (!mesh_network_) {
    // The switch reuses the mapping machinery over a 1-D device index (as the analytic model).
    if (mapping.kind != moe::MappingKind::kContiguous)
      params().fail("mapping", "the switch network supports only 'baseline' (no FTDs)");
    moe::WaferSystemSpec spec;
    spec.mesh_width = static_cast<int>(params().integer("devices"));
    spec.mesh_height = 1;
    mapping.tp_x *= mapping.tp_y;
    mapping.tp_y = 1;
    planOnGrid(spec, std::to_string(spec.mesh_width) + " devices");
  }
  // On a mesh the die grid, the wafers and the inter-wafer links are the mesh's: the plan is
  // made once it is bound (connected()).

  if (hbm_burst_ > hbm_size_)
    params().fail("hbm_burst", "must not exceed hbm_size");
  if (burst_ > window_stride_)
    params().fail("burst", "must not exceed window_stride");
  const std::size_t dies = static_cast<std::size_t>(dies_);
  const bool sram = params().boolean("sram");
  for (std::size_t d = 0; d < dies; ++d) {
    net_.push_back(std::make_unique<Socket>(("net_" + std::to_string(d)).c_str()));
    hbm_.push_back(std::make_unique<Socket>(("hbm_" + std::to_string(d)).c_str()));
    compute_sockets_.push_back(std::make_unique<Socket>(("compute_" + std::to_string(d)).c_str()));
    if (sram)
      sram_sockets_.push_back(std::make_unique<Socket>(("sram_" + std::to_string(d)).c_str()));
    rx_.push_back(std::make_unique<RxSocket>(("rx_" + std::to_string(d)).c_str()));
    rx_.back()->register_b_transport(this, &MoeOrchestrator::rxTransport, static_cast<int>(d));
  }
  buffer_.assign(static_cast<std::size_t>(std::max(burst_, hbm_burst_)), 0);
  hbm_cursor_.assign(dies, 0);
  for (std::size_t d = 0; d < dies; ++d)
    send_what_.push_back(instanceName() + ": transfer from die " + std::to_string(d));
  hbm_what_ = instanceName() + ": HBM read";
  sram_what_ = instanceName() + ": SRAM read";
  compute_what_ = instanceName() + ": die job";
  sram_cursor_.assign(dies, 0);
  ready_.assign(dies, 0);
  becomeActive();
  SC_HAS_PROCESS(MoeOrchestrator);
  SC_THREAD(run);
}

void MoeOrchestrator::planOnGrid(moe::WaferSystemSpec spec, const std::string& grid) {
  spec.die = die_;
  moe::MappingConfig mapping = mapping_config_;
  if (mapping.kind == moe::MappingKind::kHierarchicalEntwined && spec.wafers() == 1)
    mapping.kind = moe::MappingKind::kEntwined;  // HER on one wafer is ER
  const int grid_dies = spec.mesh_width * spec.mesh_height * spec.wafers();
  if (grid_dies != dies_) {
    params().fail("dies", std::to_string(dies_) + " dies do not match the " + grid + " (expected " +
                              std::to_string(grid_dies) + ")");
  }
  try {
    topology_ = std::make_unique<moe::MeshTopology>(spec);
    mapping_ = std::make_unique<moe::ParallelMapping>(*topology_, mapping);
  } catch (const std::exception& error) {
    params().fail(mesh_network_ ? "tp_x" : "devices", error.what());
  }
  builder_ = std::make_unique<moe::PhaseTrafficBuilder>(*mapping_);
  segmenter_ = std::make_unique<moe::RouteSegmenter>(*topology_);
  layer_loads_ = std::make_unique<moe::LinkLoadMap>(*topology_);

  const long long sequences = static_cast<long long>(mapping_->groupCount()) * batch_per_group_;
  const long long tokens = decode_ ? sequences : sequences * sequence_length_;
  if (tokens > std::numeric_limits<int>::max()) {
    params().fail("batch_per_group",
                  "expected at most " + std::to_string(std::numeric_limits<int>::max()) +
                      " tokens per iteration (groups x batch_per_group" +
                      (decode_ ? "" : " x sequence_length") + "), got " + std::to_string(tokens));
  }
  tokens_per_iteration_ = static_cast<double>(tokens);

  const std::string& trace = params().string("routing_trace");
  if (!trace.empty()) {
    try {
      routing_ = std::make_unique<moe::RoutingTrace>(
          moe::RoutingTrace::load(trace, model_.routed_experts, model_.top_k));
    } catch (const std::exception& error) {
      params().fail("routing_trace", error.what());
    }
  } else {
    moe::ZipfRoutingConfig zipf;
    zipf.experts = model_.routed_experts;
    zipf.top_k = model_.top_k;
    zipf.tokens = static_cast<int>(tokens);  // checked above
    zipf.layers = layers_;
    zipf.zipf_exponent = params().real("zipf_exponent");
    zipf.drift_sigma = params().real("drift_sigma");
    zipf.drift_time_constant = params().real("drift_time_constant");
    zipf.seed = seed();
    routing_ = std::make_unique<moe::ZipfRoutingGenerator>(zipf);
  }

  std::vector<std::vector<int>> domains;
  for (int d = 0; d < mapping_->domainCount(); ++d)
    domains.push_back(mapping_->domainDies(d));
  const int shadow = static_cast<int>(params().integer("shadow_slots"));
  placements_.clear();
  for (int layer = 0; layer < layers_; ++layer)
    placements_.emplace_back(domains, dies_, model_.routed_experts, shadow);
  computeResidentBytes(placements_.front().slotsPerDie());
  const moe::MeshTopology* topology = topology_.get();
  moe::ReplicationPlanner::Distance distance =
      mesh_network_
          ? moe::ReplicationPlanner::Distance(
                [topology](int a, int b) { return topology->hops(a, b); })
          : moe::ReplicationPlanner::Distance([](int a, int b) { return a == b ? 0 : 1; });
  balancer_ = std::make_unique<moe::ExpertBalancer>(
      balancer_config_, mesh_network_ ? mapping_.get() : nullptr, distance, layers_,
      mapping_->domainCount(), model_.expertWeightBytes());
  for (auto& heat : heat_)
    heat.assign(static_cast<std::size_t>(topology_->linkIdCount()), 0.0);
}

InitiatorSocket* MoeOrchestrator::initiatorSocket(const std::string& port, std::size_t index) {
  if (port == "net")
    return index < net_.size() ? net_[index].get() : nullptr;
  if (port == "hbm")
    return index < hbm_.size() ? hbm_[index].get() : nullptr;
  if (port == "sram")
    return index < sram_sockets_.size() ? sram_sockets_[index].get() : nullptr;
  if (port == "compute")
    return index < compute_sockets_.size() ? compute_sockets_[index].get() : nullptr;
  return nullptr;
}

TargetSocket* MoeOrchestrator::targetSocket(const std::string& port, std::size_t index) {
  return port == "rx" && index < rx_.size() ? rx_[index].get() : nullptr;
}

std::size_t MoeOrchestrator::portWidth(const std::string& port) const {
  if (port == "sram")
    return sram_sockets_.size();  // only with `sram: true`
  return port == "net" || port == "hbm" || port == "rx" || port == "compute"
             ? static_cast<std::size_t>(dies_)
             : 0;
}

void MoeOrchestrator::rxTransport(int die, tlm::tlm_generic_payload& payload,
                                  sc_core::sc_time& delay) {
  // The die's receive buffer sinks at line rate: no extra delay.
  if (!payload.is_write() || payload.get_address() >= window_stride_) {
    payload.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  rx_bytes_ += payload.get_data_length();
  if (trace()) {  // the flow's end: the bytes landed in the die's receive buffer
    const TraceFlowScope flow(trace(), payload);
    TraceArgs args;
    args.bytes = payload.get_data_length();
    args.destination = "die" + std::to_string(die);
    const Picoseconds at = nowPs() + static_cast<Picoseconds>(delay.value());
    traceTransfer("rx", flow.id(), "receive", at, at, args);
  }
  payload.set_response_status(tlm::TLM_OK_RESPONSE);
}

Picoseconds MoeOrchestrator::transfer(Socket& socket, std::uint64_t base, std::uint64_t window,
                                      std::uint64_t& cursor, std::uint64_t bytes,
                                      std::uint64_t burst, bool write, Picoseconds at,
                                      const std::string& what) {
  const BurstTransfer done =
      burstTransfer(*socket.operator->(), buffer_, base, window, cursor, bytes, burst, write,
                    std::max(at, nowPs()), what, trace() ? traceSite("dma") : TraceSite{});
  transactions_ += done.transactions;
  services().countTransactions(done.transactions);
  return done.done;
}

Picoseconds MoeOrchestrator::send(int src, int dst, std::uint64_t bytes, Picoseconds at) {
  // One DMA per transfer: its bursts are all ready at `at`; the network serialises them.
  std::uint64_t cursor = 0;
  const std::size_t s = static_cast<std::size_t>(src);
  return transfer(*net_[s], window_base_ + static_cast<std::uint64_t>(dst) * window_stride_,
                  window_stride_, cursor, bytes, burst_, true, at, send_what_[s]);
}

Picoseconds MoeOrchestrator::memoryRead(Socket& socket, std::uint64_t& cursor, std::uint64_t range,
                                        std::uint64_t bytes, Picoseconds at,
                                        const std::string& what) {
  return transfer(socket, 0, range, cursor, bytes, std::min(hbm_burst_, range), false, at, what);
}

Picoseconds MoeOrchestrator::hbmRead(int die, std::uint64_t bytes, Picoseconds at,
                                     std::uint64_t& counted) {
  const std::size_t d = static_cast<std::size_t>(die);
  counted += bytes;
  return memoryRead(*hbm_[d], hbm_cursor_[d], hbm_size_, bytes, at, hbm_what_);
}

Picoseconds MoeOrchestrator::sramRead(int die, std::uint64_t bytes, Picoseconds at) {
  const std::size_t d = static_cast<std::size_t>(die);
  sram_bytes_ += bytes;
  return memoryRead(*sram_sockets_[d], sram_cursor_[d], sram_range_, bytes, at, sram_what_);
}

void MoeOrchestrator::recordLinks(const Transfer& transfer) {
  const std::size_t p = static_cast<std::size_t>(transfer.phase);
  phase_bytes_[p] += static_cast<std::uint64_t>(transfer.bytes);
  ++phase_transfers_[p];
  if (!mesh_network_)
    return;
  topology_->forEachLink(transfer.src, transfer.dst, [&](int link) {
    heat_[p][static_cast<std::size_t>(link)] += transfer.bytes;
    phase_link_bytes_[p] += static_cast<std::uint64_t>(transfer.bytes);
  });
}

std::vector<Picoseconds> MoeOrchestrator::sendPhase(const std::vector<Transfer>& list, Phase phase,
                                                    Picoseconds& first_issue) {
  std::vector<Picoseconds> done(list.size(), 0);
  // Only the owner combine is an all-to-all worth cutting: the reverse path's combine is
  // FTD-local short routes, where the pieces' passes through the turning dies' ports lengthened
  // the phase by 33% on the shipped wafer (README "Route segments"), as on the dispatch.
  const bool segmented =
      mesh_network_ && segment_[static_cast<std::size_t>(phase)] &&
      mapping_->config().combine == moe::CombinePolicy::kToOwnerThenGroupAllGather;
  if (!segmented) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      const Transfer& t = list[i];
      const Picoseconds at = ready_[static_cast<std::size_t>(t.src)];
      done[i] = send(t.src, t.dst, static_cast<std::uint64_t>(t.bytes), at);
      first_issue = std::min(first_issue, std::max(at, nowPs()));
    }
    return done;
  }
  // Route segments (moe::RouteSegmenter): a segment starts when the first head of its flows
  // reaches it, and a flow ends when its last segment has delivered and its last bytes have
  // flown over the rest of its route.
  // Pieces merge only among flows whose sources are ready together (all of them with
  // synchronous phases; `list` is in ready order): otherwise a piece issued for an early flow
  // would deliver a later flow's bytes before that flow's source is ready.
  std::vector<std::uint64_t> ready_class(list.size());
  for (std::size_t i = 0; i < list.size(); ++i)
    ready_class[i] = ready_[static_cast<std::size_t>(list[i].src)];
  segmenter_->segment(list, segmented_, &ready_class);
  const std::vector<moe::Transfer>& segments = segmented_.segments;
  std::vector<Picoseconds> issue(segments.size(), ~Picoseconds{0});
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Picoseconds ready = ready_[static_cast<std::size_t>(list[i].src)];
    for (int l = segmented_.first[i]; l < segmented_.first[i + 1]; ++l) {
      const moe::SegmentedFlows::Leg& leg = segmented_.legs[static_cast<std::size_t>(l)];
      Picoseconds& at = issue[static_cast<std::size_t>(leg.segment)];
      at = std::min(at, ready + toPs(leg.before_s));
    }
  }
  std::vector<std::size_t> order(segments.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return issue[a] < issue[b]; });
  std::vector<Picoseconds> delivered(segments.size(), 0);
  double segment_bytes = 0.0;
  double flow_bytes = 0.0;
  for (const Transfer& piece : segments)
    segment_bytes += piece.bytes;
  for (const Transfer& t : list)
    flow_bytes += t.bytes;
  relayed_bytes_ += static_cast<std::uint64_t>(segment_bytes - flow_bytes);
  segment_transfers_ += segments.size();
  for (const std::size_t s : order) {
    const Transfer& piece = segments[s];
    delivered[s] = send(piece.src, piece.dst, static_cast<std::uint64_t>(piece.bytes), issue[s]);
    first_issue = std::min(first_issue, std::max(issue[s], nowPs()));
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    for (int l = segmented_.first[i]; l < segmented_.first[i + 1]; ++l) {
      const moe::SegmentedFlows::Leg& leg = segmented_.legs[static_cast<std::size_t>(l)];
      done[i] =
          std::max(done[i], delivered[static_cast<std::size_t>(leg.segment)] + toPs(leg.after_s));
    }
  }
  return done;
}

MoeOrchestrator::PhaseResult MoeOrchestrator::issuePhase(std::vector<Transfer>& transfers,
                                                         Phase phase) {
  // Whole bytes, no self-transfers; issue in order of the sources' ready times (FCFS on the
  // mesh calendars), ties by list order.
  std::vector<Transfer> list;
  list.reserve(transfers.size());
  for (Transfer t : transfers) {
    t.bytes = static_cast<double>(wholeBytes(t.bytes));
    if (t.src != t.dst && t.bytes > 0.0)
      list.push_back(t);
  }
  PhaseResult result;
  if (!issue_[static_cast<std::size_t>(phase)])
    return result;
  if (phase_barrier_ && !list.empty()) {
    // Synchronous phases: every die enters at the latest ready time (a barrier per phase).
    std::fill(ready_.begin(), ready_.end(), *std::max_element(ready_.begin(), ready_.end()));
  }
  std::stable_sort(list.begin(), list.end(), [&](const Transfer& a, const Transfer& b) {
    return ready_[static_cast<std::size_t>(a.src)] < ready_[static_cast<std::size_t>(b.src)];
  });
  Window& window = result.window;
  std::vector<Picoseconds> next = ready_;
  // Per-die phase time: the latest completion of the die's own transfers, each counted from
  // max(ready(src), ready(dst)), i.e. once both ends had entered the phase. Skew inherited from
  // earlier phases is therefore neither charged (a receiver does not wait for a late sender on
  // its own clock) nor credited; contention and queueing inside the phase are charged.
  std::vector<Picoseconds> busy(ready_.size(), 0);
  std::vector<char> active(ready_.size(), 0);
  Picoseconds critical = 0;
  window.start = ~Picoseconds{0};
  const std::vector<Picoseconds> done_at = sendPhase(list, phase, window.start);
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Transfer& t = list[i];
    const std::size_t src = static_cast<std::size_t>(t.src);
    const std::size_t dst = static_cast<std::size_t>(t.dst);
    const Picoseconds done = done_at[i];
    window.end = std::max(window.end, done);
    const Picoseconds both = std::max(ready_[src], ready_[dst]);
    const Picoseconds span = done > both ? done - both : 0;
    busy[src] = std::max(busy[src], done - ready_[src]);
    busy[dst] = std::max(busy[dst], span);
    if (std::max(done - ready_[src], span) > critical) {
      critical = std::max(done - ready_[src], span);
      result.critical_step = t.step;
      result.critical_inter_wafer = topology_->waferOf(t.src) != topology_->waferOf(t.dst);
    }
    active[src] = active[dst] = 1;
    next[src] = std::max(next[src], done);
    next[dst] = std::max(next[dst], done);
    recordLinks(t);
    if (mesh_network_)
      layer_loads_->add(t);
  }
  if (list.empty())
    window.start = 0;
  int participants = 0;
  double sum = 0.0;
  for (std::size_t d = 0; d < busy.size(); ++d) {
    if (!active[d])
      continue;
    ++participants;
    sum += seconds(busy[d]);
    result.die_max = std::max(result.die_max, seconds(busy[d]));
  }
  result.die_mean = participants > 0 ? sum / participants : 0.0;
  ready_ = std::move(next);
  // The phase's window (first issue to last delivery) as a span on the orchestrator's track.
  if (TraceWriter* tracer = trace(); tracer && !list.empty())
    tracer->complete(traceTrack(), kPhaseKeys[static_cast<int>(phase)], window.start,
                     window.end - window.start);
  return result;
}

void MoeOrchestrator::tallyCritical(int iteration, Phase phase, const PhaseResult& result) {
  if (iteration < report_from_ || result.die_max <= 0.0)
    return;
  CriticalTally& tally =
      critical_[static_cast<std::size_t>(phase)][static_cast<std::size_t>(result.critical_step)]
               [result.critical_inter_wafer ? 1 : 0];
  ++tally.layers;
  tally.seconds += result.die_max;
}

void MoeOrchestrator::computeResidentBytes(int slots_per_die) {
  // Per die, over every layer (not only the sampled ones): its routed-expert slots (primary and
  // shadow), the shared experts, 1/tp of the attention projections and of its group's KV cache.
  const double moe_layers = model_.moeLayers();
  const double tp = mapping_->tpSize();
  resident_.routed_experts = slots_per_die * moe_layers * model_.expertWeightBytes();
  resident_.shared_experts = model_.shared_experts * moe_layers * model_.expertWeightBytes();
  resident_.attention =
      model_.layers * model_.attentionWeightCount() * model_.bytes_per_weight / tp;
  resident_.kv_cache = static_cast<double>(batch_per_group_) * sequence_length_ *
                       model_.kvCacheBytesPerToken() * model_.layers / tp;
  resident_.total = resident_.routed_experts + resident_.shared_experts + resident_.attention +
                    resident_.kv_cache;
}

void MoeOrchestrator::runLayer(int iteration, int layer, Times& times) {
  const moe::ParallelMapping& mapping = *mapping_;
  const int experts = model_.routed_experts;
  const int groups = mapping.groupCount();
  const int tp = mapping.tpSize();
  const double token_bytes = model_.tokenBytes();
  const std::size_t dies = static_cast<std::size_t>(dies_);

  activateDue(layer);
  moe::LayerRouting routing;
  routing_->route(iteration, layer, routing);
  std::vector<double> demand(dies * static_cast<std::size_t>(experts), 0.0);
  std::vector<double> group_tokens(static_cast<std::size_t>(groups), 0.0);
  std::vector<double> owned(dies, 0.0);
  std::vector<std::vector<double>>& layer_loads = loads_[static_cast<std::size_t>(layer)];
  const bool forward_on_demand = mapping.hierarchical() && !mapping.replicatesTokens();
  std::vector<int> token_owner(forward_on_demand ? static_cast<std::size_t>(routing.tokens) : 0);
  for (int token = 0; token < routing.tokens; ++token) {
    const int group = token % groups;
    if (!mapping.groupLive(group)) {  // a faulty group serves no tokens (README "Faults")
      if (forward_on_demand)
        token_owner[static_cast<std::size_t>(token)] = -1;
      continue;
    }
    const int owner = mapping.member(group, (token / groups) % tp);
    if (forward_on_demand)
      token_owner[static_cast<std::size_t>(token)] = owner;
    group_tokens[static_cast<std::size_t>(group)] += 1.0;
    owned[static_cast<std::size_t>(owner)] += 1.0;
    std::vector<double>& domain = layer_loads[static_cast<std::size_t>(mapping.domain(owner))];
    for (int j = 0; j < routing.top_k; ++j) {
      const int e = routing.expert(token, j);
      demand[static_cast<std::size_t>(owner) * static_cast<std::size_t>(experts) +
             static_cast<std::size_t>(e)] += 1.0;
      domain[static_cast<std::size_t>(e)] += 1.0;
    }
  }
  moe::MoeLayerTraffic traffic;
  const moe::ExpertPlacement& placement = placements_[static_cast<std::size_t>(layer)];
  if (forward_on_demand) {
    const std::vector<double> wafer_tokens =
        builder_->tokensPerWafer(routing, token_owner, placement);
    builder_->buildMoeLayer(demand, placement, token_bytes, traffic, &wafer_tokens);
  } else {
    builder_->buildMoeLayer(demand, placement, token_bytes, traffic);
  }
  std::vector<double> group_bytes(static_cast<std::size_t>(groups));
  for (std::size_t g = 0; g < group_bytes.size(); ++g)
    group_bytes[g] = group_tokens[g] * token_bytes;
  layer_loads_->clear();

  // Attention compute (roofline of one TP member): its FLOPs are a job on the die's compute
  // engine, overlapped with reading its weights and KV cache from the die's HBM (TLM reads).
  const Picoseconds attention_start = *std::min_element(ready_.begin(), ready_.end());
  double attention_max = 0.0;
  for (std::size_t d = 0; d < dies; ++d) {
    if (!mapping.groupLive(mapping.group(static_cast<int>(d))))
      continue;
    const double tokens =
        group_tokens[static_cast<std::size_t>(mapping.group(static_cast<int>(d)))];
    const double context = decode_ ? sequence_length_ : sequence_length_ / 2.0;
    const double sequences = decode_ ? tokens : tokens / sequence_length_;
    const moe::ExpertComputeModel::Work work =
        compute_->attentionDieWork(tokens, sequences, context, tp);
    const Picoseconds start = ready_[d];
    const Picoseconds read =
        work.hbm_bytes > 0.0
            ? hbmRead(static_cast<int>(d), wholeBytes(work.hbm_bytes), start, attention_hbm_bytes_)
            : start;
    ready_[d] = std::max(computeJob(static_cast<int>(d), work.flops, start), read);
    attention_max = std::max(attention_max, seconds(ready_[d] - start));
  }

  std::vector<Transfer> collective;
  builder_->appendAttentionCollective(group_bytes, collective);
  const PhaseResult allreduce = issuePhase(collective, Phase::kAttentionAllReduce);
  if (layer_windows_) {
    advanceMigrations(moe::MigrationWindow::kAttentionAllReduce, {Phase::kAttentionAllReduce},
                      Window{attention_start, std::max(attention_start, allreduce.window.end)},
                      Window{attention_start, allreduce.window.start});
  } else {
    advanceMigrations(moe::MigrationWindow::kAttentionAllReduce, {Phase::kAttentionAllReduce},
                      allreduce.window, Window{});
  }
  const Picoseconds moe_start = *std::min_element(ready_.begin(), ready_.end());
  const PhaseResult dispatch = issuePhase(traffic.dispatch, Phase::kDispatch);
  if (!layer_windows_) {
    advanceMigrations(moe::MigrationWindow::kAllToAll, {Phase::kDispatch}, dispatch.window,
                      Window{});
  }

  // Expert compute: GEMMs as a job on the die's compute engine, overlapped with reading every used
  // instance's weights (and the shared experts'): the SRAM-pinned part at SRAM bandwidth, the rest
  // from the die's HBM.
  const int slots = placement.slotsPerDie();
  double compute_max = 0.0;
  double max_tokens = 0.0;
  double sum_tokens = 0.0;
  for (std::size_t d = 0; d < dies; ++d) {
    const double* tokens = &traffic.instance_tokens[d * static_cast<std::size_t>(slots)];
    double die_tokens = 0.0;
    for (int s = 0; s < slots; ++s)
      die_tokens += tokens[s];
    const moe::WeightSources weights = sram_->split(owned[d] > 0.0, tokens, slots);
    max_tokens = std::max(max_tokens, die_tokens);
    sum_tokens += die_tokens;
    const double flops =
        (die_tokens + owned[d] * model_.shared_experts) * model_.expertFlopsPerToken();
    const Picoseconds start = ready_[d];
    const Picoseconds gemm = computeJob(static_cast<int>(d), flops, start);
    const Picoseconds from_hbm =
        weights.hbm_bytes > 0.0
            ? hbmRead(static_cast<int>(d), wholeBytes(weights.hbm_bytes), start, expert_hbm_bytes_)
            : start;
    const Picoseconds from_sram =
        weights.sram_bytes > 0.0
            ? sramRead(static_cast<int>(d), wholeBytes(weights.sram_bytes), start)
            : start;
    ready_[d] = std::max({gemm, from_hbm, from_sram});
    compute_max = std::max(compute_max, seconds(ready_[d] - start));
  }

  const PhaseResult combine = issuePhase(traffic.combine, Phase::kCombine);
  if (layer_windows_) {
    // Idle while the experts compute: between the dispatch's last and the combine's first byte.
    advanceMigrations(moe::MigrationWindow::kAllToAll, {Phase::kDispatch, Phase::kCombine},
                      Window{moe_start, std::max(moe_start, combine.window.end)},
                      Window{dispatch.window.end, combine.window.start});
  } else {
    advanceMigrations(moe::MigrationWindow::kAllToAll, {Phase::kCombine}, combine.window, Window{});
  }
  collective.clear();
  builder_->appendCombineCollective(group_bytes, collective);
  const PhaseResult combine_collective = issuePhase(collective, Phase::kCombineCollective);

  tallyCritical(iteration, Phase::kAttentionAllReduce, allreduce);
  tallyCritical(iteration, Phase::kDispatch, dispatch);
  tallyCritical(iteration, Phase::kCombine, combine);
  tallyCritical(iteration, Phase::kCombineCollective, combine_collective);
  times.attention_compute += attention_max;
  times.attention_allreduce.add(allreduce);
  times.dispatch.add(dispatch);
  times.moe_compute += compute_max;
  times.combine.add(combine);
  times.combine_collective.add(combine_collective);
  times.imbalance += sum_tokens > 0.0 ? max_tokens * static_cast<double>(dies) / sum_tokens : 1.0;

  // Let the kernel catch up with the earliest die: no later request can precede it, so the
  // interconnect calendars may retire everything before.
  const Picoseconds floor = *std::min_element(ready_.begin(), ready_.end());
  if (floor > nowPs())
    sc_core::wait(sc_core::sc_time::from_value(floor - nowPs()));
}

void MoeOrchestrator::run() {
  for (int iteration = 0; iteration < iterations_; ++iteration) {
    loads_.assign(static_cast<std::size_t>(layers_),
                  std::vector<std::vector<double>>(
                      static_cast<std::size_t>(mapping_->domainCount()),
                      std::vector<double>(static_cast<std::size_t>(model_.routed_experts), 0.0)));
    const Picoseconds start = *std::max_element(ready_.begin(), ready_.end());
    Times times;
    for (int layer = 0; layer < layers_; ++layer) {
      runLayer(iteration, layer, times);
      ++layers_done_;
    }
    balance(iteration, times);
    // Iterations are separated by a barrier (the next token needs every layer's output).
    const Picoseconds end = *std::max_element(ready_.begin(), ready_.end());
    std::fill(ready_.begin(), ready_.end(), end);
    times.iteration = seconds(end - start);
    logIteration(iteration, times);
    if (iteration >= report_from_) {
      times_.attention_compute += times.attention_compute;
      times_.attention_allreduce.add(times.attention_allreduce);
      times_.dispatch.add(times.dispatch);
      times_.moe_compute += times.moe_compute;
      times_.combine.add(times.combine);
      times_.combine_collective.add(times.combine_collective);
      times_.migration_stall += times.migration_stall;
      times_.iteration += times.iteration;
      times_.imbalance += times.imbalance / layers_;
      ++reported_iterations_;
    }
  }
  end_time_ = *std::max_element(ready_.begin(), ready_.end());
  if (end_time_ > nowPs())
    sc_core::wait(sc_core::sc_time::from_value(end_time_ - nowPs()));
  for (const moe::ExpertPlacement& placement : placements_)
    live_replicas_ += static_cast<std::uint64_t>(placement.liveReplicaCount());
  finished();
}

}  // namespace spatialvp::models::wafer_moe
