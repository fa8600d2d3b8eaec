// Reading a small input file named by the user (a limit file, an auth file, a
// CA bundle, a manifest, a config file) without ever blocking or holding more
// than a stated cap: the one reader every such place uses.
//
// Contract:
//  * open() never blocks: the path is opened O_NONBLOCK|O_CLOEXEC and its type
//    is read from the opened descriptor (fstat), so a FIFO with no writer
//    cannot stall the open and a symlink to /dev/zero is seen as the device.
//  * Only a regular file is read, except what the caller allows: "-" (stdin)
//    and an anonymous pipe (`lint <(helm template ...)`) where a command
//    documents them. A named FIFO, a device, a socket or a directory is
//    refused before a byte is read.
//  * At most max_bytes + 1 bytes are read, whatever st_size says (cgroupfs,
//    sysfs and procfs files are regular files of size 0 or 4096): a file
//    longer than max_bytes is refused, never held.
//  * Every error is Error{path ("<stdin>" for "-"), reason}: "cannot open:
//    permission denied", "not a regular file (a named FIFO ...)", "larger
//    than 1.0 MiB: not read".
#pragma once

#include <cstddef>
#include <istream>
#include <memory>
#include <string>

#include "core/result.h"

namespace redisfit::platform {

struct InputFileRules {
  size_t max_bytes = 1u << 20;  // more is refused
  bool allow_stdin = false;     // "-" reads stdin (a command that documents it)
  bool allow_pipe = false;      // an anonymous pipe, e.g. /dev/fd/63 from `<(cmd)`
};

// A descriptor that closes itself.
class InputFd {
 public:
  InputFd() = default;
  explicit InputFd(int fd, bool owned = true) : fd_(fd), owned_(owned) {}
  InputFd(InputFd&& o) noexcept : fd_(o.fd_), owned_(o.owned_) { o.fd_ = -1; }
  InputFd& operator=(InputFd&& o) noexcept;
  InputFd(const InputFd&) = delete;
  InputFd& operator=(const InputFd&) = delete;
  ~InputFd();
  int get() const { return fd_; }
  // Hands the descriptor over (the caller closes it).
  int release();

 private:
  int fd_ = -1;
  bool owned_ = true;  // stdin is never closed
};

// The name an error uses for `path`: "<stdin>" for "-".
std::string input_display_name(const std::string& path);

// Opens `path` under `rules` (max_bytes unused), blocking mode restored for
// reading. The descriptor of a regular file, an allowed pipe, or stdin.
Result<InputFd> open_input_fd(const std::string& path, const InputFileRules& rules);

// The whole input, at most rules.max_bytes of it.
Result<std::string> read_input_file(const std::string& path, const InputFileRules& rules);

// An istream over the opened input, for readers that stream (lint's YAML
// batches) and bound the text themselves; max_bytes is unused.
Result<std::unique_ptr<std::istream>> open_input_stream(const std::string& path, const InputFileRules& rules);

}  // namespace redisfit::platform
