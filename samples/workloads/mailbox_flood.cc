#include "samples/workloads/mailbox_flood.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/gen_server.h"
#include "core/supervisor.h"

namespace overseer::workloads {
namespace {

struct ProduceTick {};
struct Nothing {};

struct ProducerConfig {
  FloodStats* stats = nullptr;
  double per_second = 0;  // scaled
  int64_t payload_bytes = 0;
  int64_t total = 0;
};

// Casts what is owed at the configured rate every 10 ms, never waiting for
// the consumer: no backpressure.
class Producer : public GenServer<Nothing> {
 public:
  explicit Producer(ProducerConfig config) : config_(config) {}
  std::string InitialCall() const override { return "Flood.Producer:init/1"; }

 protected:
  absl::Status Init(Nothing&) override {
    last_ = absl::Now();
    Send(self(), ProduceTick{});
    return absl::OkStatus();
  }
  Co HandleInfo(Nothing&, Message& message) override {
    if (!message.Is<ProduceTick>()) return {};
    absl::Time now = absl::Now();
    owed_ += config_.per_second * absl::ToDoubleSeconds(now - last_);
    last_ = now;
    Pid consumer = runtime().Whereis(kFloodConsumer);
    while (owed_ >= 1 && consumer.valid()) {
      if (config_.total > 0 && config_.stats->produced.load() >= config_.total) break;
      owed_ -= 1;
      Cast(consumer, Work{config_.stats->produced.fetch_add(1),
                          std::string(static_cast<size_t>(config_.payload_bytes), 'w')});
    }
    SendAfter(self(), ProduceTick{}, absl::Milliseconds(10));
    return {};
  }

 private:
  const ProducerConfig config_;
  absl::Time last_;
  double owed_ = 1;  // the first message goes at once
};

// Handles one Work per handle_time. While it works (a wait, not a busy
// loop: it holds no scheduler thread) the rest stay in its mailbox.
class Consumer : public GenServer<Nothing> {
 public:
  Consumer(FloodStats* stats, absl::Duration handle_time)
      : stats_(stats), handle_time_(handle_time) {}
  std::string InitialCall() const override { return "Flood.Consumer:init/1"; }

 protected:
  Co HandleCast(Nothing&, Message& message) override {
    if (!message.Is<Work>()) co_return;
    SetCurrentFunction("Flood.Consumer.handle_work/1");
    if (handle_time_ > absl::ZeroDuration()) {
      (void)co_await Receive([](const Message&) { return false; }, handle_time_);
    }
    stats_->consumed.fetch_add(1, std::memory_order_relaxed);
  }

 private:
  FloodStats* stats_;
  absl::Duration handle_time_;
};

}  // namespace

std::string OverseerDescribe(const Work& w) {
  return absl::StrCat("Work #", w.seq, " (", w.payload.size(), " bytes)");
}

void MailboxFloodWorkload::DefineFlags(FlagSet& flags) {
  flags.AddCount("rate", &config_.rate, "Work messages the producer casts per second");
  flags.AddCount("payload", &config_.payload_bytes, "bytes of each message's payload");
  flags.AddDuration("handle-time", &config_.handle_time,
                    "how long the consumer takes per message");
  flags.AddCount("total", &config_.total, "stop producing after this many (0: never)");
  AddTimeScaleFlag(flags, &config_.time_scale);
}

absl::StatusOr<Pid> MailboxFloodWorkload::Start(Runtime& rt) {
  if (runtime() != nullptr) return absl::FailedPreconditionError("started already");
  if (absl::Status s = CheckTimeScale(config_.time_scale); !s.ok()) return s;
  if (config_.payload_bytes > (64 << 20)) {
    return absl::InvalidArgumentError("--payload must be at most 64M");
  }
  ChildSpec consumer = ChildSpec::Worker<Consumer>(
      kFloodConsumer, &stats_, Scaled(config_.handle_time, config_.time_scale));
  consumer.name = kFloodConsumer;
  ChildSpec producer = ChildSpec::Worker<Producer>(
      kFloodProducer,
      ProducerConfig{&stats_, static_cast<double>(config_.rate) * config_.time_scale,
                     config_.payload_bytes, config_.total});
  producer.name = kFloodProducer;
  absl::StatusOr<Pid> root =
      rt.Spawn<Supervisor>({.name = kFloodSupervisor}, SupervisorFlags{},
                           std::vector<ChildSpec>{consumer, producer});
  if (!root.ok()) return root.status();
  SetStarted(rt, *root);
  start_ = absl::Now();
  return root;
}

std::string MailboxFloodWorkload::Tick(bool take_peaks) {
  if (runtime() == nullptr) return "not started";
  NodeReading now = NodeReading::Take(*runtime(), take_peaks);
  const ProcessInfo* c = now.Named(kFloodConsumer);
  const ProcessInfo* sup = now.Named(kFloodSupervisor);
  if (c != nullptr) {
    peak_msgq_.Observe(c->mailbox_len.peak);
    peak_mailbox_bytes_.Observe(c->mailbox_bytes.peak);
  }
  return absl::StrFormat(
      "%4.0fs  Consumer MsgQ %d, mailbox %s, memory %s | produced %d, consumed %d | "
      "Supervisor held specs %s",
      absl::ToDoubleSeconds(absl::Now() - start_), c ? c->mailbox_len.value : 0,
      HumanBytes(c ? c->mailbox_bytes.value : 0), HumanBytes(c ? c->memory.value : 0),
      stats_.produced.load(), stats_.consumed.load(),
      HumanBytes(sup ? sup->held_spec_bytes.value : 0));
}

std::string MailboxFloodWorkload::Summary() {
  return absl::StrFormat(
      "mailbox-flood: %d produced, %d consumed in %.1f s\n"
      "  peak Consumer MsgQ           %d\n"
      "  peak Consumer mailbox bytes  %s\n",
      stats_.produced.load(), stats_.consumed.load(),
      absl::ToDoubleSeconds(absl::Now() - start_), peak_msgq_.value(),
      HumanBytes(peak_mailbox_bytes_.value()));
}

}  // namespace overseer::workloads
