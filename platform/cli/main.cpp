// The spatialvp command line. libsystemc provides main() and calls sc_main.
#include <cstdlib>
#include <systemc>

#include "platform/cli/command.h"

int sc_main(int argc, char* argv[]) {
  // The kernel banner would precede our output; users can still ask for it explicitly.
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return spatialvp::cli::runCli(argc, argv);
}
