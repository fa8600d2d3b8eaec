// Lint throughput on a large generated multi-document file.
//
// Generates N KubeBlocks objects in one YAML stream (a Cluster with Redis +
// Sentinel components, every third Cluster followed by a Reconfiguring
// OpsRequest, every fifth by a ComponentParameter), then runs the whole lint
// pipeline in process: YAML parse -> recognisers -> join -> model -> rules ->
// fix. items_per_second = manifests (YAML documents) per second.
// The second argument is LintOptions::budget_hints: 0 as `lint` and
// `lint -o sarif` run (no budget assumptions printed), 1 as `lint -o json`
// and `lint -v` run (every budget carries the tightening hint).
//
// BM_LintJsonOutput adds the JSON writer (lint -o json) over the same stream.
//
//   ./build/bench/lint_bench --benchmark_filter=Lint
//   ./build/bench/lint_bench --write-stream clusters.yaml   # the stream, for the CLI
#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "app/lint.h"
#include "render/findings_stream.h"
#include "sources/manifests/yaml_input.h"

namespace {

std::string cluster(int i) {
  const int limit_gi = 1 + i % 32;
  const int request_gi = 1 + (i % 32) / 2;
  return fmt::format(R"(apiVersion: apps.kubeblocks.io/v1
kind: Cluster
metadata:
  name: redis-{0}
  namespace: team-{1}
  labels:
    app.kubernetes.io/name: redis
spec:
  terminationPolicy: Delete
  clusterDef: redis
  topology: replication
  componentSpecs:
  - name: redis
    serviceVersion: "7.2.4"
    replicas: 2
    resources:
      limits:
        cpu: "2"
        memory: {2}Gi
      requests:
        cpu: "1"
        memory: {3}Gi
    volumeClaimTemplates:
    - name: data
      spec:
        accessModes: [ReadWriteOnce]
        resources:
          requests:
            storage: 20Gi
  - name: redis-sentinel
    replicas: 3
    resources:
      limits:
        cpu: "0.2"
        memory: 0.2Gi
      requests:
        cpu: "0.2"
        memory: 0.2Gi
)",
                     i, i % 7, limit_gi, request_gi);
}

std::string reconfigure(int i) {
  return fmt::format(R"(apiVersion: operations.kubeblocks.io/v1alpha1
kind: OpsRequest
metadata:
  name: redis-{0}-maxmemory
  namespace: team-{1}
spec:
  clusterName: redis-{0}
  type: Reconfiguring
  reconfigures:
  - componentName: redis
    parameters:
    - key: maxmemory
      value: "{2}"
    - key: maxmemory-policy
      value: allkeys-lru
)",
                     i, i % 7, (uint64_t{1} + i % 32) << 29);
}

std::string component_parameter(int i) {
  return fmt::format(R"(apiVersion: parameters.kubeblocks.io/v1alpha1
kind: ComponentParameter
metadata:
  name: redis-{0}-redis
  namespace: team-{1}
spec:
  clusterName: redis-{0}
  componentName: redis
  configItemDetails:
  - name: redis-replication-config
    configFileParams:
      redis.conf:
        parameters:
          appendonly: "no"
          save: "900 1"
)",
                     i, i % 7);
}

// Returns the text and the number of documents in it.
std::pair<std::string, int> generate(int clusters) {
  std::string text;
  int docs = 0;
  for (int i = 0; i < clusters; ++i) {
    text += "---\n" + cluster(i);
    ++docs;
    if (i % 3 == 0) {
      text += "---\n" + reconfigure(i);
      ++docs;
    }
    if (i % 5 == 0) {
      text += "---\n" + component_parameter(i);
      ++docs;
    }
  }
  return {text, docs};
}

void BM_LintGeneratedFile(benchmark::State& state) {
  const auto [text, docs] = generate(static_cast<int>(state.range(0)));
  redisfit::app::LintOptions options;
  options.budget_hints = state.range(1) != 0;
  size_t findings = 0;
  for (auto _ : state) {
    auto report = redisfit::app::lint_yaml_texts({{"generated.yaml", text}}, options);
    for (const auto& s : report.subjects) findings += s.findings.size();
    benchmark::DoNotOptimize(findings);
  }
  state.SetItemsProcessed(state.iterations() * docs);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
  state.counters["manifests"] = docs;
}
BENCHMARK(BM_LintGeneratedFile)->ArgsProduct({{2000}, {0, 1}})->ArgNames({"clusters", "hints"})->Unit(benchmark::kMillisecond)->UseRealTime();

// `lint -o json` as the CLI runs it: the stream read from a file, the
// pipeline with budget hints, each subject handed to the JSON writer as it is
// judged and written (to /dev/null).
void BM_LintJsonOutput(benchmark::State& state) {
  const auto [text, docs] = generate(static_cast<int>(state.range(0)));
  char path[] = "/tmp/redisfit-lint-bench-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0 || write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    state.SkipWithError("cannot write the generated stream to /tmp");
    return;
  }
  close(fd);
  redisfit::app::LintOptions options;
  options.budget_hints = true;  // as `-o json` sets it
  options.paths = {path};
  FILE* sink = std::fopen("/dev/null", "w");
  for (auto _ : state) {
    auto writer = redisfit::render::json_writer(sink);
    auto report = redisfit::app::run_lint(options, [&](redisfit::app::SubjectReport&& s) { writer->subject(s); });
    writer->finish(report);
  }
  std::fclose(sink);
  unlink(path);
  state.SetItemsProcessed(state.iterations() * docs);
  state.counters["manifests"] = docs;
}
BENCHMARK(BM_LintJsonOutput)->Arg(2000)->ArgNames({"clusters"})->Unit(benchmark::kMillisecond)->UseRealTime();

// Plain workloads: per unit a Deployment running redis-server with its config
// from a ConfigMap, the ConfigMap, and a Service (3 manifests): the volume
// join and the argv reading on every pod.
std::pair<std::string, int> generate_workloads(int units) {
  std::string text;
  for (int i = 0; i < units; ++i) {
    text += fmt::format(R"(---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cache-{0}
  namespace: ns-{1}
  labels:
    helm.sh/chart: redis-20.13.3
    app.kubernetes.io/instance: cache-{0}
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: redis
        image: docker.io/library/redis:7.2.{1}-alpine
        command: ["sh", "-c", "exec redis-server /etc/redis/redis.conf --appendonly yes"]
        resources:
          requests:
            memory: 1Gi
          limits:
            memory: 2Gi
        volumeMounts:
        - name: conf
          mountPath: /etc/redis
      - name: metrics
        image: oliver006/redis_exporter:v1.62.0
      volumes:
      - name: conf
        configMap:
          name: cache-{0}-conf
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cache-{0}-conf
  namespace: ns-{1}
data:
  redis.conf: |
    maxmemory {2}mb
    maxmemory-policy allkeys-lru
    save ""
---
apiVersion: v1
kind: Service
metadata:
  name: cache-{0}
  namespace: ns-{1}
spec:
  ports:
  - port: 6379
)",
                        i, i % 7, 400 + i % 900);
  }
  return {text, units * 3};
}

void BM_LintWorkloads(benchmark::State& state) {
  const auto [text, docs] = generate_workloads(static_cast<int>(state.range(0)));
  redisfit::app::LintOptions options;
  options.budget_hints = state.range(1) != 0;
  size_t findings = 0;
  for (auto _ : state) {
    auto report = redisfit::app::lint_yaml_texts({{"workloads.yaml", text}}, options);
    for (const auto& s : report.subjects) findings += s.findings.size();
    benchmark::DoNotOptimize(findings);
  }
  state.SetItemsProcessed(state.iterations() * docs);
  state.counters["manifests"] = docs;
}
BENCHMARK(BM_LintWorkloads)->ArgsProduct({{1000}, {0, 1}})->ArgNames({"units", "hints"})->Unit(benchmark::kMillisecond)->UseRealTime();

// One Pod whose args repeat `--maxmemory 1gb --save ""`: the time must grow
// with the args, not with their square (each directive looked for its own
// argv item once, and 40k args took 30 s).
void BM_LintLongArgs(benchmark::State& state) {
  std::string text =
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: redis\n    image: "
      "redis:7.2\n    command: [redis-server]\n    resources: {limits: {memory: 2Gi}}\n    args:\n";
  for (int64_t i = 0; i < state.range(0); ++i) text += "    - --maxmemory\n    - 1gb\n    - --save\n    - \"\"\n";
  redisfit::app::LintOptions options;
  for (auto _ : state) {
    auto report = redisfit::app::lint_yaml_texts({{"args.yaml", text}}, options);
    benchmark::DoNotOptimize(report.subjects.size());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0) * 4);
}
BENCHMARK(BM_LintLongArgs)->Arg(10000)->Arg(40000)->Unit(benchmark::kMillisecond)->UseRealTime();

// The YAML parse alone, to see what the rest of the pipeline costs.
void BM_ParseOnly(benchmark::State& state) {
  const auto [text, docs] = generate(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto objs = redisfit::manifests::parse_yaml_objects(text, "generated.yaml");
    benchmark::DoNotOptimize(objs);
  }
  state.SetItemsProcessed(state.iterations() * docs);
}
BENCHMARK(BM_ParseOnly)->Arg(2000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

// `lint_bench --write-stream FILE` writes the BM_LintGeneratedFile stream
// (3,067 manifests) to FILE, to time the CLI on it (docs/lint.md).
int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--write-stream") {
    const std::string text = generate(2000).first;
    FILE* f = std::fopen(argv[2], "w");
    if (!f || std::fwrite(text.data(), 1, text.size(), f) != text.size() || std::fclose(f) != 0) {
      std::fprintf(stderr, "lint_bench: cannot write %s\n", argv[2]);
      return 2;
    }
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
