#include "platform/elab/elaborator.h"

#include <map>
#include <set>

namespace spatialvp {

Elaborator::Elaborator(const PlatformConfig& config, const ModuleRegistry& registry,
                       SimulationServices& services)
    : config_(config), registry_(registry), services_(services) {}

Module& Elaborator::create(const std::string& name, const ModuleTypeInfo& type,
                           const ParamValues& params) {
  ModuleContext context{name, params, type, services_};
  modules_.push_back(type.create(context));
  return *modules_.back();
}

Module& Elaborator::findModule(const std::string& name) {
  for (auto& module : modules_) {
    if (module->instanceName() == name)
      return *module;
  }
  throw std::logic_error("module '" + name + "' was validated but not created");
}

void Elaborator::elaborate() {
  for (const auto& instance : config_.modules()) {
    create(instance.name, *registry_.find(instance.type), instance.params);
  }

  std::set<std::string> bound;  // "module.port[index]"
  auto boundKey = [](const std::string& module, const std::string& port, std::size_t index) {
    return module + "." + port + "[" + std::to_string(index) + "]";
  };
  const ModuleTypeInfo* checker_type = registry_.find("protocol_checker");
  const bool check_all = config_.settings().boolean("protocol_checks");
  std::size_t checker_count = 0;
  checker_params_.reserve(config_.connections().size());

  for (const auto& connection : config_.connections()) {
    Module& from = findModule(connection.from.module);
    Module& to = findModule(connection.to.module);
    auto describeWidth = [](Module& module, const std::string& port) {
      const std::size_t width = module.portWidth(port);
      return width == 1 ? std::string("a single socket (index 0)")
                        : std::to_string(width) + " sockets (indices 0.." +
                              std::to_string(width - 1) + ")";
    };
    InitiatorSocket* initiator = from.initiatorSocket(connection.from.port, connection.from.index);
    if (!initiator) {
      throw ConfigError(connection.location, connection.from.text,
                        "no such initiator socket; port '" + connection.from.port + "' has " +
                            describeWidth(from, connection.from.port));
    }
    TargetSocket* target = to.targetSocket(connection.to.port, connection.to.index);
    if (!target) {
      throw ConfigError(connection.location, connection.to.text,
                        "no such target socket; port '" + connection.to.port + "' has " +
                            describeWidth(to, connection.to.port));
    }
    for (const auto* end : {&connection.from, &connection.to}) {
      if (!bound.insert(boundKey(end->module, end->port, end->index)).second) {
        Module& owner = end == &connection.from ? from : to;
        // A port named without an index means its socket 0, which reads like a double binding.
        const std::string unindexed =
            end->text.find('[') == std::string::npos && owner.portWidth(end->port) > 1
                ? "; without an index '" + end->port + "' means its socket 0 of " +
                      describeWidth(owner, end->port) + ": give the index, e.g. '" + end->text +
                      "[1]'"
                : "";
        throw ConfigError(
            connection.location, end->text,
            "socket is already connected (each socket binds exactly once)" + unindexed);
      }
    }
    view_.connect({&from, connection.from.port, connection.from.index},
                  {&to, connection.to.port, connection.to.index});
    if (connection.check || check_all) {
      SourceLocation here = connection.location;
      checker_params_.push_back(
          checker_type->params.validate(ConfigNode(), "protocol_checker", here));
      const std::string name = "checker_" + std::to_string(checker_count++);
      Module& checker = create(name, *checker_type, checker_params_.back());
      initiator->bind(*checker.targetSocket("in", 0));
      checker.initiatorSocket("out", 0)->bind(*target);
    } else {
      initiator->bind(*target);
    }
  }

  // Every required socket must be bound, or SystemC would fail later with a cryptic error.
  for (const auto& instance : config_.modules()) {
    Module& module = findModule(instance.name);
    for (const auto& port : module.typeInfo().ports) {
      if (!port.required)
        continue;
      for (std::size_t index = 0; index < module.portWidth(port.name); ++index) {
        if (!bound.count(boundKey(instance.name, port.name, index))) {
          const std::string text =
              instance.name + "." + port.name +
              (module.portWidth(port.name) > 1 ? "[" + std::to_string(index) + "]" : "");
          throw ConfigError(instance.location, text,
                            "socket is not connected; add a connection for it under 'connections'");
        }
      }
    }
  }

  // Facts owned by one module and used by another are checked once everything is bound.
  for (const auto& instance : config_.modules())
    findModule(instance.name).connected(view_);
}

}  // namespace spatialvp
