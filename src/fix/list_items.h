// A list-valued setting that holds maxmemory among other items, rewritten
// whole by the fix: spotahome's spec.redis.customConfig (lines the operator
// applies with CONFIG SET) and bitnami/redis <role>.extraFlags (argv words of
// the chart's start script).
//
// Why whole: neither a JSON merge patch (RFC 7386: "arrays are replaced") nor
// Helm's values merge (`-f` and `--reuse-values`: coalesce.go replaces any
// non-map value) merges two lists, so a fix listing only the maxmemory item
// deletes the user's other items, an eviction policy among them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace redisfit::fix {

struct ListItem {
  std::string text;        // as written
  bool maxmemory = false;  // it sets maxmemory, or is a word of an argv `--maxmemory` directive
};

// The list as the fix writes it: the first maxmemory item replaced by
// `maxmemory_item` in place, the later ones dropped (the last one applied
// won, and now all say the same), every other item kept in its order;
// `maxmemory_item` appended when no item set maxmemory.
std::vector<std::string> list_with_maxmemory(const std::vector<ListItem>& items, const std::string& maxmemory_item);

// redis-server argv words (or a flags variable's) with every `--maxmemory N`
// (two words, or one "--maxmemory N") removed and `--maxmemory <maxmemory>`
// put at the end, where it wins (server.c main: the last directive does):
// the other flags survive.
std::vector<std::string> argv_with_maxmemory(const std::vector<std::string>& words, uint64_t maxmemory);

// Whether the rewritten list keeps items the user wrote: the fix then says
// it gives the whole list.
bool keeps_other_items(const std::vector<ListItem>& items);

// A YAML block sequence, one `- "item"` line per item (a JSON string is a
// YAML double-quoted scalar, so any text survives), `indent` spaces deep.
std::string yaml_block_sequence(const std::vector<std::string>& items, int indent);

}  // namespace redisfit::fix
