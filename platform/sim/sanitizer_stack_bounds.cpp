// Why: Debian's SystemC 2.3.4 runs SC_THREADs as QuickThreads coroutines on stacks it mmaps
// (sc_cor_pkg_qt::create). It tells ASan about a switch (__sanitizer_start_switch_fiber in
// sc_cor_pkg_qt::yield), but announces the main coroutine with an empty stack (0, 0 bytes) and
// says nothing when it leaves a thread that has ended (sc_cor_pkg_qt::abort). Back in sc_main,
// ASan therefore believes the main thread runs on an empty stack or on a dead thread's stack,
// which SystemC then unmaps. Two false reports follow (see `objdump -d` of libsystemc):
//  - an exception thrown on the main stack after a run cannot clear the poison of the frames it
//    unwinds ("ASan is ignoring requested __asan_handle_no_return"); a later frame at those
//    addresses is reported as a stack-buffer-overflow or stack-use-after-scope (a mesh test's
//    CHECK_THROWS after a run showed it);
//  - LeakSanitizer's exit-time scan of "the main stack" faults on the unmapped pages ("Tracer
//    caught signal 11 ... LeakSanitizer has encountered a fatal error").
// The cure is to say where we are: the real bounds of the main thread's stack, announced as a
// switch to the stack we are on, then __asan_handle_no_return, which clears the poison below the
// stack pointer as after any exception. The run loop calls it after the kernel; an atexit
// handler calls it before LeakSanitizer's check (ASan registers its handler at start-up and
// handlers run in reverse order, so this one runs first).
#include "platform/sim/sanitizer_stack_bounds.h"

#if defined(__SANITIZE_ADDRESS__)
#include <pthread.h>
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>

#include <cstddef>
#include <cstdlib>
#endif

namespace spatialvp {

#if defined(__SANITIZE_ADDRESS__)

void resyncSanitizerWithMainStack() {
  pthread_attr_t attributes;
  if (pthread_getattr_np(pthread_self(), &attributes) != 0)
    return;
  void* bottom = nullptr;
  std::size_t size = 0;
  const bool known = pthread_attr_getstack(&attributes, &bottom, &size) == 0;
  pthread_attr_destroy(&attributes);
  if (!known)
    return;
  // A switch "to" the stack we are on: only ASan's record of the bounds changes.
  void* fake_stack = nullptr;
  __sanitizer_start_switch_fiber(&fake_stack, bottom, size);
  __sanitizer_finish_switch_fiber(fake_stack, nullptr, nullptr);
  __asan_handle_no_return();
}

namespace {
[[maybe_unused]] const bool kResyncAtExit = std::atexit(resyncSanitizerWithMainStack) == 0;
}  // namespace

#else

void resyncSanitizerWithMainStack() {}

#endif

}  // namespace spatialvp
