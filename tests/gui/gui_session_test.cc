// Tests of the sessions: what they announce (QSignalSpy), from which thread,
// and that a damaged or missing capture gives a message, not a crash.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>
#include <thread>

#include "gui/session/file_session.h"
#include "gui/session/memory_session.h"
#include "tests/gui/synthetic_run.h"

namespace overseer {

class SessionTest : public QObject {
  Q_OBJECT

 private slots:
  void memorySessionAnnouncesSamplesAddedFromAnotherThread() {
    auto recording = std::make_shared<MemoryRecording>(CaptureInfo{});
    MemorySession session(recording, {.label = "test", .live = true});
    QSignalSpy added(&session, &Session::SamplesAdded);
    std::thread producer([&] {
      for (int i = 0; i < 50; ++i) {
        Snapshot s;
        s.time_ns = i;
        recording->Append(std::move(s));
        session.NotifySamplesAdded();
      }
    });
    producer.join();
    QTRY_VERIFY(added.count() >= 1);
    QTest::qWait(20);
    QVERIFY(added.count() <= 50);  // merged while the GUI thread was busy
    QCOMPARE(added.last().at(0).value<size_t>(), size_t{50});
    QVERIFY(session.is_live());
    QCOMPARE(&session.recording(), static_cast<const Recording*>(recording.get()));
  }

  void memorySessionReportsAFailureOnceAndStopsBeingLive() {
    auto recording = std::make_shared<MemoryRecording>(CaptureInfo{});
    MemorySession session(recording, {.live = true});
    QSignalSpy failed(&session, &Session::Failed);
    session.NotifyFailure(QStringLiteral("connection lost"));
    session.NotifyFailure(QStringLiteral("again"));
    QTRY_COMPARE(failed.count(), 1);
    QTest::qWait(10);
    QCOMPARE(failed.count(), 1);
    QCOMPARE(session.failure(), QStringLiteral("connection lost"));
    QVERIFY(!session.is_live());
  }

  void liveControlsAnnounceChangesOnly() {
    auto recording = std::make_shared<MemoryRecording>(CaptureInfo{});
    MemorySession session(recording, {.live = true});
    QVERIFY(session.has_live_controls());
    QSignalSpy changed(&session, &Session::ControlsChanged);
    session.SetRefreshInterval(std::chrono::milliseconds(500));
    session.SetRefreshInterval(std::chrono::milliseconds(500));
    session.SetPaused(true);
    session.SetPaused(true);
    QCOMPARE(changed.count(), 2);
    QCOMPARE(session.refresh_interval(), std::chrono::milliseconds(500));
    QVERIFY(session.paused());
  }

  void aRecordedRunHasNoLiveControls() {
    MemorySession session(testing::MakeLeakRun({.samples = 3}), {});
    QVERIFY(!session.has_live_controls());
    QVERIFY(!session.is_live());
    session.SetPaused(true);
    QVERIFY(!session.paused());
  }

  void fileSessionReportsARunThatEndedEarly() {
    auto recording = testing::MakeLeakRun({.samples = 5});
    recording->SetStatus(absl::DataLossError("bad chunk checksum at offset 4096"));
    FileSession session(QStringLiteral("/somewhere/leak.ovc"), recording);
    QSignalSpy failed(&session, &Session::Failed);
    QTRY_COMPARE(failed.count(), 1);
    QString message = failed.first().at(0).toString();
    QVERIFY(message.contains("leak.ovc"));
    QVERIFY(message.contains("offset 4096"));
    QCOMPARE(session.recording().sample_count(), size_t{5});  // what was read stays
    QVERIFY(!session.is_live());
  }

  void aCorruptCaptureGivesAMessageNotACrash() {
    QTemporaryDir dir;
    QString path = dir.filePath(QStringLiteral("corrupt.ovc"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    const char kGarbage[] = "OVSC this is not a capture at all \x01\x02\x03";
    file.write(QByteArray(kGarbage, sizeof(kGarbage) - 1));
    file.close();
    QFuture<CaptureOpenResult> future = OpenCaptureAsync(path);
    future.waitForFinished();
    CaptureOpenResult result = future.result();
    if (result.ok()) {
      // A reader may accept a damaged file and report it as the run's status.
      QVERIFY(!(*result)->status().ok() || (*result)->sample_count() == 0);
    } else {
      QString message = DescribeOpenError(path, result.status());
      QVERIFY(message.startsWith("Cannot open corrupt.ovc: "));
      QVERIFY(message.size() > 25);
    }
  }

  void aMissingCaptureGivesAMessage() {
    QFuture<CaptureOpenResult> future =
        OpenCaptureAsync(QStringLiteral("/nonexistent/dir/run.ovc"));
    future.waitForFinished();
    QVERIFY(!future.result().ok());
  }
};

}  // namespace overseer

QTEST_MAIN(overseer::SessionTest)
#include "gui_session_test.moc"
