#include "live/server_snapshot.h"

#include <fmt/format.h>

namespace redisfit::live {
namespace {

// CONFIG GET returns a flat array name, value, name, value... (RESP2).
void collect_pairs(const platform::RespValue& reply, std::map<std::string, std::string>& out) {
  if (reply.type != platform::RespValue::Type::kArray) return;
  for (size_t i = 0; i + 1 < reply.elements.size(); i += 2)
    out[reply.elements[i].str] = reply.elements[i + 1].str;
}

}  // namespace

const std::vector<std::string>& memory_config_parameters() {
  static const std::vector<std::string> params = {
      "maxmemory",          "maxmemory-policy",      "maxmemory-clients",
      "client-output-buffer-limit", "repl-backlog-size", "maxclients",
      "appendonly",         "save",                  "aof-use-rdb-preamble",
      "repl-diskless-load", "client-query-buffer-limit", "proto-max-bulk-len",
      "replica-ignore-maxmemory", "rdbcompression",
      // The automatic AOF rewrite (serverCron): whether and when Redis forks
      // by itself. Left out, the defaults said "forks by itself" of a server
      // with auto-aof-rewrite-percentage 0.
      "auto-aof-rewrite-percentage", "auto-aof-rewrite-min-size"};
  return params;
}

std::optional<std::string> primary_of_replica_ignoring_maxmemory(const ServerSnapshot& s) {
  if (s.info.text("role").value_or("") != "slave") return std::nullopt;
  auto ignore = s.config.find("replica-ignore-maxmemory");
  if (ignore != s.config.end() && ignore->second != "yes") return std::nullopt;
  return fmt::format("{}:{}", s.info.text("master_host").value_or("?"), s.info.text("master_port").value_or("?"));
}

Result<platform::InfoFields> read_info(platform::RedisConnection& conn, const std::string& section) {
  auto reply = section.empty() ? conn.command({"INFO"}) : conn.command({"INFO", section});
  if (!reply) return reply.error();
  if (reply->is_error()) return Error{conn.where(), "INFO failed: " + reply->str};
  if (reply->type != platform::RespValue::Type::kString) return Error{conn.where(), "INFO returned no text"};
  platform::InfoFields info = platform::parse_info(reply->str);
  // Every judgement starts from these two: without them a verdict would be
  // made of zeros and read "safe".
  if (section.empty() || section == "memory" || section == "all" || section == "everything") {
    for (const char* field : {"used_memory", "used_memory_rss"}) {
      if (info.u64(field)) continue;
      const auto text = info.text(field);
      return Error{conn.where(), fmt::format("INFO has no usable {} ({}): not a Redis server, or a proxy that "
                                             "rewrites INFO",
                                             field, text ? "'" + *text + "'" : "missing")};
    }
  }
  return info;
}

std::map<std::string, std::string> read_memory_config(platform::RedisConnection& conn,
                                                      std::vector<std::string>& unreadable) {
  std::map<std::string, std::string> config;
  const auto& params = memory_config_parameters();
  std::vector<std::string> argv = {"CONFIG", "GET"};
  argv.insert(argv.end(), params.begin(), params.end());
  auto reply = conn.command(argv);
  if (!reply) {
    unreadable.push_back("CONFIG GET: " + reply.error().message);
    return config;
  }
  if (!reply->is_error()) {
    collect_pairs(*reply, config);
  } else if (reply->str.find("wrong number of arguments") != std::string::npos) {
    // Redis < 7.0 takes one pattern per CONFIG GET.
    for (const auto& p : params) {
      auto one = conn.command({"CONFIG", "GET", p});
      if (!one) {
        unreadable.push_back("CONFIG GET " + p + ": " + one.error().message);
        return config;
      }
      if (one->is_error()) {
        unreadable.push_back("CONFIG GET " + p + ": " + one->str);
        return config;
      }
      collect_pairs(*one, config);
    }
  } else {
    // Renamed/disabled CONFIG ("ERR unknown command"), ACL NOPERM, LOADING.
    unreadable.push_back("CONFIG GET: " + reply->str);
    return config;
  }
  for (const auto& p : params) {
    if (!config.count(p)) unreadable.push_back("CONFIG GET " + p + ": not known to this server version");
  }
  return config;
}

Result<ServerSnapshot> read_snapshot(platform::RedisConnection& conn) {
  ServerSnapshot snap;
  snap.where = conn.where();
  auto info = read_info(conn);
  if (!info) return info.error();
  snap.info = std::move(info).value();
  snap.loading = snap.info.text("loading").value_or("0") == "1";
  snap.config = read_memory_config(conn, snap.unreadable);
  auto stats = conn.command({"MEMORY", "STATS"});
  if (!stats) {
    snap.unreadable.push_back("MEMORY STATS: " + stats.error().message);
  } else if (stats->is_error()) {
    snap.unreadable.push_back("MEMORY STATS: " + stats->str);
  } else {
    snap.memory_stats = platform::parse_memory_stats(*stats);
  }
  return snap;
}

}  // namespace redisfit::live
