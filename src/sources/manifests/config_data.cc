// ConfigMaps and Secrets, kept whole for the volume join
// (workloads/pod_files.h). Secret `data` values are base64 (RFC 4648, what
// the API server stores); `stringData` is plain text. A value that does not
// decode is kept out, with a note, so a bad Secret never stops the lint.
#include <fmt/format.h>

#include "sources/manifests/kb_objects.h"

namespace redisfit::manifests {
namespace {

std::optional<std::string> base64_decode(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  int bits = 0, buffer = 0;
  for (char c : in) {
    if (c == '=' ) break;
    if (c == '\n' || c == '\r' || c == ' ') continue;
    const int v = value(c);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

}  // namespace

bool recognise_config_data(const YamlObject& obj, ManifestSet& set, std::vector<Error>& /*errors*/) {
  const std::string kind = scalar_or_empty(obj.node, "kind");
  if (kind != "ConfigMap" && kind != "Secret") return false;
  if (scalar_or_empty(obj.node, "apiVersion") != "v1") return false;
  workloads::ConfigData d;
  d.kind = kind;
  d.name = scalar_or_empty(obj.node["metadata"], "name");
  d.namespace_name = scalar_or_empty(obj.node["metadata"], "namespace");
  d.where = where(obj.file, obj.node);
  auto add = [&](const YamlNode& key, const YamlNode& value, bool encoded) {
    if (!value.is_scalar()) return;
    workloads::ConfigData::Entry e;
    e.where = where(obj.file, value);
    e.file = obj.file.name;
    // A block scalar's text starts on the line after its indicator, one file
    // line per text line. A quoted or plain scalar ("a\nb") and a Secret's
    // base64 have no file line per text line: every line of their text is
    // placed at the value's own line, which is where the user edits it.
    if (value.style() == ScalarStyle::kBlock) {
      e.placement.first_line = line_of(obj.file, value) + 1;
      e.placement.column_offset = value.block_indent();
    } else {
      e.placement.first_line = line_of(obj.file, value);
      e.placement.encoded = true;
      e.placement.value_column = location_at(obj.file, value).column;
    }
    if (encoded) {
      auto text = base64_decode(value.scalar());
      if (!text) {
        set.notes.push_back(fmt::format("{}: Secret {} key {} is not base64; not used", e.where, d.name, key.scalar()));
        return;
      }
      e.text = std::move(*text);
      e.placement.first_line = line_of(obj.file, value);
      e.placement.encoded = true;
      e.placement.value_column = location_at(obj.file, value).column;
    } else {
      e.text = std::string(value.scalar());
    }
    d.entries[std::string(key.scalar())] = std::move(e);
  };
  for (auto [key, value] : obj.node["data"].entries()) add(key, value, kind == "Secret");
  for (auto [key, value] : obj.node["stringData"].entries()) add(key, value, false);
  set.config_data.push_back(std::move(d));
  // Not counted as recognised: a ConfigMap alone is no Redis.
  return false;
}

}  // namespace redisfit::manifests
