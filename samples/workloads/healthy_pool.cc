#include "samples/workloads/healthy_pool.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/gen_server.h"
#include "core/supervisor.h"

namespace overseer::workloads {
namespace {

struct Job {
  std::string payload;
};
struct JobDone {
  int64_t checksum = 0;
};
struct Go {};
struct Idle {};

class PoolWorker : public GenServer<Idle> {
 public:
  explicit PoolWorker(absl::Duration work_time) : work_time_(work_time) {}
  std::string InitialCall() const override { return "Pool.Worker:init/1"; }

 protected:
  Co HandleCall(Idle&, Message& request, From from) override {
    const Job* job = request.As<Job>();
    if (job == nullptr) co_return;
    int64_t sum = 0;
    for (char c : job->payload) sum += static_cast<unsigned char>(c);
    if (work_time_ > absl::ZeroDuration()) {
      (void)co_await Receive([](const Message&) { return false; }, work_time_);
    }
    Reply(from, JobDone{sum});
  }

 private:
  absl::Duration work_time_;
};

struct ClientConfig {
  int index = 0;
  int workers = 1;
  int64_t payload_bytes = 0;
  absl::Duration think_time;
  absl::Duration call_timeout;
  PoolStats* stats = nullptr;
};

struct ClientState {
  int64_t next = 0;
};

// One call in flight at a time, then a pause: the load is steady and the
// workers' mailboxes never hold more than the number of clients.
class PoolClient : public GenServer<ClientState> {
 public:
  explicit PoolClient(ClientConfig config) : config_(config) {}
  std::string InitialCall() const override { return "Pool.Client:init/1"; }

 protected:
  absl::Status Init(ClientState& state) override {
    state.next = config_.index;
    Send(self(), Go{});
    return absl::OkStatus();
  }
  Co HandleInfo(ClientState& state, Message& message) override {
    if (!message.Is<Go>()) co_return;
    int worker = static_cast<int>(state.next++ % config_.workers);
    Job job{std::string(static_cast<size_t>(config_.payload_bytes), 'j')};
    absl::StatusOr<Message> done =
        co_await Call(runtime().Whereis(HealthyPoolWorkload::WorkerName(worker)), job,
                      config_.call_timeout);
    (done.ok() ? config_.stats->jobs_done : config_.stats->call_failures)
        .fetch_add(1, std::memory_order_relaxed);
    if (config_.think_time > absl::ZeroDuration()) {
      (void)co_await Receive([](const Message&) { return false; }, config_.think_time);
    }
    Send(self(), Go{});
  }

 private:
  const ClientConfig config_;
};

}  // namespace

std::string HealthyPoolWorkload::WorkerName(int i) {
  return absl::StrCat("Pool.Worker.", i);
}
std::string HealthyPoolWorkload::ClientName(int i) {
  return absl::StrCat("Pool.Client.", i);
}

void HealthyPoolWorkload::DefineFlags(FlagSet& flags) {
  flags.AddInt("workers", &config_.workers, "workers in the pool");
  flags.AddInt("clients", &config_.clients, "clients calling the workers");
  flags.AddDuration("work-time", &config_.work_time, "how long a worker takes per job");
  flags.AddDuration("think-time", &config_.think_time, "a client's pause between calls");
  flags.AddCount("payload", &config_.payload_bytes, "bytes of each job's payload");
  AddTimeScaleFlag(flags, &config_.time_scale);
}

absl::StatusOr<Pid> HealthyPoolWorkload::Start(Runtime& rt) {
  if (runtime() != nullptr) return absl::FailedPreconditionError("started already");
  if (absl::Status s = CheckTimeScale(config_.time_scale); !s.ok()) return s;
  if (config_.workers < 1 || config_.clients < 1 || config_.workers > 10'000 ||
      config_.clients > 10'000) {
    return absl::InvalidArgumentError("--workers and --clients must be within 1..10000");
  }
  if (config_.payload_bytes > (16 << 20)) {
    return absl::InvalidArgumentError("--payload must be at most 16M");
  }
  std::vector<ChildSpec> workers;
  for (int i = 0; i < config_.workers; ++i) {
    ChildSpec w = ChildSpec::Worker<PoolWorker>(
        WorkerName(i), Scaled(config_.work_time, config_.time_scale));
    w.name = WorkerName(i);
    workers.push_back(std::move(w));
  }
  std::vector<ChildSpec> clients;
  for (int i = 0; i < config_.clients; ++i) {
    ChildSpec c = ChildSpec::Worker<PoolClient>(
        ClientName(i),
        ClientConfig{i, config_.workers, config_.payload_bytes,
                     Scaled(config_.think_time, config_.time_scale),
                     Scaled(absl::Seconds(5), config_.time_scale), &stats_});
    c.name = ClientName(i);
    clients.push_back(std::move(c));
  }
  ChildSpec worker_sup = ChildSpec::Worker<Supervisor>(
      "Pool.WorkerSupervisor", SupervisorFlags{}, std::move(workers));
  worker_sup.name = "Pool.WorkerSupervisor";
  ChildSpec client_sup = ChildSpec::Worker<Supervisor>(
      "Pool.ClientSupervisor", SupervisorFlags{}, std::move(clients));
  client_sup.name = "Pool.ClientSupervisor";
  absl::StatusOr<Pid> root =
      rt.Spawn<Supervisor>({.name = kPoolSupervisor}, SupervisorFlags{},
                           std::vector<ChildSpec>{worker_sup, client_sup});
  if (!root.ok()) return root.status();
  SetStarted(rt, *root);
  start_ = last_tick_ = absl::Now();
  return root;
}

std::string HealthyPoolWorkload::Tick(bool take_peaks) {
  if (runtime() == nullptr) return "not started";
  NodeReading now = NodeReading::Take(*runtime(), take_peaks);
  const ProcessInfo* sup = now.Named(kPoolSupervisor);
  int64_t largest = 0, msgq = 0;
  if (sup != nullptr) {
    for (const ProcessInfo& p : now.processes()) {
      if (p.pid != sup->pid && std::find(p.ancestors.begin(), p.ancestors.end(),
                                         sup->pid) == p.ancestors.end()) {
        continue;
      }
      largest = std::max(largest, p.memory.peak);
      msgq = std::max(msgq, p.mailbox_len.peak);
    }
  }
  peak_memory_.Observe(largest);
  peak_msgq_.Observe(msgq);
  absl::Time t = absl::Now();
  int64_t jobs = stats_.jobs_done.load();
  double rate = static_cast<double>(jobs - last_jobs_) /
                std::max(1e-3, absl::ToDoubleSeconds(t - last_tick_));
  last_jobs_ = jobs;
  last_tick_ = t;
  return absl::StrFormat(
      "%4.0fs  jobs %d (%.0f/s), failed calls %d | largest process %s, largest MsgQ %d",
      absl::ToDoubleSeconds(t - start_), jobs, rate, stats_.call_failures.load(),
      HumanBytes(largest), msgq);
}

std::string HealthyPoolWorkload::Summary() {
  double seconds = absl::ToDoubleSeconds(absl::Now() - start_);
  return absl::StrFormat(
      "healthy-pool: %d workers, %d clients, %d jobs (%.0f/s) in %.1f s\n"
      "  peak largest process     %s\n"
      "  peak largest MsgQ        %d\n",
      config_.workers, config_.clients, stats_.jobs_done.load(),
      static_cast<double>(stats_.jobs_done.load()) / std::max(1e-3, seconds), seconds,
      HumanBytes(peak_memory_.value()), peak_msgq_.value());
}

}  // namespace overseer::workloads
