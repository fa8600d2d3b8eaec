#include "render/findings_stream.h"

#include <stdexcept>
#include <string>
#include <string_view>

#include "core/json_text.h"
#include "render/findings_render.h"
#include "render/json_out.h"

namespace redisfit::render {
namespace {

// Items written as they come to an unnamed temporary file (removed when
// closed); if none can be made, kept in memory instead.
class Spool {
 public:
  Spool() : file_(std::tmpfile()) {}
  ~Spool() {
    if (file_) std::fclose(file_);
  }
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  // One array item, indented by `indent` spaces on every line.
  void item(const nlohmann::json& j, const std::string& indent) {
    std::string text = indent;
    const std::string dumped = dump_json(j, 2);
    // Raw newlines occur only between tokens (strings escape them).
    for (char c : dumped) {
      text += c;
      if (c == '\n') text += indent;
    }
    raw_item(text);
  }

  // One array item already written at its depth (json_out.h), `text`
  // starting with its indent.
  void raw_item(std::string_view text) {
    const char* separator = count_++ ? ",\n" : "\n";
    if (file_) {
      std::fputs(separator, file_);
      std::fwrite(text.data(), 1, text.size(), file_);
    } else {
      memory_ += separator;
      memory_ += text;
    }
  }

  // "[" items "\n<closing_indent>]" onto `out`.
  void copy_array(FILE* out, const std::string& closing_indent) {
    std::fputc('[', out);
    if (file_) {
      std::rewind(file_);
      char buf[1 << 16];
      size_t n;
      while ((n = std::fread(buf, 1, sizeof buf, file_)) > 0) std::fwrite(buf, 1, n, out);
    } else {
      std::fputs(memory_.c_str(), out);
    }
    if (count_) std::fputs(("\n" + closing_indent).c_str(), out);
    std::fputc(']', out);
  }

 private:
  FILE* file_;
  std::string memory_;
  size_t count_ = 0;
};

// Writes `doc` (an envelope's dump(2)) from `from` on, with each placeholder
// array replaced by its spool. `keys` are searched as "\n<indent>\"key\": []":
// a raw newline is never inside a dumped string, so the match is the
// structural one.
void splice(FILE* out, const std::string& doc, size_t from,
            std::initializer_list<std::tuple<const char*, const char*, Spool*>> keys) {
  for (const auto& [key, indent, spool] : keys) {
    const std::string marker = std::string("\n") + indent + "\"" + key + "\": []";
    const size_t at = doc.find(marker, from);
    if (at == std::string::npos) continue;
    const size_t open = at + marker.size() - 2;
    std::fwrite(doc.data() + from, 1, open - from, out);
    spool->copy_array(out, indent);
    from = open + 2;
  }
  std::fwrite(doc.data() + from, 1, doc.size() - from, out);
  std::fputc('\n', out);
}

class TextWriter : public FindingsWriter {
 public:
  TextWriter(FILE* out, bool color, bool verbose, std::optional<rules::Level> quiet_at)
      : out_(out), color_(color), verbose_(verbose), quiet_at_(quiet_at) {}
  void subject(const app::SubjectReport& s) override {
    std::string text;
    text_subject(s, color_, verbose_, totals_, text, quiet_at_);
    std::fwrite(text.data(), 1, text.size(), out_);
  }
  void finish(const app::LintReport& report) override {
    const std::string text = text_summary(report, totals_, verbose_);
    std::fwrite(text.data(), 1, text.size(), out_);
    std::fflush(out_);
  }

 private:
  FILE* out_;
  bool color_, verbose_;
  std::optional<rules::Level> quiet_at_;
  TextTotals totals_;
};

constexpr char kJsonOpening[] = "{\n  \"components\": [";

// "components" is the envelope's first key (nlohmann sorts them), and no
// count is needed before it: components go straight to the output as each is
// judged; findings, which come after it, are spooled.
class JsonWriter : public FindingsWriter {
 public:
  explicit JsonWriter(FILE* out) : out_(out), component_(4) {}
  void subject(const app::SubjectReport& s) override {
    std::fputs(index_ ? ",\n    " : (std::string(kJsonOpening) + "\n    ").c_str(), out_);
    component_.clear();
    write_component_json(component_, s, index_);
    std::fwrite(component_.text().data(), 1, component_.text().size(), out_);
    write_findings_json(s, index_, 4, [&](const std::string& text) { findings_.raw_item("    " + text); });
    counts_.add(s);
    ++index_;
  }
  void finish(const app::LintReport& report) override {
    const std::string doc =
        dump_json(findings_envelope(report, counts_, nlohmann::json::array(), nlohmann::json::array()), 2);
    const std::string empty_components = std::string(kJsonOpening) + "]";
    if (doc.compare(0, empty_components.size(), empty_components) != 0) {
      throw std::logic_error("lint JSON: the envelope no longer opens with \"components\"");
    }
    std::fputs(index_ ? "\n  ]" : empty_components.c_str(), out_);
    splice(out_, doc, empty_components.size(), {{"findings", "  ", &findings_}});
    std::fflush(out_);
  }

 private:
  FILE* out_;
  JsonOut component_;
  Spool findings_;
  FindingCounts counts_;
  size_t index_ = 0;
};

class SarifWriter : public FindingsWriter {
 public:
  explicit SarifWriter(FILE* out) : out_(out) {}
  void subject(const app::SubjectReport& s) override {
    sarif_results_of_subject(s, [&](nlohmann::json r) { results_.item(r, "        "); });
  }
  void finish(const app::LintReport& report) override {
    splice(out_, dump_json(sarif_envelope(report, nlohmann::json::array()), 2), 0, {{"results", "      ", &results_}});
    std::fflush(out_);
  }

 private:
  FILE* out_;
  Spool results_;
};

}  // namespace

std::unique_ptr<FindingsWriter> text_writer(FILE* out, bool color, bool verbose,
                                            std::optional<rules::Level> quiet_at) {
  return std::make_unique<TextWriter>(out, color, verbose, quiet_at);
}
std::unique_ptr<FindingsWriter> json_writer(FILE* out) { return std::make_unique<JsonWriter>(out); }
std::unique_ptr<FindingsWriter> sarif_writer(FILE* out) { return std::make_unique<SarifWriter>(out); }

}  // namespace redisfit::render
