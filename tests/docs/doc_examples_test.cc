// Runs the command examples written in README.md and docs/**/*.md against the
// built binary and checks what the pages show (convention: docs/testing.md,
// "Doc examples"). A page that shows output the binary no longer prints, or an
// exit code it no longer returns, fails here.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <regex>
#include <sstream>

#include <unistd.h>

#include "support/rdb_scenarios.h"
#include "support/redis_server.h"

namespace redisfit {
namespace {

namespace fs = std::filesystem;

// One `$ redisfit ...` line (with the output shown under it) or one bare
// `redisfit ...` / `build/redisfit ...` line (no output shown).
struct Example {
  std::string page;
  int line = 0;
  std::string command;              // without "$ " and without a trailing "# comment"
  std::string comment;              // the trailing comment, if any
  std::vector<std::string> shown;   // output lines under a `$` command
  bool has_prompt = false;
};

std::string rtrim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
  return s;
}
std::string ltrim(const std::string& s) {
  size_t i = s.find_first_not_of(" \t");
  return i == std::string::npos ? "" : s.substr(i);
}
bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }
bool ends_with(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}
bool is_redisfit_command(const std::string& s) {
  return starts_with(s, "redisfit ") || starts_with(s, "build/redisfit ") || s == "redisfit";
}

// Splits "cmd  # comment" (a '#' after whitespace, outside quotes).
void split_comment(const std::string& text, std::string& command, std::string& comment) {
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote) { if (c == quote) quote = 0; continue; }
    if (c == '\'' || c == '"') { quote = c; continue; }
    if (c == '#' && i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t')) {
      command = rtrim(text.substr(0, i));
      comment = ltrim(text.substr(i + 1));
      return;
    }
  }
  command = rtrim(text);
  comment.clear();
}

std::vector<Example> parse_page(const std::string& page) {
  std::ifstream in(testing::source_path(page));
  std::vector<Example> out;
  std::string line;
  bool in_block = false;
  Example* open = nullptr;  // the `$` example whose output we are reading (always out.back())
  for (int n = 1; std::getline(in, line); ++n) {
    std::string t = ltrim(rtrim(line));
    if (starts_with(t, "```")) {
      in_block = !in_block;
      open = nullptr;
      continue;
    }
    if (!in_block) continue;
    if (starts_with(t, "$ ")) {
      Example e;
      e.page = page;
      e.line = n;
      split_comment(t.substr(2), e.command, e.comment);
      e.has_prompt = true;
      out.push_back(e);
      open = &out.back();
    } else if (open) {
      open->shown.push_back(rtrim(line));
    } else if (is_redisfit_command(t) || (t.find("redisfit") != std::string::npos &&
                                           (starts_with(t, "kubectl ") || starts_with(t, "kbcli ") ||
                                            starts_with(t, "helm ")))) {
      Example e;
      e.page = page;
      e.line = n;
      split_comment(t, e.command, e.comment);
      out.push_back(e);
    }
  }
  for (auto& e : out)  // trailing blank output lines say nothing
    while (!e.shown.empty() && e.shown.back().empty()) e.shown.pop_back();
  return out;
}

// Shell-like words: whitespace-separated, '...' and "..." quoting.
std::vector<std::string> shell_words(const std::string& s) {
  std::vector<std::string> words;
  std::string cur;
  bool any = false;
  char quote = 0;
  for (char c : s) {
    if (quote) {
      if (c == quote) quote = 0; else cur += c;
    } else if (c == '\'' || c == '"') {
      quote = c; any = true;
    } else if (c == ' ' || c == '\t') {
      if (any || !cur.empty()) words.push_back(cur);
      cur.clear(); any = false;
    } else {
      cur += c;
    }
  }
  if (any || !cur.empty()) words.push_back(cur);
  return words;
}

// Why an example cannot run on a CI machine without Kubernetes, or "" when it can.
std::string skip_reason(const Example& e, const std::vector<std::string>& words) {
  if (!is_redisfit_command(e.command)) return "needs a cluster (kubectl, kbcli, helm)";
  if (e.command.find_first_of("[<|\\") != std::string::npos || e.command.find("...") != std::string::npos)
    return "synopsis or pipeline";
  static const std::map<std::string, std::string> needs = {
      {"stress", "needs a memory cgroup"}, {"guard", "runs until stopped"},
      {"exporter", "runs until stopped"},  {"recommend", "needs Prometheus"}};
  if (words.size() > 1 && needs.count(words[1])) return needs.at(words[1]);
  // An absolute path names the reader's file (/etc/redis/redis.conf), not one
  // of the repository's: what it holds differs from machine to machine.
  for (const auto& w : words)
    if (starts_with(w, "/")) return "a path outside the repository";
  return "";
}

bool is_elision(const std::string& shown_line) {
  std::string t = ltrim(shown_line);
  return t == "..." || t == "…";
}
// "text ..." / "text …": the real line starts with "text".
std::optional<std::string> elided_prefix(const std::string& shown_line) {
  for (const std::string mark : {"...", "…"})
    if (ends_with(shown_line, mark) && !is_elision(shown_line))
      return rtrim(shown_line.substr(0, shown_line.size() - mark.size()));
  return std::nullopt;
}

// Deterministic commands: the shown lines, split into segments at elision
// lines, must appear in order, each segment contiguous; the first segment
// starts the output unless the page elides the top, the last ends it unless
// the page elides the tail. With no elision the output must equal the page.
// Returns "" on a match, else what did not match.
std::string compare_exact(const std::vector<std::string>& shown, const std::vector<std::string>& real) {
  auto line_matches = [](const std::string& s, const std::string& r) {
    if (auto prefix = elided_prefix(s)) return starts_with(r, *prefix);
    return s == r;
  };
  std::vector<std::vector<std::string>> segments(1);
  for (const auto& s : shown) {
    if (is_elision(s)) segments.emplace_back(); else segments.back().push_back(s);
  }
  size_t pos = 0;
  for (size_t k = 0; k < segments.size(); ++k) {
    const auto& seg = segments[k];
    if (seg.empty()) continue;
    bool anchored_start = k == 0;
    bool anchored_end = k + 1 == segments.size();
    bool found = false;
    for (size_t at = pos; at + seg.size() <= real.size() && !found; ++at) {
      if (anchored_start && at != 0) break;
      if (anchored_end && at + seg.size() != real.size()) continue;
      bool all = true;
      for (size_t i = 0; i < seg.size() && all; ++i) all = line_matches(seg[i], real[at + i]);
      if (all) { found = true; pos = at + seg.size(); }
    }
    if (!found) return "shown lines not in the output (from here): \"" + seg.front() + "\"";
  }
  return "";
}

// Live commands (probe against a fresh server): sizes, timings and counts
// differ from the page's server, so each shown line is reduced to its shape
// (indentation and first word, numbers as '#') and the shapes must appear in
// the output in the same order.
std::string shape(const std::string& line) {
  static const std::regex number("[0-9]+([.][0-9]+)?");
  std::string t = std::regex_replace(line, number, "#");
  size_t indent = t.find_first_not_of(' ');
  if (indent == std::string::npos) return "";
  size_t end = t.find_first_of(" (", indent);
  return t.substr(0, end == std::string::npos ? t.size() : end);
}
std::string compare_shapes(const std::vector<std::string>& shown, const std::vector<std::string>& real) {
  size_t pos = 0;
  for (const auto& s : shown) {
    if (is_elision(s) || s.empty()) continue;
    std::string want = shape(s);
    auto it = std::find_if(real.begin() + pos, real.end(), [&](const std::string& r) { return shape(r) == want; });
    if (it == real.end()) return "no output line shaped like \"" + s + "\" (shape \"" + want + "\")";
    pos = static_cast<size_t>(it - real.begin()) + 1;
  }
  return "";
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(rtrim(l));
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

// The exit code the page implies: "# exit N" in the command's comment, else 2
// when the shown output is an error ("redisfit CMD: ..."), 1 when it shows
// error findings or an unsafe verdict ("verdict unsafe", explain's "unsafe in
// phase ..."), else 0.
int expected_exit(const Example& e) {
  std::smatch m;
  static const std::regex exit_note("exit ([0-9])");
  if (std::regex_search(e.comment, m, exit_note)) return std::stoi(m[1]);
  if (!e.shown.empty() && starts_with(e.shown.front(), "redisfit ")) return 2;
  for (const auto& s : e.shown)
    if (s.find(" error [") != std::string::npos || s.find(" error   [") != std::string::npos ||
        ltrim(s) == "verdict      unsafe" || starts_with(s, "unsafe in phase"))
      return 1;
  return 0;
}

std::vector<std::string> doc_pages() {
  std::vector<std::string> pages = {"README.md"};
  std::vector<std::string> docs;
  for (const auto& entry : fs::recursive_directory_iterator(testing::source_path("docs")))
    if (entry.path().extension() == ".md")
      docs.push_back(fs::relative(entry.path(), testing::source_path("")).string());
  std::sort(docs.begin(), docs.end());
  pages.insert(pages.end(), docs.begin(), docs.end());
  return pages;
}

// A server for `redisfit probe` examples, set up as docs/probe.md's example
// describes (maxmemory 48mb, ~25 MB of 1,000-byte values, one BGSAVE done).
class ProbeTarget {
 public:
  testing::RedisServer& server() {
    if (!server_) {
      server_ = std::make_unique<testing::RedisServer>("", std::vector<std::string>{"--maxmemory", "48mb", "--save", "3600 1"});
      if (server_->ok()) fill();
    }
    return *server_;
  }

 private:
  void fill() {
    redisContext* c = server_->connect();
    if (!c) return;
    const std::string value(1000, 'v');
    for (int i = 0; i < 25000; ++i)
      redisAppendCommand(c, "SET key:%d %b", i, value.data(), value.size());
    testing::drain_replies(c, 25000);
    redisFree(c);
    server_->command({"BGSAVE"});
    for (int i = 0; i < 100; ++i) {  // BGSAVE of 25 MB: well under 10 s
      auto r = server_->command({"INFO", "persistence"});
      if (r && std::string(r->str, r->len).find("rdb_bgsave_in_progress:0") != std::string::npos &&
          std::string(r->str, r->len).find("rdb_last_bgsave_status:ok") != std::string::npos)
        break;
      usleep(100000);
    }
  }
  std::unique_ptr<testing::RedisServer> server_;
};

// Runs one example; returns "" when the page is right about it.
std::string check(const Example& e, std::vector<std::string> words, ProbeTarget& probe_target) {
  words.erase(words.begin());  // "redisfit" / "build/redisfit": the built binary
  std::vector<std::string> shown = e.shown;
  bool live = !words.empty() && words[0] == "probe";
  // Output redirections ("> redisfit.sarif"): the output is discarded.
  for (size_t i = 0; i < words.size(); ++i)
    if (words[i] == ">") words.erase(words.begin() + i, words.end());
  if (live) {
    auto& server = probe_target.server();
    if (!server.ok()) return "cannot start redis-server: " + server.error();
    static const std::regex url("redis://127[.]0[.]0[.]1:([0-9]+)");
    std::string host = "127.0.0.1:" + std::to_string(server.port());
    std::smatch m;
    std::string doc_host;
    for (auto& w : words)
      if (std::regex_search(w, m, url)) { doc_host = "127.0.0.1:" + m[1].str(); w = server.url(); }
    if (!doc_host.empty())
      for (auto& s : shown)
        for (size_t at; (at = s.find(doc_host)) != std::string::npos;) s.replace(at, doc_host.size(), host);
  }
  auto result = testing::run_redisfit(words);
  std::string where = e.page + ":" + std::to_string(e.line) + ": `" + e.command + "`: ";
  if (result.exit_code < 0) return where + "killed by a signal\n" + result.err;
  int want = expected_exit(e);
  if (result.exit_code != want)
    return where + "exit " + std::to_string(result.exit_code) + ", the page implies " + std::to_string(want) +
           "\nstderr: " + result.err;
  if (shown.empty()) return "";
  auto real = lines_of(result.out);
  for (auto& l : lines_of(result.err)) real.push_back(l);
  std::string diff = live ? compare_shapes(shown, real) : compare_exact(shown, real);
  if (!diff.empty()) return where + diff + "\nreal output:\n" + result.out + result.err;
  return "";
}

TEST(DocExamples, EveryRunnableExampleDoesWhatItsPageShows) {
  // The pages' paths (tests/lint/fixtures/..., deploy/) are relative to the
  // repository root, where a reader runs them; ctest starts us in build/.
  const fs::path started_in = fs::current_path();
  fs::current_path(testing::source_path(""));
  ProbeTarget probe_target;
  int total_run = 0;
  for (const auto& page : doc_pages()) {
    int run = 0;
    std::map<std::string, int> skipped;
    for (const auto& e : parse_page(page)) {
      auto words = shell_words(e.command);
      std::string reason = skip_reason(e, words);
      if (!reason.empty()) { ++skipped[reason]; continue; }
      ++run;
      std::string failure = check(e, words, probe_target);
      EXPECT_EQ(failure, "");
    }
    total_run += run;
    if (run == 0 && skipped.empty()) continue;
    std::cout << page << ": " << run << " run";
    for (const auto& [reason, count] : skipped) std::cout << ", " << count << " skipped (" << reason << ")";
    std::cout << "\n";
  }
  // Guards against a parser that silently finds nothing.
  EXPECT_GE(total_run, 10);
  fs::current_path(started_in);
}

// The comparison can fail: a shown line with one figure changed, a line the
// output does not have, or an abridged example without "..." are all caught.
TEST(DocExamples, ComparisonRejectsWrongOutput) {
  const std::vector<std::string> real = {"recommended (model):", "  maxmemory 216006656   (206 MiB)",
                                         "  request   512Mi", "  limit     512Mi", "", "steady  1 GiB"};
  EXPECT_EQ(compare_exact(real, real), "");
  EXPECT_EQ(compare_exact({"recommended (model):", "  maxmemory 216006656   (206 MiB)", "..."}, real), "");
  EXPECT_EQ(compare_exact({"...", "  limit     512Mi", "...", "steady  1 GiB"}, real), "");
  EXPECT_EQ(compare_exact({"recommended ...", "..."}, real), "");
  EXPECT_NE(compare_exact({"recommended (model):", "  maxmemory 216006657   (206 MiB)", "..."}, real), "");
  EXPECT_NE(compare_exact({"recommended (model):", "  maxmemory 216006656   (206 MiB)"}, real), "");
  EXPECT_NE(compare_exact({"...", "  limit     512Mi", "  request   512Mi", "..."}, real), "");
  EXPECT_EQ(compare_shapes({"  limit        48.0 MiB (flag --limit)"}, {"x", "  limit        1.5 GiB (flag --limit)"}), "");
  EXPECT_NE(compare_shapes({"  verdict      unsafe", "  limit  1"}, {"  limit  2", "  verdict      safe"}), "");
}

}  // namespace
}  // namespace redisfit
