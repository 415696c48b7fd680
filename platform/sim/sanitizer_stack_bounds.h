#pragma once
// AddressSanitizer and SystemC's own thread stacks; see sanitizer_stack_bounds.cpp for why.

namespace spatialvp {

// Call on the main stack once the SystemC kernel has handed control back (sc_start returned or
// threw): tells ASan that the main thread runs on its own stack again and clears the poison the
// kernel's unwound frames left below it. Does nothing in builds without ASan.
void resyncSanitizerWithMainStack();

}  // namespace spatialvp
