// Pid: a handle to a process, printed as Erlang prints it, "<0.42.0>".
// Copying a Pid is cheap (a reference count); a Pid stays valid after its
// process ended (sends to it are dropped, calls fail at once).
#ifndef OVERSEER_CORE_PID_H_
#define OVERSEER_CORE_PID_H_

#include <cstdint>
#include <functional>
#include <string>

namespace overseer {

namespace internal {
class Pcb;
void Retain(Pcb* pcb);
void Release(Pcb* pcb);
uint64_t PcbId(const Pcb* pcb);
}  // namespace internal

class Pid {
 public:
  Pid() = default;
  explicit Pid(internal::Pcb* pcb) : pcb_(pcb) {
    if (pcb_) internal::Retain(pcb_);
  }
  Pid(const Pid& o) : Pid(o.pcb_) {}
  Pid(Pid&& o) noexcept : pcb_(o.pcb_) { o.pcb_ = nullptr; }
  Pid& operator=(const Pid& o) {
    if (o.pcb_) internal::Retain(o.pcb_);
    if (pcb_) internal::Release(pcb_);
    pcb_ = o.pcb_;
    return *this;
  }
  Pid& operator=(Pid&& o) noexcept {
    if (this != &o) {
      if (pcb_) internal::Release(pcb_);
      pcb_ = o.pcb_;
      o.pcb_ = nullptr;
    }
    return *this;
  }
  ~Pid() {
    if (pcb_) internal::Release(pcb_);
  }

  bool valid() const { return pcb_ != nullptr; }
  explicit operator bool() const { return valid(); }
  // The N of <0.N.0>; 0 for an empty Pid.
  uint64_t id() const { return pcb_ ? internal::PcbId(pcb_) : 0; }
  std::string ToString() const;

  internal::Pcb* pcb() const { return pcb_; }
  friend bool operator==(const Pid& a, const Pid& b) { return a.pcb_ == b.pcb_; }
  template <typename H>
  friend H AbslHashValue(H h, const Pid& p) {
    return H::combine(std::move(h), p.pcb_);
  }

 private:
  internal::Pcb* pcb_ = nullptr;
};

// A unique reference (monitors, calls, tasks), as make_ref/0.
struct Ref {
  uint64_t value = 0;
  friend bool operator==(const Ref&, const Ref&) = default;
  explicit operator bool() const { return value != 0; }
};

}  // namespace overseer

template <>
struct std::hash<overseer::Pid> {
  size_t operator()(const overseer::Pid& p) const {
    return std::hash<const void*>()(p.pcb());
  }
};

#endif  // OVERSEER_CORE_PID_H_
