// `redisfit completion bash|zsh|fish`: print the shell completion script
// (src/cli/completion.h), the way kubectl and helm do, for
// `source <(redisfit completion bash)`. Packages install the same scripts.
#include <cstdio>
#include <memory>

#include "cli/command_registry.h"
#include "cli/completion.h"

namespace redisfit::cli {
namespace {

RegisterCommand reg{{90, "completion", [](CLI::App& app, RunState& state) {
  auto shell = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("completion", "print the shell completion script (bash, zsh or fish)");
  cmd->add_option("shell", *shell, "bash | zsh | fish")->required()->check(CLI::IsMember(completion_shells()));
  cmd->footer("Exit: 0 script printed, 2 unknown shell.");
  cmd->callback([shell, &app, &state] {
    std::fputs(completion_script(app, *shell).c_str(), stdout);
    state.exit_code = kExitClean;
  });
}}};

}  // namespace
}  // namespace redisfit::cli
