#pragma once
// Values keyed by ids handed out in increasing order (a request counter), found and erased in
// any order. The values live in a ring of slots that spans the ids from the oldest live one to
// the newest, so insertion, lookup and erasure cost O(1) and allocate only when that span
// outgrows the ring (amortised), where a node-based map allocates for every entry: the HBM
// module keeps one entry per request in flight, a few hundred thousand per second.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

namespace spatialvp {

template <typename T>
class SequentialIdMap {
 public:
  // A default value for `id`, which must lie above every id inserted before.
  T& insert(std::uint64_t id) {
    if (span_ == 0) {
      first_id_ = id;
      head_ = 0;
    } else if (id < first_id_ + span_) {
      throw std::logic_error("SequentialIdMap: ids must be inserted in increasing order");
    }
    const std::uint64_t new_span = id - first_id_ + 1;
    if (new_span > slots_.size())
      grow(new_span);
    for (; span_ < new_span; ++span_)
      slot(span_).live = false;  // ids skipped over hold nothing
    Slot& inserted = slot(span_ - 1);
    inserted.value = T{};
    inserted.live = true;
    ++size_;
    return inserted.value;
  }

  T* find(std::uint64_t id) {
    Slot* const found = liveSlot(id);
    return found != nullptr ? &found->value : nullptr;
  }

  void erase(std::uint64_t id) {
    Slot* const found = liveSlot(id);
    if (found == nullptr)
      throw std::logic_error("SequentialIdMap: erasing an id that is not present");
    found->live = false;
    --size_;
    while (span_ > 0 && !slot(0).live) {  // the oldest live id moves up
      head_ = (head_ + 1) & (slots_.size() - 1);
      ++first_id_;
      --span_;
    }
  }

  std::size_t size() const { return size_; }

 private:
  struct Slot {
    T value{};
    bool live = false;
  };
  Slot& slot(std::uint64_t offset) {
    return slots_[(head_ + static_cast<std::size_t>(offset)) & (slots_.size() - 1)];
  }
  Slot* liveSlot(std::uint64_t id) {  // nullptr: absent
    if (id < first_id_ || id - first_id_ >= span_)
      return nullptr;
    Slot& found = slot(id - first_id_);
    return found.live ? &found : nullptr;
  }
  void grow(std::uint64_t span) {
    std::size_t capacity = slots_.empty() ? 16 : slots_.size();
    while (capacity < span)
      capacity *= 2;
    std::vector<Slot> grown(capacity);
    for (std::size_t i = 0; i < span_; ++i)
      grown[i] = std::move(slot(i));
    slots_ = std::move(grown);
    head_ = 0;
  }

  std::vector<Slot> slots_;  // a power of two of them
  std::uint64_t first_id_ = 0;
  std::size_t head_ = 0;  // slot of first_id_
  std::size_t span_ = 0;  // ids [first_id_, first_id_ + span_) have slots
  std::size_t size_ = 0;
};

}  // namespace spatialvp
