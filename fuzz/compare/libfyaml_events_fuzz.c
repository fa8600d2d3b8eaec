/* Parser comparison (docs/testing.md): libfyaml's event parser alone, every
 * event pulled until the stream ends or an error. Built outside CMake
 * (needs libfyaml-dev, not a redisfit dependency):
 *   clang-14 -g -O1 -fsanitize=fuzzer,address,undefined fuzz/compare/libfyaml_events_fuzz.c -lfyaml */
#include <libfyaml.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  struct fy_parse_cfg cfg = {0};
  cfg.flags = FYPCF_QUIET;
  struct fy_parser* parser = fy_parser_create(&cfg);
  if (!parser) return 0;
  if (fy_parser_set_string(parser, (const char*)data, size) == 0) {
    struct fy_event* event;
    while ((event = fy_parser_parse(parser)) != NULL) fy_parser_event_free(parser, event);
  }
  fy_parser_destroy(parser);
  return 0;
}
