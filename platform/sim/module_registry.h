#pragma once
// The self-describing registry of module types. Built-in models and plug-ins add types here;
// elaboration creates instances by type name. One registry per run (no global state).
#include <map>
#include <string>
#include <vector>

#include "platform/sim/module.h"

namespace spatialvp {

class ModuleRegistry {
 public:
  // Registers a type whose class T has the constructor T(sc_module_name, const ModuleContext&).
  template <class T>
  ModuleTypeInfo& add(ModuleTypeInfo info) {
    info.create = [](const ModuleContext& context) -> std::unique_ptr<Module> {
      // The name object must outlive T's constructor so T's sockets land inside T.
      return std::make_unique<T>(sc_core::sc_module_name(context.name.c_str()), context);
    };
    return addType(std::move(info));
  }
  ModuleTypeInfo& addType(ModuleTypeInfo info);

  const ModuleTypeInfo* find(const std::string& name) const;
  std::vector<const ModuleTypeInfo*> types() const;

  // Origin recorded for types added while a plug-in registers.
  void setOrigin(std::string origin) { origin_ = std::move(origin); }

 private:
  std::map<std::string, ModuleTypeInfo> types_;
  std::string origin_ = "built-in";
};

}  // namespace spatialvp
