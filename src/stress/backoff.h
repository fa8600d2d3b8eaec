// kubelet's container restart back-off (pkg/kubelet/kuberuntime, the
// CrashLoopBackOff state): after a crash the container is restarted after
// 10 s, then 20 s, 40 s, ... capped at 300 s; the back-off resets once a
// container has run 10 minutes without crashing. `time_scale` compresses all
// of it (time_scale 10: 1 s, 2 s, ... 30 s, reset after 60 s) so a test or a
// demo can exercise the same sequence quickly.
#pragma once

namespace redisfit::stress {

struct BackoffPolicy {
  double initial_sec = 10;
  double max_sec = 300;
  double reset_after_sec = 600;
  double time_scale = 1;  // >= 1 compresses, 1 = real kubelet timing
};

// Wall-clock seconds to wait before restart number `restart` (1-based) of a
// run of consecutive crashes.
double backoff_delay_sec(const BackoffPolicy& policy, int restart);

// Wall-clock seconds a container must run before its back-off resets.
double backoff_reset_sec(const BackoffPolicy& policy);

}  // namespace redisfit::stress
