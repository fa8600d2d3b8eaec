// Reading manifest inputs: files, directories and stdin, as YAML documents
// that keep their line/column marks (yaml_tree.h) so every fact read from
// them can point back at file:line:col.
//
// Contract: a broken file never stops the others. collect_inputs() and
// load_yaml_*() return errors as values naming the file (and line:col when
// the YAML parser knows it); the caller reports them and keeps going.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/location.h"
#include "core/result.h"
#include "sources/manifests/yaml_tree.h"

namespace redisfit::manifests {

// The file a YAML document came from and the line it starts at. Node marks
// are already in file coordinates; line_offset places the document.
struct DocPos {
  std::string name;     // as given on the command line; "<stdin>" for "-"
  int line_offset = 0;  // 0-based line of the document's first line in the file
};

// One Kubernetes object: a YAML document, or one item of a `kind: List`
// (what `kubectl get -o yaml` prints).
struct YamlObject {
  YamlNode node;
  DocPos file;
  int line = 0;       // 1-based line of the object's first key in the file
  std::shared_ptr<const YamlTree> tree;  // keeps `node` valid
};

// Position of a node in file coordinates; just the file for an absent node.
Location location_at(const DocPos& file, const YamlNode& node);
// location_at(...).describe(): "file:line:col", or the file name.
std::string where(const DocPos& file, const YamlNode& node);
// 1-based line of a node in the file, 0 when unknown.
int line_of(const DocPos& file, const YamlNode& node);

// One document's text and where it starts. A line beginning with "---" or
// "..." followed by a space or the end of the line is a document marker
// wherever it appears (YAML 1.2 c-forbidden), so splitting on them is exact.
struct DocChunk {
  std::string_view text;
  int line_offset = 0;
};
std::vector<DocChunk> split_yaml_documents(std::string_view text);

// Parses one document; appends its objects (List items expanded) to `out`.
// The YAML limits (yaml_tree.h) apply per document.
Status parse_yaml_document(const DocChunk& chunk, const std::string& file, std::vector<YamlObject>& out);

// An input as the user named it, resolved to something readable.
struct InputFile {
  std::string path;       // file path, or "-" for stdin
  bool is_redis_conf = false;
};

// Expands directories (recursively: *.yaml, *.yml, *.conf), keeps files and
// "-" as given, in a stable order (directories sorted by path). Missing
// paths become errors; the rest are still returned.
std::vector<InputFile> collect_inputs(const std::vector<std::string>& paths,
                                      std::vector<Error>& errors);

// Reads a whole file ("-" = stdin, or a pipe) of at most `max_bytes`: an
// error names the input when it is larger, a device, or unreadable.
Result<std::string> read_input_text(const std::string& path, size_t max_bytes = 64u << 20);

// Parses multi-document YAML text; `kind: List` objects are expanded into
// their items; empty documents and non-mapping documents are skipped. Error
// (with file:line:col) when the YAML is malformed.
Result<std::vector<YamlObject>> parse_yaml_objects(std::string_view text, const std::string& file);

}  // namespace redisfit::manifests
