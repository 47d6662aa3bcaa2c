#include "probes/attach/env.h"

#include <cstdlib>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "probes/attach/endpoint.h"

namespace overseer {
namespace {

absl::Status BadValue(absl::string_view value) {
  return absl::InvalidArgumentError(
      absl::StrCat(kAttachEnv, "='", value,
                   "' is not one of 1, unix, tcp, tcp:PORT, tcp:HOST:PORT, 0, off"));
}

bool IsOn(absl::string_view v) {
  return v == "1" || v == "yes" || v == "on" || v == "true";
}

std::string Value(const char* v) {
  return std::string(absl::StripAsciiWhitespace(v != nullptr ? v : ""));
}

// The TLS files, which only a TCP endpoint takes, and only together.
absl::Status ApplyTls(const AttachEnv& env, AttachOptions& options) {
  const std::string cert = Value(env.tls_cert);
  const std::string key = Value(env.tls_key);
  if (cert.empty() && key.empty()) return absl::OkStatus();
  if (cert.empty() || key.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(cert.empty() ? kAttachTlsKeyEnv : kAttachTlsCertEnv, " is set but ",
                     cert.empty() ? kAttachTlsCertEnv : kAttachTlsKeyEnv,
                     " is not: TLS needs the certificate and its key"));
  }
  if (options.transport != AttachOptions::Transport::kTcp) {
    return absl::InvalidArgumentError(absl::StrCat(
        kAttachTlsCertEnv, " and ", kAttachTlsKeyEnv, " are for TCP endpoints (",
        kAttachEnv, "=tcp:HOST:PORT); a Unix socket is guarded by its permissions"));
  }
  options.tls.certificate_file = cert;
  options.tls.key_file = key;
  return absl::OkStatus();
}

}  // namespace

AttachEnv AttachEnv::FromProcess() {
  // Read from main before other threads change the environment (see env.h).
  AttachEnv env;
  env.attach = std::getenv(kAttachEnv);           // NOLINT(concurrency-mt-unsafe)
  env.control = std::getenv(kAttachControlEnv);   // NOLINT(concurrency-mt-unsafe)
  env.token = std::getenv(kAttachTokenEnv);       // NOLINT(concurrency-mt-unsafe)
  env.tls_cert = std::getenv(kAttachTlsCertEnv);  // NOLINT(concurrency-mt-unsafe)
  env.tls_key = std::getenv(kAttachTlsKeyEnv);    // NOLINT(concurrency-mt-unsafe)
  return env;
}

absl::StatusOr<std::optional<AttachOptions>> AttachOptionsFromEnv(const AttachEnv& env,
                                                                  AttachOptions base) {
  const std::string value = absl::AsciiStrToLower(Value(env.attach));
  if (value.empty() || value == "0" || value == "off" || value == "no") {
    return std::optional<AttachOptions>();
  }
  AttachOptions options = std::move(base);
  if (value == "1" || value == "unix" || IsOn(value)) {
    options.transport = AttachOptions::Transport::kUnix;
  } else if (value == "tcp") {
    options.transport = AttachOptions::Transport::kTcp;
  } else if (absl::string_view rest = value; absl::ConsumePrefix(&rest, "tcp:")) {
    options.transport = AttachOptions::Transport::kTcp;
    uint32_t port = 0;
    if (absl::SimpleAtoi(rest, &port)) {
      if (port > 65535) return BadValue(value);
      options.tcp_port = static_cast<uint16_t>(port);
    } else {
      // A port of 0 (any free one) is fine for listening, not for a viewer.
      const bool any_port = absl::EndsWith(value, ":0");
      absl::StatusOr<Endpoint> e = ParseEndpoint(
          any_port ? absl::StrCat(value.substr(0, value.size() - 1), "1") : value);
      if (!e.ok()) return BadValue(value);
      options.tcp_address = e->host;
      options.tcp_port = any_port ? 0 : e->port;
    }
  } else {
    return BadValue(value);
  }
  if (IsOn(absl::AsciiStrToLower(Value(env.control)))) options.allow_control = true;
  if (env.token != nullptr && env.token[0] != '\0') options.token = env.token;
  if (absl::Status s = ApplyTls(env, options); !s.ok()) return s;
  return std::optional<AttachOptions>(std::move(options));
}

absl::StatusOr<std::unique_ptr<AttachServer>> MaybeOpenAttachFromEnv(Runtime& runtime,
                                                                     Recorder& recorder,
                                                                     AttachOptions base) {
  absl::StatusOr<std::optional<AttachOptions>> options =
      AttachOptionsFromEnv(AttachEnv::FromProcess(), std::move(base));
  if (!options.ok()) return options.status();
  if (!options->has_value()) return std::unique_ptr<AttachServer>();
  (*options)->announce = true;
  return AttachServer::Open(runtime, recorder, **std::move(options));
}

}  // namespace overseer
