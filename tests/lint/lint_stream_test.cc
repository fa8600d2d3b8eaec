// lint reads its inputs as a stream (sources/manifests/yaml_stream.h): the
// documents it cuts are those of the whole text, and its memory does not grow
// with input that declares nothing (issue 15: a 50 MB stream peaked at
// 438 MiB because the text, every parsed declaration and every joined fact
// record were all held at once).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "lint_test_support.h"
#include "sources/manifests/yaml_stream.h"

namespace redisfit {
namespace {

using manifests::DocBatch;
using manifests::DocChunk;
using manifests::DocumentStream;

struct Cut {
  std::string text;
  int line_offset;
  bool operator==(const Cut&) const = default;
};

std::vector<Cut> cuts_of(const std::vector<DocChunk>& chunks) {
  std::vector<Cut> out;
  for (const auto& c : chunks) out.push_back({std::string(c.text), c.line_offset});
  return out;
}

std::vector<Cut> streamed(const std::string& text, size_t batch_bytes, const std::string& head_part = "") {
  std::istringstream in(text.substr(head_part.size()));
  DocumentStream stream(in, head_part, batch_bytes);
  std::vector<Cut> out;
  DocBatch batch;
  for (;;) {
    auto more = stream.next(batch);
    EXPECT_TRUE(more.ok());
    if (!more.ok() || !*more) break;
    EXPECT_FALSE(batch.chunks.empty());
    for (const auto& c : cuts_of(batch.chunks)) out.push_back(c);
  }
  return out;
}

TEST(LintStream, BatchesCutExactlyTheDocumentsOfTheWholeText) {
  const std::vector<std::string> texts = {
      "",
      "a: 1",
      "a: 1\n",
      "---\na: 1\n---\nb: 2\n",
      "a: 1\n...\n---\nb: 2",
      "a: 1\n...\nb: 2\n...\n",
      "--- |\n  x\n--- >\n  y\n",
      "---x: 1\n----\n--- \n...x\n",
      "a: 1\r\n---\r\nb: 2\r\n",
      "\n\n---",
      "...",
      "# only a comment\n",
      "kind: A\nmetadata:\n  name: long-enough-to-span-several-small-batches\n---\nkind: B\n...\n\n---\nkind: C\n",
  };
  for (const auto& text : texts) {
    const auto whole = cuts_of(manifests::split_yaml_documents(text));
    for (size_t batch = 1; batch <= text.size() + 2; ++batch) {
      EXPECT_EQ(streamed(text, batch), whole) << "batch " << batch << " of:\n" << text;
    }
    // Bytes read ahead (stdin sniffed for a redis.conf) come first.
    for (size_t head = 0; head <= text.size(); ++head) {
      EXPECT_EQ(streamed(text, 3, text.substr(0, head)), whole) << "head " << head << " of:\n" << text;
    }
  }
}

TEST(LintStream, ReadAheadStopsAtTheFirstLineThatDecides) {
  const std::string yaml = "apiVersion: v1\nkind: ConfigMap\n" + std::string(1 << 20, '#') + "\n";
  std::istringstream in(yaml);
  std::string head;
  auto ended = manifests::read_ahead(
      in, head, [](std::string_view lines) { return lines.find(':') == lines.npos; }, 16u << 20);
  ASSERT_TRUE(ended.ok());
  EXPECT_FALSE(*ended);
  EXPECT_LT(head.size(), yaml.size());  // decided on the first block
  std::istringstream small("maxmemory 1gb\n");
  head.clear();
  ended = manifests::read_ahead(small, head, [](std::string_view) { return true; }, 16u << 20);
  ASSERT_TRUE(ended.ok());
  EXPECT_TRUE(*ended);
  EXPECT_EQ(head, "maxmemory 1gb\n");
}

// Input that never ends a document, or never says what it is, is refused
// once it is past the bound the parser would hold, not read whole first:
// /dev/zero's NULs at once, one endless document at the document bound, an
// endless redis.conf at the redis.conf bound.
TEST(LintStream, EndlessInputIsRefusedAtItsBound) {
  std::istringstream zeros(std::string("a: 1\nb: ") + std::string(3 << 20, '\0'));
  DocumentStream binary(zeros, {}, 4096);
  manifests::DocBatch batch;
  auto r = binary.next(batch);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().where, "2:4");
  EXPECT_NE(r.error().message.find("NUL byte"), std::string::npos) << r.error().message;

  std::string endless = "x: |\n";
  while (endless.size() < (3u << 20)) endless += "  line of a block scalar that never ends\n";
  std::istringstream long_doc("a: 1\n---\n" + endless);
  DocumentStream one_doc(long_doc, {}, 4096, 1u << 20);
  auto first = one_doc.next(batch);
  ASSERT_TRUE(first.ok() && *first);  // the first document is handed out
  auto second = one_doc.next(batch);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().where, "2");  // its "---" line
  EXPECT_NE(second.error().message.find("larger than 1.0 MiB"), std::string::npos) << second.error().message;

  std::string conf;
  while (conf.size() < (3u << 20)) conf += "maxmemory 1gb\n";
  std::istringstream conf_in(conf);
  std::string head;
  auto ended = manifests::read_ahead(conf_in, head, [](std::string_view) { return true; }, 1u << 20);
  ASSERT_FALSE(ended.ok());
  EXPECT_LT(head.size(), 3u << 20);
  std::istringstream rest_in(conf);
  std::string rest;
  EXPECT_FALSE(manifests::read_rest(rest_in, rest, 1u << 20).ok());
}

// A device is no input: lint and rescue refuse /dev/zero at once (they read
// it until memory ran out).
TEST(LintStream, DevicesAreRefused) {
  for (const char* command : {"lint", "rescue"}) {
    auto r = testing::run_redisfit({command, "/dev/zero"});
    EXPECT_EQ(r.exit_code, 2) << command << r.out << r.err;
    EXPECT_NE(r.err.find("not a regular file"), std::string::npos) << command << r.err;
  }
}

// Peak RSS in KiB of `redisfit lint --fail-on never -` fed `file` on stdin.
long lint_peak_rss_kib(const std::string& file, std::string& out) {
  const std::string out_file = file + ".out";
  pid_t pid = fork();
  if (pid == 0) {
    int in = open(file.c_str(), O_RDONLY);
    int o = open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || o < 0) _exit(127);
    dup2(in, 0);
    dup2(o, 1);
    execl(REDISFIT_BINARY, REDISFIT_BINARY, "lint", "--fail-on", "never", "-", static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  struct rusage usage {};
  if (wait4(pid, &status, 0, &usage) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
  out = lint_test::read_text(out_file);
  return usage.ru_maxrss;
}

// 40 MB of objects lint reads and drops (Services with a large annotation)
// after the seed Cluster: memory must stay that of the Cluster alone plus a
// batch, not grow by the input (the old reader held the whole text: +60 MiB).
TEST(LintStream, MemoryDoesNotGrowWithInputThatDeclaresNothing) {
  testing::TempDir dir;
  const std::string seed = lint_test::read_text(lint_test::fixture("seed_maxmemory_at_limit.yaml"));
  const std::string alone = dir.write_file("alone.yaml", seed);
  const std::string big = dir.path() + "/big.yaml";
  {
    std::ofstream f(big);
    f << seed;
    const std::string pad(4000, 'x');
    for (int i = 0; i < 10000; ++i) {
      f << "\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s" << i << "\n  annotations:\n    note: \"" << pad
        << "\"\nspec:\n  ports:\n  - port: 6379\n";
    }
  }
  std::string out_alone, out_big;
  const long rss_alone = lint_peak_rss_kib(alone, out_alone);
  const long rss_big = lint_peak_rss_kib(big, out_big);
  ASSERT_GT(rss_alone, 0);
  ASSERT_GT(rss_big, 0);
  EXPECT_LT(rss_big - rss_alone, 16 * 1024) << "alone " << rss_alone << " KiB, with 40 MB more input " << rss_big;
  // The Services were read (counted), and the Cluster's findings are the same.
  EXPECT_NE(out_big.find("10002 object(s)"), std::string::npos) << out_big.substr(out_big.size() - 300);
  EXPECT_EQ(out_big.substr(0, out_big.find("\n1 Redis component")), out_alone.substr(0, out_alone.find("\n1 Redis component")));
}

}  // namespace
}  // namespace redisfit
