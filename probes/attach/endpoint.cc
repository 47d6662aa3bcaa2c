#include "probes/attach/endpoint.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "probes/attach/socket_util.h"

namespace overseer {
namespace {

using attach_internal::ErrnoError;

bool ProcessAlive(int pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); }

// Splits "<pid>-<program>.<ext>"; false when the name is not an entry.
bool ParseEntryName(absl::string_view name, int* pid, std::string* program,
                    std::string* ext) {
  const size_t dot = name.rfind('.');
  const size_t dash = name.find('-');
  if (dot == absl::string_view::npos || dash == absl::string_view::npos || dash > dot) {
    return false;
  }
  *ext = std::string(name.substr(dot + 1));
  if (*ext != "sock" && *ext != "tcp") return false;
  *program = std::string(name.substr(dash + 1, dot - dash - 1));
  return absl::SimpleAtoi(name.substr(0, dash), pid) && *pid > 0;
}

absl::StatusOr<EndpointInfo> ReadTcpFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  EndpointInfo info;
  std::string line;
  bool have_address = false;
  while (std::getline(in, line)) {
    absl::string_view l = absl::StripAsciiWhitespace(line);
    if (absl::ConsumePrefix(&l, "token ")) {
      info.token = std::string(absl::StripAsciiWhitespace(l));
    } else if (l == "tls" || absl::ConsumePrefix(&l, "tls ")) {
      info.tls = true;
      if (absl::ConsumePrefix(&l, "sha256 ")) {
        info.tls_fingerprint = std::string(absl::StripAsciiWhitespace(l));
      }
    } else if (absl::StartsWith(l, "tcp:")) {
      absl::StatusOr<Endpoint> e = ParseEndpoint(l);
      if (!e.ok()) return e.status();
      info.endpoint = *e;
      have_address = true;
    }
  }
  if (!have_address) {
    return absl::DataLossError(absl::StrCat(path, " names no tcp: address"));
  }
  return info;
}

// Fills `info` for one directory entry; false when it is not alive.
bool CheckEntry(const std::string& path, const std::string& ext, EndpointInfo* info) {
  if (ext == "sock") {
    info->endpoint = Endpoint{Endpoint::Kind::kUnix, path, "", 0};
    // A socket that accepts is alive whatever the pid says (another pid
    // namespace); one that refuses is stale once its process is gone.
    if (attach_internal::ConnectUnix(path).ok()) return true;
    if (!ProcessAlive(info->pid)) ::unlink(path.c_str());
    return false;
  }
  if (!ProcessAlive(info->pid)) {
    ::unlink(path.c_str());
    return false;
  }
  absl::StatusOr<EndpointInfo> tcp = ReadTcpFile(path);
  if (!tcp.ok()) return false;
  info->endpoint = tcp->endpoint;
  info->token = tcp->token;
  info->tls = tcp->tls;
  info->tls_fingerprint = tcp->tls_fingerprint;
  return true;
}

}  // namespace

std::string Endpoint::ToString() const {
  if (kind == Kind::kUnix) return path;
  if (absl::StrContains(host, ':')) return absl::StrCat("tcp:[", host, "]:", port);
  return absl::StrCat("tcp:", host, ":", port);
}

absl::StatusOr<Endpoint> ParseEndpoint(absl::string_view text) {
  Endpoint e;
  if (!absl::ConsumePrefix(&text, "tcp:")) {
    absl::ConsumePrefix(&text, "unix:");
    if (text.empty()) return absl::InvalidArgumentError("empty endpoint");
    e.path = std::string(text);
    return e;
  }
  e.kind = Endpoint::Kind::kTcp;
  const size_t colon = text.rfind(':');
  if (colon == absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("endpoint 'tcp:", text, "' needs a port: tcp:HOST:PORT"));
  }
  absl::string_view host = text.substr(0, colon);
  if (absl::ConsumePrefix(&host, "[") && !absl::ConsumeSuffix(&host, "]")) {
    return absl::InvalidArgumentError(
        absl::StrCat("endpoint 'tcp:", text, "' has an unclosed '['"));
  }
  uint32_t port = 0;
  if (host.empty() || !absl::SimpleAtoi(text.substr(colon + 1), &port) || port == 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "endpoint 'tcp:", text, "' is not tcp:HOST:PORT with a port 1-65535"));
  }
  e.host = std::string(host);
  e.port = static_cast<uint16_t>(port);
  return e;
}

std::string DefaultAttachDirectory() {
  // Read-only; programs set their environment before starting threads.
  const char* runtime_dir =
      std::getenv("XDG_RUNTIME_DIR");  // NOLINT(concurrency-mt-unsafe)
  if (runtime_dir != nullptr && runtime_dir[0] != '\0') {
    return absl::StrCat(runtime_dir, "/overseer");
  }
  return absl::StrCat("/tmp/overseer-", ::getuid());
}

absl::Status PrepareAttachDirectory(const std::string& directory) {
  if (::mkdir(directory.c_str(), 0700) != 0 && errno == ENOENT) {
    const size_t slash = directory.rfind('/');
    if (slash != std::string::npos && slash > 0) {
      ::mkdir(directory.substr(0, slash).c_str(), 0700);
      ::mkdir(directory.c_str(), 0700);
    }
  }
  struct stat st {};
  if (::lstat(directory.c_str(), &st) != 0) {
    return ErrnoError(errno, absl::StrCat("creating ", directory));
  }
  if (!S_ISDIR(st.st_mode)) {
    return absl::PermissionDeniedError(
        absl::StrCat(directory, " is not a directory (a symlink or a file is refused)"));
  }
  if (st.st_uid != ::getuid()) {
    return absl::PermissionDeniedError(
        absl::StrCat(directory, " belongs to uid ", st.st_uid, ", not to this user (uid ",
                     ::getuid(), "): refusing to open an endpoint there"));
  }
  if ((st.st_mode & 07777) != 0700 && ::chmod(directory.c_str(), 0700) != 0) {
    return ErrnoError(errno, absl::StrCat("restricting ", directory));
  }
  return absl::OkStatus();
}

std::string EndpointStem(int pid, absl::string_view program) {
  // "path/to/demo buffered-task --mode closure" -> "demo"
  program = program.substr(0, program.find(' '));
  const size_t slash = program.rfind('/');
  if (slash != absl::string_view::npos) program.remove_prefix(slash + 1);
  std::string name;
  for (char c : program.substr(0, 40)) {
    name += absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' ||
                    c == '-'
                ? c
                : '_';
  }
  if (name.empty()) name = "program";
  return absl::StrCat(pid, "-", name);
}

absl::StatusOr<std::vector<EndpointInfo>> ListEndpoints(const std::string& directory) {
  const std::string dir = directory.empty() ? DefaultAttachDirectory() : directory;
  std::vector<EndpointInfo> found;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return found;
    return ErrnoError(errno, absl::StrCat("listing ", dir));
  }
  // glibc's readdir is safe for a stream only this call uses.
  while (const dirent* entry = ::readdir(d)) {  // NOLINT(concurrency-mt-unsafe)
    EndpointInfo info;
    std::string ext;
    if (!ParseEntryName(entry->d_name, &info.pid, &info.program, &ext)) continue;
    info.file = absl::StrCat(dir, "/", entry->d_name);
    if (CheckEntry(info.file, ext, &info)) found.push_back(std::move(info));
  }
  ::closedir(d);
  std::sort(found.begin(), found.end(), [](const EndpointInfo& a, const EndpointInfo& b) {
    return a.pid != b.pid ? a.pid < b.pid : a.file < b.file;
  });
  return found;
}

absl::StatusOr<EndpointInfo> FindEndpoint(int pid, const std::string& directory) {
  absl::StatusOr<std::vector<EndpointInfo>> all = ListEndpoints(directory);
  if (!all.ok()) return all.status();
  for (EndpointInfo& e : *all) {
    if (e.pid == pid) return std::move(e);
  }
  return absl::NotFoundError(
      absl::StrCat("process ", pid, " has no attach endpoint open in ",
                   directory.empty() ? DefaultAttachDirectory() : directory,
                   " (start it with OVERSEER_ATTACH=1)"));
}

absl::StatusOr<EndpointInfo> ResolveEndpoint(absl::string_view text,
                                             const std::string& directory) {
  int pid = 0;
  if (!text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return absl::ascii_isdigit(static_cast<unsigned char>(c));
      })) {
    if (!absl::SimpleAtoi(text, &pid) || pid <= 0) {
      return absl::InvalidArgumentError(absl::StrCat("'", text, "' is not a pid"));
    }
    return FindEndpoint(pid, directory);
  }
  absl::StatusOr<Endpoint> e = ParseEndpoint(text);
  if (!e.ok()) return e.status();
  EndpointInfo info;
  info.endpoint = *e;
  info.file = e->kind == Endpoint::Kind::kUnix ? e->path : "";
  return info;
}

absl::StatusOr<std::string> RandomToken() {
  uint8_t bytes[16];
  size_t got = 0;
  while (got < sizeof(bytes)) {
    const ssize_t n = ::getrandom(bytes + got, sizeof(bytes) - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(errno, "reading random bytes for a token");
    }
    got += static_cast<size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (uint8_t b : bytes) {
    token += kHex[b >> 4];
    token += kHex[b & 15];
  }
  return token;
}

absl::Status WriteTcpEndpointFile(const std::string& path, const Endpoint& endpoint,
                                  absl::string_view token,
                                  absl::string_view tls_fingerprint) {
  const std::string tmp = absl::StrCat(path, ".new");
  ::unlink(tmp.c_str());
  attach_internal::UniqueFd fd(
      ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd.valid()) return ErrnoError(errno, absl::StrCat("creating ", tmp));
  // open(2)'s mode passes through the umask, which may only remove bits;
  // fchmod makes it exactly 0600 whatever the umask.
  if (::fchmod(fd.get(), 0600) != 0) {
    return ErrnoError(errno, absl::StrCat("restricting ", tmp));
  }
  std::string text = absl::StrCat(endpoint.ToString(), "\ntoken ", token, "\n");
  if (!tls_fingerprint.empty())
    absl::StrAppend(&text, "tls sha256 ", tls_fingerprint, "\n");
  if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    return ErrnoError(errno, absl::StrCat("writing ", tmp));
  }
  fd.reset();
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return ErrnoError(errno, absl::StrCat("renaming ", tmp));
  }
  return absl::OkStatus();
}

}  // namespace overseer
