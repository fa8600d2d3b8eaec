// "Did you mean": the candidates closest to what a person typed, for
// unknown commands, rule ids and config keys alike.
#pragma once

#include <string>
#include <vector>

namespace redisfit {

// Levenshtein distance (insert, delete, substitute each cost 1).
size_t edit_distance(const std::string& a, const std::string& b);

// Candidates that start with `typed` (2+ characters) or are at most
// `max_edits` edits away, nearest first; comparison is case-insensitive.
std::vector<std::string> suggest_close(const std::string& typed, const std::vector<std::string>& candidates,
                                       size_t max_edits = 2);

// "; did you mean X?" / "; did you mean X or Y?" / "" when nothing is close.
std::string did_you_mean(const std::string& typed, const std::vector<std::string>& candidates);
// The same words for names already found close (suggest_close's answer).
std::string did_you_mean(const std::vector<std::string>& close);

}  // namespace redisfit
