// Test helpers for attach over TLS: a self-signed certificate and its key
// made at run time with OpenSSL's C API (nothing committed, no `openssl`
// command), and this machine's first address beyond loopback.
//
// Example:
//   absl::StatusOr<TestCertificate> cert =
//       MakeSelfSignedCertificate(FreshDirectory("tls"), {"IP:127.0.0.1"});
//   options.tls = {cert->certificate_file, cert->key_file};
#ifndef OVERSEER_TESTS_PROBES_ATTACH_TLS_TEST_UTIL_H_
#define OVERSEER_TESTS_PROBES_ATTACH_TLS_TEST_UTIL_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace overseer::testing {

struct TestCertificate {
  std::string certificate_file;  // PEM
  std::string key_file;          // PEM, unencrypted, mode 0600
  std::string fingerprint;       // SHA-256 of the certificate, "AB:CD:..."
};

// Makes a P-256 key and a self-signed certificate for `names` (subject
// alternative names, "DNS:localhost" or "IP:127.0.0.1"), valid from an hour
// ago for a month, and writes them as `stem`.crt and `stem`.key (the
// directory is created).
absl::StatusOr<TestCertificate> MakeSelfSignedCertificate(
    const std::string& stem, const std::vector<std::string>& names);

// The first IPv4 address of an interface that is up and not loopback, or
// empty when this machine has none.
std::string NonLoopbackAddress();

}  // namespace overseer::testing

#endif  // OVERSEER_TESTS_PROBES_ATTACH_TLS_TEST_UTIL_H_
