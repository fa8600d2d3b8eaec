#include "stress/control.h"

#include <cstdint>

namespace redisfit::stress {

std::string info_value(const std::string& info, const std::string& field) {
  std::string needle = field + ":";
  size_t pos = 0;
  while ((pos = info.find(needle, pos)) != std::string::npos) {
    if (pos == 0 || info[pos - 1] == '\n') {
      size_t start = pos + needle.size();
      size_t end = info.find_first_of("\r\n", start);
      return info.substr(start, end == std::string::npos ? std::string::npos : end - start);
    }
    pos += needle.size();
  }
  return "";
}

bool Control::ensure() {
  if (c_) return true;
  auto usec = static_cast<int64_t>(timeout_sec_ * 1e6);
  timeval tv{static_cast<time_t>(usec / 1000000), static_cast<suseconds_t>(usec % 1000000)};
  c_ = redisConnectWithTimeout("127.0.0.1", port_, tv);
  if (!c_ || c_->err) {
    close();
    return false;
  }
  redisSetTimeout(c_, tv);
  return true;
}

void Control::close() {
  if (c_) redisFree(c_);
  c_ = nullptr;
}

std::optional<std::string> Control::command(const std::vector<std::string>& argv, bool* is_error) {
  if (is_error) *is_error = false;
  if (!ensure()) return std::nullopt;
  std::vector<const char*> args;
  std::vector<size_t> lens;
  for (const auto& a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* r = static_cast<redisReply*>(
      redisCommandArgv(c_, static_cast<int>(args.size()), args.data(), lens.data()));
  if (!r) {
    close();
    return std::nullopt;
  }
  std::string out;
  switch (r->type) {
    case REDIS_REPLY_INTEGER: out = std::to_string(r->integer); break;
    case REDIS_REPLY_ERROR:
      if (is_error) *is_error = true;
      out.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_STRING: out.assign(r->str, r->len); break;
    case REDIS_REPLY_ARRAY:
      // CONFIG GET name -> [name, value]: the value.
      if (r->elements == 2 && r->element[1]->type == REDIS_REPLY_STRING) {
        out.assign(r->element[1]->str, r->element[1]->len);
      }
      break;
    default: break;
  }
  freeReplyObject(r);
  return out;
}

std::optional<std::string> Control::info_field(const std::string& section, const std::string& field) {
  auto text = command({"INFO", section});
  if (!text) return std::nullopt;
  return info_value(*text, field);
}

}  // namespace redisfit::stress
