#pragma once
// Byte storage for memory models whose capacity is too large to allocate up front (an HBM
// device of many GiB): fixed-size pages are allocated on first write; unwritten bytes read as 0.
#include <cstdint>
#include <memory>
#include <unordered_map>

namespace spatialvp::models {

class SparseStorage {
 public:
  explicit SparseStorage(std::uint64_t page_bytes = 64 * 1024);

  void read(std::uint64_t address, unsigned char* data, std::uint64_t length) const;
  void write(std::uint64_t address, const unsigned char* data, std::uint64_t length);

  std::uint64_t allocatedBytes() const { return pages_.size() * page_bytes_; }

 private:
  std::uint64_t page_bytes_;
  std::unordered_map<std::uint64_t, std::unique_ptr<unsigned char[]>> pages_;
};

}  // namespace spatialvp::models
