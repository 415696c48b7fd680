#include "platform/core/preset_file.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "platform/core/config_loader.h"

namespace spatialvp {

ConfigNode loadPresetText(const std::string& text, const std::string& source,
                          const std::string& directory) {
  // Checked before the loader, whose message speaks of configuration sections.
  const ConfigNode written = ConfigNode::parseYaml(text, source);
  if (!written.isMap() || written.entries().empty()) {
    throw ConfigError(written.location(), "",
                      "a preset is a map of parameter -> value, found " + written.kindName());
  }
  const ConfigLoader loader({}, EmbeddedLookup());
  return loader.loadText(text, source, directory);
}

ConfigNode loadPresetFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw ConfigError(SourceLocation{path, 0, 0}, "", "cannot read preset file");
  std::ostringstream text;
  text << in.rdbuf();
  const std::string directory = std::filesystem::path(path).parent_path().string();
  return loadPresetText(text.str(), path, directory.empty() ? "." : directory);
}

ParamValues presetValues(const ConfigNode& preset, const ParamSchema& schema) {
  return schema.validate(preset, "", preset.location());
}

ParamValues readPresetFile(const std::string& path, const ParamSchema& schema) {
  return presetValues(loadPresetFile(path), schema);
}

ParamSchema presetSchema(void (*declare)(ParamSchema& schema, const std::string& group)) {
  ParamSchema schema;
  declare(schema, "");
  return schema;
}

ParamValues readPresetText(const std::string& text, const std::string& source,
                           const ParamSchema& schema, const std::string& directory) {
  return presetValues(loadPresetText(text, source, directory), schema);
}

}  // namespace spatialvp
