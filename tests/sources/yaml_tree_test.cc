// The YAML front end (sources/manifests/yaml_tree.h): the node API the
// recognisers read through, scalar resolution, marks in file coordinates,
// and the bounds that make it safe on untrusted input.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "sources/manifests/yaml_tree.h"

namespace redisfit::manifests {
namespace {

YamlNode root_of(const Result<std::vector<YamlDocument>>& docs) {
  EXPECT_TRUE(docs.ok()) << docs.error().describe();
  if (!docs.ok() || docs->empty()) return {};
  return docs->front().root;
}

// An error names file:line:col and says the YAML is invalid.
void expect_positioned_error(const Result<std::vector<YamlDocument>>& r, const std::string& what) {
  ASSERT_FALSE(r.ok()) << what;
  EXPECT_TRUE(std::regex_match(r.error().where, std::regex(R"(f\.yaml:[0-9]+:[0-9]+)"))) << what << ": "
                                                                                        << r.error().where;
  EXPECT_EQ(r.error().message.rfind("invalid YAML: ", 0), 0u) << r.error().message;
}

TEST(YamlTree, LookupsIterationAndAbsentChains) {
  auto docs = parse_yaml("a:\n  b: [x, y]\n  c: {k: v}\nd: 1\n", "f.yaml");
  const YamlNode root = root_of(docs);
  ASSERT_TRUE(root.is_map());
  EXPECT_EQ(root.size(), 2u);
  const YamlNode b = root["a"]["b"];
  ASSERT_TRUE(b.is_seq());
  std::string joined;
  for (const YamlNode item : b.items()) joined += std::string(item.scalar());
  EXPECT_EQ(joined, "xy");
  std::string keys;
  for (const auto& [k, v] : root["a"].entries()) keys += std::string(k.scalar()) + (v.is_map() ? "=map;" : ";");
  EXPECT_EQ(keys, "b;c=map;");
  EXPECT_EQ(root["d"].scalar(), "1");
  // Lookups through absent or non-map nodes answer absent, never throw.
  EXPECT_FALSE(root["nope"]["deeper"]["still"]);
  EXPECT_FALSE(b["k"]);
  EXPECT_EQ(root["a"]["c"]["k"]["x"].scalar(), "");
  EXPECT_EQ(YamlNode().size(), 0u);
  for (const YamlNode item : root.items()) ADD_FAILURE() << "a map has no items " << item.scalar();
}

// A repeated key is an error at the second one: lint read the first of
// `memory: 64Gi` / `memory: 1Gi`, sigs.k8s.io/yaml reads the last.
TEST(YamlTree, ADuplicateKeyIsAnErrorAtTheSecond) {
  auto docs = parse_yaml("a: 1\nlimits:\n  memory: 64Gi\n  cpu: 1\n  memory: 1Gi\n", "f.yaml");
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.error().where, "f.yaml:5:3");
  EXPECT_NE(docs.error().message.find("duplicate key 'memory' (first at line 3)"), std::string::npos)
      << docs.error().message;
  // The same key in different mappings, and repeated merge keys, are fine.
  EXPECT_TRUE(parse_yaml("x: {memory: 1}\ny: {memory: 2}\nb: &b {k: 1}\nc:\n  <<: *b\n  <<: *b\n", "g.yaml").ok());
}

// `<<` merges as Kubernetes' YAML reader does: the mapping's own keys win,
// then the earlier merged mapping; lint read `limits: {<<: *small}` as no limit.
TEST(YamlTree, MergeKeysAreApplied) {
  auto docs = parse_yaml(
      "a: &a {memory: 1Gi, cpu: '1'}\nb: &b {memory: 2Gi, ephemeral: 3Gi}\n"
      "one:\n  <<: *a\n  cpu: '2'\nlist:\n  <<: [*a, *b]\n",
      "m.yaml");
  const YamlNode root = root_of(docs);
  EXPECT_EQ(root["one"]["memory"].scalar(), "1Gi");
  EXPECT_EQ(root["one"]["cpu"].scalar(), "2");
  EXPECT_FALSE(root["one"]["<<"]);
  EXPECT_EQ(root["one"].size(), 2u);
  EXPECT_EQ(root["list"]["memory"].scalar(), "1Gi");
  EXPECT_EQ(root["list"]["ephemeral"].scalar(), "3Gi");
  EXPECT_EQ(root["list"].size(), 3u);
  // A quoted "<<" is an ordinary key; a merge of a scalar is an error.
  EXPECT_EQ(root_of(parse_yaml("x:\n  '<<': 1\n", "q.yaml"))["x"]["<<"].scalar(), "1");
  auto bad = parse_yaml("x:\n  <<: 1\n", "s.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("merge key"), std::string::npos) << bad.error().message;
}

// Merged entries count toward the node bound, as an alias counts what it
// names: many mappings merging one large one stay within YamlLimits::max_nodes.
TEST(YamlTree, MergesAreBoundedByTheNodeLimit) {
  std::string text = "m0: &m0 {";
  for (int k = 0; k < 200; ++k) text += (k ? ", " : "") + std::string("k") + std::to_string(k) + ": 1";
  text += "}\n";
  for (int i = 1; i < 2000; ++i) text += "m" + std::to_string(i) + ": {<<: *m0, own" + std::to_string(i) + ": 1}\n";
  YamlLimits small;
  small.max_nodes = 100000;
  auto docs = parse_yaml(text, "chain.yaml", 0, small);
  ASSERT_FALSE(docs.ok());
  EXPECT_NE(docs.error().message.find("nodes"), std::string::npos) << docs.error().message;
}

TEST(YamlTree, MarksAreOneBasedFileCoordinates) {
  auto docs = parse_yaml("a: 1\nspec:\n  limit: \"2Gi\"\n", "f.yaml", 10);
  const YamlNode root = root_of(docs);
  EXPECT_EQ(root.mark().line, 11);
  EXPECT_EQ(root.mark().column, 1);
  const YamlNode limit = root["spec"]["limit"];
  EXPECT_EQ(limit.mark().line, 13);
  EXPECT_EQ(limit.mark().column, 10);  // at the opening quote
  EXPECT_EQ(YamlNode().mark().line, 0);
}

TEST(YamlTree, NullAndQuotedFollowTheCoreSchema) {
  auto docs = parse_yaml("a: null\nb: \"null\"\nc: ~\nd:\ne: ''\nf: !!null x\ng: NULL\nh: nil\n", "f.yaml");
  const YamlNode r = root_of(docs);
  EXPECT_TRUE(r["a"].is_null());
  EXPECT_TRUE(r["b"].is_scalar());
  EXPECT_EQ(r["b"].style(), ScalarStyle::kQuoted);
  EXPECT_TRUE(r["c"].is_null());
  EXPECT_TRUE(r["d"].is_null());
  EXPECT_TRUE(r["e"].is_scalar());
  EXPECT_EQ(r["e"].scalar(), "");
  EXPECT_TRUE(r["f"].is_null());
  EXPECT_TRUE(r["g"].is_null());
  EXPECT_TRUE(r["h"].is_scalar());
}

TEST(YamlTree, IntegersAsTheCoreSchemaWritesThem) {
  auto docs = parse_yaml("- 3\n- '3'\n- +4\n- -5\n- 0x1F\n- 0o17\n- 010\n- 1.5\n- 3e2\n- 2147483648\n- -0x1\n"
                         "- many\n- |\n  7\n",
                         "f.yaml");
  const YamlNode s = root_of(docs);
  ASSERT_TRUE(s.is_seq());
  EXPECT_EQ(s.item(0).as_int(), 3);
  EXPECT_EQ(s.item(0).style(), ScalarStyle::kPlain);
  EXPECT_EQ(s.item(1).as_int(), 3);  // quoted digits still read
  EXPECT_EQ(s.item(1).style(), ScalarStyle::kQuoted);
  EXPECT_EQ(s.item(2).as_int(), 4);
  EXPECT_EQ(s.item(3).as_int(), -5);
  EXPECT_EQ(s.item(4).as_int(), 31);
  EXPECT_EQ(s.item(5).as_int(), 15);
  EXPECT_EQ(s.item(6).as_int(), 10);  // YAML 1.2: decimal, not octal
  EXPECT_FALSE(s.item(7).as_int());
  EXPECT_FALSE(s.item(8).as_int());
  EXPECT_FALSE(s.item(9).as_int());  // above int range
  EXPECT_FALSE(s.item(10).as_int());
  EXPECT_FALSE(s.item(11).as_int());
  EXPECT_EQ(s.item(12).style(), ScalarStyle::kBlock);
  EXPECT_EQ(s.item(12).scalar(), "7\n");
}

TEST(YamlTree, AliasesShareTheAnchoredNode) {
  auto docs = parse_yaml("base: &res {limits: {memory: 1Gi}}\nother: *res\n", "f.yaml");
  const YamlNode r = root_of(docs);
  EXPECT_EQ(r["other"]["limits"]["memory"].scalar(), "1Gi");
  EXPECT_EQ(r["other"].mark().line, 1);  // the anchored node's own position
  expect_positioned_error(parse_yaml("a: *nowhere\n", "f.yaml"), "unknown anchor");
  auto self = parse_yaml("a: &x [1, *x]\n", "f.yaml");  // an alias inside its own anchor
  expect_positioned_error(self, "recursive alias");
}

TEST(YamlTree, BillionLaughsIsRefusedAfterBoundedWork) {
  std::string text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i < 10; ++i) {
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) text += (j ? ", *a" : "*a") + std::to_string(i - 1);
    text += "]\n";
  }
  auto r = parse_yaml(text, "f.yaml");
  expect_positioned_error(r, "billion laughs");
  EXPECT_NE(r.error().message.find("alias"), std::string::npos) << r.error().message;
  // The same shape three levels deep (1,111 nodes) is fine.
  YamlLimits small;
  small.max_nodes = 2000;
  auto three = parse_yaml(text.substr(0, text.find("a3:")), "f.yaml", 0, small);
  EXPECT_TRUE(three.ok()) << three.error().describe();
}

TEST(YamlTree, DeepNestingIsRefusedWhereItExceedsTheBound) {
  for (const char open : {'[', '{'}) {
    auto r = parse_yaml(std::string(100000, open), "f.yaml");
    expect_positioned_error(r, std::string(1, open));
    EXPECT_EQ(r.error().where, "f.yaml:1:257") << open;
    EXPECT_NE(r.error().message.find("nested deeper"), std::string::npos);
  }
  std::string block;  // block mappings nest too
  for (int i = 0; i < 300; ++i) block += std::string(2 * i, ' ') + "k:\n";
  expect_positioned_error(parse_yaml(block, "f.yaml"), "deep block mapping");
}

TEST(YamlTree, MalformedInputIsAnErrorWithItsPosition) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"key: [a, b\n", "f.yaml:2:1"},                        // unterminated flow sequence
      {"key: {a: 1, b: 2\n", "f.yaml:2:1"},                  // unterminated flow mapping
      {"key: \"never closed\n", "f.yaml:2:1"},               // unterminated double-quoted scalar
      {"key: 'never closed\n", "f.yaml:2:1"},                // unterminated single-quoted scalar
      {"m: {limits: {memory: \"1Gi}}\nspec: x\n", "f.yaml:3:1"},  // unterminated quote in a flow map
      {"a:\n\tb: 1\n", "f.yaml:2:1"},                        // tab indentation
      {"a: \x07\n", "f.yaml:1:4"},                           // control character
      {"a: \xC3\x28\n", "f.yaml:1:5"},                       // invalid UTF-8: the bad trailing byte
      {", a: [b\n", "f.yaml:1:1"},                           // yaml-cpp 0.7 loops on a leading comma
  };
  for (const auto& [text, where] : cases) {
    auto r = parse_yaml(text, "f.yaml");
    expect_positioned_error(r, text);
    if (!r.ok()) {
      EXPECT_EQ(r.error().where, where) << text << " -> " << r.error().describe();
    }
  }
}

TEST(YamlTree, ByteOrderMarkAndHugeScalars) {
  auto bom = parse_yaml("\xEF\xBB\xBF" "a: 1\n", "f.yaml");  // nodes live as long as their documents
  const YamlNode r = root_of(bom);
  EXPECT_EQ(r["a"].scalar(), "1");
  EXPECT_EQ(r.mark().line, 1);
  const std::string big(8u << 20, 'x');
  auto huge = parse_yaml("a: \"" + big + "\"\nb: 2\n", "f.yaml");
  const YamlNode h = root_of(huge);
  EXPECT_EQ(h["a"].scalar().size(), big.size());
  EXPECT_EQ(h["b"].mark().line, 2);
}

TEST(YamlTree, DocumentSizeAndNodeCountAreBounded) {
  YamlLimits tiny;
  tiny.max_document_bytes = 1u << 20;
  expect_positioned_error(parse_yaml("a: [" + std::string(2u << 20, '1') + "]\n", "f.yaml", 0, tiny), "size");
  tiny.max_nodes = 100;
  std::string many = "[";
  for (int i = 0; i < 200; ++i) many += "1,";
  expect_positioned_error(parse_yaml(many + "]", "f.yaml", 0, tiny), "nodes");
}

TEST(YamlTree, StreamsYieldOneDocumentEach) {
  auto docs = parse_yaml("a: 1\n---\n---\nb: 2\n...\n# only a comment\n", "f.yaml");
  ASSERT_TRUE(docs.ok()) << docs.error().describe();
  ASSERT_EQ(docs->size(), 3u);
  EXPECT_EQ((*docs)[0].root["a"].scalar(), "1");
  EXPECT_TRUE((*docs)[1].root.is_null());  // an empty document holds a null
  EXPECT_EQ((*docs)[2].root["b"].mark().line, 4);
  auto none = parse_yaml("# nothing\n", "f.yaml");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace redisfit::manifests
