#pragma once
// A read-only view of the elaborated platform: which socket each socket is bound to. Handed to
// every module once all sockets are bound (Module::connected), so that a module can read the
// facts another module owns (a mesh's grid, attachments and address map) instead of repeating
// them in its own parameters, and report any disagreement as a located configuration error.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <tuple>

namespace spatialvp {

class Module;

// A module that forwards every transaction entering one of its target sockets out of one of
// its initiator sockets (a network interface, a pipeline stage): PlatformView's *Through lookups
// follow it, so a module checking what it is bound to sees past it.
class PassThroughPorts {
 public:
  struct PortRef {
    std::string port;
    std::size_t index = 0;
  };
  virtual ~PassThroughPorts() = default;
  // The initiator socket by which a transaction entering target `port`[index] leaves.
  virtual std::optional<PortRef> forwardsTo(const std::string& target_port,
                                            std::size_t index) const = 0;
  // The target socket whose transactions leave by initiator `port`[index].
  virtual std::optional<PortRef> forwardedFrom(const std::string& initiator_port,
                                               std::size_t index) const = 0;
};

class PlatformView {
 public:
  struct Socket {
    const Module* module = nullptr;
    std::string port;
    std::size_t index = 0;
  };

  // The target socket that an initiator socket is bound to, protocol checkers looked through.
  std::optional<Socket> targetOf(const Module& initiator, const std::string& port,
                                 std::size_t index) const;
  // The initiator socket bound to a target socket, protocol checkers looked through.
  std::optional<Socket> initiatorOf(const Module& target, const std::string& port,
                                    std::size_t index) const;

  // As targetOf / initiatorOf, but past PassThroughPorts modules (a die's network port): the
  // socket a transaction finally reaches, or comes from.
  std::optional<Socket> targetThrough(const Module& initiator, const std::string& port,
                                      std::size_t index) const;
  std::optional<Socket> initiatorThrough(const Module& target, const std::string& port,
                                         std::size_t index) const;

  // Records one connection from the YAML (the elaborator calls this).
  void connect(const Socket& initiator, const Socket& target);

 private:
  // From `socket` on past PassThroughPorts modules: towards targets or towards initiators.
  std::optional<Socket> throughPassThroughs(std::optional<Socket> socket, bool downstream) const;

  using Key = std::tuple<const Module*, std::string, std::size_t>;
  std::map<Key, Socket> targets_;     // by initiator socket
  std::map<Key, Socket> initiators_;  // by target socket
};

}  // namespace spatialvp
