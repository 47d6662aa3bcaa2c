#include "probes/attach/endpoint.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "tests/probes/attach/attach_test_util.h"

namespace overseer {
namespace {

std::string FreshDir(const std::string& name) {
  return testing::FreshDirectory("ep-" + name);
}

TEST(EndpointTest, ATcpEndpointParsesWithItsHostAndPort) {
  absl::StatusOr<Endpoint> e = ParseEndpoint("tcp:127.0.0.1:4567");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->kind, Endpoint::Kind::kTcp);
  EXPECT_EQ(e->host, "127.0.0.1");
  EXPECT_EQ(e->port, 4567);
  EXPECT_EQ(e->ToString(), "tcp:127.0.0.1:4567");
  absl::StatusOr<Endpoint> v6 = ParseEndpoint("tcp:[::1]:80");
  ASSERT_TRUE(v6.ok()) << v6.status();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->ToString(), "tcp:[::1]:80");
}

TEST(EndpointTest, AnythingElseIsASocketPath) {
  absl::StatusOr<Endpoint> e = ParseEndpoint("/run/user/1/overseer/1-x.sock");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->kind, Endpoint::Kind::kUnix);
  EXPECT_EQ(e->ToString(), "/run/user/1/overseer/1-x.sock");
  EXPECT_EQ(ParseEndpoint("unix:/a/b.sock")->path, "/a/b.sock");
}

TEST(EndpointTest, MalformedEndpointsAreInvalidArguments) {
  for (const char* bad : {"", "tcp:", "tcp:host", "tcp:host:0", "tcp:host:70000",
                          "tcp::80", "tcp:[::1:80", "tcp:host:port"}) {
    EXPECT_EQ(ParseEndpoint(bad).status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(EndpointTest, TheStemNamesThePidAndASafeProgramName) {
  EXPECT_EQ(EndpointStem(42, "/usr/bin/overseer-demo buffered-task --mode x"),
            "42-overseer-demo");
  EXPECT_EQ(EndpointStem(7, "we?ird name"), "7-we_ird");
  EXPECT_EQ(EndpointStem(7, ""), "7-program");
  EXPECT_LE(EndpointStem(7, std::string(200, 'a')).size(), 2u + 40u);
}

TEST(EndpointTest, TheDirectoryIsMadeOwnerOnly) {
  const std::string dir = FreshDir("mode");
  ASSERT_TRUE(PrepareAttachDirectory(dir).ok());
  struct stat st {};
  ASSERT_EQ(::stat(dir.c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  ASSERT_EQ(::chmod(dir.c_str(), 0755), 0);  // loosened by someone
  ASSERT_TRUE(PrepareAttachDirectory(dir).ok());
  ASSERT_EQ(::stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
}

TEST(EndpointTest, ASymlinkInPlaceOfTheDirectoryIsRefused) {
  const std::string target = FreshDir("target");
  const std::string link = FreshDir("link");
  ASSERT_TRUE(PrepareAttachDirectory(target).ok());
  ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
  EXPECT_EQ(PrepareAttachDirectory(link).code(), absl::StatusCode::kPermissionDenied);
}

TEST(EndpointTest, AMissingDirectoryListsNothing) {
  absl::StatusOr<std::vector<EndpointInfo>> none = ListEndpoints(FreshDir("missing"));
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty());
}

TEST(EndpointTest, StaleEntriesOfDeadProcessesAreListedNeverAndRemoved) {
  const std::string dir = FreshDir("stale");
  ASSERT_TRUE(PrepareAttachDirectory(dir).ok());
  // No process has pid 0x3fffffff (above pid_max).
  const std::string tcp = dir + "/1073741823-gone.tcp";
  ASSERT_TRUE(WriteTcpEndpointFile(tcp, *ParseEndpoint("tcp:127.0.0.1:9"), "t").ok());
  std::ofstream(dir + "/1073741823-gone.sock") << "not a socket";
  std::ofstream(dir + "/notes.txt") << "ignored";
  absl::StatusOr<std::vector<EndpointInfo>> found = ListEndpoints(dir);
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->empty());
  EXPECT_NE(::access(tcp.c_str(), F_OK), 0);
  EXPECT_EQ(::access((dir + "/notes.txt").c_str(), F_OK), 0);
}

TEST(EndpointTest, ATcpEntryOfALiveProcessIsListedWithItsToken) {
  const std::string dir = FreshDir("tcp");
  ASSERT_TRUE(PrepareAttachDirectory(dir).ok());
  const std::string file = dir + "/" + EndpointStem(::getpid(), "me") + ".tcp";
  ASSERT_TRUE(WriteTcpEndpointFile(file, *ParseEndpoint("tcp:127.0.0.1:9"), "tok").ok());
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  absl::StatusOr<EndpointInfo> e = FindEndpoint(::getpid(), dir);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->program, "me");
  EXPECT_EQ(e->token, "tok");
  EXPECT_EQ(e->endpoint.ToString(), "tcp:127.0.0.1:9");
  absl::StatusOr<EndpointInfo> by_text = ResolveEndpoint(std::to_string(::getpid()), dir);
  ASSERT_TRUE(by_text.ok());
  EXPECT_EQ(by_text->token, "tok");
  EXPECT_EQ(FindEndpoint(1073741823, dir).status().code(), absl::StatusCode::kNotFound);
}

TEST(EndpointTest, ATlsEntrySaysSoWithItsFingerprintAndAPlainOneDoesNot) {
  const std::string dir = FreshDir("tls");
  ASSERT_TRUE(PrepareAttachDirectory(dir).ok());
  const std::string file = dir + "/" + EndpointStem(::getpid(), "me") + ".tcp";
  ASSERT_TRUE(
      WriteTcpEndpointFile(file, *ParseEndpoint("tcp:0.0.0.0:9"), "tok", "AB:CD").ok());
  absl::StatusOr<EndpointInfo> e = FindEndpoint(::getpid(), dir);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_TRUE(e->tls);
  EXPECT_EQ(e->tls_fingerprint, "AB:CD");
  EXPECT_EQ(e->token, "tok");
  // A file of a program from before TLS, or written without it.
  ASSERT_TRUE(WriteTcpEndpointFile(file, *ParseEndpoint("tcp:127.0.0.1:9"), "tok").ok());
  e = FindEndpoint(::getpid(), dir);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_FALSE(e->tls);
  EXPECT_TRUE(e->tls_fingerprint.empty());
}

TEST(EndpointTest, TokensAreThirtyTwoHexDigitsAndDiffer) {
  absl::StatusOr<std::string> a = RandomToken();
  absl::StatusOr<std::string> b = RandomToken();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 32u);
  EXPECT_EQ(a->find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(*a, *b);
}

}  // namespace
}  // namespace overseer
