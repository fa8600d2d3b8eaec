// Which file a container sees at a path, from the pod's volumes and the
// container's volumeMounts, joined with the ConfigMaps and Secrets in the
// inputs (kubernetes.io "Configure a Pod to Use a ConfigMap"):
//   * a configMap/secret volume shows each key as a file named after it, or
//     only the listed `items` at their `path`;
//   * a mount puts the volume at `mountPath`; with `subPath` only that entry
//     of the volume, at exactly `mountPath`;
//   * projected volumes combine several sources the same way;
//   * the deepest mount containing the path wins.
// Pure: the YAML readers fill these structs; nothing here touches YAML.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redisfit::workloads {

// Where a line of a ConfigMap/Secret text sits in the YAML file.
struct TextPlacement {
  int first_line = 0;     // file line of the text's first line; 0 when unknown
  int column_offset = 0;  // file columns before each text line (a block scalar)
  // The text is encoded in the YAML (a Secret's base64 `data`, a quoted
  // scalar): its lines have no lines of their own in the file, every one is
  // at first_line.
  bool encoded = false;
  int value_column = 0;   // encoded: the value's column there, 0 when unknown (the whole line)
};

// A ConfigMap or Secret from the inputs. Secret `data` is base64-decoded by
// the reader; `stringData` is taken as is.
struct ConfigData {
  std::string kind;  // "ConfigMap" or "Secret"
  std::string name;
  std::string namespace_name;
  struct Entry {
    std::string text;
    std::string where;    // file:line:col of the value
    std::string file;     // the YAML file
    TextPlacement placement;
  };
  std::map<std::string, Entry> entries;
  std::string where;  // the object
};

// The ConfigMap or Secret (`kind` "ConfigMap" or "Secret") named `name` that a
// pod in `namespace_name` would mount: one in that namespace, else one whose
// namespace (or the pod's) is not said, as a chart rendered without `-n` has.
// Null when the inputs hold none.
const ConfigData* find_config_data(const std::vector<ConfigData>& data, std::string_view kind, std::string_view name,
                                   std::string_view namespace_name);

// Moves `where`, a location in `text` (line 1 = its first line; column 0 =
// the whole line, as redis.conf directives have), to the YAML file's
// coordinates. Inside a block scalar the column is the line's first
// character after the YAML indentation and the line's own leading blanks.
// Returns false when the text has no place in the file (first_line 0).
class TextInFile {
 public:
  TextInFile(std::string_view text, TextPlacement placement);
  bool place(int& line, int& column) const;

 private:
  std::string_view text_;
  TextPlacement placement_;
  mutable std::vector<size_t> line_starts_;  // built on first need
};

struct KeyToPath {
  std::string key;
  std::string path;
};

struct VolumeSource {
  std::string kind;  // "configMap", "secret", "emptyDir", "persistentVolumeClaim", ... as written
  std::string name;  // ConfigMap / Secret name
  std::vector<KeyToPath> items;  // empty = every key
};

struct VolumeDecl {
  std::string name;
  std::vector<VolumeSource> sources;  // one, or several for `projected`
};

struct MountDecl {
  std::string volume;
  std::string mount_path;
  std::string sub_path;
};

// What a path resolved to.
struct PodFile {
  enum class State {
    kFound,         // text is the file's content
    kMissingData,   // the volume is a ConfigMap/Secret that is not in the inputs, or lacks the key
    kRuntime,       // emptyDir / PVC / hostPath / image file: written at run time, unknown here
    kNotMounted,    // no mount covers the path: the file comes from the image
  };
  State state = State::kNotMounted;
  std::string text;
  std::string where;        // where the text came from (ConfigMap key location)
  std::string file;         // YAML file of the ConfigMap / Secret
  TextPlacement placement;  // where the text sits in `file`
  std::string data_name;    // ConfigMap / Secret name
  std::string data_key;     // its key
  bool secret = false;
  std::string explanation;  // for messages: "ConfigMap redis-config (not in the inputs)", "emptyDir config"
};

class PodFiles {
 public:
  PodFiles(std::vector<VolumeDecl> volumes, std::vector<MountDecl> mounts, std::string namespace_name,
           const std::vector<ConfigData>* data)
      : volumes_(std::move(volumes)), mounts_(std::move(mounts)), ns_(std::move(namespace_name)), data_(data) {}

  PodFile resolve(const std::string& path) const;

  // Every file visible under `dir` from ConfigMap/Secret volumes (for
  // `include /etc/redis/conf.d/*.conf` style globs): path -> file.
  std::map<std::string, PodFile> list_dir(const std::string& dir) const;

 private:
  const ConfigData* find_data(const std::string& kind, const std::string& name) const;
  PodFile from_volume(const VolumeDecl& v, const std::string& relative) const;

  std::vector<VolumeDecl> volumes_;
  std::vector<MountDecl> mounts_;
  std::string ns_;
  const std::vector<ConfigData>* data_;
};

// Normalises "/a//b/./c/" -> "/a/b/c"; relative paths are taken from "/".
std::string normalize_path(const std::string& path);

}  // namespace redisfit::workloads
