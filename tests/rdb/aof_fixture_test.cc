// Not a test: the helpers of aof_fixture.h (a *_test.cc name so that the
// tests/rdb target builds it).
#include "rdb/aof_fixture.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

namespace redisfit::testing {

uint64_t info_number(RedisServer& server, const std::string& field) {
  auto r = server.command({"INFO", "everything"});
  if (!r || r->type != REDIS_REPLY_STRING) return 0;
  std::string info(r->str, r->len);
  auto at = info.find("\n" + field + ":");
  return at == std::string::npos ? 0 : std::stoull(info.substr(at + field.size() + 2));
}

void rewrite_aof(RedisServer& server) {
  server.command({"BGREWRITEAOF"});
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  while (std::chrono::steady_clock::now() < deadline) {
    if (info_number(server, "aof_rewrite_in_progress") == 0 && info_number(server, "aof_rewrite_scheduled") == 0)
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "BGREWRITEAOF did not finish within 10 s";
}

std::string single_file_aof(const std::string& appendonlydir) {
  std::string manifest_path;
  for (const char* name : {"/appendonly.aof.manifest"}) manifest_path = appendonlydir + name;
  std::ifstream manifest(manifest_path);
  std::string line, base, incr;
  while (std::getline(manifest, line)) {
    std::istringstream words(line);
    std::string key, value, file, type;
    while (words >> key >> value) {
      if (key == "file") file = value;
      if (key == "type") type = value;
    }
    if (type == "b") base = read_file(appendonlydir + "/" + file);
    if (type == "i") incr += read_file(appendonlydir + "/" + file);
  }
  return base + incr;
}

std::string resp_command(const std::vector<std::string>& argv) {
  std::string out = "*" + std::to_string(argv.size()) + "\r\n";
  for (const auto& a : argv) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

std::string aof_of(const std::vector<std::vector<std::string>>& commands) {
  std::string out;
  for (const auto& argv : commands) out += resp_command(argv);
  return out;
}

std::string seed_as_appendonly_aof(TempDir& dir, const std::string& contents) {
  return dir.write_file("appendonly.aof", contents);
}

EstimatedAndLoaded estimate_and_load(const std::string& file) {
  EstimatedAndLoaded out;
  auto r = run_redisfit({"rdb", file, "--redis-version", "7.0", "-o", "json", "--no-progress"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  if (r.exit_code != 0) return out;
  out.estimate = nlohmann::json::parse(r.out)["estimate"];
  RedisServer loaded("", {"--appendonly", "yes"}, {file});
  EXPECT_TRUE(loaded.ok()) << loaded.error();
  out.loaded_peak = static_cast<double>(info_number(loaded, "used_memory_peak"));
  return out;
}

}  // namespace redisfit::testing
