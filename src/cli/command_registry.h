// Each command lives in its own cmd_<name>.cc and registers itself here, so a
// new command is one new file. Exit codes (kube-linter / datree habits):
// 0 clean, 1 findings at or above --fail-on, 2 usage or input error.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace redisfit::cli {

inline constexpr int kExitClean = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitUsage = 2;

// Shared by all commands: the exit code the chosen command sets.
struct RunState {
  int exit_code = kExitClean;
};

struct CommandSpec {
  int order;         // position in --help
  std::string name;  // for diagnostics
  // Adds the subcommand to `app`; its callback stores the exit code in `state`.
  std::function<void(CLI::App& app, RunState& state)> install;
};

std::vector<CommandSpec>& command_registry();

struct RegisterCommand {
  explicit RegisterCommand(CommandSpec spec) { command_registry().push_back(std::move(spec)); }
};

}  // namespace redisfit::cli
