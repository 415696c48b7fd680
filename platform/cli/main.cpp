// The spatialvp command line. libsystemc provides main() and calls sc_main.
#include <cstdlib>
#include <systemc>

#include "platform/cli/command.h"

namespace {
// SystemC prints its banner before sc_main runs, so the default must be set at load time;
// users can still ask for the banner with SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=0.
__attribute__((constructor)) void quietKernelBanner() {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
}
}  // namespace

int sc_main(int argc, char* argv[]) {
  return spatialvp::cli::runCli(argc, argv);
}
