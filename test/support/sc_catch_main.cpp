// Catch2 runs inside sc_main so that libsystemc's own main sets up the kernel as usual.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <cstdlib>
#include <systemc>

namespace {
// The kernel banner would otherwise appear in every build log (test discovery runs us).
__attribute__((constructor)) void quietKernelBanner() {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
}
}  // namespace

int sc_main(int argc, char* argv[]) {
  return Catch::Session().run(argc, argv);
}
