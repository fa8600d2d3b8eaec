#include "platform/prometheus_reply.h"

#include <cstdlib>
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace redisfit::platform {
namespace {

using Json = nlohmann::json;

const char* kind(const Json& v) {
  switch (v.type()) {
    case Json::value_t::object: return "an object";
    case Json::value_t::array: return "an array";
    case Json::value_t::string: return "a string";
    case Json::value_t::boolean: return "a boolean";
    case Json::value_t::null: return "null";
    case Json::value_t::discarded: return "nothing";
    default: return "a number";
  }
}

// "data.result", or "data" at the top.
std::string child(const std::string& path, const char* key) { return path.empty() ? key : path + "." + key; }

Error not_a(const std::string& path, const Json& v, const char* expected) {
  return Error{path, fmt::format("is {}, not {}", kind(v), expected)};
}

// The member, or nullptr when `object` lacks it (never operator[]: on a
// const object a missing key is undefined behaviour).
const Json* member(const Json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

Result<const Json*> required(const Json& object, const std::string& path, const char* key) {
  const Json* v = member(object, key);
  if (v == nullptr) return Error{path, fmt::format("has no \"{}\"", key)};
  return v;
}

Result<const Json*> required_object(const Json& object, const std::string& path, const char* key) {
  auto v = required(object, path, key);
  if (v && !(*v)->is_object()) return not_a(child(path, key), **v, "an object");
  return v;
}

Result<const Json*> required_array(const Json& object, const std::string& path, const char* key) {
  auto v = required(object, path, key);
  if (v && !(*v)->is_array()) return not_a(child(path, key), **v, "an array");
  return v;
}

Result<std::string> result_type(const Json& data) {
  auto type = required(data, "data", "resultType");
  if (!type) return type.error();
  if (!(*type)->is_string()) return not_a("data.resultType", **type, "a string");
  return (*type)->get<std::string>();
}

// A sample value: Prometheus's string, or a JSON number. Strings that are no
// whole number ("notanumber", "12abc", "") are NaN, never the 0 strtod reads.
Result<double> sample_value(const Json& v, const std::string& path) {
  if (v.is_number()) return v.get<double>();
  if (!v.is_string()) return not_a(path, v, "a string");
  const std::string& s = v.get_ref<const std::string&>();
  char* end = nullptr;
  const double value = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size()) return std::numeric_limits<double>::quiet_NaN();
  return value;
}

// [unix seconds, value]
Result<std::pair<double, double>> point(const Json& p, const std::string& path) {
  if (!p.is_array()) return not_a(path, p, "an array [time, value]");
  if (p.size() != 2) return Error{path, fmt::format("has {} items, not 2 [time, value]", p.size())};
  if (!p[0].is_number()) return not_a(path + "[0]", p[0], "a number (unix seconds)");
  auto value = sample_value(p[1], path + "[1]");
  if (!value) return value.error();
  return std::make_pair(p[0].get<double>(), *value);
}

Result<Labels> labels(const Json& series, const std::string& path) {
  auto metric = required_object(series, path, "metric");
  if (!metric) return metric.error();
  Labels out;
  for (const auto& [name, value] : (*metric)->items()) {
    if (!value.is_string()) return not_a(path + ".metric." + name, value, "a string");
    out[name] = value.get<std::string>();
  }
  return out;
}

// The series of a vector or matrix result, each checked as an object.
Result<const Json*> series_list(const Json& data) {
  auto list = required_array(data, "data", "result");
  if (!list) return list.error();
  for (size_t i = 0; i < (*list)->size(); ++i) {
    const Json& s = (**list)[i];
    if (!s.is_object()) return not_a(fmt::format("data.result[{}]", i), s, "an object");
  }
  return list;
}

}  // namespace

Result<Json> parse_reply(const std::string& body) {
  // Thrown by the callback at the first value nested too deep: it ends the
  // parse there, before the rest is read or built. (A callback that returns
  // false only discards the value: nlohmann still walks every level and
  // keeps a stack entry for each.) `depth` is the number of arrays and
  // objects around the value.
  struct TooDeep {};
  const Json::parser_callback_t refuse_deep = [](int depth, Json::parse_event_t, Json&) {
    if (depth >= kMaxReplyDepth) throw TooDeep{};
    return true;
  };
  Json doc;
  try {
    doc = Json::parse(body, refuse_deep, /*allow_exceptions=*/false);
  } catch (const TooDeep&) {
    return Error{"", fmt::format("JSON nested deeper than {} levels, where a Prometheus API answer nests 6: not read",
                                 kMaxReplyDepth),
                 ErrorCode::kOutOfRange};
  }
  if (doc.is_discarded() || !doc.is_object()) return Error{"", "a body that is not the Prometheus API's JSON"};
  const Json* status = member(doc, "status");
  if (status == nullptr || !status->is_string()) return Error{"", "a body that is not the Prometheus API's JSON"};
  return doc;
}

std::string reply_error_type(const Json& reply) {
  const Json* v = member(reply, "errorType");
  return v != nullptr && v->is_string() ? v->get<std::string>() : "error";
}

std::string reply_error_text(const Json& reply) {
  const Json* v = member(reply, "error");
  return v != nullptr && v->is_string() ? v->get<std::string>() : "no error text";
}

Result<std::vector<InstantSample>> read_instant_reply(const Json& reply) {
  auto data = required_object(reply, "", "data");
  if (!data) return data.error();
  auto type = result_type(**data);
  if (!type) return type.error();
  std::vector<InstantSample> out;
  if (*type == "scalar") {
    auto result = required(**data, "data", "result");
    if (!result) return result.error();
    auto p = point(**result, "data.result");
    if (!p) return p.error();
    out.push_back({{}, p->second});
    return out;
  }
  if (*type != "vector") return Error{"data.resultType", fmt::format("is \"{}\", not \"vector\"", *type)};
  auto list = series_list(**data);
  if (!list) return list.error();
  for (size_t i = 0; i < (*list)->size(); ++i) {
    const Json& s = (**list)[i];
    const std::string path = fmt::format("data.result[{}]", i);
    auto l = labels(s, path);
    if (!l) return l.error();
    auto value = required(s, path, "value");
    if (!value) return value.error();
    auto p = point(**value, path + ".value");
    if (!p) return p.error();
    out.push_back({std::move(*l), p->second});
  }
  return out;
}

Result<std::vector<RangeSeries>> read_range_reply(const Json& reply) {
  auto data = required_object(reply, "", "data");
  if (!data) return data.error();
  auto type = result_type(**data);
  if (!type) return type.error();
  if (*type != "matrix") return Error{"data.resultType", fmt::format("is \"{}\", not \"matrix\"", *type)};
  auto list = series_list(**data);
  if (!list) return list.error();
  std::vector<RangeSeries> out;
  for (size_t i = 0; i < (*list)->size(); ++i) {
    const Json& s = (**list)[i];
    const std::string path = fmt::format("data.result[{}]", i);
    auto l = labels(s, path);
    if (!l) return l.error();
    auto values = required_array(s, path, "values");
    if (!values) return values.error();
    RangeSeries series{std::move(*l), {}};
    for (size_t j = 0; j < (*values)->size(); ++j) {
      auto p = point((**values)[j], fmt::format("{}.values[{}]", path, j));
      if (!p) return p.error();
      series.points.push_back(*p);
    }
    out.push_back(std::move(series));
  }
  return out;
}

Result<std::string> read_version_reply(const Json& reply) {
  auto data = required_object(reply, "", "data");
  if (!data) return data.error();
  const Json* version = member(**data, "version");
  if (version == nullptr) return std::string("unknown");
  if (!version->is_string()) return not_a("data.version", *version, "a string");
  return version->get<std::string>();
}

}  // namespace redisfit::platform
