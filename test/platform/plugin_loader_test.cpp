// The plug-in ABI handshake and plug-in path lookup: every mismatch is refused before dlopen
// with both sides named; relative paths resolve next to the YAML, then SPATIALVP_PLUGIN_PATH.
#include <dlfcn.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "config_test_support.h"
#include "platform/elab/platform_config.h"
#include "platform/elab/plugin_loader.h"
#include "support/scratch_dir.h"

using namespace spatialvp;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

const std::string kPluginDir = SPATIALVP_BINARY_DIR "/plugins";
const std::string kExamplePlugin = "libspatialvp_example_plugin.so";

// A file holding `record` among other bytes, as a library's read-only data would.
std::string writeLibraryWithRecord(const fs::path& path, const std::string& record) {
  std::ofstream out(path, std::ios::binary);
  out << std::string(
             "\x7f"
             "ELF junk",
             9)
      << std::string(1, '\0') << record << std::string(1, '\0') << "more junk";
  return path.string();
}

std::string loadError(const std::string& path) {
  ModuleRegistry registry;
  PluginLoader loader;
  try {
    loader.load(path, SourceLocation{"test.yaml", 3, 5}, registry);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

std::vector<std::string> pluginsOf(const fs::path& yaml_file, const std::string& yaml) {
  std::ofstream(yaml_file) << yaml;
  const ConfigNode root = test::parsePlatform(yaml, yaml_file.string());
  const PlatformConfig config = PlatformConfig::parseSettings(root);
  std::vector<std::string> paths;
  for (const auto& plugin : config.plugins())
    paths.push_back(plugin.path);
  return paths;
}

}  // namespace

TEST_CASE("The host ABI record names this SDK, C++17 and the linked SystemC", "[plugin]") {
  const PluginAbi host = hostPluginAbi();
  CHECK(host.sdk_version == SPATIALVP_SDK_VERSION);
  CHECK(host.cplusplus == std::to_string(__cplusplus) + "L");
  // The record is compiled from the headers; the library's release string must agree.
  CHECK_THAT(std::string(sc_core::sc_release()), Catch::Matchers::StartsWith(host.systemc_version));
}

TEST_CASE("ABI records parse, and each mismatch names the plug-in's and the host's value",
          "[plugin]") {
  const auto abi = findPluginAbiRecord(
      std::string("xx\0", 3) + "spatialvp-plugin-abi/1;sdk=9.9.9;c++=202002L;systemc=3.0.0;" +
      std::string("\0yy", 3));
  REQUIRE(abi);
  CHECK(abi->sdk_version == "9.9.9");
  CHECK(abi->cplusplus == "202002L");
  CHECK(abi->systemc_version == "3.0.0");
  CHECK_FALSE(findPluginAbiRecord("no record here"));
  CHECK_THROWS_WITH(findPluginAbiRecord(std::string("spatialvp-plugin-abi/1;sdk=1;c++=2;") + '\0'),
                    Contains("no 'systemc=' field"));

  const PluginAbi host = hostPluginAbi();
  PluginAbi sdk = host;
  sdk.sdk_version = "0.0.9";
  const auto sdk_mismatch = pluginAbiMismatches(sdk, host);
  REQUIRE(sdk_mismatch.size() == 1);
  CHECK_THAT(sdk_mismatch[0], Contains("SDK 0.0.9") && Contains("is " + host.sdk_version));
  PluginAbi cxx = host;
  cxx.cplusplus = "202002L";
  const auto cxx_mismatch = pluginAbiMismatches(cxx, host);
  REQUIRE(cxx_mismatch.size() == 1);
  CHECK_THAT(cxx_mismatch[0], Contains("202002L") && Contains(host.cplusplus));
  PluginAbi systemc = host;
  systemc.systemc_version = "2.3.3";
  const auto systemc_mismatch = pluginAbiMismatches(systemc, host);
  REQUIRE(systemc_mismatch.size() == 1);
  CHECK_THAT(systemc_mismatch[0], Contains("SystemC 2.3.3") && Contains(host.systemc_version));
  CHECK(pluginAbiMismatches(host, host).empty());
}

TEST_CASE("A plug-in built against another SDK or SystemC is refused before it is loaded",
          "[plugin]") {
  const fs::path dir = test::scratchDir("plugin-abi-records");
  const PluginAbi host = hostPluginAbi();
  // Not loadable libraries at all: the record alone decides, so dlopen is never reached.
  const std::string old_sdk = writeLibraryWithRecord(
      dir / "libold_sdk.so", "spatialvp-plugin-abi/1;sdk=0.0.9;c++=" + host.cplusplus +
                                 ";systemc=" + host.systemc_version + ";");
  CHECK_THAT(loadError(old_sdk), Contains("test.yaml:3:5") && Contains("incompatible") &&
                                     Contains("SDK 0.0.9") && Contains(host.sdk_version));
  const std::string old_systemc = writeLibraryWithRecord(
      dir / "libold_systemc.so", "spatialvp-plugin-abi/1;sdk=" + host.sdk_version +
                                     ";c++=" + host.cplusplus + ";systemc=2.3.3;");
  CHECK_THAT(loadError(old_systemc),
             Contains("SystemC 2.3.3") && Contains("uses SystemC " + host.systemc_version));
  std::ofstream(dir / "libnot_a_plugin.so") << "plain text";
  CHECK_THAT(loadError((dir / "libnot_a_plugin.so").string()), Contains("no ABI record"));
}

TEST_CASE("A plug-in built as C++20 gets the ABI error, not an undefined-symbol error",
          "[plugin]") {
  const std::string path = kPluginDir + "/libspatialvp_test_plugin_cxx20.so";
  // The premise: the dynamic loader alone fails on it (SystemC's per-standard API symbol).
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  CHECK(handle == nullptr);
  if (handle == nullptr)
    CHECK_THAT(std::string(dlerror()), Contains("undefined symbol"));
  const std::string error = loadError(path);
  CHECK_THAT(error, Contains("__cplusplus=202002L") && Contains("__cplusplus=201703L") &&
                        Contains("CMAKE_CXX_STANDARD"));
  CHECK_THAT(error, !Contains("undefined symbol"));
}

TEST_CASE("A matching plug-in loads and registers its types", "[plugin]") {
  ModuleRegistry registry;
  PluginLoader loader;
  loader.load(kPluginDir + "/" + kExamplePlugin, SourceLocation{"test.yaml", 1, 1}, registry);
  REQUIRE(registry.find("vendor_scratchpad") != nullptr);
  CHECK(registry.find("vendor_scratchpad")->origin == kPluginDir + "/" + kExamplePlugin);
}

TEST_CASE("Plug-in paths resolve next to the YAML, then in SPATIALVP_PLUGIN_PATH", "[plugin]") {
  const fs::path dir = test::scratchDir("plugin-paths");
  fs::create_directories(dir / "ip");
  fs::copy_file(kPluginDir + "/" + kExamplePlugin, dir / "ip" / kExamplePlugin);
  unsetenv("SPATIALVP_PLUGIN_PATH");
  // Next to the YAML (not the working directory).
  CHECK(pluginsOf(dir / "a.yaml", "plugins: [ip/" + kExamplePlugin + "]\n") ==
        std::vector<std::string>{(dir / "ip" / kExamplePlugin).string()});
  // Not next to the YAML: the search path, in order; the first hit wins.
  setenv("SPATIALVP_PLUGIN_PATH",
         ("/nonexistent:" + kPluginDir + ":" + (dir / "ip").string()).c_str(), 1);
  CHECK(pluginsOf(dir / "b.yaml", "plugins: [" + kExamplePlugin + "]\n") ==
        std::vector<std::string>{kPluginDir + "/" + kExamplePlugin});
  // The YAML's folder comes before the search path.
  CHECK(pluginsOf(dir / "ip" / "c.yaml", "plugins: [" + kExamplePlugin + "]\n") ==
        std::vector<std::string>{(dir / "ip" / kExamplePlugin).string()});
  // Nowhere: a located error listing every place tried.
  setenv("SPATIALVP_PLUGIN_PATH", "/nonexistent", 1);
  try {
    pluginsOf(dir / "d.yaml", "modules: {}\nplugins:\n  - libmissing.so\n");
    FAIL("a missing plug-in must be an error");
  } catch (const ConfigError& error) {
    CHECK_THAT(std::string(error.what()),
               Contains("d.yaml:3:5") && Contains("libmissing.so' not found") &&
                   Contains((dir / "libmissing.so").string() + " (next to the YAML)") &&
                   Contains("/nonexistent/libmissing.so (SPATIALVP_PLUGIN_PATH)"));
  }
  CHECK_THROWS_WITH(pluginsOf(dir / "e.yaml", "plugins: [/nonexistent/libx.so]\n"),
                    Contains("does not exist"));
  // `spatialvp models --plugin` (no YAML): relative to the working directory; resolved paths
  // are absolute (the effective config must name the same library from anywhere).
  fs::current_path(dir);
  CHECK(resolvePluginPath("ip/" + kExamplePlugin, {}, SourceLocation{"--plugin", 0, 0}) ==
        (dir / "ip" / kExamplePlugin).string());
  CHECK(pluginsOf("f.yaml", "plugins: [ip/" + kExamplePlugin + "]\n") ==
        std::vector<std::string>{(dir / "ip" / kExamplePlugin).string()});
}
