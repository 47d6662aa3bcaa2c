#include "core/mailbox.h"

namespace overseer {

Mailbox::Mailbox() : head_(&stub_), tail_(&stub_) {}

Mailbox::~Mailbox() { Clear(); }

void Mailbox::Clear() {
  Drain([](Envelope*) { return false; });
  while (Envelope* e = TakeFirst()) {
    Consumed(*e);
    delete e;
  }
}

void Mailbox::Push(Envelope* e) {
  length_.Add(1);
  bytes_.Add(static_cast<int64_t>(e->bytes));
  e->next.store(nullptr, std::memory_order_relaxed);
  MailboxNode* prev = head_.exchange(e, std::memory_order_seq_cst);
  prev->next.store(e, std::memory_order_release);
}

bool Mailbox::HasIncoming() const {
  MailboxNode* next = tail_->next.load(std::memory_order_seq_cst);
  return next != nullptr || head_.load(std::memory_order_seq_cst) != tail_;
}

// Drained empty, the queue is the stub alone (PopIncoming puts it back
// behind the last node it takes), so any push since shows in head_.
bool Mailbox::MaybeIncoming() const {
  return head_.load(std::memory_order_seq_cst) != &stub_;
}

Envelope* Mailbox::PopIncoming() {
  MailboxNode* tail = tail_;
  MailboxNode* next = tail->next.load(std::memory_order_acquire);
  if (tail == &stub_) {
    if (next == nullptr) return nullptr;
    tail_ = next;
    tail = next;
    next = next->next.load(std::memory_order_acquire);
  }
  if (next != nullptr) {
    tail_ = next;
    return static_cast<Envelope*>(tail);
  }
  if (tail != head_.load(std::memory_order_acquire)) {
    return nullptr;  // a producer is between its exchange and its link
  }
  stub_.next.store(nullptr, std::memory_order_relaxed);
  MailboxNode* prev = head_.exchange(&stub_, std::memory_order_acq_rel);
  prev->next.store(&stub_, std::memory_order_release);
  next = tail->next.load(std::memory_order_acquire);
  if (next != nullptr) {
    tail_ = next;
    return static_cast<Envelope*>(tail);
  }
  return nullptr;
}

void Mailbox::Drain(absl::FunctionRef<bool(Envelope*)> signal) {
  while (Envelope* e = PopIncoming()) {
    if (signal(e)) continue;
    e->next.store(nullptr, std::memory_order_relaxed);
    if (saved_last_ == nullptr) {
      saved_first_ = saved_last_ = e;
    } else {
      saved_last_->next.store(e, std::memory_order_relaxed);
      saved_last_ = e;
    }
  }
}

Envelope* Mailbox::TakeFirst() {
  Envelope* e = saved_first_;
  if (e == nullptr) return nullptr;
  saved_first_ = static_cast<Envelope*>(e->next.load(std::memory_order_relaxed));
  if (saved_first_ == nullptr) saved_last_ = nullptr;
  return e;
}

Envelope* Mailbox::TakeFirstMatching(
    absl::FunctionRef<bool(const Envelope&)> match) {
  Envelope* prev = nullptr;
  for (Envelope* e = saved_first_; e != nullptr;
       prev = e, e = static_cast<Envelope*>(e->next.load(std::memory_order_relaxed))) {
    if (!match(*e)) continue;
    auto* next = static_cast<Envelope*>(e->next.load(std::memory_order_relaxed));
    if (prev == nullptr) {
      saved_first_ = next;
    } else {
      prev->next.store(next, std::memory_order_relaxed);
    }
    if (saved_last_ == e) saved_last_ = prev;
    return e;
  }
  return nullptr;
}

void Mailbox::ForEachQueued(
    absl::FunctionRef<bool(const Envelope&)> visit) const {
  for (const Envelope* e = saved_first_; e != nullptr;
       e = static_cast<const Envelope*>(e->next.load(std::memory_order_relaxed))) {
    if (!visit(*e)) return;
  }
}

void Mailbox::Consumed(const Envelope& e) {
  length_.Add(-1);
  bytes_.Add(-static_cast<int64_t>(e.bytes));
}

}  // namespace overseer
