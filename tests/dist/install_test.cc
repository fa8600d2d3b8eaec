// Distribution (issue 15, docs/install.md): the static binary runs in a chroot
// holding nothing but itself, against a real redis-server; `cmake --install`
// puts the binary, its plugin names, one man page per command and working
// completions where packages expect them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "dist/dist_helpers.h"
#include "support/redis_server.h"

namespace redisfit {
namespace {

namespace fs = std::filesystem;
using testing::run_process;
using testing::TempDir;
using testing::dist_helpers::expect_probe_from_chroot;
using testing::dist_helpers::has;

std::string upper(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

testing::ProcessResult sh(const std::string& script) { return run_process({"/bin/sh", "-c", script}); }

// The commands `redisfit help` lists (CLI11's "Subcommands:" block).
std::vector<std::string> listed_commands() {
  auto help = testing::run_redisfit({"help"});
  std::vector<std::string> names;
  std::istringstream in(help.out.substr(help.out.find("Subcommands:")));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line) && line.rfind("  ", 0) == 0) names.push_back(line.substr(2, line.find(' ', 2) - 2));
  return names;
}

TEST(StaticBinary, RunsInAChrootWithNothingButItself) {
  if (geteuid() != 0) GTEST_SKIP() << "chroot needs root";
  ASSERT_TRUE(fs::exists(REDISFIT_STATIC_BINARY)) << "run scripts/setup.sh (scripts/static-deps.sh), then rebuild";
  // An ELF without a program interpreter: no ld.so, no shared library.
  auto ldd = run_process({"/usr/bin/ldd", REDISFIT_STATIC_BINARY});
  EXPECT_TRUE(has(ldd.out + ldd.err, "not a dynamic executable")) << ldd.out << ldd.err;

  TempDir root;
  fs::copy_file(REDISFIT_STATIC_BINARY, root.path() + "/redisfit");
  auto version = run_process({"/usr/sbin/chroot", root.path(), "/redisfit", "version"});
  ASSERT_EQ(version.exit_code, 0) << version.err;
  EXPECT_EQ(version.out, testing::run_redisfit({"version"}).out);
  expect_probe_from_chroot(root.path(), "/redisfit");
}

TEST(CmakeInstall, PutsBinaryPluginNamesManPagesAndCompletionsInPlace) {
  TempDir prefix;
  auto install = run_process({"/usr/bin/cmake", "--install", REDISFIT_BUILD_DIR, "--prefix", prefix.path()});
  ASSERT_EQ(install.exit_code, 0) << install.out << install.err;
  const std::string bin = prefix.path() + "/bin/";
  auto version = run_process({bin + "redisfit", "version"});
  EXPECT_EQ(version.exit_code, 0) << version.err;
  EXPECT_EQ(version.out, testing::run_redisfit({"version"}).out);
  // kubectl and kbcli find plugins by these names on PATH; the usage then
  // names the command the way the user typed it.
  for (const std::string plugin : {"kubectl", "kbcli"}) {
    const std::string path = bin + plugin + "-redisfit";
    ASSERT_TRUE(fs::is_symlink(path)) << path;
    EXPECT_EQ(fs::read_symlink(path), "redisfit");
    auto help = run_process({path, "help"});
    EXPECT_EQ(help.exit_code, 0) << help.err;
    EXPECT_TRUE(has(help.out, "Usage: " + plugin + " redisfit")) << help.out;
  }

  const auto commands = listed_commands();
  ASSERT_GE(commands.size(), 10u);
  const std::string man1 = prefix.path() + "/share/man/man1/";
  ASSERT_TRUE(fs::exists(man1 + "redisfit.1"));
  for (const auto& c : commands) {
    const std::string page = man1 + "redisfit-" + c + ".1";
    const std::string text = testing::read_file(page);
    EXPECT_TRUE(has(text, ".TH REDISFIT-" + upper(c))) << page;
    // The page carries that command's own flags (from its --help).
    EXPECT_TRUE(has(text, "\\-\\-help")) << page;
  }
  // The man page renders (man-db's man reads a file with -l).
  auto rendered = sh("MANWIDTH=80 man -l '" + man1 + "redisfit-probe.1' 2>&1");
  if (rendered.exit_code == 0) {
    EXPECT_TRUE(has(rendered.out, "--limit")) << rendered.out;
  }

  // bash: the installed script completes commands and a command's flags.
  const std::string bash_file = prefix.path() + "/share/bash-completion/completions/redisfit";
  auto complete = [&](const std::string& words) {
    return sh("bash -c 'source \"" + bash_file + "\"; COMP_WORDS=(" + words +
              "); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _redisfit; echo \"${COMPREPLY[*]}\"'");
  };
  EXPECT_EQ(complete("redisfit li").out, "lint\n");
  EXPECT_EQ(complete("redisfit probe --wat").out, "--watch\n");
  EXPECT_EQ(complete("kubectl-redisfit help exp").out, "explain exporter\n");
  EXPECT_TRUE(fs::is_symlink(prefix.path() + "/share/bash-completion/completions/kubectl-redisfit"));
  EXPECT_TRUE(fs::exists(prefix.path() + "/share/zsh/vendor-completions/_redisfit"));
  EXPECT_TRUE(fs::exists(prefix.path() + "/share/fish/vendor_completions.d/redisfit.fish"));
}

TEST(Completion, EveryCommandAndFlagFromTheCommandTable) {
  const auto commands = listed_commands();
  for (const std::string shell : {"bash", "zsh", "fish"}) {
    auto script = testing::run_redisfit({"completion", shell});
    ASSERT_EQ(script.exit_code, 0) << script.err;
    for (const auto& c : commands) EXPECT_TRUE(has(script.out, c)) << shell << " lacks " << c;
    // A flag only one command has: the generator walks each command's flags.
    EXPECT_TRUE(has(script.out, "max-commands-per-sec")) << shell;
  }
  auto bash = testing::run_redisfit({"completion", "bash"});
  TempDir dir;
  auto syntax = run_process({"/bin/bash", "-n", dir.write_file("c.bash", bash.out)});
  EXPECT_EQ(syntax.exit_code, 0) << syntax.err;
  auto bad = testing::run_redisfit({"completion", "tcsh"});
  EXPECT_EQ(bad.exit_code, 2);
}

}  // namespace
}  // namespace redisfit
