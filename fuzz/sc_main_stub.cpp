// libsystemc brings its own main() that calls sc_main; libFuzzer's main() wins, but the symbol
// must still resolve (SystemC declares it extern "C"). The harnesses never start the kernel.
extern "C" int sc_main(int, char**) {
  return 0;
}
