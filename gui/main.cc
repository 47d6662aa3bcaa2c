// overseer: the desktop GUI. `overseer FILE` opens a capture; with no file
// the window opens empty (File > Open). `--screenshot DIR` renders every view
// of FILE into DIR as PNG files and exits, for the user guide. `--demo NAME
// [-- ARGS...]` runs a demo workload in-process and shows it live, e.g.
// `overseer --demo buffered-task -- --mode closure`. `--beam NODE
// [--cookie-file FILE]` records a running Erlang or Elixir node live.
#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <cstdio>

#include "gui/widgets/main_window.h"
#include "gui/widgets/screenshots.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("Overseer"));
  QApplication::setApplicationName(QStringLiteral("overseer"));
  QApplication::setApplicationVersion(QStringLiteral("0.1.0"));

  QCommandLineParser parser;
  parser.setApplicationDescription(
      QStringLiteral("Memory and mailbox profiler for supervised actor systems"));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(QStringLiteral("capture"),
                               QStringLiteral("A capture file to open"));
  QCommandLineOption screenshot(
      QStringLiteral("screenshot"),
      QStringLiteral("Render every view of the capture into DIR and exit"),
      QStringLiteral("DIR"));
  QCommandLineOption at(QStringLiteral("at"),
                        QStringLiteral("With --screenshot: the time to show, in seconds"),
                        QStringLiteral("SECONDS"));
  QCommandLineOption pid(QStringLiteral("open-pid"),
                         QStringLiteral("With --screenshot: the process window to render"),
                         QStringLiteral("PID"));
  QCommandLineOption demo(
      QStringLiteral("demo"),
      QStringLiteral("Run demo WORKLOAD in-process and show it live; its flags "
                     "follow the capture argument or '--'"),
      QStringLiteral("WORKLOAD"));
  QCommandLineOption beam(QStringLiteral("beam"),
                          QStringLiteral("Record the Erlang or Elixir node NODE live "
                                         "(name@host, or name on this host)"),
                          QStringLiteral("NODE"));
  QCommandLineOption cookie_file(
      QStringLiteral("cookie-file"),
      QStringLiteral("With --beam: the file holding the node's cookie "
                     "(default ~/.erlang.cookie)"),
      QStringLiteral("FILE"));
  parser.addOptions({screenshot, at, pid, demo, beam, cookie_file});
  parser.process(app);

  overseer::MainWindow window;
  const QStringList files = parser.positionalArguments();
  if (parser.isSet(screenshot)) {
    if (files.isEmpty()) {
      std::fprintf(stderr, "overseer: --screenshot needs a capture file\n");
      return 2;
    }
    window.resize(1280, 800);
    window.show();
    QObject::connect(&window, &overseer::MainWindow::FileOpenFinished, &app, [&](bool ok) {
      if (!ok) {
        std::fprintf(stderr, "overseer: %s\n", qPrintable(window.message()));
        QApplication::exit(1);
        return;
      }
      window.WaitForIdle();
      if (parser.isSet(at)) {
        window.JumpToTime(static_cast<int64_t>(parser.value(at).toDouble() * 1e9));
      }
      window.WaitForIdle();
      QString error;
      QStringList written = overseer::SaveScreenshots(
          window, parser.value(screenshot), parser.value(pid).toULongLong(), &error);
      for (const QString& f : written) std::printf("%s\n", qPrintable(f));
      if (!error.isEmpty()) std::fprintf(stderr, "overseer: %s\n", qPrintable(error));
      QApplication::exit(error.isEmpty() ? 0 : 1);
    });
    window.OpenFile(files.first());
    return QApplication::exec();
  }
  window.show();
  if (parser.isSet(beam)) {
    window.AttachToBeam(parser.value(beam), parser.value(cookie_file));
  } else if (parser.isSet(demo)) {
    std::vector<std::string> args;
    for (const QString& a : files) args.push_back(a.toStdString());
    if (!window.StartDemo(parser.value(demo).toStdString(), args)) {
      std::fprintf(stderr, "overseer: %s\n", qPrintable(window.message()));
    }
  } else if (!files.isEmpty()) {
    window.OpenFile(files.first());
  }
  return QApplication::exec();
}
