// redisfit: keeps Redis on Kubernetes from being OOM-killed.
// The front end only wires subcommands (one file each, see command_registry.h)
// and turns usage errors into exit code 2. All logic lives in the library.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>

#include "cli/command_registry.h"
#include "cli/front_door.h"
#include "cli/number_checks.h"

namespace redisfit::cli {
std::vector<CommandSpec>& command_registry() {
  static std::vector<CommandSpec> registry;
  return registry;
}
}  // namespace redisfit::cli

namespace {

// A value given as "" (`--limit ''`, `--redis ''`) would read as the flag left
// out: a limit detected instead, the default server probed. Every option
// that takes a value refuses it, except where "" says something: `--save ""`
// turns RDB snapshots off, as in redis.conf, `rdb --prefix-sep ''` turns the
// prefix groups off, and guard's wrapped command passes its arguments on as
// they are (`-- redis-server --save ""`).
void refuse_empty_values(CLI::App& app) {
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    for (CLI::Option* option : sub->get_options()) {
      if (option->get_items_expected_max() == 0 || option->check_lname("save")) continue;
      if (sub->get_name() == "rdb" && option->check_lname("prefix-sep")) continue;
      if (sub->get_name() == "guard" && option->check_name("command")) continue;
      option->check(redisfit::cli::non_empty());
      // Names that go into printed kbcli / kubectl / YAML lines.
      for (const char* name : {"cluster", "component", "namespace", "statefulset", "deployment", "pod", "container",
                               "config-spec"}) {
        if (option->check_lname(name)) option->check(redisfit::cli::kubernetes_name());
      }
    }
    refuse_empty_values(*sub);
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace redisfit::cli;
  // Installed as kubectl-redisfit / kbcli-redisfit too: the name comes from argv[0].
  std::string program = argc > 0 ? argv[0] : "redisfit";
  if (auto slash = program.rfind('/'); slash != std::string::npos) program.erase(0, slash + 1);
  if (program.rfind("kubectl-", 0) == 0) program = "kubectl redisfit";
  if (program.rfind("kbcli-", 0) == 0) program = "kbcli redisfit";

  CLI::App app{"redisfit: does this Redis fit in its container, in every phase of its life?",
               program};
  app.require_subcommand(1);
  app.set_version_flag("--version", version_text());
  app.footer("Also: 'help COMMAND' (that command's flags), 'version'.\n"
             "Exit codes: 0 clean, 1 findings, 2 usage or input error; each command's help says what its own mean.\n"
             "Docs: docs/<command>.md, the memory model: docs/memory-model.md");

  RunState state;
  auto& registry = command_registry();
  std::sort(registry.begin(), registry.end(),
            [](const CommandSpec& a, const CommandSpec& b) { return a.order < b.order; });
  for (auto& spec : registry) spec.install(app, state);
  refuse_empty_values(app);
  if (auto handled = handle_front_door(app, argc, argv)) return *handled;

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // One error style for every command: "redisfit CMD: what", on stderr
    // (CLI11's own exit() prints its bare message and a generic hint).
    std::string command = app.get_name();
    for (const CLI::App* sub : app.get_subcommands()) command += " " + sub->get_name();
    // An unknown flag leaves its value to the command's positional, whose
    // check can fail first (`explain --save ""`: "config: an empty value"):
    // the unknown flag is the mistake to name.
    std::string message = e.what();
    if (dynamic_cast<const CLI::ExtrasError*>(&e) == nullptr) {
      for (const CLI::App* sub : app.get_subcommands()) {
        for (const std::string& extra : sub->remaining()) {
          if (extra.size() < 2 || extra[0] != '-') continue;
          message = "unknown flag " + extra + " (then: " + message + ")";
          break;
        }
      }
    }
    std::fprintf(stderr, "%s: %s\nRun '%s --help' for the flags.\n", command.c_str(), message.c_str(), command.c_str());
    return kExitUsage;
  } catch (const std::exception& e) {
    // A bug, not bad input; still exit 2 with a message rather than abort.
    std::fprintf(stderr, "redisfit: internal error: %s\n", e.what());
    return kExitUsage;
  }
  // A report that did not reach stdout (a full disk, /dev/full) must not
  // pass as success: a cron job would read exit 0 and find no report. A
  // reader that stopped early (`| head`: EPIPE where a command ignores
  // SIGPIPE) needs no message, as a SIGPIPE death prints none.
  errno = 0;
  std::cout.flush();
  if (!std::cout || std::fflush(stdout) != 0 || std::ferror(stdout)) {
    if (errno == EPIPE) return kExitUsage;
    std::fprintf(stderr, "redisfit: cannot write the output to standard output%s%s\n", errno != 0 ? ": " : "",
                 errno != 0 ? std::strerror(errno) : "");
    return kExitUsage;
  }
  return state.exit_code;
}
