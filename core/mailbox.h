// Mailbox: many writers, one reader. Senders push envelopes onto a
// lock-free intrusive queue (Vyukov's MPSC); the owner moves them into its
// private save queue, from which it takes them in order or, while waiting
// inside a call, takes the first one that matches (selective receive).
// Length and bytes are kept as gauges with peaks.
#ifndef OVERSEER_CORE_MAILBOX_H_
#define OVERSEER_CORE_MAILBOX_H_

#include <atomic>
#include <cstdint>
#include <memory>

#include "absl/functional/function_ref.h"
#include "core/gauge.h"
#include "core/message.h"
#include "core/pid.h"

namespace overseer {

struct ExternalReply;  // a caller outside the runtime, see runtime.cc

struct MailboxNode {
  std::atomic<MailboxNode*> next{nullptr};
};

// One message or signal in flight. Allocated in the receiver's account.
struct Envelope : MailboxNode {
  enum class Kind : uint8_t {
    kInfo,        // a plain send (handle_info)
    kCast,        // GenServer cast
    kCall,        // GenServer call: from + ref
    kReply,       // reply to a call this process made: ref
    kTimeout,     // a wait this process started timed out: ref
    kExitSignal,  // from + reason (payload ExitReason)
    kInspect,     // a request to describe this process (payload)
  };
  Kind kind = Kind::kInfo;
  uint64_t bytes = 0;  // what the copy into the receiver allocated
  int64_t sent_cycles = 0;  // CycleNow() when it was sent (its age in a mailbox)
  uint64_t ref = 0;
  Pid from;
  std::shared_ptr<ExternalReply> external;
  Message payload;
};

class Mailbox {
 public:
  Mailbox();
  Mailbox(const Mailbox&) = delete;
  Mailbox& operator=(const Mailbox&) = delete;
  // Frees whatever is still queued (in the current account context).
  ~Mailbox();

  // Any thread.
  void Push(Envelope* e);

  // Owner only: moves what senders pushed into the save queue; `signal` is
  // offered each envelope first and keeps it by returning true.
  void Drain(absl::FunctionRef<bool(Envelope*)> signal);
  // Owner only: whether senders pushed something not drained yet.
  bool HasIncoming() const;
  // Any thread, for an owner that has just let go of the process: false
  // only if nothing was pushed since the owner last drained it empty (it
  // reads no owner state, which the next owner may be changing already).
  bool MaybeIncoming() const;
  // Owner only: the first envelope of the save queue (null if none).
  Envelope* TakeFirst();
  // Owner only: the first envelope for which `match` holds.
  Envelope* TakeFirstMatching(absl::FunctionRef<bool(const Envelope&)> match);
  // Owner only: visits the save queue in order while `visit` returns true.
  void ForEachQueued(absl::FunctionRef<bool(const Envelope&)> visit) const;
  // Owner only: accounting once an envelope taken out is done with.
  void Consumed(const Envelope& e);
  // Owner only: frees everything queued, incoming or saved.
  void Clear();

  GaugeCounter& length() { return length_; }
  GaugeCounter& bytes() { return bytes_; }
  const GaugeCounter& length() const { return length_; }
  const GaugeCounter& bytes() const { return bytes_; }

 private:
  Envelope* PopIncoming();
  std::atomic<MailboxNode*> head_;  // producers push here
  MailboxNode* tail_;               // the owner pops here
  MailboxNode stub_;
  Envelope* saved_first_ = nullptr;
  Envelope* saved_last_ = nullptr;
  GaugeCounter length_;
  GaugeCounter bytes_;
};

}  // namespace overseer

#endif  // OVERSEER_CORE_MAILBOX_H_
