// Reading manifest inputs: files, directories and stdin, as YAML documents
// that keep their line/column marks (yaml-cpp Mark) so every fact read from
// them can point back at file:line:col.
//
// Contract: a broken file never stops the others. collect_inputs() and
// load_yaml_*() return errors as values naming the file (and line:col when
// the YAML parser knows it); the caller reports them and keeps going.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace redisfit::manifests {

// One Kubernetes object: a YAML document, or one item of a `kind: List`
// (what `kubectl get -o yaml` prints).
struct YamlObject {
  YAML::Node node;
  std::string file;   // as given on the command line; "<stdin>" for "-"
  int line = 0;       // 1-based line of the object's first key
};

// "file:line:col" of a node (yaml-cpp marks are 0-based).
std::string where(const std::string& file, const YAML::Node& node);
int line_of(const YAML::Node& node);

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

// Reads a whole file ("-" = stdin).
Result<std::string> read_input_text(const std::string& path);

// Parses multi-document YAML text; `kind: List` objects are expanded into
// their items; empty documents and non-mapping documents are skipped. Error
// (with file:line:col) when the YAML is malformed.
Result<std::vector<YamlObject>> parse_yaml_objects(std::string_view text, const std::string& file);

}  // namespace redisfit::manifests
