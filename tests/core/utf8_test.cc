#include "core/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace redisfit {
namespace {

const std::string kReplacement = "\xEF\xBF\xBD";

TEST(Utf8, WellFormedTextIsKeptAsItIs) {
  for (const std::string& text : {std::string(), std::string("maxmemory 1gb"), std::string("caf\xC3\xA9"),
                                 std::string("\xE2\x82\xAC 5"), std::string("\xF0\x9F\x98\x80"),
                                 std::string("\xF4\x8F\xBF\xBF"), std::string("a\0b", 3)}) {
    EXPECT_TRUE(is_valid_utf8(text)) << text;
    EXPECT_EQ(valid_utf8(text), text);
  }
}

TEST(Utf8, EachByteOutsideAWellFormedSequenceBecomesOneReplacement) {
  EXPECT_EQ(valid_utf8("r\xE9" "dis"), "r" + kReplacement + "dis");         // Latin-1 é
  EXPECT_EQ(valid_utf8("\x82"), kReplacement);                               // a lone continuation byte
  EXPECT_EQ(valid_utf8("ab\xC3"), "ab" + kReplacement);                      // cut short at the end
  EXPECT_EQ(valid_utf8("\xC0\xAF"), kReplacement + kReplacement);            // overlong '/'
  EXPECT_EQ(valid_utf8("\xE0\x80\xAF"), kReplacement + kReplacement + kReplacement);  // overlong, 3 bytes
  EXPECT_EQ(valid_utf8("\xED\xA0\x80"), kReplacement + kReplacement + kReplacement);  // a UTF-16 surrogate
  EXPECT_EQ(valid_utf8("\xF4\x90\x80\x80"), kReplacement + kReplacement + kReplacement + kReplacement);  // > U+10FFFF
  EXPECT_EQ(valid_utf8("\xFF\xC3\xA9"), kReplacement + "\xC3\xA9");          // a valid sequence after a bad byte
  for (const char* bad : {"r\xE9", "\x82", "\xC0\xAF", "\xED\xA0\x80", "\xF5\x80\x80\x80"}) {
    EXPECT_FALSE(is_valid_utf8(bad)) << bad;
    EXPECT_TRUE(is_valid_utf8(valid_utf8(bad))) << bad;
  }
}

// A key name is binary: what a terminal would act on (NUL, ESC, a newline,
// C1 controls) or cannot show (a stray byte) is written as \xHH; readable
// text, UTF-8 included, stays.
TEST(EscapedForText, ControlsAndStrayBytesAreShownAsHex) {
  EXPECT_EQ(escaped_for_text("user:1"), "user:1");
  EXPECT_EQ(escaped_for_text("caf\xC3\xA9"), "caf\xC3\xA9");  // é
  EXPECT_EQ(escaped_for_text(std::string("bin\0key", 7)), "bin\\x00key");
  EXPECT_EQ(escaped_for_text("esc\x1b[31mRED\nnl"), "esc\\x1b[31mRED\\x0anl");
  EXPECT_EQ(escaped_for_text("a\\b"), "a\\x5cb");  // the escape character itself
  EXPECT_EQ(escaped_for_text("r\xE9" "dis"), "r\\xe9dis");         // Latin-1 é
  EXPECT_EQ(escaped_for_text("c1\xC2\x9B" "2J"), "c1\\xc2\\x9b2J");  // U+009B, CSI
  EXPECT_EQ(escaped_for_text("del\x7f"), "del\\x7f");
}

// A bidirectional control reorders the rest of the line a terminal shows
// (a key U+202E "RTL" printed the report's line backwards): each is written
// as its UTF-8 bytes in \xHH, the one escape style; its neighbours stay.
TEST(EscapedForText, BidiControlsAreShownAsHex) {
  EXPECT_EQ(escaped_for_text("\xE2\x80\xAERTL"), "\\xe2\\x80\\xaeRTL");  // U+202E RIGHT-TO-LEFT OVERRIDE
  EXPECT_EQ(escaped_for_text("a\xE2\x80\xAA" "b"), "a\\xe2\\x80\\xaab");   // U+202A, the first embedding
  EXPECT_EQ(escaped_for_text("\xE2\x81\xA6x\xE2\x81\xA9"), "\\xe2\\x81\\xa6x\\xe2\\x81\\xa9");  // U+2066 .. U+2069 isolates
  EXPECT_EQ(escaped_for_text("\xE2\x80\x8E\xE2\x80\x8F"), "\\xe2\\x80\\x8e\\xe2\\x80\\x8f");    // LRM, RLM
  EXPECT_EQ(escaped_for_text("\xD8\x9C"), "\\xd8\\x9c");                                          // U+061C ARABIC LETTER MARK
  EXPECT_EQ(escaped_for_message("line\n\xE2\x80\xAE" "end"), "line\n\\xe2\\x80\\xaeend");
  // Their neighbours are text: U+2029, U+202F, U+2065, U+206A, U+200D (ZWJ), Arabic U+061B.
  for (const char* kept : {"\xE2\x80\xA9", "\xE2\x80\xAF", "\xE2\x81\xA5", "\xE2\x81\xAA", "\xE2\x80\x8D", "\xD8\x9B"})
    EXPECT_EQ(escaped_for_text(kept), kept);
}

}  // namespace
}  // namespace redisfit
