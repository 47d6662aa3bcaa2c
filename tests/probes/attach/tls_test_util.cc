#include "tests/probes/attach/tls_test_util.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace overseer::testing {
namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
  void operator()(std::FILE* f) const { std::fclose(f); }
};

bool AddExtension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, Free> ext(
      X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  return ext != nullptr && X509_add_ext(cert, ext.get(), -1) == 1;
}

absl::Status Failed(const std::string& what) {
  return absl::InternalError(absl::StrCat("making a test certificate: ", what));
}

}  // namespace

absl::StatusOr<TestCertificate> MakeSelfSignedCertificate(
    const std::string& stem, const std::vector<std::string>& names) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(stem).parent_path(), ec);
  std::unique_ptr<EVP_PKEY, Free> key(EVP_EC_gen("P-256"));
  if (key == nullptr) return Failed("generating a key");
  std::unique_ptr<X509, Free> cert(X509_new());
  X509_set_version(cert.get(), 2);
  static std::atomic<long> serial{1};
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 30L * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("overseer test"), -1,
                             -1, 0);
  X509_set_issuer_name(cert.get(), name);
  // What `openssl req -x509` gives, plus the names.
  if (!AddExtension(cert.get(), NID_basic_constraints, "critical,CA:TRUE") ||
      !AddExtension(cert.get(), NID_subject_key_identifier, "hash") ||
      !AddExtension(cert.get(), NID_subject_alt_name, absl::StrJoin(names, ","))) {
    return Failed("adding extensions");
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return Failed("signing");

  TestCertificate out{stem + ".crt", stem + ".key", ""};
  std::unique_ptr<std::FILE, Free> c(std::fopen(out.certificate_file.c_str(), "w"));
  if (c == nullptr || PEM_write_X509(c.get(), cert.get()) != 1) {
    return Failed("writing " + out.certificate_file);
  }
  std::unique_ptr<std::FILE, Free> k(std::fopen(out.key_file.c_str(), "w"));
  if (k == nullptr || ::chmod(out.key_file.c_str(), 0600) != 0 ||
      PEM_write_PrivateKey(k.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
          1) {
    return Failed("writing " + out.key_file);
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (X509_digest(cert.get(), EVP_sha256(), md, &size) != 1) return Failed("digest");
  for (unsigned int i = 0; i < size; ++i) {
    char byte[4];
    std::snprintf(byte, sizeof(byte), i == 0 ? "%02X" : ":%02X", md[i]);
    out.fingerprint += byte;
  }
  return out;
}

std::string NonLoopbackAddress() {
  ifaddrs* all = nullptr;
  if (::getifaddrs(&all) != 0) return "";
  std::string found;
  for (ifaddrs* a = all; a != nullptr && found.empty(); a = a->ifa_next) {
    if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET) continue;
    if ((a->ifa_flags & IFF_UP) == 0 || (a->ifa_flags & IFF_LOOPBACK) != 0) continue;
    char text[INET_ADDRSTRLEN] = {};
    const auto* in = reinterpret_cast<const sockaddr_in*>(a->ifa_addr);
    if (::inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text)) != nullptr) found = text;
  }
  ::freeifaddrs(all);
  return found;
}

}  // namespace overseer::testing
