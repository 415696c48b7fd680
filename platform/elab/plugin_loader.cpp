#include "platform/elab/plugin_loader.h"

#include <dlfcn.h>

#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "platform/elab/install_paths.h"

namespace spatialvp {

namespace {

// The host's record, parsed the same way as a plug-in's.
const char kHostAbiRecord[] = SPATIALVP_PLUGIN_ABI_CURRENT_TEXT;

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error("cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

PluginAbi hostPluginAbi() {
  return *findPluginAbiRecord(std::string(kHostAbiRecord, sizeof kHostAbiRecord));
}

std::optional<PluginAbi> findPluginAbiRecord(const std::string& library_bytes) {
  static const std::string magic = SPATIALVP_PLUGIN_ABI_MAGIC;
  const std::size_t at = library_bytes.find(magic);
  if (at == std::string::npos)
    return std::nullopt;
  const std::size_t begin = at + magic.size();
  const std::size_t end = library_bytes.find('\0', begin);
  const std::string text =
      library_bytes.substr(begin, end == std::string::npos ? 256 : end - begin);
  std::map<std::string, std::string> fields;
  std::istringstream parts(text);
  for (std::string part; std::getline(parts, part, ';');) {
    const std::size_t equals = part.find('=');
    if (equals != std::string::npos)
      fields[part.substr(0, equals)] = part.substr(equals + 1);
  }
  PluginAbi abi;
  const std::pair<const char*, std::string*> wanted[] = {
      {"sdk", &abi.sdk_version}, {"c++", &abi.cplusplus}, {"systemc", &abi.systemc_version}};
  for (const auto& [key, value] : wanted) {
    const auto found = fields.find(key);
    if (found == fields.end() || found->second.empty())
      throw std::runtime_error("malformed plug-in ABI record '" + text + "' (no '" + key +
                               "=' field)");
    *value = found->second;
  }
  return abi;
}

std::vector<std::string> pluginAbiMismatches(const PluginAbi& plugin, const PluginAbi& host) {
  std::vector<std::string> mismatches;
  if (plugin.sdk_version != host.sdk_version)
    mismatches.push_back("built against spatialvp SDK " + plugin.sdk_version +
                         ", this spatialvp is " + host.sdk_version);
  if (plugin.cplusplus != host.cplusplus)
    mismatches.push_back("built as C++ __cplusplus=" + plugin.cplusplus +
                         ", this spatialvp is __cplusplus=" + host.cplusplus +
                         " (set CMAKE_CXX_STANDARD to match)");
  if (plugin.systemc_version != host.systemc_version)
    mismatches.push_back("built against SystemC " + plugin.systemc_version +
                         ", this spatialvp uses SystemC " + host.systemc_version);
  return mismatches;
}

std::string resolvePluginPath(const std::string& name, const std::filesystem::path& base_dir,
                              const SourceLocation& location) {
  const std::filesystem::path path(name);
  std::error_code error;
  if (path.is_absolute()) {
    if (std::filesystem::is_regular_file(path, error))
      return name;
    throw ConfigError(location, "plugins", "plug-in " + name + " does not exist");
  }
  std::vector<std::pair<std::filesystem::path, std::string>> candidates;
  candidates.emplace_back(base_dir / path,
                          base_dir.empty() ? "working directory" : "next to the YAML");
  for (const auto& dir : searchPathFromEnvironment("SPATIALVP_PLUGIN_PATH"))
    candidates.emplace_back(std::filesystem::path(dir) / path, "SPATIALVP_PLUGIN_PATH");
  if (const auto installed = installedPluginDir())
    candidates.emplace_back(std::filesystem::path(*installed) / path, "installed plug-ins");
  std::string tried;
  for (const auto& [candidate, origin] : candidates) {
    // Absolute, so the effective config (config.yaml) names the same library from anywhere.
    if (std::filesystem::is_regular_file(candidate, error))
      return std::filesystem::absolute(candidate).lexically_normal().string();
    tried += "\n  " + candidate.lexically_normal().string() + " (" + origin + ")";
  }
  throw ConfigError(location, "plugins",
                    "plug-in '" + name + "' not found; looked in:" + tried +
                        "\n(relative plug-in paths resolve next to the YAML naming them, then in "
                        "the folders of SPATIALVP_PLUGIN_PATH)");
}

void PluginLoader::load(const std::string& path, const SourceLocation& location,
                        ModuleRegistry& registry) {
  // The ABI check reads the file: dlopen would first resolve the plug-in's symbols, and a
  // plug-in built for another C++ standard or SystemC fails there with a raw symbol error.
  std::optional<PluginAbi> abi;
  try {
    abi = findPluginAbiRecord(readFile(path));
  } catch (const std::exception& error) {
    throw ConfigError(location, "plugins", "cannot load plug-in " + path + ": " + error.what());
  }
  if (!abi) {
    throw ConfigError(location, "plugins",
                      path +
                          " is not a spatialvp plug-in: it has no ABI record (define its "
                          "registration with SPATIALVP_PLUGIN_REGISTER from "
                          "platform/sim/plugin_abi.h)");
  }
  const auto mismatches = pluginAbiMismatches(*abi, hostPluginAbi());
  if (!mismatches.empty()) {
    std::string message = "plug-in " + path + " is incompatible with this spatialvp:";
    for (const auto& mismatch : mismatches)
      message += "\n  " + mismatch;
    throw ConfigError(location, "plugins", message + "\nrebuild it against this SDK");
  }

  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* reason = dlerror();
    throw ConfigError(location, "plugins",
                      "cannot load plug-in: " + std::string(reason ? reason : path));
  }
  using RegisterFunction = void (*)(ModuleRegistry&);
  auto registration =
      reinterpret_cast<RegisterFunction>(dlsym(handle, "spatialvp_register_plugin"));
  if (!registration) {
    throw ConfigError(
        location, "plugins",
        path + " is not a spatialvp plug-in (it must export spatialvp_register_plugin)");
  }
  registry.setOrigin(path);
  try {
    registration(registry);
  } catch (const std::exception& error) {
    registry.setOrigin("built-in");
    throw ConfigError(location, "plugins", path + " failed to register: " + error.what());
  }
  registry.setOrigin("built-in");
  loaded_.push_back(path);
}

}  // namespace spatialvp
