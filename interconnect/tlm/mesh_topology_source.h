#pragma once
// What a mesh owns and other modules read through the PlatformView once every socket is bound:
// its grid and wafer partition, link parameters, where each port attaches and which address
// range each output serves. Orchestrators check their own view against it, so a topology or
// address fact written differently in two modules is a located configuration error.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "interconnect/mesh/mesh_config.h"
#include "platform/core/config_error.h"

namespace spatialvp::interconnect {

class MeshTopologySource {
 public:
  virtual ~MeshTopologySource() = default;

  virtual const MeshConfig& meshConfig() const = 0;
  // Attachment of in[i] and out[j].
  virtual const std::vector<Endpoint>& inputAttachments() const = 0;
  virtual const std::vector<Endpoint>& outputAttachments() const = 0;
  // The output whose address range holds `address`, if any.
  virtual std::optional<std::size_t> outputFor(std::uint64_t address) const = 0;
  // The wafer's fault map (dead dies, dead or degraded links, dead HBM stacks); empty() when
  // fault-free. The mesh resolves it once (sampled faults included); readers never re-sample.
  virtual const WaferFaults& faults() const = 0;
  // "net.width (platform.yaml:31:14)": the mesh parameter behind a fact, for error messages.
  virtual std::string whereWritten(const std::string& param) const = 0;
};

// "x3y2", "N3" ...: an attachment as the YAML writes it.
std::string describeAttachment(const Endpoint& endpoint, std::uint32_t width);

}  // namespace spatialvp::interconnect
