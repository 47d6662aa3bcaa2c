// The main window over a session: every view is built, moving the timeline
// changes what they show, the leak's story can be followed, and failures
// give a message while what was shown stays.
//
// The run comes from OpenRunUnderTest (synthetic today); the checks look
// processes up by name so that a recorded capture of the demo can replace it.
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

#include "gui/models/key_value_model.h"
#include "gui/session/memory_session.h"
#include "gui/widgets/applications_view.h"
#include "gui/widgets/chart_util.h"
#include "gui/widgets/load_charts_view.h"
#include "gui/widgets/log_view.h"
#include "gui/widgets/main_window.h"
#include "gui/widgets/process_window.h"
#include "gui/widgets/processes_view.h"
#include "gui/widgets/profile_view.h"
#include "gui/widgets/system_view.h"
#include "tests/gui/synthetic_run.h"

namespace overseer {
namespace {

std::unique_ptr<MemorySession> RecordedSession(std::shared_ptr<MemoryRecording> r) {
  return std::make_unique<MemorySession>(std::move(r), MemorySession::Options{
                                                           .label = "synthetic leak"});
}

uint64_t PidOf(const MainWindow& w, const char* name) {
  return testing::PidOfName(*w.instant()->snapshot, name);
}

// The memory the Processes view shows for `pid`, raw.
uint64_t ShownMemory(MainWindow& w, uint64_t pid) {
  ProcessTableModel* m = w.processes_view()->model();
  std::optional<int> row = m->RowOfPid(pid);
  return row ? m->RowAt(*row).memory : 0;
}

}  // namespace

class MainWindowTest : public QObject {
  Q_OBJECT

 private slots:
  void init() {
    run_ = testing::OpenRunUnderTest();
    window_ = std::make_unique<MainWindow>();
    window_->resize(1200, 800);
    window_->show();
    window_->SetSession(RecordedSession(run_.recording));
    window_->WaitForIdle();
  }
  void cleanup() { window_.reset(); }

  void everyViewIsBuiltFromAMemorySession() {
    QCOMPARE(window_->tabs()->count(), 7);  // Compare comes with File > Compare
    QVERIFY(window_->instant() != nullptr);
    QCOMPARE(window_->instant()->index, size_t{0});  // a recorded run opens at its start
    KeyValueModel* system = window_->system_view()->model();
    QCOMPARE(system->ValueOf("Run", "Samples"), QStringLiteral("60"));
    QVERIFY(system->ValueOf("Run", "Source").contains("synthetic leak"));
    QVERIFY(window_->load_charts_view()->memory_chart()->PointCount(0) == 60);
    QVERIFY(window_->log_view()->model()->rowCount() > 20);
    QVERIFY(window_->applications_view()->model()->rowCount() >= 1);
    QVERIFY(window_->processes_view()->model()->rowCount() > 50);
    QVERIFY(window_->processes_view()->status_text().contains("processes"));
    QVERIFY(window_->profile_view()->model()->rowCount() > 0);
    QVERIFY(window_->message().isEmpty());
  }

  void movingTheTimelineChangesWhatTheViewsShow() {
    window_->JumpToTime(5'000'000'000);
    window_->WaitForIdle();
    QCOMPARE(window_->instant()->index, size_t{5});
    uint64_t task_sup = PidOf(*window_, testing::kTaskSupervisorName);
    uint64_t early = ShownMemory(*window_, task_sup);
    QString early_msgq = window_->system_view()->model()->ValueOf("Node at 5s", "Total MsgQ");
    QVERIFY(!early_msgq.isEmpty());

    window_->JumpToTime(run_.leak_time_ns);
    window_->WaitForIdle();
    QCOMPARE(window_->instant()->index, size_t{45});
    QVERIFY(ShownMemory(*window_, task_sup) > early * 2);
    QString late_msgq = window_->system_view()->model()->ValueOf("Node at 45s", "Total MsgQ");
    QVERIFY(!late_msgq.isEmpty());
    QVERIFY(late_msgq != early_msgq);
  }

  void theLeakStoryCanBeFollowed() {
    window_->JumpToTime(run_.leak_time_ns);
    window_->WaitForIdle();
    uint64_t task_sup = PidOf(*window_, testing::kTaskSupervisorName);
    ProcessesView* processes = window_->processes_view();

    processes->SortBy(ProcessTableModel::kMemory, Qt::DescendingOrder);
    window_->WaitForIdle();
    const ProcessRow& top = processes->model()->RowAt(0);
    QVERIFY(top.pid == task_sup || top.parent == task_sup);
    QVERIFY(processes->model()->index(0, ProcessTableModel::kMemory).data().toString().endsWith("MB"));

    processes->SortBy(ProcessTableModel::kMsgq, Qt::DescendingOrder);
    window_->WaitForIdle();
    QCOMPARE(processes->model()->RowAt(0).name, std::string(testing::kFetcherName));

    ProcessWindow* w = window_->OpenProcess(task_sup);
    QVERIFY(w != nullptr);
    w->WaitForIdle();
    QCOMPARE(w->information()->ValueOf("Overview", "Registered name"),
             QString::fromLatin1(testing::kTaskSupervisorName));
    QVERIFY(w->information()->ValueOf("Memory", "Memory").contains("MB"));
    QVERIFY(w->mailbox_types()->rowCount() >= 1);
    QVERIFY(w->held_specs()->rowCount() >= 1);
    QVERIFY(w->memory_chart()->PointCount(0) > 10);
    QCOMPARE(window_->OpenProcess(task_sup), w);  // raised, not opened twice

    SupervisionTreeModel* tree = window_->applications_view()->model();
    QModelIndex root = tree->IndexOfPid(PidOf(*window_, testing::kSubtreeRootName));
    QVERIFY(root.isValid());
    uint64_t rolled = tree->index(root.row(), SupervisionTreeModel::kMemory, root.parent())
                          .data(SupervisionTreeModel::kSortValueRole).toULongLong();
    QVERIFY(rolled > ShownMemory(*window_, task_sup));
    QVERIFY(tree->index(root.row(), SupervisionTreeModel::kMemory, root.parent())
                .data().toString().endsWith("MB"));
  }

  void clickingAnEventMovesTheTimelineThere() {
    QTableView* view = window_->log_view()->table_view();
    window_->tabs()->setCurrentIndex(MainWindow::kLog);
    QAbstractItemModel* m = view->model();
    int row = -1;
    for (int r = 0; r < m->rowCount(); ++r) {
      if (m->index(r, EventModel::kKind).data(EventModel::kKindRole).toInt() ==
          static_cast<int>(EventKind::kCallTimeout)) {
        row = r;
        break;
      }
    }
    QVERIFY(row >= 0);
    int64_t at = m->index(row, 0).data(EventModel::kTimeRole).toLongLong();
    view->scrollTo(m->index(row, 0));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {},
                      view->visualRect(m->index(row, EventModel::kText)).center());
    window_->WaitForIdle();
    QCOMPARE(window_->instant()->index, run_.recording->IndexAt(at));
  }

  void aCorruptFileGivesAMessageAndKeepsWhatWasShown() {
    QTemporaryDir dir;
    QString path = dir.filePath(QStringLiteral("broken.ovc"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(64, '\x7f'));
    file.close();
    Session* before = window_->session();
    QSignalSpy finished(window_.get(), &MainWindow::FileOpenFinished);
    window_->OpenFile(path);
    QTRY_COMPARE(finished.count(), 1);
    if (!finished.first().at(0).toBool()) {
      QVERIFY(window_->message().contains("broken.ovc"));
      QCOMPARE(window_->session(), before);
      QVERIFY(window_->instant() != nullptr);
    } else {
      QVERIFY(!window_->message().isEmpty());  // opened, but says it is damaged
    }
  }

  void aLiveSessionIsFollowedAndALostConnectionIsSaid() {
    auto recording = std::make_shared<MemoryRecording>(CaptureInfo{.interval_ns = 1'000'000'000});
    auto full = testing::MakeLeakRun({.samples = 6});
    for (size_t i = 0; i < 3; ++i) recording->Append(*full->SnapshotAt(i));
    auto owned = std::make_unique<MemorySession>(
        recording, MemorySession::Options{.label = "live", .live = true});
    MemorySession* session = owned.get();
    window_->SetSession(std::move(owned));
    window_->WaitForIdle();
    QCOMPARE(window_->instant()->index, size_t{2});
    for (size_t i = 3; i < 6; ++i) recording->Append(*full->SnapshotAt(i));
    session->NotifySamplesAdded();
    QTRY_COMPARE(window_->timeline()->sample_count(), size_t{6});
    window_->WaitForIdle();
    QCOMPARE(window_->instant()->index, size_t{5});
    session->NotifyFailure(QStringLiteral("connection to pid 4242 lost"));
    QTRY_VERIFY(window_->message().contains("connection to pid 4242 lost"));
    QCOMPARE(window_->instant()->index, size_t{5});
    QVERIFY(window_->processes_view()->model()->rowCount() > 0);
  }

 private:
  testing::RunUnderTest run_;
  std::unique_ptr<MainWindow> window_;
};

}  // namespace overseer

QTEST_MAIN(overseer::MainWindowTest)
#include "gui_main_window_test.moc"
