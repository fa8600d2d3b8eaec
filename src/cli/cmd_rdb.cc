// redisfit rdb FILE|DIR: how much memory loading a dump needs, before it happens.
#include <chrono>
#include <cstdio>
#include <unistd.h>

#include <fmt/format.h>

#include "app/rdb_analysis.h"
#include "app/rdb_data_dir.h"
#include "app/rdb_target.h"
#include "cli/command_registry.h"
#include "cli/conf_checks.h"
#include "cli/number_checks.h"
#include "cli/output_option.h"
#include "cli/progress_line.h"
#include "core/flag_units.h"
#include "core/quantity.h"
#include "render/formats.h"
#include "sources/redis_conf.h"

namespace redisfit::cli {
namespace {

struct RdbFlags {
  std::string path;
  std::string redis_version;
  std::string config_path;
  size_t top = 10;
  std::string prefix_sep = ":";
  size_t prefixes = 20;
  std::string maxmemory, limit, into_used;
  std::string output = "text";
  bool no_progress = false;
  bool keep_expired = false;
};

// Any size spelling (core/flag_units.h), read by `parse`.
Result<std::optional<uint64_t>> memory_flag(const std::string& text, const char* flag,
                                            Result<uint64_t> (*parse)(std::string_view, std::string_view) =
                                                parse_size_flag) {
  if (text.empty()) return std::optional<uint64_t>{};
  auto v = parse(flag, text);
  if (!v.ok()) return v.error();
  return std::optional<uint64_t>{v.value()};
}

// config.c reads `databases` as an integer from 1 to INT_MAX (string2ll:
// digits, no sign, no leading zero); redis-server refuses to start otherwise.
Result<uint64_t> databases_directive(const ConfDirective& d) {
  const std::string value = d.args.size() == 1 ? d.args[0] : "";
  const bool digits = !value.empty() && value.size() <= 10 && value[0] >= '1' && value[0] <= '9' &&
                      value.find_first_not_of("0123456789") == std::string::npos;
  if (digits && std::stoull(value) <= 2147483647ULL) return std::stoull(value);
  return Error{d.where(), "databases \"" + value + "\": redis-server takes an integer from 1 to 2147483647 "
                          "and refuses to start with another value"};
}

int fail(const Error& e) {
  std::fprintf(stderr, "redisfit rdb: %s\n", e.describe().c_str());
  return kExitUsage;
}

int run_rdb(const RdbFlags& f) {
  RdbAnalysisOptions options;
  if (!f.redis_version.empty()) {
    auto target = parse_load_target(f.redis_version);
    if (!target.ok()) return fail(target.error());
    options.target = target.value();
  }
  std::optional<uint64_t> conf_maxmemory;
  DataDirNames names;
  if (!f.config_path.empty()) {
    auto directives = read_redis_conf(f.config_path);
    if (!directives.ok()) return fail(directives.error());
    if (Status s = apply_conf_to_load_target(directives.value(), options.target); !s.ok()) return fail(s.error());
    // The file stands for the server that will load the dump: one that
    // redis-server refuses to start on loads nothing.
    RedisInstance server;
    if (Status s = apply_conf(directives.value(), server); !s.ok()) return fail(s.error());
    if (!accept_known_directives(server, "rdb")) return kExitUsage;
    for (const auto& d : directives.value()) {
      if (d.name == "maxmemory" && d.args.size() == 1)
        if (auto m = parse_redis_memory(d.args[0]); m.ok()) conf_maxmemory = m.value();
      // aof.c: with "no", a truncated AOF tail stops the start instead of being dropped.
      if (d.name == "aof-load-truncated" && d.args.size() == 1) options.aof_load_truncated = d.args[0] != "no";
      read_data_dir_directive(d, names);
      if (d.name == "databases") {
        auto databases = databases_directive(d);
        if (!databases.ok()) return fail(databases.error());
        options.databases = databases.value();
      }
    }
  }
  auto maxmemory = memory_flag(f.maxmemory, "--maxmemory");
  auto limit = memory_flag(f.limit, "--limit", parse_limit_flag);
  auto into_used = memory_flag(f.into_used, "--into-used");
  for (const auto* r : {&maxmemory, &limit, &into_used})
    if (!r->ok()) return fail(r->error());
  options.top_keys = f.top;
  options.prefix_separator = f.prefix_sep;
  options.max_prefix_groups = f.prefixes;
  if (!f.keep_expired)
    options.now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
  ProgressLine progress(!f.no_progress && isatty(fileno(stderr)) != 0);
  options.progress = [&progress](uint64_t offset, uint64_t total, uint64_t keys) {
    progress.update([&] {
      const double share = total ? 100.0 * static_cast<double>(offset) / static_cast<double>(total) : 0;
      return fmt::format("reading {} / {} ({:.0f}%), {} keys", format_bytes(offset), format_bytes(total), share, keys);
    });
  };

  auto input = resolve_data_dir(f.path, names);
  if (!input.ok()) return fail(input.error());
  auto report = analyze_rdb_path(input->path, options);
  progress.clear();  // before the report, which may go to the same terminal
  if (!report.ok()) return fail(report.error());
  RdbReport analysed = std::move(report).value();
  if (!input->note.empty()) analysed.notes.insert(analysed.notes.begin(), input->note);
  RdbFitInput fit_input;
  fit_input.limit_bytes = limit.value();
  fit_input.maxmemory_bytes = maxmemory.value() ? maxmemory.value() : conf_maxmemory;
  fit_input.into_used_bytes = into_used.value();
  RdbFit fit = fit_rdb_estimate(analysed, fit_input);
  print_report(*render::find_format(render::rdb_formats(), f.output), render::RdbView{analysed, fit});
  // A phase over the limit is a finding (exit 1), so `rdb` can gate an import;
  // so is a fit that unmodelled AOF writes leave unconfirmed, against a limit.
  return fit.any_over || (fit.unconfirmed() && fit_input.limit_bytes) ? kExitFindings : kExitClean;
}

RegisterCommand reg{{45, "rdb", [](CLI::App& app, RunState& state) {
  auto flags = std::make_shared<RdbFlags>();
  CLI::App* cmd = app.add_subcommand("rdb", "estimate the memory loading an RDB file or appendonlydir needs");
  cmd->add_option("path", flags->path, "dump.rdb, an AOF file, an appendonlydir, or the data directory holding them")->required();
  cmd->add_option("--redis-version", flags->redis_version, "target server: 6.2 .. 7.4, or valkey-7.2 / valkey-8.0 (default 7.0)");
  cmd->add_option("--config", flags->config_path, "the target's redis.conf (encoding thresholds, maxmemory, databases)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--top", flags->top, "largest keys to list (default 10)")->check(whole_number());
  cmd->add_option("--prefix-sep", flags->prefix_sep, "key prefix separator for groups (default ':'; '' = off)");
  cmd->add_option("--prefixes", flags->prefixes, "prefix groups to list (default 20)")->check(whole_number());
  cmd->add_option("--maxmemory", flags->maxmemory, "the target's maxmemory (Redis units: 4gb)");
  cmd->add_option("--limit", flags->limit, "the container memory limit (Kubernetes quantity: 8Gi)");
  cmd->add_option("--into-used", flags->into_used, "used_memory of the running server an import goes into");
  add_output_option(*cmd, flags->output, FormatNames().add(render::rdb_formats()));
  cmd->add_flag("--no-progress", flags->no_progress, "no progress line on stderr");
  cmd->add_flag("--keep-expired", flags->keep_expired, "cost keys already expired (as a replica keeps them)");
  cmd->footer("Exit: 0 every phase fits (or no --limit), 1 reload, import or the default replica sync over --limit, or a fit that AOF write commands the replay does not model leave unconfirmed, 2 a bad file or flag. Docs: docs/rdb.md");
  cmd->callback([flags, &state] { state.exit_code = run_rdb(*flags); });
}}};

}  // namespace
}  // namespace redisfit::cli
