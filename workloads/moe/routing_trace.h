#pragma once
// Expert-selection traces (format in workloads/moe/README.md, "Trace format"):
//   CSV  : header "iteration,layer,token,expert_0,...,expert_{k-1}", one row per token.
//   JSONL: one object per line {"iteration": i, "layer": l, "experts": [[e0..ek-1], ...]}.
// Iterations and layers are 0-based and dense; every (iteration, layer) appears once with the
// same token count for all layers of an iteration. Replay wraps around: iteration i uses trace
// iteration i mod I, MoE layer l uses trace layer l mod L.
#include <iosfwd>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "workloads/moe/layer_routing.h"

namespace spatialvp::moe {

// A malformed trace: the message names the file, the line and what was expected.
class TraceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class RoutingTrace : public RoutingSource {
 public:
  // Format from the extension (.csv or .jsonl); expert ids must be in [0, experts) and every
  // token must select exactly top_k distinct experts.
  static RoutingTrace load(const std::string& path, int experts, int top_k);

  // The same from text already open (`name` stands for the file in messages); for fuzzing.
  static RoutingTrace parseCsv(std::istream& in, const std::string& name, int experts, int top_k);
  static RoutingTrace parseJsonl(std::istream& in, const std::string& name, int experts, int top_k);

  int iterations() const { return static_cast<int>(data_.size()); }
  int layers() const { return data_.empty() ? 0 : static_cast<int>(data_.front().size()); }
  const LayerRouting& at(int iteration, int layer) const { return data_[iteration][layer]; }
  void route(int iteration, int layer, LayerRouting& out) override;

 private:
  void store(const std::string& where, int iteration, int layer, LayerRouting routing);
  void finish(const std::string& path);

  // Rows as read, keyed (iteration, layer): memory follows the rows in the file, never the
  // largest iteration number written in it.
  std::map<std::pair<int, int>, LayerRouting> rows_;
  std::vector<std::vector<LayerRouting>> data_;  // [iteration][layer], dense after finish()
};

}  // namespace spatialvp::moe
