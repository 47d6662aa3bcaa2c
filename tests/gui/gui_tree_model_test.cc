// Tests of the Applications view's model: rollups shown per subtree, pools
// folded to their largest children, every index consistent under
// QAbstractItemModelTester.
#include <QAbstractItemModelTester>
#include <QtTest>

#include <memory>

#include "gui/models/instant.h"
#include "gui/models/supervision_tree_model.h"
#include "probes/analysis/format.h"
#include "tests/gui/synthetic_run.h"

namespace overseer {
namespace {

constexpr auto kFatal = QAbstractItemModelTester::FailureReportingMode::QtTest;

uint64_t SumSubtree(const Snapshot& s, uint64_t root) {
  uint64_t sum = 0;
  for (const ProcessSample& p : s.processes) {
    for (uint64_t a = p.pid; a != 0;) {
      if (a == root) {
        sum += p.memory.value;
        break;
      }
      const ProcessSample* up = FindProcess(s, a);
      a = up ? up->parent : 0;
    }
  }
  return sum;
}

}  // namespace

class TreeModelTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    testing::RunUnderTest run = testing::OpenRunUnderTest();
    absl::StatusOr<Instant> now =
        ComputeInstant(*run.recording, run.recording->IndexAt(run.leak_time_ns), {});
    QVERIFY(now.ok());
    instant_ = std::make_shared<const Instant>(*std::move(now));
  }

  void subtreeMemoryRollsUpToTheTransactionSupervisor() {
    SupervisionTreeModel model;
    QAbstractItemModelTester tester(&model, kFatal);
    model.SetTree(instant_->tree, instant_->table);
    uint64_t root = testing::PidOfName(*instant_->snapshot, testing::kSubtreeRootName);
    QModelIndex i = model.IndexOfPid(root);
    QVERIFY(i.isValid());
    QCOMPARE(i.data().toString(), QString::fromLatin1(testing::kSubtreeRootName));
    uint64_t expected = SumSubtree(*instant_->snapshot, root);
    QVERIFY(expected > 10'000'000);  // tens of megabytes
    QCOMPARE(model.index(i.row(), SupervisionTreeModel::kMemory, i.parent())
                 .data(SupervisionTreeModel::kSortValueRole).toULongLong(),
             expected);
    QCOMPARE(model.index(i.row(), SupervisionTreeModel::kMemory, i.parent()).data().toString(),
             QString::fromStdString(FormatBytes(expected)));
    QVERIFY(i.data(SupervisionTreeModel::kPressureRole).toDouble() > 0.5);
    QVERIFY(i.data(Qt::BackgroundRole).isValid());
  }

  void childrenOfTheTransactionSupervisorAreTheTaskSupervisorAndTheFetcher() {
    SupervisionTreeModel model;
    model.SetTree(instant_->tree, instant_->table);
    QModelIndex sup = model.IndexOfPid(
        testing::PidOfName(*instant_->snapshot, testing::kSubtreeRootName));
    QCOMPARE(model.rowCount(sup), 2);
    QStringList names;
    for (int r = 0; r < 2; ++r) names << model.index(r, 0, sup).data().toString();
    QVERIFY(names.contains(testing::kTaskSupervisorName));
    QVERIFY(names.contains(testing::kFetcherName));
    QModelIndex task_sup = model.IndexOfPid(
        testing::PidOfName(*instant_->snapshot, testing::kTaskSupervisorName));
    QCOMPARE(task_sup.parent(), sup);
    QCOMPARE(model.rowCount(task_sup), 4);  // four tasks, not folded
  }

  void aLargePoolShowsItsTopThreeAndOneRowForTheRest() {
    SupervisionTreeModel model;
    QAbstractItemModelTester tester(&model, kFatal);
    model.SetTree(instant_->tree, instant_->table);
    QModelIndex pool = model.IndexOfPid(testing::PidOfName(*instant_->snapshot, "Indexer.Pool"));
    QVERIFY(pool.isValid());
    QCOMPARE(model.rowCount(pool), 4);
    QModelIndex rest = model.index(3, 0, pool);
    QCOMPARE(rest.data(SupervisionTreeModel::kNodeRole).toInt(), -1);
    QVERIFY(rest.data().toString().startsWith("37 more children (40 in all"));
    QCOMPARE(rest.parent(), pool);
    QCOMPARE(model.rowCount(rest), 0);
    uint64_t top = model.index(0, SupervisionTreeModel::kMemory, pool)
                       .data(SupervisionTreeModel::kSortValueRole).toULongLong();
    uint64_t third = model.index(2, SupervisionTreeModel::kMemory, pool)
                         .data(SupervisionTreeModel::kSortValueRole).toULongLong();
    QVERIFY(top >= third);
  }

  void anEmptyTreeHasNoRows() {
    SupervisionTreeModel model;
    QAbstractItemModelTester tester(&model, kFatal);
    QCOMPARE(model.rowCount(), 0);
    model.SetTree(std::make_shared<const SupervisionTree>(), nullptr);
    QCOMPARE(model.rowCount(), 0);
  }

 private:
  std::shared_ptr<const Instant> instant_;
};

}  // namespace overseer

QTEST_MAIN(overseer::TreeModelTest)
#include "gui_tree_model_test.moc"
