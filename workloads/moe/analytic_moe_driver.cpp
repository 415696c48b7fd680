#include "workloads/moe/analytic_moe_driver.h"

#include <algorithm>
#include <stdexcept>

namespace spatialvp::moe {

IterationReport& IterationReport::operator+=(const IterationReport& other) {
  attention_compute += other.attention_compute;
  attention_allreduce += other.attention_allreduce;
  dispatch += other.dispatch;
  moe_compute += other.moe_compute;
  combine += other.combine;
  combine_collective += other.combine_collective;
  migration_stall += other.migration_stall;
  imbalance += other.imbalance;
  live_replicas += other.live_replicas;
  migrations_in_flight += other.migrations_in_flight;
  migrations_started += other.migrations_started;
  migrations_completed += other.migrations_completed;
  return *this;
}

IterationReport AnalyticReport::mean(int first) const {
  IterationReport sum;
  const int count = static_cast<int>(iterations.size()) - first;
  if (count <= 0)
    return sum;
  for (int i = first; i < static_cast<int>(iterations.size()); ++i)
    sum += iterations[i];
  const double n = count;
  sum.attention_compute /= n;
  sum.attention_allreduce /= n;
  sum.dispatch /= n;
  sum.moe_compute /= n;
  sum.combine /= n;
  sum.combine_collective /= n;
  sum.migration_stall /= n;
  sum.imbalance /= n;
  return sum;
}

namespace {

WaferSystemSpec networkSpec(const AnalyticConfig& config) {
  if (config.network == NetworkModel::kMesh)
    return config.wafer;
  // The switch baseline reuses the mapping machinery over a 1-D device index; only the
  // pricing differs (per-port instead of per-link loads).
  WaferSystemSpec spec;
  spec.mesh_width = config.switch_system.devices;
  spec.mesh_height = 1;
  spec.d2d_bandwidth = config.switch_system.port_bandwidth;
  spec.die = config.switch_system.die;
  return spec;
}

MappingConfig networkMapping(const AnalyticConfig& config) {
  if (config.network == NetworkModel::kMesh)
    return config.mapping;
  MappingConfig mapping;
  mapping.kind = MappingKind::kContiguous;
  mapping.tp_x = config.mapping.tp_x * config.mapping.tp_y;
  mapping.tp_y = 1;
  return mapping;
}

}  // namespace

AnalyticMoeDriver::AnalyticMoeDriver(const MoeModel& model, const AnalyticConfig& config,
                                     RoutingSource* routing)
    : model_(model),
      config_(config),
      topology_(std::make_unique<MeshTopology>(networkSpec(config))),
      mapping_(std::make_unique<ParallelMapping>(*topology_, networkMapping(config))),
      builder_(std::make_unique<PhaseTrafficBuilder>(*mapping_, config.replica_split)),
      routing_(routing),
      compute_(model_, topology_->spec().die) {
  moe_layers_ = config.workload.moe_layers > 0
                    ? std::min(config.workload.moe_layers, model.moeLayers())
                    : model.moeLayers();
  const int sequences = mapping_->groupCount() * config.workload.batch_per_group;
  tokens_per_iteration_ = config.workload.mode == IterationMode::kDecode
                              ? sequences
                              : sequences * config.workload.sequence_length;
  if (routing_ == nullptr) {
    ZipfRoutingConfig generator = config.routing;
    generator.experts = model.routed_experts;
    generator.top_k = model.top_k;
    generator.tokens = tokens_per_iteration_;
    generator.layers = moe_layers_;
    own_routing_ = std::make_unique<ZipfRoutingGenerator>(generator);
    routing_ = own_routing_.get();
  }
  std::vector<std::vector<int>> domains;
  for (int d = 0; d < mapping_->domainCount(); ++d)
    domains.push_back(mapping_->domainDies(d));
  for (int layer = 0; layer < moe_layers_; ++layer) {
    placements_.emplace_back(domains, topology_->dies(), model.routed_experts,
                             config.shadow_slots_per_die);
  }
  const MeshTopology* topology = topology_.get();
  ReplicationPlanner::Distance distance =
      config.network == NetworkModel::kMesh
          ? ReplicationPlanner::Distance([topology](int a, int b) { return topology->hops(a, b); })
          : ReplicationPlanner::Distance([](int a, int b) { return a == b ? 0 : 1; });
  balancer_ = std::make_unique<ExpertBalancer>(
      config.balancer, config.network == NetworkModel::kMesh ? mapping_.get() : nullptr, distance,
      moe_layers_, mapping_->domainCount(), model.expertWeightBytes());
  queue_ = std::make_unique<MigrationQueue>(*topology_);
  last_loads_ = std::make_unique<LinkLoadMap>(*topology_);
}

double AnalyticMoeDriver::portTime(const std::vector<Transfer>& transfers) const {
  std::vector<double> out(topology_->dies(), 0.0);
  std::vector<double> in(topology_->dies(), 0.0);
  bool any = false;
  for (const Transfer& t : transfers) {
    if (t.src == t.dst)
      continue;
    out[t.src] += t.bytes;
    in[t.dst] += t.bytes;
    any = true;
  }
  if (!any)
    return 0.0;
  const double worst =
      std::max(*std::max_element(out.begin(), out.end()), *std::max_element(in.begin(), in.end()));
  return worst / config_.switch_system.port_bandwidth + config_.switch_system.latency;
}

double AnalyticMoeDriver::phaseTime(const std::vector<Transfer>& transfers, Phase phase) {
  if (config_.network == NetworkModel::kSwitch)
    return portTime(transfers);
  last_loads_->add(transfers);
  return last_loads_->phaseTime(phase);
}

double AnalyticMoeDriver::stallTime(const std::vector<Migration>& migrations) {
  std::vector<Transfer> transfers;
  for (const Migration& m : migrations) {
    transfers.push_back(
        Transfer{m.src, m.dst, m.bytes, Phase::kMigrationGlobal, TransferStep::kMigration});
  }
  if (config_.network == NetworkModel::kSwitch)
    return portTime(transfers);
  LinkLoadMap loads(*topology_);
  loads.add(transfers);
  return loads.phaseTime(Phase::kMigrationGlobal);
}

void AnalyticMoeDriver::advanceMigrations(MigrationWindow window, Phase phase, double idle_seconds,
                                          int& completed) {
  if (queue_->empty())
    return;
  const double length = last_loads_->bandwidthTime(phase) + idle_seconds;
  const std::vector<double>& used = last_loads_->phaseBytes(phase);
  spare_.assign(topology_->linkIdCount(), 0.0);
  for (int link = 0; link < topology_->linkIdCount(); ++link) {
    if (topology_->linkExists(link)) {
      spare_[link] = std::max(0.0, length * topology_->linkBandwidth(link) - used[link]);
    }
  }
  for (const Migration& done : queue_->advance(window, spare_)) {
    placements_[done.layer].activate(done.dst, done.dst_slot);
    ++completed;
  }
}

IterationReport AnalyticMoeDriver::runIteration(int iteration) {
  IterationReport report;
  const ParallelMapping& mapping = *mapping_;
  const int dies = topology_->dies();
  const int experts = model_.routed_experts;
  const int groups = mapping.groupCount();
  const int tp = mapping.tpSize();
  const double token_bytes = model_.tokenBytes();
  const bool mesh = config_.network == NetworkModel::kMesh;
  std::vector<std::vector<std::vector<double>>> loads(
      moe_layers_,
      std::vector<std::vector<double>>(mapping.domainCount(), std::vector<double>(experts, 0.0)));
  LayerRouting routing;
  MoeLayerTraffic traffic;
  std::vector<double> demand;
  std::vector<double> group_tokens(groups);
  std::vector<double> owned(dies);
  std::vector<Transfer> collective;
  for (int layer = 0; layer < moe_layers_; ++layer) {
    routing_->route(iteration, layer, routing);
    demand.assign(static_cast<std::size_t>(dies) * experts, 0.0);
    std::fill(group_tokens.begin(), group_tokens.end(), 0.0);
    std::fill(owned.begin(), owned.end(), 0.0);
    for (int token = 0; token < routing.tokens; ++token) {
      const int group = token % groups;
      const int owner = mapping.member(group, (token / groups) % tp);
      group_tokens[group] += 1.0;
      owned[owner] += 1.0;
      std::vector<double>& domain_loads = loads[layer][mapping.domain(owner)];
      for (int j = 0; j < routing.top_k; ++j) {
        const int e = routing.expert(token, j);
        demand[owner * experts + e] += 1.0;
        domain_loads[e] += 1.0;
      }
    }
    builder_->buildMoeLayer(demand, placements_[layer], token_bytes, traffic);
    std::vector<double> group_bytes(groups);
    for (int g = 0; g < groups; ++g)
      group_bytes[g] = group_tokens[g] * token_bytes;

    last_loads_->clear();
    collective.clear();
    builder_->appendAttentionCollective(group_bytes, collective);
    report.attention_allreduce += phaseTime(collective, Phase::kAttentionAllReduce);
    report.dispatch += phaseTime(traffic.dispatch, Phase::kDispatch);
    report.combine += phaseTime(traffic.combine, Phase::kCombine);
    collective.clear();
    builder_->appendCombineCollective(group_bytes, collective);
    report.combine_collective += phaseTime(collective, Phase::kCombineCollective);

    const double max_group = *std::max_element(group_tokens.begin(), group_tokens.end());
    const bool decode = config_.workload.mode == IterationMode::kDecode;
    const double context =
        decode ? config_.workload.sequence_length : config_.workload.sequence_length / 2.0;
    const double sequences = decode ? max_group : max_group / config_.workload.sequence_length;
    report.attention_compute += compute_.attentionDieTime(max_group, sequences, context, tp);

    const ExpertPlacement& placement = placements_[layer];
    const int slots = placement.slotsPerDie();
    double worst = 0.0;
    double max_tokens = 0.0;
    double sum_tokens = 0.0;
    for (int die = 0; die < dies; ++die) {
      const double* tokens = &traffic.instance_tokens[static_cast<std::size_t>(die) * slots];
      worst = std::max(worst, compute_.moeDieTime(tokens, slots, owned[die]));
      double die_tokens = 0.0;
      for (int s = 0; s < slots; ++s)
        die_tokens += tokens[s];
      max_tokens = std::max(max_tokens, die_tokens);
      sum_tokens += die_tokens;
    }
    report.moe_compute += worst;
    report.imbalance += sum_tokens > 0.0 ? max_tokens * dies / sum_tokens : 1.0;

    if (mesh) {
      // Cold-link windows of this layer (as the timed platform's `migration_window: layer`):
      // local steps in the attention layer (its compute leaves every link idle, then the
      // all-reduce's spare capacity), global steps in the MoE layer (dispatch, the idle expert
      // compute, combine).
      const double attention_idle = compute_.attentionDieTime(max_group, sequences, context, tp);
      advanceMigrations(MigrationWindow::kAttentionAllReduce, Phase::kAttentionAllReduce,
                        attention_idle, report.migrations_completed);
      advanceMigrations(MigrationWindow::kAllToAll, Phase::kDispatch, worst,
                        report.migrations_completed);
      advanceMigrations(MigrationWindow::kAllToAll, Phase::kCombine, 0.0,
                        report.migrations_completed);
    }
  }
  report.imbalance /= moe_layers_;

  BalancerDecision decision =
      balancer_->onIteration(iteration, loads, placements_, !queue_->empty());
  report.migrations_started = static_cast<int>(decision.migrations.size());
  if (decision.invasive) {
    report.migration_stall = stallTime(decision.migrations);
    for (const Migration& m : decision.migrations)
      placements_[m.layer].activate(m.dst, m.dst_slot);
    report.migrations_completed += report.migrations_started;
  } else {
    for (Migration& m : decision.migrations)
      queue_->add(std::move(m));
  }
  report.migrations_in_flight = queue_->size();
  for (const ExpertPlacement& placement : placements_) {
    report.live_replicas += placement.liveReplicaCount();
  }
  return report;
}

AnalyticReport AnalyticMoeDriver::run(int iterations) {
  AnalyticReport report;
  report.devices = topology_->dies();
  report.tokens_per_iteration = tokens_per_iteration_;
  for (int i = 0; i < iterations; ++i)
    report.iterations.push_back(runIteration(i));
  return report;
}

}  // namespace spatialvp::moe
