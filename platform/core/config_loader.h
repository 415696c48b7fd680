#pragma once
// Loads a platform configuration: resolves `include:` (top level) and `preset:` (any map),
// then applies command-line `--set` overrides. Files are found on disk first (relative to the
// including file, then the search directories), then among the configs built into the binary.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "platform/core/config_node.h"
#include "platform/core/preset_name.h"

namespace spatialvp {

// Returns the text of a built-in config by its path relative to platform/configs/.
using EmbeddedLookup = std::function<std::optional<std::string>(const std::string&)>;

class ConfigLoader {
 public:
  ConfigLoader(std::vector<std::string> search_dirs, EmbeddedLookup embedded);

  // Loads a file named on the command line (on disk, or a built-in config's name).
  ConfigNode loadFile(const std::string& path) const;
  // Loads YAML text as if it were a file in `directory`.
  ConfigNode loadText(const std::string& text, const std::string& source_name,
                      const std::string& directory) const;

  // Applies "key.path=value". A path whose first segment names a module rather than a section
  // is shorthand for modules.NAME.params.REST.
  // A single segment naming a `vars:` entry is shorthand for vars.NAME.
  static void applyOverride(ConfigNode& root, const std::string& assignment);
  // False for an override that names a module which exists only once the compact form is
  // expanded (a copy such as c3_dlzs): those are applied after expandCompactForm.
  static bool overrideAppliesBeforeExpansion(const ConfigNode& root, const std::string& assignment);

  // A file found the way `include:` and `preset:` find theirs: next to `relative_to` (a folder;
  // may be empty), in the search directories, then among the built-in configs.
  struct FoundFile {
    std::string name;  // path, or "<embedded>/..."
    std::string text;
  };
  std::optional<FoundFile> findFile(const std::string& name, const std::string& relative_to) const;

  // The file `preset: NAME` names: NAME as written if it ends in .yaml, else presets/NAME.yaml.
  static std::string presetFile(const std::string& name) { return presetFileIn("presets", name); }

  // Top-level sections of a platform document.
  static const std::vector<std::string>& sections();

 private:
  struct Source {
    std::string name;  // for locations
    std::string text;
    std::string directory;  // for relative includes; empty for embedded files
  };
  std::optional<Source> find(const std::string& name, const std::string& relative_to) const;
  ConfigNode parse(const Source& source, std::vector<std::string>& stack) const;
  void resolvePresets(ConfigNode& node, const std::string& directory,
                      std::vector<std::string>& stack, const std::string& path) const;

  std::vector<std::string> search_dirs_;
  EmbeddedLookup embedded_;
};

}  // namespace spatialvp
