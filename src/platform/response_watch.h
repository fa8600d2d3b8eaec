// One cpp-httplib request watched from a second thread, so that a broken or
// hostile server can hold us neither past a deadline nor to an allocation
// without bound.
//
// Why a watch, not cpp-httplib's own limits: its read timeout is per read(2)
// (a server dripping a byte every 0.5 s never trips it), and it reads the
// status line, each header line and each chunk-size line into a string that
// grows until a line break comes (0.11 checks a header line's length only
// once the line has ended): a server that never sent one made us hold 2 GiB
// and end in std::bad_alloc. cpp-httplib is Debian's compiled library, so
// neither can be changed inside it. Instead, every few milliseconds the watch
// asks the kernel how many bytes the request's socket has received, and stops
// the request when
//   - the deadline has passed (connect, TLS handshake, headers and body);
//   - the status line and headers have not ended within `head_bytes` (over
//     https the TLS handshake before them counts too);
//   - the whole exchange passes `total_bytes` (the body's own cap is counted
//     exactly where the body is gathered; this one bounds what framing such
//     as an endless chunk-size line can make cpp-httplib hold).
// Stopping is client.stop(): it shuts the socket down, the one thread-safe
// call cpp-httplib has, and the blocked read returns. The kernel's count is
// ahead of what has been read, never behind, so at a stop what was read is at
// most the cap plus one tick's arrivals (about 1 MiB at loopback speed).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace httplib {
class Client;
}

namespace redisfit::platform {

class ResponseWatch {
 public:
  struct Limits {
    std::chrono::milliseconds deadline{60000};
    uint64_t head_bytes = 0;   // received before headers_done()
    uint64_t total_bytes = 0;  // received in all
  };
  enum class Stopped { kNo, kDeadline, kHeadTooLarge, kTooLarge };

  // Learns the request's socket through client.set_socket_options (call
  // before sending) and starts the clock.
  ResponseWatch(httplib::Client& client, Limits limits);
  ~ResponseWatch();
  ResponseWatch(const ResponseWatch&) = delete;
  ResponseWatch& operator=(const ResponseWatch&) = delete;

  // The headers have been read (cpp-httplib's response_handler): from now on
  // only total_bytes applies.
  void headers_done() { head_done_ = true; }

  // Ends the watch; whether, and why, it stopped the request. Once the
  // request has returned, its socket may be closed and its number reused:
  // a byte-cap verdict means something only when the request failed.
  Stopped finish();

 private:
  void watch();
  void stop(Stopped why);

  httplib::Client& client_;
  const Limits limits_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::atomic<int> socket_{-1};
  std::atomic<bool> head_done_{false};
  std::atomic<Stopped> stopped_{Stopped::kNo};
  std::thread thread_;  // last: starts once the members it reads exist
};

}  // namespace redisfit::platform
