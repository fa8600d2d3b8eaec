// Rendering of the `rdb` report (docs/rdb.md). Formats only: every number
// was computed by app/rdb_analysis and the model.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "app/rdb_analysis.h"

namespace redisfit::render {

// JSON contract (docs/rdb.md): path, input, file_bytes, rdb_version, aux{},
// keys, expires, already_expired, module_keys, module_aux, function_libraries,
// function_code_bytes, functions_bytes, aof_commands_not_modelled,
// databases[], types[], largest_keys[], prefixes[], aof_files[],
// estimate{target, startup_bytes, dataset_bytes, used_memory_bytes,
// source_used_mem_bytes}, fit{phases[], maxmemory_note}, notes[].
nlohmann::json rdb_report_to_json(const RdbReport& report, const RdbFit& fit);
std::string rdb_report_to_text(const RdbReport& report, const RdbFit& fit, bool color);

}  // namespace redisfit::render
