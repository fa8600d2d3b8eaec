#include "platform/input_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <streambuf>

#include "core/quantity.h"

namespace redisfit::platform {
namespace {

// "Permission denied" reads as "cannot open: permission denied".
std::string errno_text(int err) {
  std::string s = std::strerror(err);
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

// An anonymous pipe (what `<(cmd)` and `cmd |` give) shows in /proc as
// "pipe:[inode]"; a named FIFO shows as its path. Only the first has a
// writer by construction; a named one may wait for a writer forever.
bool is_anonymous_pipe(int fd) {
  char target[64] = {};
  const std::string link = fmt::format("/proc/self/fd/{}", fd);
  const ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
  return n > 5 && std::strncmp(target, "pipe:", 5) == 0;
}

const char* kind_of(mode_t mode, const InputFileRules& rules) {
  if (S_ISDIR(mode)) return "is a directory, not a file";
  if (S_ISFIFO(mode)) {
    return rules.allow_stdin ? "not a regular file (a named FIFO would wait for a writer; pipe into - instead)"
                             : "not a regular file (a named FIFO would wait for a writer)";
  }
  return "not a regular file (a device or socket is not an input)";
}

// A streambuf reading a descriptor it owns, 64 KiB at a time.
class FdStreamBuf : public std::streambuf {
 public:
  explicit FdStreamBuf(InputFd fd) : fd_(std::move(fd)) {}

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    ssize_t n;
    do n = ::read(fd_.get(), buf_, sizeof buf_);
    while (n < 0 && errno == EINTR);
    // A read error sets the stream's badbit (istream catches what underflow
    // throws), which readers report as "read error"; 0 is the end.
    if (n < 0) throw std::runtime_error("read error");
    if (n == 0) return traits_type::eof();
    setg(buf_, buf_, buf_ + n);
    return traits_type::to_int_type(*gptr());
  }

 private:
  InputFd fd_;
  char buf_[64 << 10];
};

class FdStream : public std::istream {
 public:
  explicit FdStream(InputFd fd) : std::istream(nullptr), buf_(std::move(fd)) { rdbuf(&buf_); }

 private:
  FdStreamBuf buf_;
};

}  // namespace

InputFd& InputFd::operator=(InputFd&& o) noexcept {
  if (this != &o) {
    if (owned_ && fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    owned_ = o.owned_;
    o.fd_ = -1;
  }
  return *this;
}

InputFd::~InputFd() {
  if (owned_ && fd_ >= 0) ::close(fd_);
}

int InputFd::release() {
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

std::string input_display_name(const std::string& path) { return path == "-" ? "<stdin>" : path; }

Result<InputFd> open_input_fd(const std::string& path, const InputFileRules& rules) {
  if (path == "-") {
    if (!rules.allow_stdin) return Error{"-", "stdin is not read here: give a file", ErrorCode::kInvalid};
    return InputFd(STDIN_FILENO, /*owned=*/false);
  }
  if (path.empty()) return Error{"\"\"", "an empty path", ErrorCode::kInvalid};
  // O_NONBLOCK: open(2) of a FIFO for reading would wait for a writer.
  InputFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (fd.get() < 0) {
    const int err = errno;
    return Error{path, "cannot open: " + errno_text(err), err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo};
  }
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) return Error{path, "cannot stat: " + errno_text(errno), ErrorCode::kIo};
  const bool pipe_ok = rules.allow_pipe && S_ISFIFO(st.st_mode) && is_anonymous_pipe(fd.get());
  if (!S_ISREG(st.st_mode) && !pipe_ok) return Error{path, kind_of(st.st_mode, rules), ErrorCode::kInvalid};
  // Reads of a regular file never block; a pipe that has a writer waits for
  // it, as stdin does.
  fcntl(fd.get(), F_SETFL, fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK);
  return fd;
}

Result<std::string> read_input_file(const std::string& path, const InputFileRules& rules) {
  auto fd = open_input_fd(path, rules);
  if (!fd) return fd.error();
  std::string text;
  // Never more than max_bytes + 1: the one byte over is the proof of "larger".
  const size_t want = rules.max_bytes + 1;
  char block[64 << 10];
  while (text.size() < want) {
    const size_t ask = std::min(sizeof block, want - text.size());
    const ssize_t n = ::read(fd->get(), block, ask);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{input_display_name(path), "read error: " + errno_text(errno), ErrorCode::kIo};
    if (n == 0) return text;
    text.append(block, static_cast<size_t>(n));
  }
  return Error{input_display_name(path), fmt::format("larger than {}: not read", format_bytes(rules.max_bytes)),
               ErrorCode::kInvalid};
}

Result<std::unique_ptr<std::istream>> open_input_stream(const std::string& path, const InputFileRules& rules) {
  auto fd = open_input_fd(path, rules);
  if (!fd) return fd.error();
  return std::unique_ptr<std::istream>(std::make_unique<FdStream>(std::move(fd).value()));
}

}  // namespace redisfit::platform
