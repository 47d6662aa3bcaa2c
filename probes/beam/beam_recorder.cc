#include "probes/beam/beam_recorder.h"

#include <algorithm>
#include <utility>

#include "absl/time/clock.h"

namespace overseer {

BeamRecorder::BeamRecorder(BeamConnection& connection, BeamSampler& sampler,
                           BeamRecordOptions options)
    : connection_(connection),
      sampler_(sampler),
      options_(options),
      interval_ns_(absl::ToInt64Nanoseconds(options.interval)) {}

void BeamRecorder::SetInterval(absl::Duration interval) {
  interval_ns_.store(absl::ToInt64Nanoseconds(std::max(interval, absl::Milliseconds(10))));
}

void BeamRecorder::AddSink(std::unique_ptr<SampleSink> sink) {
  sinks_.push_back(std::move(sink));
  failed_.push_back(false);
}

bool BeamRecorder::WriteAll(const Snapshot& snapshot, const std::vector<Event>& events) {
  bool any = false;
  for (size_t i = 0; i < sinks_.size(); ++i) {
    if (failed_[i]) continue;
    if (absl::Status s = sinks_[i]->Write(snapshot, events); !s.ok()) {
      failed_[i] = true;
      sink_error_.Update(s);
      continue;
    }
    any = true;
  }
  return any;
}

absl::Status BeamRecorder::Wait(absl::Time until,
                                const std::function<bool()>& should_stop) {
  for (absl::Time now = absl::Now(); now < until; now = absl::Now()) {
    if (should_stop && should_stop()) return absl::OkStatus();
    if (absl::Status s = connection_.Idle(std::min(until, now + absl::Milliseconds(100)));
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status BeamRecorder::Run(
    const CaptureInfo& info, const std::function<bool()>& should_stop,
    const std::function<void(const BeamRecordProgress&)>& progress) {
  for (size_t i = 0; i < sinks_.size(); ++i) {
    if (absl::Status s = sinks_[i]->Begin(info); !s.ok()) {
      failed_[i] = true;
      sink_error_.Update(s);
    }
  }
  const absl::Time start = absl::Now();
  absl::Time next = start;
  absl::Status lost;
  std::vector<Event> carried;  // events waiting for the next sample
  for (;;) {
    if (should_stop && should_stop()) break;
    if (options_.duration && absl::Now() - start >= *options_.duration) break;
    absl::StatusOr<BeamReading> r = sampler_.Take();
    if (r.ok()) {
      carried.insert(carried.end(), r->events.begin(), r->events.end());
      if (!WriteAll(r->snapshot, carried)) break;
      carried.clear();
      ++samples_;
    } else if (absl::IsDeadlineExceeded(r.status())) {
      const int64_t t = absl::ToInt64Nanoseconds(absl::Now() - start);
      carried.push_back(
          {t, EventKind::kDropped, 0, 0, std::string(r.status().message())});
    } else {
      lost = r.status();
      break;
    }
    if (progress) progress({samples_, sampler_.skipped(), absl::Now() - start});
    // The next sample on the interval's grid; one that is already late is
    // taken now, and the ones it missed are not made up.
    next = std::max(next + absl::Nanoseconds(interval_ns_.load()), absl::Now());
    if (options_.duration) next = std::min(next, start + *options_.duration);
    if (absl::Status s = Wait(next, should_stop); !s.ok()) {
      lost = s;
      break;
    }
  }
  for (size_t i = 0; i < sinks_.size(); ++i) {
    if (absl::Status s = sinks_[i]->End(); !s.ok() && !failed_[i]) sink_error_.Update(s);
  }
  if (!lost.ok()) return lost;
  return sink_error_;
}

}  // namespace overseer
