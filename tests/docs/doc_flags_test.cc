// Every flag a command's help lists is on its page, docs/COMMAND.md (by its
// long name or its short one). A page whose usage line says "[workload flags]"
// refers to plan's for those: they count where docs/plan.md names them. A flag
// added to a command and never documented fails here, whichever command.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "support/process.h"

namespace redisfit {
namespace {

std::string read_page(const std::string& command) {
  std::ifstream in(std::string(REDISFIT_SOURCE_DIR) + "/docs/" + command + ".md");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Flag {
  std::string long_name;   // --limit
  std::string short_name;  // -o, or empty
};

// The options block of `redisfit help COMMAND`: lines "  -o,--output ..." or
// "  --limit ...".
std::vector<Flag> flags_of(const std::string& command) {
  const auto help = testing::run_redisfit({"help", command});
  EXPECT_EQ(help.exit_code, 0) << command << ": " << help.err;
  std::vector<Flag> flags;
  static const std::regex option(R"(^\s+(-[A-Za-z0-9],)?(--[a-z0-9-]+))");
  std::istringstream lines(help.out);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (!std::regex_search(line, m, option) || m[2] == "--help") continue;
    std::string short_name = m[1].str();
    if (!short_name.empty()) short_name.pop_back();  // the comma
    flags.push_back({m[2].str(), short_name});
  }
  return flags;
}

// `text` names `flag` as a whole flag: not --timeout inside --connect-timeout.
bool names(const std::string& text, const std::string& flag) {
  for (size_t at = text.find(flag); at != std::string::npos; at = text.find(flag, at + 1)) {
    const bool starts = at == 0 || !(std::isalnum(static_cast<unsigned char>(text[at - 1])) || text[at - 1] == '-');
    const size_t end = at + flag.size();
    const bool ends = end == text.size() || !(std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '-');
    if (starts && ends) return true;
  }
  return false;
}

std::vector<std::string> commands() {
  const auto help = testing::run_redisfit({"--help"});
  std::vector<std::string> names;
  std::istringstream lines(help.out);
  bool in_list = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("Subcommands:", 0) == 0) {
      in_list = true;
      continue;
    }
    if (in_list && line.empty()) break;
    std::smatch m;
    static const std::regex entry(R"(^\s+([a-z]+)\s)");
    if (in_list && std::regex_search(line, m, entry)) names.push_back(m[1]);
  }
  return names;
}

TEST(DocFlags, EveryHelpFlagIsOnItsCommandsPage) {
  const std::string plan_page = read_page("plan");
  ASSERT_FALSE(plan_page.empty());
  int pages = 0, checked = 0;
  for (const std::string& command : commands()) {
    if (command == "completion") continue;  // one positional, documented in README and install.md
    const std::string page = read_page(command);
    ASSERT_FALSE(page.empty()) << "docs/" << command << ".md is missing";
    const bool refers_to_plan = page.find("[workload flags]") != std::string::npos;
    ++pages;
    for (const Flag& f : flags_of(command)) {
      ++checked;
      const bool here = names(page, f.long_name) || (!f.short_name.empty() && names(page, f.short_name));
      const bool by_reference = refers_to_plan && names(plan_page, f.long_name);
      EXPECT_TRUE(here || by_reference) << "docs/" << command << ".md does not name " << f.long_name
                                        << (f.short_name.empty() ? "" : " or " + f.short_name);
    }
  }
  EXPECT_GE(pages, 10);
  EXPECT_GE(checked, 150);
}

}  // namespace
}  // namespace redisfit
