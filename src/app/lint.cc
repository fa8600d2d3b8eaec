#include "app/lint.h"
#include "app/kb_target.h"

#include <fmt/format.h>

#include "core/quantity.h"
#include "fix/conf_fix.h"
#include "platform/input_file.h"
#include "app/lint_judge.h"
#include "app/lint_instance_templates.h"
#include "app/lint_ot_roles.h"
#include "app/lint_replica_buffer.h"
#include "app/lint_shared_config.h"
#include "app/lint_shapes.h"
#include "sources/manifests/join.h"
#include "sources/manifests/manifest_source.h"
#include "sources/redis_conf.h"

namespace redisfit::app {
namespace {

using manifests::ManifestInstance;

MaxmemoryDerivation derivation_of(const ManifestInstance& mi) {
  MaxmemoryDerivation d;
  if (!mi.derived_by || mi.instance.maxmemory.origin != MaxmemoryOrigin::kDerived) return d;
  d.derived = true;
  d.from_request = mi.derived_by->basis == manifests::MemoryBasis::kRequest;
  d.factor = mi.derived_by->factor;
  d.rule = mi.derived_by->describe();
  return d;
}


fix::ConfTarget conf_target_for(const manifests::StandaloneRedisDecl& decl) {
  fix::ConfTarget t;
  switch (decl.kind) {
    case manifests::StandaloneKind::kSpotahomeRedisFailover: t.form = fix::ConfForm::kRedisFailoverCustomConfig; break;
  }
  for (const auto& [text, maxmemory] : decl.custom_config) t.custom_config.push_back({text, maxmemory});
  return t;
}

template <class T>
void release(std::vector<T>& v) {
  std::vector<T>().swap(v);
}

// A judged subject joins the report; its annotations must name rules.
void keep(SubjectReport s, LintReport& report, const SubjectSink& sink, const LintOptions& options) {
  check_ignores(s.instance, report.input_errors);
  for (const auto& f : s.findings) {
    if (!report.highest || static_cast<int>(f.level) > static_cast<int>(*report.highest)) report.highest = f.level;
  }
  ++report.judged;
  if (s.checked) ++(s.unreadable() ? report.not_fully_read : report.fully_read);
  report.progress.judged = report.judged;
  if (options.progress) options.progress(report.progress);
  if (sink) sink(std::move(s));
  else report.subjects.push_back(std::move(s));
}

struct Collected {
  manifests::ManifestSet set;
  std::vector<SubjectReport> confs;
};

// `notes`: what reading the file found worth saying (an include glob that
// matched nothing), kept with the file's subject.
void read_conf(const std::string& path, Result<std::vector<ConfDirective>> directives,
               std::vector<std::string> notes, const LintOptions& options, Collected& c, LintReport& report) {
  if (!directives) return report.input_errors.push_back(directives.error());
  SubjectReport s;
  s.notes = std::move(notes);
  RedisInstance& r = s.instance;
  r.display_name = path;
  r.origin_kind = "redis.conf";
  r.file = path;
  r.line = 1;
  if (auto st = apply_conf(*directives, r); !st) return report.input_errors.push_back(st.error());
  // `maxmemory 0` written in the file is no bound either (origin kUnset, as
  // redis-server reads it), but it is set, at its line: only a file with no
  // maxmemory line gets the default's words.
  if (r.maxmemory.origin == MaxmemoryOrigin::kUnset) {
    if (r.maxmemory.source.kind == ProvenanceKind::kInput) {
      r.maxmemory.source = r.maxmemory.source.qualified("(maxmemory 0 written: unlimited)");
    } else {
      r.maxmemory.source = Provenance::by_default("no maxmemory directive (Redis default 0)");
    }
  }
  if (options.override_conf) {
    if (auto st = options.override_conf(r); !st) return report.input_errors.push_back(st.error());
  }
  if (!r.request_bytes && r.limit_bytes) r.request_bytes = r.limit_bytes;
  s.object = "redis.conf " + path;
  c.confs.push_back(std::move(s));
}

LintReport finish(Collected& c, const LintOptions& options, LintReport report, const SubjectSink& sink) {
  manifests::JoinOptions jo;
  if (options.addon_version) {
    if (auto release = manifests::parse_addon_release(*options.addon_version)) jo.addon_release = *release;
    else report.input_errors.push_back(release.error());
  }
  // Each joined instance is judged and handed on as soon as it is built.
  // Errors found while judging (ignore annotations naming no rule) are held
  // back until the join's own errors are in, so stderr keeps its order.
  std::vector<Error> judged_errors;
  std::swap(judged_errors, report.input_errors);
  // A component is held until its instances[] templates (which the join
  // hands on right after it) are judged: their fixes fold into its one
  // maxmemory (lint_instance_templates.h). Kept in the join's order.
  struct HeldComponent {
    fix::KbTarget target;
    std::vector<SubjectReport> subjects;  // the component, then its templates
  };
  std::optional<HeldComponent> held_component;
  auto flush_component = [&] {
    if (!held_component) return;
    for (auto& s : held_component->subjects) keep(std::move(s), report, sink, options);
    held_component.reset();
  };
  manifests::JoinResult joined = manifests::join_manifests(c.set, jo, [&](manifests::ManifestInstance&& mi) {
    // Both read the instance as joined, before any flag overrides it.
    const MaxmemoryDerivation d = derivation_of(mi);
    const fix::KbTarget t = kb_target_of(mi);
    SubjectReport s;
    s.instance = std::move(mi.instance);
    s.object = std::move(mi.object);
    const bool instance_template = mi.instance_template >= 0;
    if (options.override_manifest) {
      if (auto st = options.override_manifest(s.instance); !st) {
        report.input_errors.push_back(st.error());
        if (!instance_template) flush_component();  // its templates have nothing to fold into
        return;
      }
    }
    if (d.derived) s.notes.push_back("maxmemory assumed from the addon rule: " + d.rule);
    for (auto& n : mi.notes) s.notes.push_back(std::move(n));
    evaluate(s, options, d, &t);
    if (!instance_template) {
      flush_component();
      held_component = HeldComponent{t, {}};
      held_component->subjects.push_back(std::move(s));
      return;
    }
    if (held_component) {
      fold_template_fix(held_component->subjects.front(), held_component->target, s);
      held_component->subjects.push_back(std::move(s));
      return;
    }
    keep(std::move(s), report, sink, options);
  });
  flush_component();
  std::swap(judged_errors, report.input_errors);
  for (auto& e : joined.errors) report.input_errors.push_back(std::move(e));
  for (auto& e : judged_errors) report.input_errors.push_back(std::move(e));
  report.notes.insert(report.notes.end(), c.set.notes.begin(), c.set.notes.end());
  report.notes.insert(report.notes.end(), joined.notes.begin(), joined.notes.end());
  report.unjoined_changes += joined.unjoined_changes;
  // The declarations the join read are no longer needed; pods, config data
  // and standalone CRs still are (below).
  release(c.set.clusters);
  release(c.set.params);
  release(c.set.vscales);
  release(c.set.hscales);
  for (auto& decl : c.set.standalone) {
    SubjectReport s;
    s.instance = std::move(decl.instance);
    s.object = decl.object;
    s.notes = decl.notes;
    if (options.override_manifest) {
      if (auto st = options.override_manifest(s.instance); !st) {
        report.input_errors.push_back(st.error());
        continue;
      }
    }
    evaluate(s, options, MaxmemoryDerivation{}, nullptr, conf_target_for(decl));
    keep(std::move(s), report, sink, options);
  }
  // An OT CR's leader is held until its follower is judged: the two fixes
  // may write one field (merge_shared_config_fixes). shape_subjects hands
  // a CR's leader and follower on one after the other.
  std::optional<SubjectReport> held;
  auto flush = [&] {
    if (held) keep(std::move(*held), report, sink, options);
    held.reset();
  };
  // Workloads reading maxmemory from one ConfigMap key get one value
  // (lint_shared_config.h): held until every workload is judged.
  SharedConfigFixes shared_config(c.set);
  shape_subjects(c.set, report.notes, options.chart, report.input_errors, [&](SubjectReport&& s) {
    if (options.override_manifest && !s.unreadable()) {
      if (auto st = options.override_manifest(s.instance); !st) return report.input_errors.push_back(st.error());
    }
    evaluate(s, options, MaxmemoryDerivation{}, nullptr);
    const std::string role = s.workload ? s.workload->ot_role : "";
    if (held && role == "follower") {
      size_follower_for_leaders_fix(*held, s, options);
      merge_shared_config_fixes(*held, s);
    }
    flush();
    if (role == "leader") held = std::move(s);
    else if (!shared_config.hold(s)) keep(std::move(s), report, sink, options);
  });
  flush();
  shared_config.flush([&](SubjectReport&& s) { keep(std::move(s), report, sink, options); });
  for (auto& s : c.confs) {
    evaluate(s, options, MaxmemoryDerivation{}, nullptr);
    keep(std::move(s), report, sink, options);
  }
  return report;
}

void count(const manifests::ReadStats& stats, LintReport& report) {  report.objects += stats.objects;
  report.recognised += stats.recognised;
  for (const auto& [kind, n] : stats.ignored_kinds) report.ignored_kinds[kind] += n;
}

void read_yaml(const std::string& text, const std::string& name, Collected& c, LintReport& report) {
  manifests::ReadStats stats;
  if (auto st = manifests::read_manifest_text(text, name, c.set, report.input_errors, stats); !st) {
    report.input_errors.push_back(st.error());
  }
  count(stats, report);
}

// One input, read as it streams in: a redis.conf whole (it is small), YAML a
// batch of documents at a time (manifests::DocumentStream), so memory holds
// what the documents declare, never the input's text.
void read_input(const manifests::InputFile& in, const LintOptions& options, Collected& c, LintReport& report) {
  // The bounded reader's opener: a named FIFO, a device or a socket is
  // refused without waiting; stdin and an anonymous pipe are read.
  auto stream = platform::open_input_stream(in.path, {.allow_stdin = true, .allow_pipe = true});
  if (!stream) return report.input_errors.push_back(stream.error());
  std::istream& is = **stream;
  const std::string name = in.path == "-" ? "<stdin>" : in.path;
  auto read_failed = [&](const Error& e) { report.input_errors.push_back(Error{name, e.message, e.code}); };
  std::string head;
  bool conf = options.format == InputFormat::kConf;
  if (options.format == InputFormat::kAuto && in.path == "-") {
    // Stdin is a redis.conf when every line reads as one: its first
    // non-directive line settles it (YAML), so only that much is read ahead.
    auto ended = manifests::read_ahead(
        is, head, [](std::string_view lines) { return redis_conf_directive_lines(lines) >= 0; }, kMaxConfFileBytes);
    if (!ended) {
      if (ended.error().code == ErrorCode::kIo) return read_failed(ended.error());
      return read_failed(Error{"", fmt::format("more than {} read as a redis.conf would be (its bound), not read",
                                               format_bytes(kMaxConfFileBytes)), ended.error().code});
    }
    conf = *ended && looks_like_redis_conf(head);
  }
  if (conf) {
    if (auto st = manifests::read_rest(is, head, kMaxConfFileBytes); !st) {
      return read_failed(Error{"", st.error().message + ": not read as a redis.conf", st.error().code});
    }
    std::vector<std::string> notes;
    auto directives = parse_redis_conf_text(head, name, ConfIncludes::kFollow, {}, &notes);
    return read_conf(name, std::move(directives), std::move(notes), options, c, report);
  }
  manifests::DocumentStream documents(is, std::move(head));
  manifests::ReadStats stats;
  auto on_batch = [&](size_t bytes, size_t docs) {
    report.progress.bytes_read += bytes;
    report.progress.documents += docs;
    if (options.progress) options.progress(report.progress);
  };
  if (auto st = manifests::read_manifest_stream(documents, name, c.set, report.input_errors, stats, on_batch); !st) {
    report.input_errors.push_back(st.error());
  }
  count(stats, report);
}

// Each input named, comma-separated, so several files do not read as one path.
std::string inputs_named(const LintOptions& options) {
  std::string where;
  for (const auto& p : options.paths) where += (where.empty() ? "" : ", ") + (p == "-" ? std::string("<stdin>") : p);
  return where;
}

// Nothing in the inputs was a Redis redisfit can read: say so as an input
// error (exit 2) rather than pass silently, naming what was there.
void require_some_redis(const LintOptions& options, LintReport& report) {
  if (!report.input_errors.empty()) return;
  // Redis found, but not one read in full: RF000 says why for each; the run
  // checked nothing and must not pass as clean (a Bitnami values file without
  // --chart, a CR of an operator redisfit does not read).
  if (report.fully_read == 0 && report.not_fully_read > 0) {
    const std::string where = inputs_named(options);
    report.input_errors.push_back(Error{where, fmt::format("nothing was checked: {} Redis component(s) found, none "
                                                           "read in full (their RF000 findings, shown unless -q, "
                                                           "say what is missing)",
                                                           report.not_fully_read)});
    return;
  }
  if (report.judged > 0) return;
  // KubeBlocks objects that change a Redis (an OpsRequest, a Parameter)
  // without its Cluster: nothing to judge them against, and no pass either.
  if (report.unjoined_changes > 0) {
    const std::string where = inputs_named(options);
    report.input_errors.push_back(Error{
        where, fmt::format("nothing was checked: the inputs change {} Redis component(s) whose Cluster is not "
                           "among them (the notes above say which); lint them together with it",
                           report.unjoined_changes)});
    return;
  }
  if (report.recognised > 0) return;
  std::string seen, operators;
  for (const auto& [kind, n] : report.ignored_kinds) {
    seen += (seen.empty() ? "" : ", ") + std::to_string(n) + " " + kind;
    auto open = kind.find(" (");
    std::string api = open == std::string::npos ? "" : kind.substr(open + 2, kind.size() - open - 3);
    std::string op = manifests::other_redis_operator(api, kind.substr(0, open));
    if (!op.empty() && operators.find(op) == std::string::npos) operators += (operators.empty() ? "" : ", ") + op;
  }
  if (seen.find("(no kind)") != std::string::npos) {
    const size_t at = seen.find("(no kind)");
    seen.replace(at, 9, "YAML document(s) with no kind (not Kubernetes objects; a Helm values file must be rendered "
                        "with helm template first)");
  }
  const std::string where = inputs_named(options);
  std::string message = "no Redis in the inputs: " + (seen.empty() ? std::string("no objects") : seen) +
                        ". lint reads Pods and workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, "
                        "CronJob) running redis-server or valkey-server, KubeBlocks Clusters, OpsRequests, "
                        "ComponentParameter/Parameter/Configuration objects, OT-CONTAINER-KIT and spotahome CRs, "
                        "and redis.conf files (judged against a container with --limit)";
  if (!operators.empty()) {
    message += "; " + operators + " is recognised but not read by this version: check it with "
               "`redisfit explain --limit ... --maxmemory ...`";
  }
  report.input_errors.push_back(Error{where, message});
}

}  // namespace

LintReport run_lint(const LintOptions& options) { return run_lint(options, SubjectSink{}); }

LintReport run_lint(const LintOptions& options, const SubjectSink& sink) {
  LintReport report;
  Collected c;
  const auto inputs = manifests::collect_inputs(options.paths, report.input_errors);
  for (const auto& in : inputs) {
    ++report.files;
    if (in.is_redis_conf) {
      std::vector<std::string> notes;
      auto directives = read_redis_conf(in.path, &notes);
      read_conf(in.path, std::move(directives), std::move(notes), options, c, report);
      continue;
    }
    read_input(in, options, c, report);
  }
  LintReport done = finish(c, options, std::move(report), sink);
  require_some_redis(options, done);
  return done;
}

LintReport lint_yaml_texts(const std::vector<std::pair<std::string, std::string>>& texts,
                           const LintOptions& options) {
  LintReport report;
  Collected c;
  for (const auto& [name, text] : texts) {
    ++report.files;
    read_yaml(text, name, c, report);
  }
  return finish(c, options, std::move(report), SubjectSink{});
}

std::optional<Level> highest_level(const LintReport& report) {
  std::optional<Level> best = report.highest;
  for (const auto& s : report.subjects) {
    for (const auto& f : s.findings) {
      if (!best || static_cast<int>(f.level) > static_cast<int>(*best)) best = f.level;
    }
  }
  return best;
}

}  // namespace redisfit::app
