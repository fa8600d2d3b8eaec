#include "sources/charts/chart_argv.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/ascii.h"
#include "sources/redis_conf.h"

namespace redisfit::charts {

ArgvReading directives_from_argv(const std::vector<ArgvWord>& words) {
  ArgvReading out;
  for (size_t i = 0; i < words.size(); ++i) {
    const ArgvWord& w = words[i];
    if (w.text.find_first_of("$`\\") != std::string::npos) {
      out.unknowns.push_back(fmt::format("{}: `{}` is expanded by the start script's shell; its value is not known "
                                         "from the values",
                                         w.where.describe(), w.text));
      continue;
    }
    if (w.text.rfind("--", 0) != 0) {
      // An argument of the directive before it (server.c appends it quoted).
      if (out.directives.empty()) {
        out.unknowns.push_back(fmt::format("{}: `{}` does not start with -- and follows no flag of its own",
                                           w.where.describe(), w.text));
        continue;
      }
      out.directives.back().args.push_back(w.text);
      out.directives.back().end_word = i + 1;
      continue;
    }
    auto split = split_redis_args(std::string_view(w.text).substr(2));
    if (!split || split->empty()) {
      out.unknowns.push_back(fmt::format("{}: `{}`: {}", w.where.describe(), w.text,
                                         split ? std::string("no directive name") : split.error().message));
      continue;
    }
    ArgvDirective d;
    d.name = ascii_lower((*split)[0]);
    d.args.assign(split->begin() + 1, split->end());
    d.where = w.where;
    d.first_word = i;
    d.end_word = i + 1;
    out.directives.push_back(std::move(d));
  }
  // Redis rejects a directive with no value ("wrong number of arguments").
  std::vector<ArgvDirective> kept;
  for (auto& d : out.directives) {
    if (d.args.empty()) {
      out.unknowns.push_back(fmt::format("{}: --{} has no value (redis-server would refuse to start)", d.where.describe(), d.name));
    } else {
      kept.push_back(std::move(d));
    }
  }
  out.directives = std::move(kept);
  return out;
}

}  // namespace redisfit::charts
