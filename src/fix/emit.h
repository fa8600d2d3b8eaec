// One entry point for "print the fix in the form asked for" (--emit), shared
// by plan, probe --plan and recommend, so the same recommendation reads the
// same whichever command produced it.
#pragma once

#include <string>

#include "facts/redis_instance.h"
#include "fix/kubeblocks_fix.h"
#include "model/solver.h"

namespace redisfit::fix {

enum class EmitForm { kConf, kKbcli, kOpsRequest };

struct EmitRequest {
  EmitForm form = EmitForm::kConf;
  KbTarget target;  // for kKbcli / kOpsRequest
};

// `given` is the instance as it is now (for what changes); `policy` is the
// maxmemory-policy to write in the conf form.
std::string emit_fix(const EmitRequest& request, const RedisInstance& given, const Recommendation& rec);

}  // namespace redisfit::fix
