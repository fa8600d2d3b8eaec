// Reading a multi-document YAML input a batch of whole documents at a time,
// so that lint's memory holds one batch (a few MiB, or the one document that
// is larger), never the whole input: `helm template … | redisfit lint -` of
// 50 MB would otherwise be held whole while it is parsed.
//
// Contract: the concatenated batches' chunks are exactly what
// split_yaml_documents() cuts from the whole input (same text, same file line
// offsets), whatever the batch size and however the reads fall; a test
// checks it on every batch size from 1 byte up.
#pragma once

#include <cstddef>
#include <functional>
#include <istream>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "sources/manifests/yaml_input.h"
#include "sources/manifests/yaml_tree.h"

namespace redisfit::manifests {

// Whole documents read from a stream, in order.
struct DocBatch {
  std::string text;              // the documents' bytes
  std::vector<DocChunk> chunks;  // views into `text`; line offsets in file coordinates
};

class DocumentStream {
 public:
  static constexpr size_t kDefaultBatchBytes = 1u << 20;

  // `head`: bytes already taken from `in` (stdin read ahead to tell a
  // redis.conf from YAML); they come first. `in` must outlive the stream.
  explicit DocumentStream(std::istream& in, std::string head = {}, size_t batch_bytes = kDefaultBatchBytes,
                          size_t max_document_bytes = YamlLimits{}.max_document_bytes);

  // Replaces `batch` with the next whole documents, about batch_bytes of them
  // (at least one). Ok(false) when the input is exhausted; an error when the
  // stream cannot be read, holds a NUL byte (binary data), or one document
  // grows past max_document_bytes (the parser would refuse it; read whole,
  // /dev/zero would take all memory first). An error's `where` is the input's
  // line ("12" or "12:5"), its file the caller's.
  Result<bool> next(DocBatch& batch);

 private:
  // Reads up to `bytes` more into pending_; sets eof_ at the end.
  Status read_more(size_t bytes);

  std::istream& in_;
  std::string pending_;   // bytes read but not yet handed out
  int pending_line_ = 0;  // 0-based file line of pending_'s first byte
  size_t batch_bytes_;
  size_t max_document_bytes_;
  size_t checked_ = 0;    // bytes of pending_ searched for a NUL (it shrinks as documents go)
  bool eof_ = false;
};

// Appends the rest of `in` to `text`, an error once `text` is over
// `max_bytes` (an error names no file: the caller's).
Status read_rest(std::istream& in, std::string& text, size_t max_bytes);

// Reads `in` into `head`, a growing block at a time, while
// `undecided(the whole lines read so far)` holds: how stdin is told to be a
// redis.conf or YAML from its first lines without reading it all. Ok(true)
// when the input ended (then `head` is all of it), Ok(false) when decided
// first; the rest of the input follows `head` (DocumentStream takes both).
// An error when more than `max_bytes` leave it undecided.
Result<bool> read_ahead(std::istream& in, std::string& head,
                        const std::function<bool(std::string_view)>& undecided, size_t max_bytes);

}  // namespace redisfit::manifests
