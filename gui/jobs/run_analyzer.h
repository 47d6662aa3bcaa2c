// RunAnalyzer: the whole-run analysis of a session, off the GUI thread. One
// job scans the recording from its first sample to the newest one asked for
// (ScanRun), finds the suspects (FindSuspects) and hands both back as one
// immutable RunAnalysis, which the Suspects view lists and the Processes
// view's peak columns read. A capture file is scanned once; a live session
// asks again as samples arrive (the main window paces it), and since jobs
// run one at a time and a newer request replaces a waiting one, analyses
// never overlap or pile up.
//
// Destroying the analyzer cancels the running scan (ScanOptions::cancel) and
// waits for it, so the recording only has to outlive the analyzer, as with
// InstantLoader.
//
// Example:
//   RunAnalyzer analyzer(&session.recording());
//   connect(&analyzer, &RunAnalyzer::Analyzed, view, &SuspectsView::Show);
//   analyzer.Request(session.recording().sample_count());
//
// Thread contract: GUI thread only; the recording must outlive the analyzer.
#ifndef OVERSEER_GUI_JOBS_RUN_ANALYZER_H_
#define OVERSEER_GUI_JOBS_RUN_ANALYZER_H_

#include <QObject>
#include <QString>

#include <atomic>
#include <cstddef>
#include <memory>

#include "absl/status/status.h"
#include "gui/jobs/serial_jobs.h"
#include "probes/analysis/run_scan.h"
#include "probes/analysis/suspects.h"
#include "probes/model/recording.h"

namespace overseer {

// The scan and the findings of the first `sample_count` samples of a run.
struct RunAnalysis {
  size_t sample_count = 0;
  std::shared_ptr<const RunScan> scan;
  SuspectReport report;
};

// Scans the first `sample_count` samples of `recording` and finds their
// suspects. Errors: those of ScanRun (Cancelled through `cancel`).
// Thread-safe as Recording.
absl::StatusOr<RunAnalysis> AnalyzeRun(const Recording& recording, size_t sample_count,
                                       const std::atomic<bool>* cancel = nullptr);

class RunAnalyzer final : public QObject {
  Q_OBJECT

 public:
  explicit RunAnalyzer(const Recording* recording, QObject* parent = nullptr);
  ~RunAnalyzer() override;

  // Analyses the first `sample_count` samples; Analyzed or AnalysisFailed
  // follows. A request for the count already analysed or asked for is
  // ignored.
  void Request(size_t sample_count);
  // The count of the newest request (0: none yet).
  size_t requested_count() const { return requested_; }
  const std::shared_ptr<const RunAnalysis>& latest() const { return latest_; }
  bool busy() const { return jobs_.busy(); }
  // Blocks until the analyses asked for have been delivered. Tests only.
  void WaitForIdle() { jobs_.WaitForIdle(); }

 signals:
  void Analyzed(std::shared_ptr<const RunAnalysis> analysis);
  void AnalysisFailed(const QString& message);
  void BusyChanged(bool busy);

 private:
  using Result = std::shared_ptr<const absl::StatusOr<RunAnalysis>>;
  const Recording* recording_;
  // Shared with the running job, which may outlive a Request but not us.
  std::shared_ptr<std::atomic<bool>> cancel_ = std::make_shared<std::atomic<bool>>(false);
  size_t requested_ = 0;
  std::shared_ptr<const RunAnalysis> latest_;
  SerialJobs<Result> jobs_{this};
};

}  // namespace overseer

#endif  // OVERSEER_GUI_JOBS_RUN_ANALYZER_H_
