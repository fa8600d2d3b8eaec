#include "sources/manifests/yaml_stream.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "core/quantity.h"

namespace redisfit::manifests {

DocumentStream::DocumentStream(std::istream& in, std::string head, size_t batch_bytes, size_t max_document_bytes)
    : in_(in),
      pending_(std::move(head)),
      batch_bytes_(std::max<size_t>(batch_bytes, 1)),
      max_document_bytes_(max_document_bytes) {}

Status DocumentStream::read_more(size_t bytes) {
  const size_t old = pending_.size();
  pending_.resize(old + bytes);
  in_.read(pending_.data() + old, static_cast<std::streamsize>(bytes));
  pending_.resize(old + static_cast<size_t>(in_.gcount()));
  if (in_.bad()) return Error{"", "read error", ErrorCode::kIo};
  if (!in_) eof_ = true;  // eof (and failbit): nothing more will come
  // YAML forbids NUL: binary data is refused as it arrives, not once a
  // document of it has been read whole (/dev/zero has no document end).
  const size_t from = std::min(checked_, old);  // the head given at construction too
  checked_ = pending_.size();
  if (const size_t nul = pending_.find('\0', from); nul != std::string::npos) {
    // pending_ starts at a line's start (documents are handed out whole).
    const size_t newline = nul == 0 ? std::string::npos : pending_.rfind('\n', nul - 1);
    const size_t col = newline == std::string::npos ? nul + 1 : nul - newline;
    const auto before = pending_.begin() + static_cast<std::ptrdiff_t>(nul);
    const int line = pending_line_ + 1 + static_cast<int>(std::count(pending_.begin(), before, '\n'));
    return Error{fmt::format("{}:{}", line, col), "invalid YAML: NUL byte (binary data, not YAML)", ErrorCode::kParse};
  }
  return Ok{};
}

Result<bool> DocumentStream::next(DocBatch& batch) {
  batch.text.clear();
  batch.chunks.clear();
  for (;;) {
    if (!eof_ && pending_.size() < batch_bytes_) {
      if (auto st = read_more(batch_bytes_ - pending_.size()); !st) return st.error();
    }
    size_t handed = 0;  // bytes of pending_ that form whole documents
    std::vector<DocChunk> chunks;
    if (eof_) {
      // The end of the input ends its last document.
      chunks = split_yaml_documents(pending_);
      handed = pending_.size();
    } else {
      // Only whole lines can be judged (a marker may be cut by a read), and
      // the last document may go on in bytes not read yet: split the whole
      // lines, hand out every document but the one still open at their end.
      const size_t last_newline = pending_.rfind('\n');
      if (last_newline != std::string::npos) {
        const std::string_view lines(pending_.data(), last_newline + 1);
        chunks = split_yaml_documents(lines);
        handed = lines.size();
        // split_yaml_documents() ends with the open document (from its start
        // to the end of the text) unless a "..." line closed the last one.
        if (!chunks.empty() && chunks.back().text.data() + chunks.back().text.size() == lines.data() + lines.size()) {
          handed = static_cast<size_t>(chunks.back().text.data() - lines.data());
          chunks.pop_back();
        }
      }
      if (chunks.empty()) {
        // One document larger than a batch: read on until it ends, or until
        // it is larger than the parser would take (YamlLimits).
        if (pending_.size() > max_document_bytes_) {
          return Error{std::to_string(pending_line_ + 1),
                       fmt::format("a YAML document larger than {} starts here: not read", format_bytes(max_document_bytes_)),
                       ErrorCode::kParse};
        }
        if (auto st = read_more(std::max(batch_bytes_, pending_.size())); !st) return st.error();
        continue;
      }
    }
    if (chunks.empty()) {
      pending_.clear();
      return false;
    }
    batch.text.assign(pending_, 0, handed);
    for (auto& c : chunks) {
      const size_t offset = static_cast<size_t>(c.text.data() - pending_.data());
      batch.chunks.push_back({std::string_view(batch.text).substr(offset, c.text.size()), c.line_offset + pending_line_});
    }
    pending_line_ += static_cast<int>(std::count(batch.text.begin(), batch.text.end(), '\n'));
    pending_.erase(0, handed);
    checked_ -= std::min(checked_, handed);
    return true;
  }
}

Status read_rest(std::istream& in, std::string& text, size_t max_bytes) {
  char block[64 << 10];
  while (in.read(block, sizeof block) || in.gcount() > 0) {
    text.append(block, static_cast<size_t>(in.gcount()));
    if (text.size() > max_bytes) return Error{"", fmt::format("larger than {}", format_bytes(max_bytes)), ErrorCode::kParse};
  }
  if (in.bad()) return Error{"", "read error", ErrorCode::kIo};
  return Ok{};
}

Result<bool> read_ahead(std::istream& in, std::string& head,
                        const std::function<bool(std::string_view)>& undecided, size_t max_bytes) {
  size_t block = 64u << 10;
  for (;;) {
    if (head.size() > max_bytes) {
      return Error{"", fmt::format("more than {} read without telling what it is", format_bytes(max_bytes)),
                   ErrorCode::kParse};
    }
    const size_t old = head.size();
    head.resize(old + block);
    in.read(head.data() + old, static_cast<std::streamsize>(block));
    head.resize(old + static_cast<size_t>(in.gcount()));
    if (in.bad()) return Error{"", "read error", ErrorCode::kIo};
    if (!in) return true;
    if (head.find('\0', old) != std::string::npos) return false;  // binary: no redis.conf, and YAML says where
    const size_t last_newline = head.rfind('\n');
    if (last_newline != std::string::npos && !undecided(std::string_view(head.data(), last_newline + 1))) return false;
    block *= 2;  // each look is over everything read: doubling keeps the total linear
  }
}

}  // namespace redisfit::manifests
