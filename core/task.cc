#include "core/task.h"

#include <functional>

#include "absl/strings/str_cat.h"
#include "core/runtime.h"

namespace overseer {
namespace {

// The process a task runs in. Its start (and all the start captured) is
// copied into it when it is created, and kept for its whole life.
class TaskProcess final : public Process {
 public:
  explicit TaskProcess(const StartTaskRequest& request)
      : owner_(request.owner), start_(request.start) {}
  ProcessKind kind() const override { return ProcessKind::kTask; }
  std::string InitialCall() const override {
    return absl::StrCat("Task.Supervised:invoke (", start_.kind(), ")");
  }

 protected:
  Co Handle(Envelope::Kind, Message& message, From) override {
    const TaskGo* go = message.As<TaskGo>();
    if (go == nullptr || started_) co_return;
    started_ = true;
    Ref ref = go->ref;
    SetCurrentFunction("Task.Supervised:invoke");
    Message value = co_await start_.Run(*this);
    Send(owner_, TaskResult{ref, std::move(value)});
    Stop(ExitReason::Normal());
  }

 private:
  Pid owner_;
  TaskStart start_;
  bool started_ = false;
};

}  // namespace

std::string OverseerDescribe(const StartTaskRequest& r) {
  return absl::StrCat("start_task(", r.start.kind(), ": ", r.start.captured(), ")");
}

Co TaskSupervisor::Handle(Envelope::Kind kind, Message& message, From from) {
  if (kind == Envelope::Kind::kCall) {
    if (const auto* request = message.As<StartTaskRequest>()) {
      // A temporary child: the request (and its closure) is dropped after
      // this handler; the task holds its own copy.
      ChildSpec spec;
      spec.id = "task";
      spec.restart = Restart::kTemporary;
      spec.shutdown = absl::Seconds(5);
      spec.start_kind = request->start.kind();
      spec.start = [request](Runtime& rt, const SpawnOptions& o) {
        return rt.Spawn<TaskProcess>(o, *request);
      };
      Reply(from, StartDynamic(spec));
      co_return;
    }
  }
  co_await DynamicSupervisor::Handle(kind, message, std::move(from));
}

Async<absl::StatusOr<TaskHandle>> AsyncNolinkStart(Process& self, Pid supervisor,
                                                  TaskStart start) {
  StartTaskRequest request{self.self(), std::move(start)};
  absl::StatusOr<Message> reply =
      co_await self.Call(supervisor, request, absl::InfiniteDuration());
  if (!reply.ok()) co_return reply.status();
  const auto* pid = reply->As<absl::StatusOr<Pid>>();
  if (pid == nullptr) co_return absl::InternalError("unexpected reply " + reply->type_name());
  if (!pid->ok()) co_return pid->status();
  Ref ref = self.Monitor(**pid);
  self.Send(**pid, TaskGo{self.self(), ref});
  co_return TaskHandle{**pid, ref};
}

Async<absl::StatusOr<Message>> Await(Process& self, TaskHandle task,
                                     absl::Duration timeout) {
  Ref ref = task.ref;
  std::function<bool(const Message&)> result = [ref](const Message& m) {
    const TaskResult* r = m.As<TaskResult>();
    return r != nullptr && r->ref == ref;
  };
  absl::StatusOr<Message> got = co_await self.Receive(result, timeout);
  if (!got.ok()) co_return got.status();
  // As Process.demonitor(ref, [:flush]): if the monitor was still on, no
  // DOWN will come; if not, the DOWN was sent, and is taken out here.
  if (!self.Demonitor(ref)) {
    std::function<bool(const Message&)> down = [ref](const Message& m) {
      const DownMessage* d = m.As<DownMessage>();
      return d != nullptr && d->ref == ref;
    };
    (void)co_await self.Receive(down, timeout);
  }
  co_return std::move(got->AsMutable<TaskResult>()->value);
}

}  // namespace overseer
