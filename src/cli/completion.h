// Shell completion scripts generated from the command table itself (every
// subcommand CLI11 knows and every flag it declares), so a new command or flag
// completes without anyone editing a list. `redisfit completion bash|zsh|fish`
// prints them; the build installs them (cmake/distribution.cmake).
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace redisfit::cli {

// The shells a script can be generated for.
const std::vector<std::string>& completion_shells();

// The script for `shell` (one of completion_shells()), completing the
// commands of `app` (and help/version), each command's flags, and file names
// for positionals. It completes the plugin names kubectl-redisfit and
// kbcli-redisfit too.
std::string completion_script(const CLI::App& app, const std::string& shell);

}  // namespace redisfit::cli
