// The whole-run analysis in the main window: the Suspects tab lists the
// synthetic leak's findings and choosing one moves the timeline and the
// selection there; a healthy run says it has no suspects; a live run is
// analysed again as it grows; the Processes view's peak columns show the
// run-wide peaks (a one-sample spike sorts first); File > Compare shows two
// captures side by side, and a bad file gives a message.
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <climits>
#include <memory>
#include <string>

#include "gui/jobs/run_analyzer.h"
#include "gui/models/analysis_models.h"
#include "gui/models/process_table_model.h"
#include "gui/session/memory_session.h"
#include "gui/widgets/compare_view.h"
#include "gui/widgets/main_window.h"
#include "gui/widgets/processes_view.h"
#include "gui/widgets/suspects_view.h"
#include "probes/analysis/format.h"
#include "probes/analysis/run_peaks.h"
#include "probes/capture/byte_sink.h"
#include "probes/capture/capture_writer.h"
#include "tests/gui/synthetic_run.h"

namespace overseer {
namespace {

constexpr int kTimeoutMs = 60'000;  // a loaded machine scans slowly

std::unique_ptr<MemorySession> RecordedSession(std::shared_ptr<MemoryRecording> r) {
  return std::make_unique<MemorySession>(std::move(r),
                                         MemorySession::Options{.label = "synthetic"});
}

absl::Status WriteCapture(const Recording& r, const std::string& path) {
  absl::StatusOr<std::unique_ptr<ByteSink>> sink = OpenFileSink(path);
  if (!sink.ok()) return sink.status();
  CaptureWriter writer(*std::move(sink));
  if (absl::Status s = writer.Begin(r.info()); !s.ok()) return s;
  for (size_t i = 0; i < r.sample_count(); ++i) {
    absl::StatusOr<Snapshot> snap = r.SnapshotAt(i);
    if (!snap.ok()) return snap.status();
    if (absl::Status s = writer.WriteSample(*snap); !s.ok()) return s;
  }
  std::vector<Event> events = r.EventsBetween(INT64_MIN, INT64_MAX);
  if (absl::Status s = writer.WriteEvents(events); !s.ok()) return s;
  return writer.Finish();
}

// The row of the first finding of `kind` about `pid`, or -1.
int RowOf(SuspectModel* m, SuspectKind kind, uint64_t pid) {
  for (int r = 0; r < m->rowCount(); ++r) {
    if (m->SuspectAt(r).kind == kind && m->SuspectAt(r).pid == pid) return r;
  }
  return -1;
}

}  // namespace

class AnalysisTest : public QObject {
  Q_OBJECT

 private slots:
  void init() {
    window_ = std::make_unique<MainWindow>();
    window_->resize(1200, 800);
    window_->show();
  }
  void cleanup() { window_.reset(); }

  void theSuspectsTabListsTheLeakAndChoosingOneGoesThere() {
    auto run = testing::MakeLeakRun();
    window_->SetSession(RecordedSession(run));
    window_->tabs()->setCurrentIndex(MainWindow::kSuspects);
    QCOMPARE(window_->tabs()->currentWidget(), window_->suspects_view());
    SuspectsView* view = window_->suspects_view();
    QTRY_VERIFY_WITH_TIMEOUT(view->model()->rowCount() > 0, kTimeoutMs);
    QVERIFY(view->status_text().contains("suspect"));

    uint64_t fetcher = testing::PidOfName(*run->SnapshotAt(10), testing::kFetcherName);
    int row = RowOf(view->model(), SuspectKind::kStateInMessages, fetcher);
    QVERIFY2(row >= 0, "the fetcher's backlog copied into its messages is a finding");
    const Suspect& s = view->model()->SuspectAt(row);
    QCOMPARE(s.other_pid,
             testing::PidOfName(*run->SnapshotAt(10), testing::kTaskSupervisorName));
    QCOMPARE(view->model()->index(row, SuspectModel::kKind).data().toString(),
             QString::fromUtf8(Describe(SuspectKind::kStateInMessages)));
    QVERIFY(view->model()->index(row, SuspectModel::kProcess).data().toString().contains(
        testing::kFetcherName));
    QVERIFY(view->model()->index(row, SuspectModel::kProcess).data().toString().contains(
        QString::fromStdString(FormatPid(fetcher))));
    QCOMPARE(view->model()->index(row, SuspectModel::kExplanation).data().toString(),
             QString::fromStdString(s.explanation));
    QCOMPARE(view->model()->index(row, SuspectModel::kRank).data().toInt(), row + 1);

    int64_t at = s.at_ns;
    size_t expected = run->IndexAt(at);
    QVERIFY(expected != 0);  // the timeline really moves from the run's start
    view->SelectRow(row);
    QTRY_VERIFY_WITH_TIMEOUT(window_->instant() && window_->instant()->index == expected,
                             kTimeoutMs);
    QCOMPARE(window_->processes_view()->selected_pid(), fetcher);
    QCOMPARE(view->selected_row(), row);
    QCOMPARE(view->evidence_model()->rowCount(), static_cast<int>(s.evidence.size()));
    QVERIFY(view->evidence_model()->rowCount() > 0);
    // The selection follows the pid in the Processes view once it is shown.
    window_->WaitForIdle();
    QModelIndex current = window_->processes_view()->table_view()->currentIndex();
    QVERIFY(current.isValid());
    QCOMPARE(current.data(ProcessTableModel::kPidRole).toULongLong(), fetcher);
  }

  void aHealthyRunHasNoSuspects() {
    window_->SetSession(RecordedSession(testing::MakeLeakRun({.leak = false})));
    SuspectsView* view = window_->suspects_view();
    QTRY_VERIFY_WITH_TIMEOUT(view->status_text().contains("No suspects"), kTimeoutMs);
    QCOMPARE(view->model()->rowCount(), 0);
    QVERIFY(view->status_text().contains("60 samples"));
  }

  void aLiveRunIsAnalysedAgainAsItGrows() {
    auto recording =
        std::make_shared<MemoryRecording>(CaptureInfo{.interval_ns = 1'000'000'000});
    auto full = testing::MakeLeakRun({.samples = 30});
    for (size_t i = 0; i < 10; ++i) recording->Append(*full->SnapshotAt(i));
    auto owned = std::make_unique<MemorySession>(
        recording, MemorySession::Options{.label = "live", .live = true});
    MemorySession* session = owned.get();
    QSignalSpy shown(window_.get(), &MainWindow::AnalysisShown);
    window_->SetSession(std::move(owned));
    QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), kTimeoutMs);
    QCOMPARE(shown.last().at(0).value<size_t>(), size_t{10});
    for (size_t i = 10; i < 30; ++i) recording->Append(*full->SnapshotAt(i));
    session->NotifySamplesAdded();
    QTRY_VERIFY_WITH_TIMEOUT(shown.last().at(0).value<size_t>() == 30, kTimeoutMs);
    QVERIFY(window_->suspects_view()->model()->rowCount() > 0);
    QCOMPARE(window_->suspects_view()->model()->report()->sample_count, size_t{30});
  }

  void thePeakColumnsShowTheRunPeakAndSortByIt() {
    auto run = testing::MakeLeakRun({.spike_at = 30});
    window_->SetSession(RecordedSession(run));
    window_->JumpToTime(10'000'000'000);
    ProcessesView* processes = window_->processes_view();
    ProcessTableModel* m = processes->model();
    QTRY_VERIFY_WITH_TIMEOUT(m->has_run_scan() && !m->busy() && m->rowCount() > 0 &&
                                 window_->instant()->index == 10,
                             kTimeoutMs);
    window_->WaitForIdle();
    processes->SortBy(ProcessTableModel::kPeakMemory, Qt::DescendingOrder);
    QTRY_VERIFY_WITH_TIMEOUT(!m->busy(), kTimeoutMs);
    QCOMPARE(m->RowAt(0).pid, testing::kSpikePid);
    QCOMPARE(m->index(0, ProcessTableModel::kPeakMemory).data().toString(),
             QString::fromStdString(FormatBytes(testing::kSpikeBytes)));
    QVERIFY(m->index(0, ProcessTableModel::kPeakMemory)
                .data(Qt::ToolTipRole).toString().contains("30s"));
    // The instant's own value stays beside it: small, at 10 s.
    QVERIFY(m->RowAt(0).memory < 100'000);
    QCOMPARE(m->headerData(ProcessTableModel::kPeakMemory, Qt::Horizontal, Qt::DisplayRole)
                 .toString(),
             QStringLiteral("Peak memory"));

    // By the instant's memory the spike is nowhere near the top.
    processes->SortBy(ProcessTableModel::kMemory, Qt::DescendingOrder);
    QTRY_VERIFY_WITH_TIMEOUT(!m->busy(), kTimeoutMs);
    QVERIFY(m->RowAt(0).pid != testing::kSpikePid);

    // Peak MsgQ: the fetcher's backlog at the run's end, while the instant
    // shows its MsgQ at 10 s.
    processes->SortBy(ProcessTableModel::kPeakMsgq, Qt::DescendingOrder);
    QTRY_VERIFY_WITH_TIMEOUT(!m->busy(), kTimeoutMs);
    QCOMPARE(m->RowAt(0).name, std::string(testing::kFetcherName));
    QCOMPARE(m->index(0, ProcessTableModel::kPeakMsgq).data().toString(),
             QString::fromStdString(FormatCount(59 * 30 + 12)));  // the peak gauge of the last sample
    QCOMPARE(m->index(0, ProcessTableModel::kMsgq).data().toString(),
             QString::fromStdString(FormatCount(10 * 30)));
  }

  void thePeakColumnsSayWhenTheScanIsNotReady() {
    auto run = testing::MakeLeakRun({.samples = 20, .spike_at = 5});
    absl::StatusOr<ProcessTable> table = ProcessTableAt(*run, 2);
    QVERIFY(table.ok());
    auto shared = std::make_shared<const ProcessTable>(*table);
    ProcessTableModel model;
    model.SetTable(shared);
    model.WaitForIdle();
    QCOMPARE(model.index(0, ProcessTableModel::kPeakMemory).data().toString(),
             QStringLiteral("\u2026"));
    absl::StatusOr<RunAnalysis> analysis = AnalyzeRun(*run, run->sample_count());
    QVERIFY(analysis.ok());
    model.SetRunScan(analysis->scan);
    model.sort(ProcessTableModel::kPeakMemory, Qt::DescendingOrder);
    model.WaitForIdle();
    QCOMPARE(model.RowAt(0).pid, testing::kSpikePid);
    QVERIFY(model.RowAt(0).has_run_peaks);
    // A new sort reuses the table that carries the peaks.
    model.sort(ProcessTableModel::kPid, Qt::AscendingOrder);
    model.WaitForIdle();
    QVERIFY(model.RowAt(0).has_run_peaks);
  }

  void compareShowsTwoCapturesSideBySide() {
    QTemporaryDir dir;
    QString leak = dir.filePath(QStringLiteral("closure.ovc"));
    QString fixed = dir.filePath(QStringLiteral("mfa.ovc"));
    QVERIFY(WriteCapture(*testing::MakeLeakRun(), leak.toStdString()).ok());
    QVERIFY(WriteCapture(*testing::MakeLeakRun({.leak = false}), fixed.toStdString()).ok());
    QSignalSpy finished(window_.get(), &MainWindow::CompareFinished);
    window_->OpenCompare(leak, fixed);
    QCOMPARE(window_->tabs()->currentWidget(), window_->compare_view());
    QCOMPARE(window_->tabs()->indexOf(window_->compare_view()), int{MainWindow::kCompare});
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QVERIFY(finished.first().at(0).toBool());
    CompareView* view = window_->compare_view();
    QVERIFY(view->comparison() != nullptr);
    QVERIFY(view->status_text().contains("closure.ovc"));
    QVERIFY(view->status_text().contains("mfa.ovc"));

    ComparedProcessModel* m = view->model();
    int row = m->RowOfKey(QString::fromLatin1(testing::kTaskSupervisorName));
    QVERIFY(row >= 0);
    const ComparedProcess& p = view->comparison()->processes[static_cast<size_t>(row)];
    QVERIFY(p.a.peak_memory > 10'000'000);  // the leak
    QVERIFY(p.b.peak_memory < 100'000);     // the fix
    QString ratio = m->index(row, ComparedProcessModel::kPeakMemoryRatio).data().toString();
    QCOMPARE(ratio, FormatRatioCell(static_cast<double>(p.a.peak_memory),
                                    static_cast<double>(p.b.peak_memory)));
    QVERIFY(ratio.endsWith('x'));
    QVERIFY(ratio.startsWith("0.00"));
    QCOMPARE(m->index(row, ComparedProcessModel::kPeakMemoryA).data().toString(),
             QString::fromStdString(FormatBytes(p.a.peak_memory)));
    // Tasks exist only in A: no ratio for what B does not have.
    int tasks = m->RowOfKey(QStringLiteral("Task.Supervised:invoke_mfa/2"));
    QVERIFY(tasks >= 0);
    QCOMPARE(m->index(tasks, ComparedProcessModel::kPeakMemoryRatio).data().toString(),
             QStringLiteral("gone"));
    // The runs' figures, with B/A, and both profiles.
    QTableWidget* figures = view->figures();
    QCOMPARE(figures->item(CompareView::kDuration, CompareView::kA)->text(),
             QString::fromStdString(FormatDuration(59'000'000'000)));
    QCOMPARE(figures->item(CompareView::kDuration, CompareView::kRatio)->text(),
             QStringLiteral("1.00x"));
    QVERIFY(!figures->item(CompareView::kCallTimeouts, CompareView::kA)->text().startsWith("0"));
    QCOMPARE(figures->item(CompareView::kCallTimeouts, CompareView::kB)->text(),
             QStringLiteral("0"));
    QVERIFY(view->profile_a()->rowCount() > 0);
    QVERIFY(view->profile_a()->item(0, 0) != nullptr);
  }

  void aBadFileToCompareGivesAMessage() {
    QTemporaryDir dir;
    QString good = dir.filePath(QStringLiteral("good.ovc"));
    QVERIFY(WriteCapture(*testing::MakeLeakRun({.samples = 5}), good.toStdString()).ok());
    QString bad = dir.filePath(QStringLiteral("broken.ovc"));
    QFile file(bad);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(64, '\x7f'));
    file.close();
    QSignalSpy finished(window_.get(), &MainWindow::CompareFinished);
    window_->OpenCompare(good, bad);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QVERIFY(!finished.first().at(0).toBool());
    QVERIFY(window_->message().contains("broken.ovc"));
    QVERIFY(window_->compare_view()->status_text().contains("broken.ovc"));
    QCOMPARE(window_->compare_view()->model()->rowCount(), 0);

    finished.clear();
    window_->OpenCompare(dir.filePath(QStringLiteral("missing.ovc")), good);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QVERIFY(!finished.first().at(0).toBool());
    QVERIFY(window_->message().contains("missing.ovc"));
  }

  // A capture cut short (the recorder was killed mid-chunk) opens with the
  // samples before the damage, and the message bar names the byte offset.
  void aTruncatedCaptureShowsWhatWasReadAndWhereItEnds() {
    QTemporaryDir dir;
    QString whole = dir.filePath(QStringLiteral("whole.ovc"));
    QVERIFY(WriteCapture(*testing::MakeLeakRun({.samples = 20}), whole.toStdString()).ok());
    QFile in(whole);
    QVERIFY(in.open(QIODevice::ReadOnly));
    QByteArray bytes = in.readAll();
    in.close();
    QString cut = dir.filePath(QStringLiteral("cut.ovc"));
    QFile out(cut);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(bytes.left(bytes.size() * 2 / 3));  // inside a sample chunk
    out.close();
    QSignalSpy finished(window_.get(), &MainWindow::FileOpenFinished);
    window_->OpenFile(cut);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QVERIFY(finished.first().at(0).toBool());
    window_->WaitForIdle();
    const size_t samples = window_->timeline()->sample_count();
    QVERIFY(samples > 0);
    QVERIFY(samples < 20);
    QVERIFY(window_->instant() != nullptr);
    QVERIFY2(window_->message().contains("byte offset"), qPrintable(window_->message()));
    QVERIFY(window_->message().contains("cut.ovc"));
  }

 private:
  std::unique_ptr<MainWindow> window_;
};

}  // namespace overseer

QTEST_MAIN(overseer::AnalysisTest)
#include "gui_analysis_test.moc"
