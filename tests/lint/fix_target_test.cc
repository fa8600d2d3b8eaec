// Where lint's fix puts maxmemory: in the file whose maxmemory is in effect.
// redis-server applies config lines in order, a later maxmemory replacing an
// earlier one (config.c loadServerConfigFromString), includes in place and
// the argv after the file, so a fix written anywhere else is overridden.
#include <gtest/gtest.h>

#include "lint_test_support.h"

namespace redisfit {
namespace {

using lint_test::fixture;
using lint_test::read_text;
using lint_test::subject;

bool has_form(const app::SubjectReport& s, const std::string& part) {
  if (!s.fix) return false;
  for (const auto& f : s.fix->forms) {
    if (f.label.find(part) != std::string::npos || f.text.find(part) != std::string::npos) return true;
  }
  return false;
}

// redis.conf sets maxmemory, then includes extra.conf, which sets it again:
// the fix goes into extra.conf's key.
TEST(FixTarget, AnIncludedFilesMaxmemoryIsTheOneFixed) {
  const std::string yaml = R"(apiVersion: v1
kind: ConfigMap
metadata: {name: redis-conf}
data:
  redis.conf: |
    appendonly yes
    maxmemory 3500mb
    include /etc/redis/extra.conf
  extra.conf: |
    maxmemory 3gb
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      containers:
      - name: redis
        image: redis:7.2.4-alpine
        command: ["redis-server", "/etc/redis/redis.conf"]
        resources: {limits: {memory: 4Gi}}
        volumeMounts:
        - {name: conf, mountPath: /etc/redis/redis.conf, subPath: redis.conf}
        - {name: conf, mountPath: /etc/redis/extra.conf, subPath: extra.conf}
      volumes:
      - name: conf
        configMap: {name: redis-conf}
)";
  const app::LintReport r = app::lint_yaml_texts({{"cm.yaml", yaml}}, {});
  const auto* s = subject(r, "redis/redis");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->instance.maxmemory.bytes, 3ULL << 30);
  ASSERT_TRUE(s->fix.has_value());
  EXPECT_TRUE(has_form(*s, "key extra.conf")) << s->fix->forms[0].label;
  EXPECT_FALSE(has_form(*s, "key redis.conf"));
}

// Bitnami's start script with --maxmemory after its two --include lines (how
// master.extraFlags renders): the argv wins over master.conf, so the fix is
// the extra flags, not a master.conf line.
TEST(FixTarget, AStartScriptsMaxmemoryAfterItsIncludesIsFixedInTheArgs) {
  std::string yaml = read_text(fixture("real/uw_bitnami_redis-18.1.6_standalone.yaml"));
  const std::string include_line = R"(    ARGS+=("--include" "/opt/bitnami/redis/etc/master.conf"))";
  const size_t at = yaml.find(include_line);
  ASSERT_NE(at, std::string::npos);
  yaml.insert(at + include_line.size(), "\n    ARGS+=(\"--maxmemory 1800mb\")");
  const size_t conf = yaml.find("    # User-supplied master configuration:");
  ASSERT_NE(conf, std::string::npos);
  yaml.insert(conf, "    maxmemory 1gb\n");
  const app::LintReport r = app::lint_yaml_texts({{"bitnami.yaml", yaml}}, {});
  const auto* s = subject(r, "redis-master/redis");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->instance.maxmemory.bytes, 1800ULL << 20);
  ASSERT_TRUE(s->fix.has_value());
  EXPECT_TRUE(has_form(*s, "extraFlags"));
  EXPECT_FALSE(has_form(*s, "key master.conf"));
  // The script builds its own ARGS: REDIS_EXTRA_FLAGS, which only the image's
  // run.sh reads, reached nothing (applied, lint still found the same peak).
  EXPECT_TRUE(has_form(*s, "start script"));
  for (const auto& f : s->fix->forms) EXPECT_EQ(f.text.find("kubectl set env"), std::string::npos) << f.text;
  // Without the argument, master.conf's line is the one in effect and fixed.
  yaml.erase(yaml.find("\n    ARGS+=(\"--maxmemory 1800mb\")"), std::string("\n    ARGS+=(\"--maxmemory 1800mb\")").size());
  const app::LintReport conf_only = app::lint_yaml_texts({{"bitnami.yaml", yaml}}, {});
  const auto* c = subject(conf_only, "redis-master/redis");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->instance.maxmemory.bytes, 1ULL << 30);
  ASSERT_TRUE(c->fix.has_value());
  EXPECT_TRUE(has_form(*c, "key master.conf"));
}

// An init container copies redis.conf from a ConfigMap, then appends its own
// maxmemory line (`echo "maxmemory 3gb" >>`): that line is in effect, and a
// fix in the copied key (read before it) would lose to it. The fix is the
// argv, which redis-server applies after the file.
TEST(FixTarget, AMaxmemoryLineAnInitContainerAppendsIsFixedInTheArgs) {
  const std::string yaml = R"(apiVersion: v1
kind: ConfigMap
metadata: {name: base}
data:
  redis.conf: |
    maxmemory 1gb
    appendonly no
  init.sh: |
    #!/bin/sh
    cp /base/redis.conf /data/conf/redis.conf
    echo "maxmemory 3gb" >> /data/conf/redis.conf
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: r6}
spec:
  serviceName: r6
  selector: {matchLabels: {app: r6}}
  template:
    metadata: {labels: {app: r6}}
    spec:
      initContainers:
      - name: init
        image: busybox
        command: ["sh", "/base/init.sh"]
        volumeMounts:
        - {name: base, mountPath: /base}
        - {name: conf, mountPath: /data/conf}
      containers:
      - name: redis
        image: redis:7.2
        command: ["redis-server", "/data/conf/redis.conf"]
        resources: {limits: {memory: 4Gi}}
        volumeMounts:
        - {name: conf, mountPath: /data/conf}
      volumes:
      - name: base
        configMap: {name: base}
      - name: conf
        emptyDir: {}
)";
  const app::LintReport r = app::lint_yaml_texts({{"init.yaml", yaml}}, {});
  const auto* s = subject(r, "r6/redis");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->instance.maxmemory.bytes, 3ULL << 30);
  // The written line has no place of its own: it sits at the `echo` that
  // writes it (init.sh line 3, file line 11, after 4 columns of indentation).
  const Location& at = s->instance.maxmemory.source.location;
  EXPECT_EQ(at.file, "init.yaml");
  EXPECT_EQ(at.line, 11);
  EXPECT_EQ(at.column, 5);
  ASSERT_TRUE(s->fix.has_value());
  EXPECT_FALSE(has_form(*s, "key redis.conf")) << s->fix->forms[0].label;
  EXPECT_TRUE(has_form(*s, "--maxmemory")) << s->fix->forms[0].text;
}

}  // namespace
}  // namespace redisfit
