// Rendering of `redisfit rescue`: the ordered steps as text (each with its
// forms and what to wait for) or JSON. Formatting only.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "app/rescue.h"

namespace redisfit::render {

// JSON contract (docs/rescue.md): object, diagnosis, loaded_bytes,
// temporary_limit_bytes, maxmemory_bytes, excess_bytes, cleanup_seconds,
// final_limit_bytes, final_request_bytes, pod{...}, steps[{title, why,
// forms[{label, text}], wait_for}], warnings[], notes[].
nlohmann::json rescue_to_json(const app::RescueReport& report);

// `form` "all" prints every form; otherwise only steps' forms with that label
// ("OpsRequest", "kbcli", "kubectl", ...).
std::string rescue_to_text(const app::RescueReport& report, const std::string& form, bool color);

}  // namespace redisfit::render
