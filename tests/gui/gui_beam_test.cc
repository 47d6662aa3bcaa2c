// The window on a real Erlang node: File > Attach to a BEAM node (here
// MainWindow::AttachToBeam, what the dialog and `overseer --beam` call)
// connects in the background and follows the node live; a wrong cookie is a
// message, not a session; a node that dies ends the live run with a message
// and keeps what was read.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <chrono>
#include <fstream>
#include <memory>

#include "gui/models/process_table_model.h"
#include "gui/session/session.h"
#include "gui/widgets/main_window.h"
#include "gui/widgets/processes_view.h"
#include "tests/probes/beam/test_node.h"

namespace overseer {

class BeamTest : public QObject {
  Q_OBJECT

 private slots:
  void init() {
    const std::string missing = testing::ErlangMissing();
    if (!missing.empty()) QSKIP(missing.c_str());
  }

  void aNodeIsFollowedLiveUntilItGoesAway() {
    absl::StatusOr<std::unique_ptr<testing::TestNode>> node = testing::TestNode::Start(10000);
    QVERIFY2(node.ok(), std::string(node.status().message()).c_str());
    MainWindow window;
    window.resize(1200, 800);
    window.show();
    QSignalSpy attached(&window, &MainWindow::AttachFinished);
    window.AttachToBeam(QString::fromStdString((*node)->node()),
                        QString::fromStdString((*node)->cookie_file()));
    QTRY_COMPARE_WITH_TIMEOUT(attached.count(), 1, 30000);
    QVERIFY2(attached.first().at(0).toBool(), qPrintable(window.message()));
    QCOMPARE(window.session()->source(), Session::Source::kAttach);
    QVERIFY(window.session()->label().contains(QString::fromStdString((*node)->node())));
    QVERIFY(window.session()->is_live());
    QVERIFY(window.session()->has_live_controls());
    // The node as it names itself: name@host.
    const std::string short_name = (*node)->node().substr(0, (*node)->node().find('@'));
    QVERIFY(window.session()->recording().info().node.starts_with(short_name + "@"));
    window.session()->SetRefreshInterval(std::chrono::milliseconds(200));
    QTRY_VERIFY_WITH_TIMEOUT(window.timeline()->sample_count() >= 3, 30000);
    window.WaitForIdle();

    // The node's own processes, by the names it registered.
    ProcessTableModel* model = window.processes_view()->model();
    QVERIFY(model->rowCount() > 10);
    bool holder = false, sink = false;
    for (int row = 0; row < model->rowCount(); ++row) {
      const QString name = model->index(row, ProcessTableModel::kName).data().toString();
      holder = holder || name.contains(QStringLiteral("overseer_holder"));
      sink = sink || name.contains(QStringLiteral("overseer_sink"));
    }
    QVERIFY(holder);
    QVERIFY(sink);

    // The node dies: the live run ends with a message; the samples stay.
    const size_t seen = window.timeline()->sample_count();
    (*node)->Kill();
    QTRY_VERIFY_WITH_TIMEOUT(!window.session()->is_live(), 30000);
    QVERIFY(!window.session()->failure().isEmpty());
    QVERIFY(window.session()->failure().contains(QString::fromStdString((*node)->node())));
    QVERIFY(window.timeline()->sample_count() >= seen);
    QVERIFY(window.instant() != nullptr);
  }

  void aWrongCookieIsAMessageAndNoSession() {
    absl::StatusOr<std::unique_ptr<testing::TestNode>> node = testing::TestNode::Start(10);
    QVERIFY2(node.ok(), std::string(node.status().message()).c_str());
    QTemporaryDir dir;
    const QString wrong = dir.filePath(QStringLiteral("cookie"));
    std::ofstream(wrong.toStdString()) << "not_the_cookie_4711\n";
    MainWindow window;
    window.show();
    QSignalSpy attached(&window, &MainWindow::AttachFinished);
    window.AttachToBeam(QString::fromStdString((*node)->node()), wrong);
    QTRY_COMPARE_WITH_TIMEOUT(attached.count(), 1, 30000);
    QVERIFY(!attached.first().at(0).toBool());
    QVERIFY(window.session() == nullptr);
    QVERIFY2(window.message().contains(QStringLiteral("cookie")), qPrintable(window.message()));
    QVERIFY(!window.message().contains(QStringLiteral("not_the_cookie_4711")));
  }

  void aNodeThatIsNotRunningIsAMessage() {
    MainWindow window;
    window.show();
    QSignalSpy attached(&window, &MainWindow::AttachFinished);
    window.AttachToBeam(QStringLiteral("overseer_nobody_here"), QString());
    QTRY_COMPARE_WITH_TIMEOUT(attached.count(), 1, 30000);
    QVERIFY(!attached.first().at(0).toBool());
    QVERIFY2(window.message().contains(QStringLiteral("overseer_nobody_here")),
             qPrintable(window.message()));
  }
};

}  // namespace overseer

QTEST_MAIN(overseer::BeamTest)
#include "gui_beam_test.moc"
