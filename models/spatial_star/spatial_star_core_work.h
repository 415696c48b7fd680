#pragma once
// What travels to and from a Spatial-STAR core's control window (its controller's `control`
// target, reached through the mesh and the core's local router): the orchestrator's work
// descriptors and the cores' ring flow control. Every message is a TLM write carrying a
// CoreMessage extension; the payload bytes (`kDescriptorBytes`, `kControlBytes`) are what the
// mesh carries and counts.
//   kAssign  orchestrator -> core, once: burst sizes, the ring neighbours' windows and buffers.
//   kItem    orchestrator -> core, per item in lockstep order: what the item is, where its data
//            comes from (an HBM range or the ring predecessor), whether it is forwarded; the
//            core schedules it on its pipeline and answers in the same transaction (frontier,
//            round completion).
//   kArrived core -> ring successor (doorbell): item `item` of the successor is in its SRAM
//            window; the doorbell's arrival time is when the successor may use it.
//   kCredit  core -> ring predecessor: the core's buffer of item `item` is free; the credit's
//            arrival time is when the predecessor may forward into it.
//   kReport  orchestrator -> core, at the end: the core's totals for the layer figures.
#include <tlm>

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "models/spatial_star/spatial_plan.h"
#include "models/star/tile_pipeline.h"

namespace spatialvp::models::spatial_star {

inline constexpr std::uint64_t kDescriptorBytes = 32;  // a work descriptor [INF]
inline constexpr std::uint64_t kControlBytes = 8;      // a doorbell or credit word [INF]

// "0x1000000000": an address for messages.
inline std::string hexAddress(std::uint64_t value) {
  std::ostringstream out;
  out << "0x" << std::hex << value;
  return out.str();
}

// A range of an HBM stack as the mesh maps it; the orchestrator chooses where data lives
// (which stack and which offset), so a core walks the offset it is given.
struct HbmRange {
  std::size_t stack = 0;
  std::uint64_t base = 0;    // mesh address of the stack's range
  std::uint64_t window = 0;  // size of the range (offsets wrap inside it)
  std::uint64_t offset = 0;  // where this transfer starts
  std::uint64_t bytes = 0;   // 0: no transfer
};

// What a core's controller tells the orchestrator at elaboration (read through the PlatformView):
// its buffering, which the ring's flow control depends on.
class SpatialStarCoreFacts {
 public:
  virtual ~SpatialStarCoreFacts() = default;
  virtual std::size_t kvBuffers() const = 0;
  // "c3_ctrl.kv_buffers (spatial_star.yaml:40:12)", for error messages; fails located there.
  [[noreturn]] virtual void failKvBuffers(const std::string& message) const = 0;
};

struct CoreAssignment {
  std::uint64_t hbm_burst = 0;
  std::uint64_t ring_burst = 0;
  bool overlap = true;  // false: an item's fetch waits for the previous item's compute
  std::size_t stacks = 0;
  // Ring neighbours (only when the core forwards / receives): the successor's SRAM receive
  // window and control address, the predecessor's control address (for credits).
  bool forwards = false;
  std::size_t successor_kv_buffers = 0;  // the credits count the successor's buffers
  std::uint64_t successor_window = 0;
  std::uint64_t successor_window_size = 0;
  std::uint64_t successor_control = 0;
  bool receives = false;
  std::uint64_t predecessor_control = 0;
};

struct CoreItemWork {
  std::size_t index = 0;  // the item in the core's stream (credits and doorbells name it)
  std::size_t round = 0;
  bool first_of_round = false;
  bool last_of_round = false;
  const BlockWork* block = nullptr;  // the round's block (a relay round: a full block's shape)
  const Item* item = nullptr;        // nullptr: an empty slot (partial last wave)
  bool compute = false;              // the round has rows (false: a relay round)
  bool from_ring = false;            // the data comes from the predecessor (else `fetch`)
  HbmRange fetch;                    // the item's key-side data
  HbmRange private_fetch;            // first item: the block's queries / weights
  bool q_projected_ahead = false;    // the block's Q projection ran during the previous round
  const BlockWork* next_q_block = nullptr;  // project the next round's Q during this one
  HbmRange next_q_fetch;
  bool forward = false;  // forward the item to the ring successor (its item index + 1)
  std::uint64_t payload = 0;
  HbmRange o_write;  // last item of a computing round: O back to HBM
};

struct CoreTotals {
  std::uint64_t hbm_read_bytes = 0;
  std::uint64_t hbm_write_bytes = 0;
  std::uint64_t ring_bytes = 0;
  std::uint64_t control_bytes = 0;  // doorbells and credits sent
  std::uint64_t items = 0;
  std::uint64_t jobs = 0;
  std::uint64_t late_requests = 0;
  Picoseconds busy[4] = {0, 0, 0, 0};
  std::vector<std::uint64_t> stack_read_bytes;
  std::vector<Picoseconds> round_done;
};

class CoreMessage : public tlm::tlm_extension<CoreMessage> {
 public:
  enum class Kind { kAssign, kItem, kArrived, kCredit, kReport };

  Kind kind = Kind::kItem;
  const CoreAssignment* assignment = nullptr;
  const CoreItemWork* work = nullptr;
  std::size_t item = 0;  // kArrived / kCredit
  // Answers (kItem): the core's frontier and, at a round's end, when the round was done.
  Picoseconds frontier = 0;
  bool round_finished = false;
  Picoseconds round_done = 0;
  CoreTotals* totals = nullptr;  // kReport: filled by the core

  tlm::tlm_extension_base* clone() const override { return new CoreMessage(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const CoreMessage&>(other);
  }
};

}  // namespace spatialvp::models::spatial_star
