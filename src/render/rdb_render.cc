#include "render/rdb_render.h"

#include <fmt/format.h>

#include "core/quantity.h"
#include "core/utf8.h"

namespace redisfit::render {
namespace {

std::string pct(uint64_t part, uint64_t whole) {
  return whole == 0 ? "-" : fmt::format("{:.1f}%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

const char* paint(Verdict verdict, bool color) {
  if (!color) return "";
  switch (verdict) {
    case Verdict::kUnsafe: return "\x1b[31m";
    case Verdict::kThin: return "\x1b[33m";
    case Verdict::kSafe: return "\x1b[32m";
    case Verdict::kUnbounded: return "";
  }
  return "";
}

}  // namespace

nlohmann::json rdb_report_to_json(const RdbReport& r, const RdbFit& fit) {
  using nlohmann::json;
  json out;
  out["path"] = r.path;
  out["input"] = rdb::rdb_input_kind_name(r.input_kind);
  out["file_bytes"] = r.file_bytes;
  out["rdb_version"] = r.rdb_version;
  out["checksum_present"] = r.checksum_present;
  out["aux"] = json::object();
  for (const auto& [k, v] : r.aux) out["aux"][k] = v;
  out["keys"] = r.keys;
  out["expires"] = r.expires;
  out["already_expired"] = r.already_expired;
  out["module_keys"] = r.module_keys;
  out["module_aux"] = r.module_aux;
  out["function_libraries"] = r.function_libraries;
  out["function_code_bytes"] = r.function_code_bytes;
  out["functions_bytes"] = r.functions_bytes;
  out["aof_commands_not_modelled"] = r.aof_commands_not_modelled;
  out["databases"] = json::array();
  for (const auto& d : r.dbs)
    out["databases"].push_back({{"db", d.db}, {"keys", d.keys}, {"expires", d.expires},
                                {"resize_hint_keys", d.resize_keys_hint}, {"serialized_bytes", d.serialized_bytes},
                                {"estimated_bytes", d.estimated_bytes}});
  out["types"] = json::array();
  for (const auto& t : r.types)
    out["types"].push_back({{"type", t.type}, {"file_encoding", t.file_encoding}, {"loaded_encoding", t.loaded_encoding},
                            {"keys", t.keys}, {"elements", t.elements}, {"serialized_bytes", t.serialized_bytes},
                            {"estimated_bytes", t.estimated_bytes}});
  out["largest_keys"] = json::array();
  for (const auto& k : r.largest)
    out["largest_keys"].push_back({{"key", k.name}, {"key_bytes", k.name_bytes}, {"db", k.db}, {"type", k.type}, {"loaded_encoding", k.loaded_encoding},
                                   {"elements", k.elements}, {"serialized_bytes", k.serialized_bytes},
                                   {"estimated_bytes", k.estimated_bytes}, {"expires", k.has_expire}});
  out["prefixes"] = json::array();
  for (const auto& p : r.prefixes)
    out["prefixes"].push_back({{"prefix", p.prefix}, {"keys", p.keys}, {"serialized_bytes", p.serialized_bytes},
                               {"estimated_bytes", p.estimated_bytes}});
  out["prefix_groups_total"] = r.prefix_groups_total;
  out["aof_files"] = json::array();
  for (const auto& f : r.aof_files)
    out["aof_files"].push_back({{"file", f.name}, {"kind", f.kind}, {"bytes", f.bytes}, {"commands", f.commands}});
  out["estimate"] = {{"target", r.target.name()}, {"target_source", r.target.version_source},
                     {"thresholds_source", r.target.limits_source}, {"startup_bytes", r.startup_bytes},
                     {"dataset_bytes", r.dataset_bytes}, {"used_memory_bytes", r.estimated_used_memory},
                     {"resident_beyond_class_bytes", r.resident_beyond_class_bytes}};
  if (r.aux_used_mem) out["estimate"]["source_used_mem_bytes"] = *r.aux_used_mem;
  if (r.peaks_before_end()) {
    out["estimate"]["load_peak_used_memory_bytes"] = r.startup_bytes + r.load_peak_dataset_bytes;
  }
  out["fit"]["rule"] = fit.rss_rule;
  out["fit"]["phases"] = json::array();
  for (const auto& p : fit.phases)
    out["fit"]["phases"].push_back({{"name", rdb_load_name(p.load)}, {"description", p.description}, {"bytes", p.bytes},
                                    {"verdict", fit_verdict_name(p.verdict)}});
  if (!fit.maxmemory_note.empty()) out["fit"]["maxmemory_note"] = fit.maxmemory_note;
  out["fit"]["unconfirmed"] = fit.unconfirmed();
  out["notes"] = r.notes;
  return out;
}

std::string rdb_report_to_text(const RdbReport& r, const RdbFit& fit, bool color) {
  std::string out;
  auto line = [&](const std::string& s) { out += s + "\n"; };
  std::string version = r.rdb_version ? fmt::format("RDB {}", r.rdb_version) : "no RDB part";
  line(fmt::format("{}: {} ({}), {}{}", r.path, rdb::rdb_input_kind_name(r.input_kind), version, format_bytes(r.file_bytes),
                   r.checksum_present ? ", CRC-64 verified" : ""));
  if (!r.aux.empty()) {
    std::string aux = "aux:";
    for (const auto& [k, v] : r.aux) aux += " " + escaped_for_text(k) + "=" + escaped_for_text(v);
    line(aux);
  }
  for (const auto& f : r.aof_files)
    line(fmt::format("  aof file {} ({}): {}, {} commands", escaped_for_text(f.name), f.kind, format_bytes(f.bytes),
                     f.commands));
  line(fmt::format("keys {} (with expire {}, already expired {}), module keys {}, module aux {}, function libraries {}",
                   r.keys, r.expires, r.already_expired, r.module_keys, r.module_aux, r.function_libraries));
  line("");
  line(fmt::format("{:<4} {:>12} {:>10} {:>12} {:>12}", "db", "keys", "expires", "in file", "estimated"));
  for (const auto& d : r.dbs)
    line(fmt::format("{:<4} {:>12} {:>10} {:>12} {:>12}", d.db, d.keys, d.expires, format_bytes(d.serialized_bytes),
                     format_bytes(d.estimated_bytes)));
  line("");
  line(fmt::format("{:<7} {:<14} {:<12} {:>10} {:>12} {:>11} {:>11} {:>7}", "type", "in file", "loaded as", "keys",
                   "elements", "in file", "estimated", "share"));
  for (const auto& t : r.types)
    line(fmt::format("{:<7} {:<14} {:<12} {:>10} {:>12} {:>11} {:>11} {:>7}", t.type, t.file_encoding,
                     t.loaded_encoding, t.keys, t.elements, format_bytes(t.serialized_bytes),
                     format_bytes(t.estimated_bytes), pct(t.estimated_bytes, r.dataset_bytes)));
  if (!r.largest.empty()) {
    line("");
    line("largest keys (estimated used_memory):");
    for (const auto& k : r.largest)
      line(fmt::format("  {:>11}  db{} {:<6} {:<10} {:>9} elements  {}", format_bytes(k.estimated_bytes), k.db, k.type,
                       k.loaded_encoding, k.elements, shown_key_name(k)));
  }
  if (!r.prefixes.empty()) {
    line("");
    line(fmt::format("key prefixes ({} groups, largest first):", r.prefix_groups_total));
    for (const auto& p : r.prefixes)
      line(fmt::format("  {:>11} {:>7} {:>10} keys  {}", format_bytes(p.estimated_bytes),
                       pct(p.estimated_bytes, r.dataset_bytes), p.keys, escaped_for_text(p.prefix)));
  }
  line("");
  line(fmt::format("estimated used_memory after loading into {}: {} (startup {} + dataset {})", r.target.name(),
                   format_bytes(r.estimated_used_memory), format_bytes(r.startup_bytes), format_bytes(r.dataset_bytes)));
  if (r.aux_used_mem)
    line(fmt::format("  the source server reported used-mem {} when it saved (includes its buffers and clients)",
                     format_bytes(*r.aux_used_mem)));
  line(fmt::format("  thresholds: {}", r.target.limits_source));
  line("");
  line(fmt::format("container memory needed ({}):", fit.rss_rule));
  for (const auto& p : fit.phases)
    line(fmt::format("  {:<20} {:>11}  {}{}{}  {}", rdb_load_name(p.load), format_bytes(p.bytes),
                     paint(p.verdict, color), fit_verdict_name(p.verdict), color ? "\x1b[0m" : "", p.description));
  if (!fit.maxmemory_note.empty()) line("  maxmemory: " + fit.maxmemory_note);
  if (fit.unconfirmed()) {
    line(fmt::format("  not confirmed: {} AOF write command(s) the replay does not model (the note below names them) "
                     "may add data the rows leave out; a row that fits may not",
                     fit.unmodelled_writes));
  }
  for (const auto& n : r.notes) line("note: " + n);
  return out;
}

}  // namespace redisfit::render
