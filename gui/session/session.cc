#include "gui/session/session.h"

namespace overseer {

void Session::ReportFailure(const QString& message) {
  if (!failure_.isEmpty()) return;
  failure_ = message.isEmpty() ? QStringLiteral("unknown error") : message;
  emit Failed(failure_);
}

QString ToString(Session::Source source) {
  switch (source) {
    case Session::Source::kFile:
      return QStringLiteral("file");
    case Session::Source::kAttach:
      return QStringLiteral("attach");
    case Session::Source::kInProcess:
      return QStringLiteral("in-process");
    case Session::Source::kMemory:
      return QStringLiteral("memory");
  }
  return QStringLiteral("unknown");
}

}  // namespace overseer
