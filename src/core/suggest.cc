#include "core/suggest.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "core/ascii.h"

namespace redisfit {

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::vector<std::string> suggest_close(const std::string& typed, const std::vector<std::string>& candidates,
                                       size_t max_edits) {
  const std::string t = ascii_lower(typed);
  std::vector<std::pair<size_t, std::string>> close;
  for (const auto& c : candidates) {
    // An edit distance is at least the difference in length: a candidate
    // that neither starts with `typed` nor is within max_edits of its length
    // is not close, and costs no distance.
    const size_t a = t.size(), b = c.size();
    const bool prefix = a >= 2 && b >= a && std::equal(t.begin(), t.end(), c.begin(), [](char x, char y) {
                          return x == std::tolower(static_cast<unsigned char>(y));
                        });
    if (prefix) {
      close.emplace_back(0, c);
      continue;
    }
    if ((a > b ? a - b : b - a) > max_edits) continue;
    const size_t d = edit_distance(t, ascii_lower(c));
    if (d <= max_edits) close.emplace_back(d, c);
  }
  std::stable_sort(close.begin(), close.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (const auto& [d, c] : close) out.push_back(c);
  return out;
}

std::string did_you_mean(const std::string& typed, const std::vector<std::string>& candidates) {
  return did_you_mean(suggest_close(typed, candidates));
}

std::string did_you_mean(const std::vector<std::string>& close) {
  if (close.empty()) return "";
  std::string out = "; did you mean " + close[0];
  if (close.size() > 1) out += " or " + close[1];
  return out + "?";
}

}  // namespace redisfit
