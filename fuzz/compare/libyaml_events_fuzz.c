/* Parser comparison (docs/testing.md): libyaml's event parser alone, every
 * event pulled until the stream ends or an error. Built outside CMake:
 *   clang-14 -g -O1 -fsanitize=fuzzer,address,undefined fuzz/compare/libyaml_events_fuzz.c -lyaml */
#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) return 0;
  yaml_parser_set_input_string(&parser, data, size);
  for (;;) {
    yaml_event_t event;
    if (!yaml_parser_parse(&parser, &event)) break;
    const int done = event.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&event);
    if (done) break;
  }
  yaml_parser_delete(&parser);
  return 0;
}
