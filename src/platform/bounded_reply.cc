// The bound on RESP aggregates declared by a server (redis_transport.h).
//
// hiredis 0.14 (Debian 12) builds a reply through a table of functions; its
// createArray callocs the element array for the count in the "*N" header as
// soon as the header is read, before any element arrives, and a NULL from any
// of these functions is reported as out of memory (read.c). So the bound is a
// createArray that refuses, and the refusal is remembered per thread so that
// the transport can say what happened instead of "Out of memory".
#include <hiredis/hiredis.h>
#include <hiredis/read.h>

#include "platform/redis_transport.h"

namespace redisfit::platform::detail {
namespace {

// Elements declared so far by the reply being read on this thread, and the
// declaration that went over the bound (0 = none). A reply is read by one
// thread at a time; each connection belongs to one thread.
thread_local long long declared_in_reply = 0;
thread_local long long refused_count = 0;

// hiredis's own functions, taken from a reader it creates (its table is static
// in hiredis.c and not exported).
const redisReplyObjectFunctions& hiredis_functions() {
  static const redisReplyObjectFunctions functions = [] {
    redisReader* reader = redisReaderCreate();
    redisReplyObjectFunctions f = *reader->fn;
    redisReaderFree(reader);
    return f;
  }();
  return functions;
}

void* create_bounded_array(const redisReadTask* task, int elements) {
  // The root of a reply starts a new count: nested arrays are charged to it,
  // so a million headers of a million elements each cannot add up either.
  if (task->parent == nullptr) declared_in_reply = 0;
  declared_in_reply += elements;
  if (elements > kMaxReplyElements || declared_in_reply > kMaxReplyElements) {
    refused_count = declared_in_reply;
    return nullptr;  // hiredis: NULL = out of memory; the reader stops with an error
  }
  return hiredis_functions().createArray(task, elements);
}

}  // namespace

void bound_reply_size(redisReader* reader) {
  static redisReplyObjectFunctions bounded = [] {
    redisReplyObjectFunctions f = hiredis_functions();
    f.createArray = create_bounded_array;
    return f;
  }();
  reader->fn = &bounded;
}

std::optional<std::string> take_refused_reply() {
  if (refused_count == 0) return std::nullopt;
  std::string why = "the reply declares " + std::to_string(refused_count) +
                    " array elements, more than the " + std::to_string(kMaxReplyElements) +
                    " redisfit reads from a server (not a reply to what was asked; a broken or hostile endpoint?)";
  refused_count = 0;
  return why;
}

}  // namespace redisfit::platform::detail
