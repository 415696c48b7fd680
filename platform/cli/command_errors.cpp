#include <iostream>
#include <new>
#include <systemc>

#include "platform/cli/command.h"
#include "platform/core/config_error.h"
#include "platform/core/units.h"
#include "platform/output/output_folder.h"

namespace spatialvp::cli {

int reportCommandError() {
  try {
    throw;
  } catch (const OutputError& error) {
    std::cerr << "spatialvp: error: " << error.what() << "\n";
    return error.usage() ? kExitUsage : kExitSimulation;
  } catch (const ConfigError& error) {
    std::cerr << "spatialvp: error: " << error.what() << "\n";
    return kExitUsage;
  } catch (const UnitError& error) {
    std::cerr << "spatialvp: error: " << error.what() << "\n";
    return kExitUsage;
  } catch (const sc_core::sc_report& report) {
    std::cerr << "spatialvp: error: " << report.what() << "\n";
    return kExitSimulation;
  } catch (const std::bad_alloc&) {
    std::cerr << "spatialvp: error: out of memory (std::bad_alloc): the platform needs more "
                 "memory than this process may use; make it smaller (a mesh takes about 12 KB "
                 "per router: 1024 x 1024 about 12 GB) or raise the limit\n";
    return kExitSimulation;
  } catch (const std::exception& error) {
    std::cerr << "spatialvp: error: " << error.what() << "\n";
    return kExitSimulation;
  }
}

}  // namespace spatialvp::cli
