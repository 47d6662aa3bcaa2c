#include "probes/attach/env.h"

#include <cstdlib>
#include <string>

#include "absl/strings/ascii.h"
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

}  // namespace

absl::StatusOr<std::optional<AttachOptions>> AttachOptionsFromEnv(const char* attach,
                                                                  const char* control,
                                                                  const char* token,
                                                                  AttachOptions base) {
  const std::string value =
      absl::AsciiStrToLower(absl::StripAsciiWhitespace(attach ? attach : ""));
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
      absl::StatusOr<Endpoint> e = ParseEndpoint(value);
      if (!e.ok()) return BadValue(value);
      options.tcp_address = e->host;
      options.tcp_port = e->port;
    }
  } else {
    return BadValue(value);
  }
  const std::string allow =
      absl::AsciiStrToLower(absl::StripAsciiWhitespace(control ? control : ""));
  if (IsOn(allow)) options.allow_control = true;
  if (token != nullptr && token[0] != '\0') options.token = token;
  return std::optional<AttachOptions>(std::move(options));
}

absl::StatusOr<std::unique_ptr<AttachServer>> MaybeOpenAttachFromEnv(Runtime& runtime,
                                                                     Recorder& recorder,
                                                                     AttachOptions base) {
  // Read from main before other threads change the environment (see env.h).
  absl::StatusOr<std::optional<AttachOptions>> options = AttachOptionsFromEnv(
      std::getenv(kAttachEnv),         // NOLINT(concurrency-mt-unsafe)
      std::getenv(kAttachControlEnv),  // NOLINT(concurrency-mt-unsafe)
      std::getenv(kAttachTokenEnv),    // NOLINT(concurrency-mt-unsafe)
      std::move(base));
  if (!options.ok()) return options.status();
  if (!options->has_value()) return std::unique_ptr<AttachServer>();
  (*options)->announce = true;
  return AttachServer::Open(runtime, recorder, **std::move(options));
}

}  // namespace overseer
