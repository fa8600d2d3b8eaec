#include "sources/manifests/yaml_input.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "platform/input_file.h"
#include "sources/manifests/yaml_stream.h"

namespace redisfit::manifests {
namespace fs = std::filesystem;

Location location_at(const DocPos& file, const YamlNode& node) {
  const YamlMark mark = node.mark();
  if (mark.line <= 0) return {file.name, 0, 0};
  return {file.name, mark.line, mark.column};
}

std::string where(const DocPos& file, const YamlNode& node) { return location_at(file, node).describe(); }

int line_of(const DocPos&, const YamlNode& node) { return node.mark().line; }

namespace {

bool is_marker_line(std::string_view line, std::string_view marker) {
  if (line.substr(0, 3) != marker) return false;
  return line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r';
}

}  // namespace

std::vector<DocChunk> split_yaml_documents(std::string_view text) {
  std::vector<DocChunk> out;
  size_t start = 0;     // start of the current chunk
  int start_line = 0;   // its line number
  size_t pos = 0;
  int line = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view l = text.substr(pos, end - pos);
    // "---" starts a new document on the same line (it may carry content: "--- |");
    // "..." ends one. The marker line stays with the document it opens.
    if (is_marker_line(l, "---") && pos > start) {
      out.push_back({text.substr(start, pos - start), start_line});
      start = pos;
      start_line = line;
    } else if (is_marker_line(l, "...")) {
      out.push_back({text.substr(start, end - start), start_line});
      start = end + 1;
      start_line = line + 1;
    }
    if (end == text.size()) break;
    pos = end + 1;
    ++line;
  }
  if (start < text.size()) out.push_back({text.substr(start), start_line});
  return out;
}

namespace {

bool has_suffix(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_yaml_name(const std::string& name) { return has_suffix(name, ".yaml") || has_suffix(name, ".yml"); }
bool is_conf_name(const std::string& name) { return has_suffix(name, ".conf"); }

// "Permission denied" as "permission denied", after the path.
std::string reason(const std::error_code& ec) {
  std::string s = ec.message();
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

// The *.yaml, *.yml and *.conf files under `root`, recursively, symlinked
// directories not followed (a link to an ancestor would loop). A directory
// that cannot be listed is an error naming it, never skipped in silence:
// what it holds would go unchecked. An explicit stack: no recursion depth.
void walk_directory(const fs::path& root, std::vector<InputFile>& found, std::vector<Error>& errors) {
  std::vector<fs::path> pending = {root};
  while (!pending.empty()) {
    const fs::path dir = std::move(pending.back());
    pending.pop_back();
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
      std::error_code type_ec;
      if (!it->is_symlink(type_ec) && it->is_directory(type_ec)) {
        pending.push_back(it->path());
        continue;
      }
      const std::string name = it->path().string();
      if (!is_yaml_name(name) && !is_conf_name(name)) continue;
      // An input by its name that cannot be read (a link to nothing, a link
      // loop, a FIFO) is an error naming it, as it is when named directly:
      // skipped, what it holds would go unchecked.
      std::error_code status_ec;
      const fs::file_status target = fs::status(it->path(), status_ec);  // through links
      if (status_ec) {
        const bool dangling = status_ec == std::errc::no_such_file_or_directory;
        errors.push_back({name, dangling ? "a symbolic link to a file that does not exist" : reason(status_ec)});
        continue;
      }
      if (fs::is_directory(target)) continue;  // a symlinked directory: not followed
      if (!fs::is_regular_file(target)) {
        errors.push_back({name, "not a regular file (a FIFO, socket or device): not read"});
        continue;
      }
      found.push_back({name, is_conf_name(name)});
    }
    if (ec) errors.push_back({dir.string(), "cannot read directory: " + reason(ec)});
  }
}

}  // namespace

std::vector<InputFile> collect_inputs(const std::vector<std::string>& paths, std::vector<Error>& errors) {
  std::vector<InputFile> out;
  for (const auto& path : paths) {
    if (path == "-") {
      out.push_back({path, false});
      continue;
    }
    std::error_code ec;
    const auto status = fs::status(path, ec);
    // ENOENT and ENOTDIR are "no such file"; ELOOP, EACCES on a parent and
    // the rest say what they are.
    if (ec && ec != std::errc::no_such_file_or_directory && ec != std::errc::not_a_directory) {
      errors.push_back({path, reason(ec)});
      continue;
    }
    if (ec || !fs::exists(status)) {
      errors.push_back({path, "no such file or directory"});
      continue;
    }
    if (fs::is_directory(status)) {
      std::vector<InputFile> found;
      walk_directory(path, found, errors);
      std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
      out.insert(out.end(), found.begin(), found.end());
      continue;
    }
    out.push_back({path, is_conf_name(path)});
  }
  return out;
}

Result<std::string> read_input_text(const std::string& path, size_t max_bytes) {
  // The one bounded reader (platform/input_file.h): never blocks on a named
  // FIFO, refuses devices, reads at most max_bytes + 1.
  // "-" and an anonymous pipe (`<(helm template ...)`) are read, as lint reads them.
  return platform::read_input_file(path, {.max_bytes = max_bytes, .allow_stdin = true, .allow_pipe = true});
}

Status parse_yaml_document(const DocChunk& chunk, const std::string& file, std::vector<YamlObject>& out) {
  const DocPos pos{file, chunk.line_offset};
  // YAML forbids NUL; say plainly that this is binary data, not YAML.
  if (const size_t nul = chunk.text.find('\0'); nul != std::string_view::npos) {
    const std::string_view before = chunk.text.substr(0, nul);
    const int line = chunk.line_offset + 1 + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
    const size_t line_start = before.rfind('\n');
    const size_t col = nul - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
    return Error{fmt::format("{}:{}:{}", file, line, col), "invalid YAML: NUL byte (binary data, not YAML)",
                 ErrorCode::kParse};
  }
  const YamlLimits limits;
  if (chunk.text.size() > limits.max_document_bytes) {
    return Error{fmt::format("{}:{}", file, chunk.line_offset + 1),
                 fmt::format("invalid YAML: document larger than {} MiB", limits.max_document_bytes >> 20),
                 ErrorCode::kParse};
  }
  // A chunk holds one document, or none (comments only, a lone "...").
  auto docs = parse_yaml(chunk.text, file, chunk.line_offset, limits);
  if (!docs) return docs.error();
  for (const auto& doc : *docs) {
    const YamlNode root = doc.root;
    if (!root.is_map()) continue;
    const YamlNode kind = root["kind"];
    const YamlNode items = root["items"];
    if (kind.is_scalar() && kind.scalar() == "List" && items.is_seq()) {
      for (const YamlNode item : items.items()) {
        if (item.is_map()) out.push_back({item, pos, line_of(pos, item), doc.tree});
      }
      continue;
    }
    out.push_back({root, pos, line_of(pos, root), doc.tree});
  }
  return Ok{};
}

Result<std::vector<YamlObject>> parse_yaml_objects(std::string_view text, const std::string& file) {
  std::vector<YamlObject> out;
  for (const auto& chunk : split_yaml_documents(text)) {
    if (auto st = parse_yaml_document(chunk, file, out); !st) return st.error();
  }
  return out;
}

}  // namespace redisfit::manifests
