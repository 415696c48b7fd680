// libsystemc brings its own main() that calls sc_main; libFuzzer's main() wins, but the symbol
// must still resolve. The harnesses never start the kernel.
int sc_main(int, char**) {
  return 0;
}
