// Tests of the table models and the timeline against known truths of the
// synthetic leak run, each model under QAbstractItemModelTester.
#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest>

#include <algorithm>
#include <memory>
#include <string>

#include "gui/models/event_model.h"
#include "gui/models/instant.h"
#include "gui/models/key_value_model.h"
#include "gui/models/process_detail_models.h"
#include "gui/models/process_table_model.h"
#include "gui/models/timeline.h"
#include "probes/analysis/format.h"
#include "tests/gui/synthetic_run.h"

namespace overseer {
namespace {

using Tester = QAbstractItemModelTester;
constexpr auto kFatal = QAbstractItemModelTester::FailureReportingMode::QtTest;

std::shared_ptr<const Instant> LeakInstant() {
  testing::RunUnderTest run = testing::OpenRunUnderTest();
  size_t index = run.recording->IndexAt(run.leak_time_ns);
  absl::StatusOr<Instant> now = ComputeInstant(*run.recording, index, {});
  if (!now.ok()) return nullptr;
  return std::make_shared<const Instant>(*std::move(now));
}

uint64_t PidOf(const Instant& now, const char* name) {
  return testing::PidOfName(*now.snapshot, name);
}

}  // namespace

class ModelsTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    instant_ = LeakInstant();
    QVERIFY(instant_ != nullptr);
  }

  void sortingByMemoryPutsTheTaskSupervisorOnTopInMegabytes() {
    ProcessTableModel model;
    Tester tester(&model, kFatal);
    model.SetTable(instant_->table);
    model.sort(ProcessTableModel::kMemory, Qt::DescendingOrder);
    model.WaitForIdle();
    QCOMPARE(static_cast<size_t>(model.rowCount()), instant_->table->rows.size());
    QCOMPARE(model.index(0, 0).data(ProcessTableModel::kPidRole).toULongLong(),
             PidOf(*instant_, testing::kTaskSupervisorName));
    QVERIFY(model.index(0, ProcessTableModel::kMemory).data().toString().endsWith("MB"));
    for (int r = 1; r < model.rowCount(); ++r) {
      QVERIFY(model.RowAt(r - 1).memory >= model.RowAt(r).memory);
    }
  }

  void sortingByMsgqPutsTheFetcherOnTop() {
    ProcessTableModel model;
    Tester tester(&model, kFatal);
    model.SetTable(instant_->table);
    model.sort(ProcessTableModel::kMsgq, Qt::DescendingOrder);
    model.WaitForIdle();
    QCOMPARE(model.index(0, 0).data(ProcessTableModel::kPidRole).toULongLong(),
             PidOf(*instant_, testing::kFetcherName));
    QCOMPARE(model.index(0, ProcessTableModel::kMsgq).data().toString(),
             QString::fromStdString(FormatCount(45 * 30)));
  }

  void heldSpecBytesTheSourceDoesNotGiveAreNotAvailableNotZero() {
    ProcessTableModel model;
    Tester tester(&model, kFatal);
    model.SetTable(instant_->table);
    model.sort(ProcessTableModel::kMemory, Qt::DescendingOrder);
    model.WaitForIdle();
    // Row 0 is the task supervisor, which holds specs.
    const QString held = model.index(0, ProcessTableModel::kHeldSpecBytes).data().toString();
    QVERIFY2(held.endsWith("B"), qPrintable(held));
    model.SetAbsentFigures(static_cast<uint32_t>(Figure::kHeldSpecBytes));
    QCOMPARE(model.index(0, ProcessTableModel::kHeldSpecBytes).data().toString(),
             QStringLiteral("n/a"));
    // A worker's cell stays empty either way; other columns are untouched.
    for (int r = 0; r < model.rowCount(); ++r) {
      if (model.RowAt(r).kind == ProcessKind::kWorker) {
        QCOMPARE(model.index(r, ProcessTableModel::kHeldSpecBytes).data().toString(), QString());
        break;
      }
    }
    QVERIFY(model.index(0, ProcessTableModel::kMemory).data().toString().endsWith("MB"));
    model.SetAbsentFigures(0);
    QCOMPARE(model.index(0, ProcessTableModel::kHeldSpecBytes).data().toString(), held);
  }

  void sortingByPidAscendingListsPidsInOrder() {
    ProcessTableModel model;
    model.SetTable(instant_->table);
    model.sort(ProcessTableModel::kPid, Qt::AscendingOrder);
    model.WaitForIdle();
    std::vector<uint64_t> pids;
    for (int r = 0; r < model.rowCount(); ++r) pids.push_back(model.RowAt(r).pid);
    QVERIFY(std::is_sorted(pids.begin(), pids.end()));
    QCOMPARE(pids.size(), instant_->snapshot->processes.size());
  }

  void figuresSortDescendingFirstAndTextAscending() {
    ProcessTableModel model;
    auto initial = [&](int column) {
      return model.headerData(column, Qt::Horizontal, Qt::InitialSortOrderRole)
          .value<Qt::SortOrder>();
    };
    QCOMPARE(initial(ProcessTableModel::kMemory), Qt::DescendingOrder);
    QCOMPARE(initial(ProcessTableModel::kMsgq), Qt::DescendingOrder);
    QCOMPARE(initial(ProcessTableModel::kGrowth), Qt::DescendingOrder);
    QCOMPARE(initial(ProcessTableModel::kName), Qt::AscendingOrder);
  }

  void filterKeepsExactlyTheRowsWhoseNamePidOrFunctionMatch() {
    ProcessTableModel model;
    Tester tester(&model, kFatal);
    model.SetTable(instant_->table);
    model.SetFilter(QStringLiteral("FETCHER"));
    model.WaitForIdle();
    size_t expected = 0;
    for (const ProcessRow& row : instant_->table->rows) {
      std::string all = row.name + " " + FormatPid(row.pid) + " " + row.current_function;
      std::transform(all.begin(), all.end(), all.begin(), ::tolower);
      if (all.find("fetcher") != std::string::npos) ++expected;
    }
    QVERIFY(expected >= 6);  // two fetchers, the catchup caller, four tasks
    QCOMPARE(static_cast<size_t>(model.rowCount()), expected);
    QCOMPARE(model.total_count(), instant_->table->rows.size());

    model.SetFilter(QStringLiteral("<0.5.0>"));
    model.WaitForIdle();
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, ProcessTableModel::kName).data().toString(),
             QString::fromLatin1(testing::kFetcherName));
  }

  void onlyTheNewestQueryIsOnShowAfterQuickChanges() {
    ProcessTableModel model;
    Tester tester(&model, kFatal);
    QSignalSpy applied(&model, &ProcessTableModel::OrderApplied);
    model.SetTable(instant_->table);
    model.SetFilter(QStringLiteral("pool"));
    model.SetFilter(QStringLiteral("nothing matches this"));
    model.SetFilter(QString());
    model.sort(ProcessTableModel::kMsgq, Qt::DescendingOrder);
    model.WaitForIdle();
    QVERIFY2(applied.count() <= 3, qPrintable(QString::number(applied.count())));  // merged
    QCOMPARE(static_cast<size_t>(model.rowCount()), instant_->table->rows.size());
    QCOMPARE(model.RowAt(0).pid, PidOf(*instant_, testing::kFetcherName));
  }

  void outliersAreHighlightedWithTheirReason() {
    ProcessTableModel model;
    model.SetTable(instant_->table);
    model.WaitForIdle();
    std::optional<int> row = model.RowOfPid(PidOf(*instant_, testing::kTaskSupervisorName));
    QVERIFY(row.has_value());
    QModelIndex cell = model.index(*row, ProcessTableModel::kMemory);
    QVERIFY(cell.data(ProcessTableModel::kOutlierRole).toBool());
    QVERIFY(cell.data(Qt::BackgroundRole).isValid());
    QVERIFY(cell.data(Qt::ToolTipRole).toString().startsWith("Outlier: "));
    QVERIFY(model.outlier_count() >= 1);
  }

  void reductionsColumnShowsDeltaOrTotal() {
    ProcessTableModel model;
    model.SetTable(instant_->table);
    model.WaitForIdle();
    const ProcessRow& row = model.RowAt(0);
    QModelIndex cell = model.index(0, ProcessTableModel::kReductions);
    QCOMPARE(cell.data().toString(), QString::fromStdString(FormatCount(row.reductions_delta)));
    model.SetReductionsMode(ProcessTableModel::ReductionsMode::kTotal);
    QCOMPARE(cell.data().toString(), QString::fromStdString(FormatCount(row.reductions)));
  }

  void keyValueModelKeepsRowsWhenOnlyValuesChange() {
    KeyValueModel model;
    Tester tester(&model, kFatal);
    model.SetGroups({{"Memory", {{"Total", "1 MB", {}}, {"Mailboxes", "2 KB", {}}}}});
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.SetGroups({{"Memory", {{"Total", "3 MB", {}}, {"Mailboxes", "2 KB", {}}}}});
    QCOMPARE(reset.count(), 0);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(model.ValueOf("Memory", "Total"), QStringLiteral("3 MB"));
    QCOMPARE(model.rowCount(model.index(0, 0)), 2);
  }

  void eventModelListsTheRunsEventsAndAppends() {
    testing::RunUnderTest run = testing::OpenRunUnderTest();
    EventModel model;
    Tester tester(&model, kFatal);
    std::vector<Event> all = run.recording->EventsBetween(INT64_MIN, INT64_MAX);
    model.SetEvents(std::vector<Event>(all.begin(), all.begin() + 10));
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.AppendEvents(std::vector<Event>(all.begin() + 10, all.end()));
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(static_cast<size_t>(model.rowCount()), all.size());
    int timeouts = 0;
    for (int r = 0; r < model.rowCount(); ++r) {
      QModelIndex i = model.index(r, EventModel::kKind);
      if (i.data().toString() == "call_timeout" ||
          i.data(EventModel::kKindRole).toInt() == static_cast<int>(EventKind::kCallTimeout)) {
        ++timeouts;
        QVERIFY(model.index(r, EventModel::kTime).data().toString().endsWith(".400 s"));
      }
    }
    QCOMPARE(timeouts, 8);  // every 5 s from 20 s to 55 s
  }

  void detailModelsShowWhatTheTaskSupervisorHolds() {
    const ProcessDetail* detail =
        FindDetail(*instant_->snapshot, PidOf(*instant_, testing::kTaskSupervisorName));
    QVERIFY(detail != nullptr);
    MailboxTypesModel types;
    MessagePreviewModel previews;
    HeldSpecsModel specs;
    Tester t1(&types, kFatal), t2(&previews, kFatal), t3(&specs, kFatal);
    types.SetRows(detail->mailbox_types);
    previews.SetRows(detail->first_messages);
    specs.SetRows(detail->held_specs);
    QCOMPARE(types.rowCount(), 1);
    QVERIFY(types.index(0, MailboxTypesModel::kBytes).data().toString().endsWith("MB"));
    QVERIFY(previews.rowCount() >= 1);
    QVERIFY(previews.index(0, MessagePreviewModel::kText).data().toString().contains("captured"));
    QCOMPARE(specs.rowCount(), 4);
    QCOMPARE(specs.index(0, HeldSpecsModel::kStart).data().toString(), QStringLiteral("closure"));
  }

  void profileOfTheFetcherIsDominatedBySending() {
    ProfileModel model;
    Tester tester(&model, kFatal);
    model.SetRows(BuildProfile(instant_->snapshot->zones,
                               PidOf(*instant_, testing::kFetcherName)).rows);
    QVERIFY(model.rowCount() >= 2);
    QCOMPARE(model.index(0, ProfileModel::kZone).data().toString(), QStringLiteral("send/copy"));
    QVERIFY(model.index(0, ProfileModel::kPercent).data(kValueTableSortRole).toDouble() > 50.0);
  }

  void timelineFollowsALiveRunUntilAPersonMovesBack() {
    Timeline timeline;
    QSignalSpy moved(&timeline, &Timeline::IndexChanged);
    timeline.SetSampleCount(5);
    QCOMPARE(timeline.index(), size_t{4});
    timeline.SetIndex(1);
    QVERIFY(!timeline.follow_live());
    timeline.SetSampleCount(8);
    QCOMPARE(timeline.index(), size_t{1});
    timeline.SetFollowLive(true);
    QCOMPARE(timeline.index(), size_t{7});
    QCOMPARE(moved.count(), 3);
  }

  void timelinePlaysToTheEndAndStops() {
    Timeline timeline;
    timeline.SetFollowLive(false);
    timeline.SetSampleCount(4);
    timeline.SetIndex(0);
    timeline.SetSampleInterval(std::chrono::milliseconds(1));
    timeline.SetSpeed(10.0);
    timeline.Play();
    QVERIFY(timeline.playing());
    QTRY_VERIFY(!timeline.playing());
    QCOMPARE(timeline.index(), size_t{3});
  }

 private:
  std::shared_ptr<const Instant> instant_;
};

}  // namespace overseer

QTEST_MAIN(overseer::ModelsTest)
#include "gui_models_test.moc"
