#pragma once
// A data buffer for timing transactions that grows on demand and starts zeroed without writing
// it: calloc hands large blocks out as fresh zero pages, touched only if a target with storage
// copies data. A std::vector zeroes every byte, which for the STAR units' 4 MiB bursts cost more
// than a short run's simulation (64 units on a 16-core Spatial-STAR platform).
#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>

namespace spatialvp {

class ZeroedBuffer {
 public:
  // At least `bytes` bytes; earlier contents are not kept when it grows.
  unsigned char* data(std::size_t bytes) {
    if (bytes > size_) {
      block_.reset(static_cast<unsigned char*>(std::calloc(bytes, 1)));
      if (!block_)
        throw std::bad_alloc();
      size_ = bytes;
    }
    return block_.get();
  }

 private:
  struct Free {
    void operator()(unsigned char* p) const { std::free(p); }
  };
  std::unique_ptr<unsigned char, Free> block_;
  std::size_t size_ = 0;
};

}  // namespace spatialvp
