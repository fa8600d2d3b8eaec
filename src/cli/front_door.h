// What the command line does before CLI11 parses it: the words a person
// tries first. Bare `redisfit` and `redisfit help` print the usage,
// `redisfit help COMMAND` that command's help, `redisfit version` the version
// with the `git describe` of the build; all exit 0. An unknown command exits
// 2 with "did you mean" suggestions instead of CLI11's "A subcommand is
// required".
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace redisfit::cli {

// "redisfit 0.1.0 (v0.1.0-42-gabc1234)"; a build made outside a git checkout
// says so in the parenthesis (cmake/git_version.cmake).
std::string version_text();

// Commands close to `typed`: same prefix, or at most 2 edits away, nearest first.
std::vector<std::string> suggest_commands(const std::string& typed, const std::vector<std::string>& commands);

// Handles the cases above; nullopt when CLI11 should parse argv as usual.
std::optional<int> handle_front_door(CLI::App& app, int argc, char** argv);

}  // namespace redisfit::cli
