#include "models/memory/tlm/sparse_storage.h"

#include <algorithm>
#include <cstring>

namespace spatialvp::models {

SparseStorage::SparseStorage(std::uint64_t page_bytes) : page_bytes_(page_bytes) {}

void SparseStorage::read(std::uint64_t address, unsigned char* data, std::uint64_t length) const {
  while (length > 0) {
    const std::uint64_t offset = address % page_bytes_;
    const std::uint64_t chunk = std::min(length, page_bytes_ - offset);
    const auto page = pages_.find(address / page_bytes_);
    if (page == pages_.end()) {
      std::memset(data, 0, chunk);
    } else {
      std::memcpy(data, page->second.get() + offset, chunk);
    }
    address += chunk;
    data += chunk;
    length -= chunk;
  }
}

void SparseStorage::write(std::uint64_t address, const unsigned char* data, std::uint64_t length) {
  while (length > 0) {
    const std::uint64_t offset = address % page_bytes_;
    const std::uint64_t chunk = std::min(length, page_bytes_ - offset);
    std::unique_ptr<unsigned char[]>& page = pages_[address / page_bytes_];
    if (!page) {
      page = std::make_unique<unsigned char[]>(page_bytes_);  // value-initialised: zeros
    }
    std::memcpy(page.get() + offset, data, chunk);
    address += chunk;
    data += chunk;
    length -= chunk;
  }
}

}  // namespace spatialvp::models
