// Viewer: what the recorder's thread does (Offer, FinishStream) and the
// control requests, apart from the connection's plumbing in viewer.cc.
#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "probes/attach/viewer.h"
#include "probes/sampler/sampler.h"

namespace overseer::attach_internal {
namespace {

// Events kept for a viewer while its samples are dropped; past this they
// are counted as lost, so a stuck viewer's memory stays bounded.
constexpr size_t kMaxPendingEvents = 4096;
constexpr int kMaxPreview = 100;
// Recorder::SetInterval's floor, so the reply names the interval in force;
// and a ceiling, since the recorder takes a new interval only after its
// current wait: a viewer must not be able to put sampling to sleep.
constexpr absl::Duration kMinInterval = absl::Milliseconds(10);
constexpr absl::Duration kMaxInterval = absl::Minutes(1);

attach::pb::ControlReply Fail(attach::pb::ControlReply reply,
                              const absl::Status& status) {
  reply.set_code(static_cast<uint32_t>(status.code()));
  reply.set_message(std::string(status.message()));
  return reply;
}

}  // namespace

void Viewer::Offer(const Snapshot& sample, absl::Span<const Event> events) {
  absl::MutexLock lock(&writer_mu_);
  if (!streaming_ || finished_) return;
  size_t queued_before;
  {
    absl::MutexLock q(&queue_mu_);
    queued_before = queued_bytes_;
  }
  if (queued_before >= state_->options.viewer_buffer_bytes) {
    // Skipped before encoding: the writer never sees this sample, so the
    // next one it writes is a valid delta from the last one this viewer
    // got, and the strings it announces stay in step with the viewer.
    dropped_.fetch_add(1);
    ++unreported_drops_;
    for (const Event& e : events) {
      if (pending_events_.size() < kMaxPendingEvents) {
        pending_events_.push_back(e);
      } else {
        ++lost_events_;
      }
    }
    return;
  }
  std::vector<Event> batch = std::move(pending_events_);
  pending_events_.clear();
  batch.insert(batch.end(), events.begin(), events.end());
  if (unreported_drops_ > 0) {
    batch.push_back(Event{
        sample.time_ns, EventKind::kDropped, 0, 0,
        absl::StrCat(unreported_drops_,
                     " samples dropped for this viewer, which read too slowly",
                     lost_events_ > 0 ? absl::StrCat(" (and ", lost_events_, " events)")
                                      : std::string())});
    lost_events_ = 0;
  }
  written_bytes_ = 0;
  absl::Status s = writer_->WriteEvents(batch);
  if (s.ok()) s = writer_->WriteSample(sample);
  if (!s.ok()) {
    finished_ = true;
    attach::pb::Error error;
    error.set_code(static_cast<uint32_t>(s.code()));
    error.set_message(
        absl::StrCat("the program cannot encode its stream: ", s.message()));
    Enqueue(EncodeFrame(FrameType::kError, error));
    RequestClose();
    return;
  }
  sent_.fetch_add(1);
  if (unreported_drops_ > 0) {
    attach::pb::Notice notice;
    notice.set_samples_sent(sent_.load());
    notice.set_samples_dropped(dropped_.load());
    Enqueue(EncodeFrame(FrameType::kNotice, notice));
    unreported_drops_ = 0;
  }
  {
    absl::MutexLock q(&queue_mu_);
    largest_sample_ = std::max(largest_sample_, written_bytes_);
  }
  Wake();
}

void Viewer::FinishStream() {
  {
    absl::MutexLock lock(&writer_mu_);
    if (streaming_ && !finished_) {
      if (!pending_events_.empty()) {
        (void)writer_->WriteEvents(pending_events_);
        pending_events_.clear();
      }
      (void)writer_->Finish();  // the end index: the viewer's copy is whole
    }
    finished_ = true;
  }
  RequestClose();
}

absl::StatusOr<absl::Duration> Viewer::SetInterval(absl::Duration want) {
  if (want <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("the sampling interval must be positive");
  }
  const absl::Duration now = std::clamp(want, kMinInterval, kMaxInterval);
  state_->recorder->SetInterval(now);
  state_->interval_ns.store(absl::ToInt64Nanoseconds(now));
  return now;
}

void Viewer::ApplyHelloInterval(int64_t interval_ns) {
  if (interval_ns <= 0 || !state_->options.allow_control) return;
  absl::ReaderMutexLock lock(&state_->control_mu);
  if (state_->recorder != nullptr) (void)SetInterval(absl::Nanoseconds(interval_ns));
}

attach::pb::ControlReply Viewer::Control(const attach::pb::ControlRequest& request) {
  attach::pb::ControlReply reply;
  reply.set_id(request.id());
  if (!state_->options.allow_control) {
    return Fail(reply,
                absl::PermissionDeniedError(
                    "control is not allowed: this program's attach endpoint is read-only "
                    "(the program enables control with AttachOptions::allow_control or "
                    "OVERSEER_ATTACH_CONTROL=1)"));
  }
  absl::ReaderMutexLock lock(&state_->control_mu);
  if (state_->recorder == nullptr || state_->runtime == nullptr) {
    return Fail(reply, absl::FailedPreconditionError("the program's recorder is gone"));
  }
  switch (request.request_case()) {
    case attach::pb::ControlRequest::kSetInterval: {
      absl::StatusOr<absl::Duration> now =
          SetInterval(absl::Nanoseconds(request.set_interval().interval_ns()));
      if (!now.ok()) return Fail(reply, now.status());
      reply.set_interval_ns(absl::ToInt64Nanoseconds(*now));
      return reply;
    }
    case attach::pb::ControlRequest::kInspect: {
      const uint64_t pid = request.inspect().pid();
      const Pid found = state_->runtime->Find(pid);
      if (!found) {
        return Fail(
            reply, absl::NotFoundError(absl::StrCat("no live process ", FormatPid(pid))));
      }
      const int preview =
          static_cast<int>(std::min<uint32_t>(request.inspect().preview(), kMaxPreview));
      absl::StatusOr<ProcessInspection> seen =
          state_->runtime->Inspect(found, state_->options.inspect_timeout, preview);
      if (!seen.ok()) return Fail(reply, seen.status());
      ToRecord(ToDetail(*seen), reply.mutable_detail());
      if (reply.ByteSizeLong() > kMaxAttachFrame) {
        reply.clear_detail();
        return Fail(reply, absl::ResourceExhaustedError(
                               "the process's description is over the frame limit"));
      }
      return reply;
    }
    case attach::pb::ControlRequest::REQUEST_NOT_SET:
      break;
  }
  return Fail(reply,
              absl::InvalidArgumentError("unknown control request (a newer viewer?)"));
}

}  // namespace overseer::attach_internal
