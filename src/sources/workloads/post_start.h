// A container's lifecycle.postStart exec hook, read for what it changes in
// the server: the kubelet runs it right after the container starts
// (kubernetes.io "Container Lifecycle Hooks"), so a `redis-cli CONFIG SET
// maxmemory 3gb` there replaces what the config file and args said, a
// moment after the server read them. Internal to workload_config.cc.
#pragma once

#include <map>
#include <set>
#include <string>

#include "sources/workloads/pod_decl.h"
#include "sources/workloads/workload_config.h"

namespace redisfit::workloads {

// Applies each `redis-cli ... CONFIG SET name value [name value ...]` of the
// hook (its argv, or the commands of an `sh -c` script) to `r`, as CONFIG SET
// does (a value replaces, `save` included), located at the hook. A value
// that expands at run time leaves the setting unknown when it is a memory
// setting; a value redis-server refuses is an input error, as in a config.
void apply_post_start(const ContainerDecl& c, const std::map<std::string, std::string>& env, ContainerReading& r);

}  // namespace redisfit::workloads
