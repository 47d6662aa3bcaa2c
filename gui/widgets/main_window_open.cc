// MainWindow's menus and the three ways a session is opened: a capture
// file, an attach endpoint, a demo run in-process. Each opens in the
// background or fails with a message in the window; the current session
// stays until a new one is ready.
#include <QActionGroup>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QTabWidget>

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>

#include "absl/strings/string_view.h"
#include "gui/session/file_session.h"
#include "gui/widgets/main_window.h"
#include "gui/widgets/compare_view.h"
#include "gui/widgets/processes_view.h"
#include "probes/analysis/compare.h"
#ifdef OVERSEER_HAVE_DEMOS
#include "gui/session/demo_session.h"
#endif
#ifdef OVERSEER_HAVE_ATTACH
#include "gui/session/attach_session.h"
#endif
#ifdef OVERSEER_HAVE_BEAM
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>

#include "gui/session/beam_session.h"
#include "probes/beam/beam_connection.h"
#endif

namespace overseer {
namespace {

QString Q(absl::string_view s) {
  return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

}  // namespace

void MainWindow::BuildMenus() {
  QMenu* file = menuBar()->addMenu(QStringLiteral("&File"));
  file->addAction(QStringLiteral("&Open capture\u2026"), QKeySequence::Open, this, [this] {
    QSettings settings;
    QString dir = settings.value(QStringLiteral("file/last_dir")).toString();
    QString path = QFileDialog::getOpenFileName(
        this, QStringLiteral("Open capture"), dir,
        QStringLiteral("Overseer captures (*.ovc *.ovsc);;All files (*)"));
    if (path.isEmpty()) return;
    settings.setValue(QStringLiteral("file/last_dir"), QFileInfo(path).absolutePath());
    OpenFile(path);
  });
  QAction* compare = file->addAction(QStringLiteral("&Compare two captures\u2026"));
  compare->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+C")));
  compare->setToolTip(QStringLiteral("Two runs side by side: a leaky one and its fix, "
                                     "before and after a change"));
  connect(compare, &QAction::triggered, this, &MainWindow::ChooseCompare);
  QAction* attach = file->addAction(QStringLiteral("&Attach to a running program\u2026"));
  attach->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+A")));
#ifdef OVERSEER_HAVE_ATTACH
  connect(attach, &QAction::triggered, this, &MainWindow::ChooseAttach);
#else
  attach->setEnabled(false);
  attach->setToolTip(QStringLiteral("Built without the attach client"));
#endif
  QAction* beam = file->addAction(QStringLiteral("Attach to a &BEAM node\u2026"));
  beam->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+B")));
  beam->setToolTip(QStringLiteral("Record a running Erlang or Elixir node (started with "
                                  "-sname or --sname) as a hidden node"));
#ifdef OVERSEER_HAVE_BEAM
  connect(beam, &QAction::triggered, this, &MainWindow::ChooseBeamNode);
#else
  beam->setEnabled(false);
  beam->setToolTip(QStringLiteral("Built without erl_interface (install erlang-dev)"));
#endif
  file->addSeparator();
  file->addAction(QStringLiteral("&Quit"), QKeySequence::Quit, this, &QWidget::close);

  QMenu* demo = menuBar()->addMenu(QStringLiteral("&Demo"));
#ifdef OVERSEER_HAVE_DEMOS
  for (const DemoChoice& choice : AvailableDemos()) {
    demo->addAction(QString::fromStdString(choice.label), this, [this, choice] {
      StartDemo(choice.workload, choice.args);
    });
  }
#else
  QAction* none = demo->addAction(QStringLiteral("No demos in this build"));
  none->setEnabled(false);
  none->setToolTip(QStringLiteral("Built without the sampler or the workloads"));
#endif
  demo->setToolTipsVisible(true);
  file->setToolTipsVisible(true);

  QMenu* view = menuBar()->addMenu(QStringLiteral("&View"));
  for (int i = 0; i < tabs_->count(); ++i) {
    view->addAction(tabs_->tabText(i).remove(QLatin1Char('&')),
                    QKeySequence(QStringLiteral("Ctrl+%1").arg(i + 1)), this,
                    [this, i] { tabs_->setCurrentIndex(i); });
  }
  view->addSeparator();
  view->addAction(QStringLiteral("&Filter processes"), QKeySequence::Find, this, [this] {
    tabs_->setCurrentIndex(kProcesses);
    processes_->FocusFilter();
  });
  view->addAction(QStringLiteral("Play / pause"), QKeySequence(Qt::Key_Space), this, [this] {
    timeline_.playing() ? timeline_.Pause() : timeline_.Play();
  });
  view->addAction(QStringLiteral("Previous sample"), QKeySequence(Qt::ALT | Qt::Key_Left), this,
                  [this] { if (timeline_.index() > 0) timeline_.SetIndex(timeline_.index() - 1); });
  view->addAction(QStringLiteral("Next sample"), QKeySequence(Qt::ALT | Qt::Key_Right), this,
                  [this] { timeline_.SetIndex(timeline_.index() + 1); });
  view->addAction(QStringLiteral("Newest sample"), QKeySequence(Qt::CTRL | Qt::Key_End), this,
                  [this] { timeline_.SetFollowLive(true); });

  QMenu* live = menuBar()->addMenu(QStringLiteral("&Live"));
  pause_action_ = live->addAction(QStringLiteral("&Pause sampling"));
  pause_action_->setCheckable(true);
  pause_action_->setShortcut(QKeySequence(QStringLiteral("Ctrl+P")));
  connect(pause_action_, &QAction::toggled, this, [this](bool on) {
    if (session_) session_->SetPaused(on);
  });
  QMenu* interval = live->addMenu(QStringLiteral("Refresh &interval"));
  auto* group = new QActionGroup(this);
  for (int ms : {100, 500, 1000, 2000, 5000, 10000}) {
    QAction* a = interval->addAction(ms < 1000 ? QStringLiteral("%1 ms").arg(ms)
                                               : QStringLiteral("%1 s").arg(ms / 1000));
    a->setCheckable(true);
    a->setData(ms);
    group->addAction(a);
    interval_actions_.push_back(a);
    connect(a, &QAction::triggered, this, [this, ms] {
      if (session_) session_->SetRefreshInterval(std::chrono::milliseconds(ms));
      QSettings().setValue(QStringLiteral("live/interval_ms"), ms);
    });
  }

  QMenu* help = menuBar()->addMenu(QStringLiteral("&Help"));
  help->addAction(QStringLiteral("&About Overseer"), this, [this] {
    QMessageBox::about(this, QStringLiteral("About Overseer"),
                       QStringLiteral("Overseer: a memory and mailbox profiler for "
                                      "supervised actor systems."));
  });
}

void MainWindow::OpenFile(const QString& path) {
  SetBusy(QStringLiteral("Opening %1\u2026").arg(QFileInfo(path).fileName()), true);
  OpenCaptureAsync(path).then(this, [this, path](CaptureOpenResult result) {
    SetBusy({}, false);
    if (!result.ok()) {
      ShowMessage(DescribeOpenError(path, result.status()));
      emit FileOpenFinished(false);
      return;
    }
    SetSession(std::make_unique<FileSession>(path, *std::move(result)));
    emit FileOpenFinished(true);
  });
}

void MainWindow::ChooseCompare() {
  QSettings settings;
  QString dir = settings.value(QStringLiteral("file/last_dir")).toString();
  const QString filter = QStringLiteral("Overseer captures (*.ovc *.ovsc);;All files (*)");
  QString a = QFileDialog::getOpenFileName(
      this, QStringLiteral("Compare: run A (before, or the leaky one)"), dir, filter);
  if (a.isEmpty()) return;
  QString b = QFileDialog::getOpenFileName(
      this, QStringLiteral("Compare: run B (after, or the fix)"), QFileInfo(a).absolutePath(),
      filter);
  if (b.isEmpty()) return;
  settings.setValue(QStringLiteral("file/last_dir"), QFileInfo(b).absolutePath());
  OpenCompare(a, b);
}

void MainWindow::OpenCompare(const QString& path_a, const QString& path_b) {
  if (tabs_->indexOf(compare_) < 0) tabs_->insertTab(kCompare, compare_, QStringLiteral("C&ompare"));
  tabs_->setCurrentWidget(compare_);
  QString name_a = QFileInfo(path_a).fileName();
  QString name_b = QFileInfo(path_b).fileName();
  compare_->SetStatus(QStringLiteral("Reading and scanning %1 and %2\u2026").arg(name_a, name_b));
  SetBusy(QStringLiteral("Comparing %1 and %2\u2026").arg(name_a, name_b), true);
  compare_jobs_.Post(
      [path_a, path_b]() -> std::shared_ptr<const CompareOutcome> {
        auto out = std::make_shared<CompareOutcome>();
        CaptureOpenResult a = OpenCapture(path_a);
        if (!a.ok()) {
          out->error = DescribeOpenError(path_a, a.status());
          return out;
        }
        CaptureOpenResult b = OpenCapture(path_b);
        if (!b.ok()) {
          out->error = DescribeOpenError(path_b, b.status());
          return out;
        }
        if ((*a)->sample_count() == 0 || (*b)->sample_count() == 0) {
          out->error = QStringLiteral("Cannot compare %1 and %2: %3 holds no sample")
                           .arg(QFileInfo(path_a).fileName(), QFileInfo(path_b).fileName(),
                                QFileInfo((*a)->sample_count() == 0 ? path_a : path_b)
                                    .fileName());
          return out;
        }
        absl::StatusOr<Comparison> c = CompareRecordings(**a, **b);
        if (!c.ok()) {
          out->error = QStringLiteral("Cannot compare %1 and %2: %3")
                           .arg(QFileInfo(path_a).fileName(), QFileInfo(path_b).fileName(),
                                Q(c.status().message()));
          return out;
        }
        out->comparison = std::make_shared<const Comparison>(*std::move(c));
        return out;
      },
      [this, name_a, name_b](std::shared_ptr<const CompareOutcome> outcome) {
        SetBusy({}, false);
        if (!outcome->comparison) {
          ShowMessage(outcome->error);
          compare_->SetComparison(nullptr, {}, {});
          compare_->SetStatus(outcome->error);
          emit CompareFinished(false);
          return;
        }
        compare_->SetComparison(outcome->comparison, name_a, name_b);
        emit CompareFinished(true);
      });
}

void MainWindow::ChooseAttach() {
#ifdef OVERSEER_HAVE_ATTACH
  QStringList labels;
  std::vector<AttachChoice> choices;
  if (absl::StatusOr<std::vector<AttachChoice>> open = ListAttachChoices(); open.ok()) {
    choices = *std::move(open);
  }
  for (const AttachChoice& c : choices) labels << c.label;
  bool ok = false;
  QString picked = QInputDialog::getItem(
      this, QStringLiteral("Attach"),
      QStringLiteral("Programs with an endpoint open (or type a socket path, "
                     "tcp:HOST:PORT or a pid):"),
      labels, 0, /*editable=*/true, &ok);
  if (!ok || picked.trimmed().isEmpty()) return;
  QString endpoint = picked.trimmed();
  for (const AttachChoice& c : choices) {
    if (c.label == picked) endpoint = c.endpoint;
  }
  // A typed TCP address needs its token, and beyond loopback TLS (a listed
  // program's endpoint file holds both).
  QString token;
  QString trust;
  if (endpoint.startsWith(QStringLiteral("tcp:"))) {
    token = QInputDialog::getText(this, QStringLiteral("Attach"),
                                  QStringLiteral("Token of %1:").arg(endpoint),
                                  QLineEdit::Password, {}, &ok);
    if (!ok) return;
    const QString last = QSettings().value(QStringLiteral("attach/tls_trust")).toString();
    trust = QInputDialog::getText(
        this, QStringLiteral("Attach"),
        QStringLiteral("TLS: the program's certificate (or its CA) file, or its SHA-256 "
                       "fingerprint.\nEmpty: no TLS, for loopback only."),
        QLineEdit::Normal, last, &ok);
    if (!ok) return;
    QSettings().setValue(QStringLiteral("attach/tls_trust"), trust.trimmed());
  }
  AttachTo(endpoint, token, trust);
#endif
}

void MainWindow::AttachTo(const QString& endpoint, const QString& token,
                          const QString& tls_trust) {
#ifdef OVERSEER_HAVE_ATTACH
  SetBusy(QStringLiteral("Attaching to %1\u2026").arg(endpoint), true);
  QFuture<AttachConnectResult> connecting = ConnectAttachAsync(endpoint, token, tls_trust);
  connecting.then(this, [this, endpoint](AttachConnectResult r) {
    SetBusy({}, false);
    if (!r.ok()) {
      ShowMessage(QStringLiteral("Cannot attach to %1: %2").arg(endpoint, Q(r.status().message())));
      emit AttachFinished(false);
      return;
    }
    SetSession(std::make_unique<AttachSession>(*std::move(r)));
    emit AttachFinished(true);
  });
#else
  ShowMessage(QStringLiteral("Cannot attach to %1: this build has no attach client").arg(endpoint));
  (void)token;
  (void)tls_trust;
  emit AttachFinished(false);
#endif
}

void MainWindow::ChooseBeamNode() {
#ifdef OVERSEER_HAVE_BEAM
  QSettings settings;
  QDialog dialog(this);
  dialog.setWindowTitle(QStringLiteral("Attach to a BEAM node"));
  auto* form = new QFormLayout(&dialog);
  auto* node = new QLineEdit(settings.value(QStringLiteral("beam/node")).toString(), &dialog);
  node->setPlaceholderText(QStringLiteral("name@host, or name on this host"));
  auto* cookie = new QLineEdit(
      settings.value(QStringLiteral("beam/cookie_file"), QString::fromStdString(DefaultCookieFile()))
          .toString(),
      &dialog);
  auto* browse = new QPushButton(QStringLiteral("Browse\u2026"), &dialog);
  connect(browse, &QPushButton::clicked, &dialog, [&] {
    QString path = QFileDialog::getOpenFileName(&dialog, QStringLiteral("Cookie file"),
                                                cookie->text());
    if (!path.isEmpty()) cookie->setText(path);
  });
  auto* cookie_row = new QHBoxLayout;
  cookie_row->addWidget(cookie);
  cookie_row->addWidget(browse);
  form->addRow(QStringLiteral("Node:"), node);
  form->addRow(QStringLiteral("Cookie file:"), cookie_row);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
  connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
  form->addRow(buttons);
  if (dialog.exec() != QDialog::Accepted || node->text().trimmed().isEmpty()) return;
  settings.setValue(QStringLiteral("beam/node"), node->text().trimmed());
  settings.setValue(QStringLiteral("beam/cookie_file"), cookie->text().trimmed());
  AttachToBeam(node->text().trimmed(), cookie->text().trimmed());
#endif
}

void MainWindow::AttachToBeam(const QString& node, const QString& cookie_file) {
#ifdef OVERSEER_HAVE_BEAM
  const int interval_ms =
      std::max(QSettings().value(QStringLiteral("live/interval_ms"), 1000).toInt(), 10);
  SetBusy(QStringLiteral("Connecting to %1\u2026").arg(node), true);
  BeamTarget target{.node = node.toStdString(),
                    .cookie_file = cookie_file.toStdString(),
                    .cookie = std::nullopt,
                    .wait = absl::Seconds(10)};
  ConnectBeamAsync(std::move(target), std::chrono::milliseconds(interval_ms))
      .then(this, [this, node, interval_ms](BeamConnectResult r) {
        SetBusy({}, false);
        if (!r.ok()) {
          ShowMessage(QStringLiteral("Cannot attach to %1: %2").arg(node, Q(r.status().message())));
          emit AttachFinished(false);
          return;
        }
        SetSession(std::make_unique<BeamSession>(*std::move(r),
                                                 std::chrono::milliseconds(interval_ms)));
        emit AttachFinished(true);
      });
#else
  ShowMessage(QStringLiteral("Cannot attach to %1: this build has no BEAM source "
                             "(install erlang-dev and rebuild)")
                  .arg(node));
  (void)cookie_file;
  emit AttachFinished(false);
#endif
}

bool MainWindow::StartDemo(const std::string& workload,
                           const std::vector<std::string>& args) {
#ifdef OVERSEER_HAVE_DEMOS
  int interval_ms = QSettings().value(QStringLiteral("live/interval_ms"), 1000).toInt();
  absl::StatusOr<std::unique_ptr<DemoSession>> session = DemoSession::Start(
      workload, args, std::chrono::milliseconds(std::max(interval_ms, 10)));
  if (!session.ok()) {
    ShowMessage(QStringLiteral("Cannot start the demo %1: %2")
                    .arg(QString::fromStdString(workload), Q(session.status().message())));
    return false;
  }
  SetSession(*std::move(session));
  return true;
#else
  ShowMessage(QStringLiteral("Cannot start the demo %1: this build has no demos")
                  .arg(QString::fromStdString(workload)));
  (void)args;
  return false;
#endif
}

}  // namespace overseer
