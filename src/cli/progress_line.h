// A one-line progress report on stderr for long work (rdb, lint over large
// input): redrawn in place at most 5 times a second, erased when done.
//
// The caller decides whether it is shown (stderr is a terminal and no
// --no-progress: a log file or CI output must never get carriage-return
// redraws). `delay` keeps quick runs silent: nothing is drawn until that much
// time has passed. Output written to the same terminal must call clear()
// first, or it would follow the half-drawn line.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace redisfit::cli {

class ProgressLine {
 public:
  explicit ProgressLine(bool enabled, std::chrono::milliseconds delay = std::chrono::milliseconds(0))
      : enabled_(enabled), start_(std::chrono::steady_clock::now()), delay_(delay) {}
  ~ProgressLine() { clear(); }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // Redraws with text() unless the last draw was under 200 ms ago (text()
  // is only called when drawing, so callers may call this per item).
  template <class MakeText>
  void update(MakeText&& text) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - start_ < delay_) return;
    if (drawn_ && now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    drawn_ = true;
    const std::string line = text();
    std::fprintf(stderr, "\r\x1b[K%s", line.c_str());
    std::fflush(stderr);
  }

  // Erases the line (if drawn); the next update() draws it again.
  void clear() {
    if (!drawn_) return;
    std::fputs("\r\x1b[K", stderr);
    std::fflush(stderr);
    drawn_ = false;
  }

  bool enabled() const { return enabled_; }

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
  std::chrono::milliseconds delay_;
};

}  // namespace redisfit::cli
