// How a --search result reads in each output, without running a search.
#include <gtest/gtest.h>

#include "render/stress_render.h"
#include "stress/search.h"

namespace redisfit::render {
namespace {

// An interrupted search says so in every output: the HTML report showed the
// edge of the probes run so far as if the search had finished.
TEST(SearchRender, AnInterruptedSearchSaysSoInTheHtmlReport) {
  stress::SearchResult r;
  r.limit_bytes = 128ULL << 20;
  r.repeats = 2;
  r.interrupted = true;
  stress::Probe p;
  p.maxmemory_bytes = 64ULL << 20;
  p.survived = true;
  p.runs.resize(2);
  r.probes.push_back(p);
  r.edge_bytes = p.maxmemory_bytes;
  EXPECT_NE(search_to_html(r).find("interrupted: the search stopped early"), std::string::npos);
  r.interrupted = false;
  EXPECT_EQ(search_to_html(r).find("interrupted"), std::string::npos);
}

}  // namespace
}  // namespace redisfit::render
