// Catch2 runs inside sc_main so that libsystemc's own main sets up the kernel as usual.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <systemc>

int sc_main(int argc, char* argv[]) {
  return Catch::Session().run(argc, argv);
}
