#include "gui/jobs/run_analyzer.h"

#include <utility>

namespace overseer {

absl::StatusOr<RunAnalysis> AnalyzeRun(const Recording& recording, size_t sample_count,
                                       const std::atomic<bool>* cancel) {
  RunAnalysis out;
  out.sample_count = sample_count;
  TimeWindow window;
  // A live recording keeps growing: the window ends at the newest sample
  // asked for, so the scan and the report describe the same samples.
  if (sample_count > 0 && sample_count <= recording.sample_count()) {
    window.to_ns = recording.sample_time_ns(sample_count - 1);
  }
  ScanOptions options;
  options.cancel = cancel;
  absl::StatusOr<RunScan> scan = ScanRun(recording, window, options);
  if (!scan.ok()) return scan.status();
  auto shared = std::make_shared<const RunScan>(*std::move(scan));
  out.report = FindSuspects(*shared);
  out.scan = std::move(shared);
  return out;
}

RunAnalyzer::RunAnalyzer(const Recording* recording, QObject* parent)
    : QObject(parent), recording_(recording) {}

RunAnalyzer::~RunAnalyzer() {
  cancel_->store(true);  // jobs_ then waits for the running scan to stop
}

void RunAnalyzer::Request(size_t sample_count) {
  if (sample_count == 0 || sample_count == requested_) return;
  requested_ = sample_count;
  bool was_busy = jobs_.busy();
  const Recording* recording = recording_;
  std::shared_ptr<std::atomic<bool>> cancel = cancel_;
  jobs_.Post(
      [recording, sample_count, cancel]() -> Result {
        return std::make_shared<const absl::StatusOr<RunAnalysis>>(
            AnalyzeRun(*recording, sample_count, cancel.get()));
      },
      [this](Result result) {
        if (result->ok()) {
          latest_ = std::make_shared<const RunAnalysis>(**result);
          emit Analyzed(latest_);
        } else {
          emit AnalysisFailed(QString::fromStdString(std::string(result->status().message())));
        }
        if (!jobs_.busy()) emit BusyChanged(false);
      });
  if (!was_busy) emit BusyChanged(true);
}

}  // namespace overseer
