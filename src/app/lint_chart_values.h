// The lint use case's reading of Helm values files given with --chart
// (`redisfit lint --chart bitnami/redis@20 values.yaml`): one SubjectReport per
// data node the values deploy, with the chart's defaults stated in each fact's
// provenance. A values file for a chart major redisfit has not verified, or
// one that is another chart's, becomes one unreadable subject (RF000) saying so.
#pragma once

#include <string>
#include <vector>

#include "app/lint.h"
#include "sources/charts/bitnami_redis_chart.h"
#include "sources/manifests/kb_objects.h"

namespace redisfit::app {

struct ChartValuesSubjects {
  std::vector<SubjectReport> nodes;  // not yet evaluated
  std::string unread_reason;         // set instead when the values are not read with this chart
};

// `values` is the UnreadableDecl the recogniser made of a values file (its
// helm_values set). Malformed values go to `errors` (file:line:col, exit 2).
ChartValuesSubjects chart_values_subjects(const manifests::UnreadableDecl& values, const charts::ChartRef& chart,
                                          std::vector<Error>& errors);

}  // namespace redisfit::app
