// The Prometheus client against HTTP 200 answers that are JSON, but not the
// API's shapes: each ended in a raw nlohmann exception ("internal error:
// [json.exception.type_error.305] …", no URL). Now each is the client's own
// error naming the URL and the JSON path that differs. And an answer nested
// millions deep is refused at 256 levels, before the document is built (a
// 64 MiB one cost 2.3 GB and 9.5 s). A loopback cpp-httplib server serves
// each body, the same on every path.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <string>
#include <thread>

#include "platform/prometheus_api.h"
#include "support/process.h"

namespace redisfit::platform {
namespace {

class FixedBodyServer {
 public:
  explicit FixedBodyServer(std::string body) : body_(std::move(body)) {
    auto answer = [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(body_, "application/json");
    };
    server_.Get(".*", answer);
    server_.Post(".*", answer);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FixedBodyServer() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  std::string body_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

std::unique_ptr<PrometheusClient> client_of(const FixedBodyServer& server) {
  PrometheusOptions options;
  options.url = server.url();
  auto client = PrometheusClient::create(options);
  EXPECT_TRUE(client.ok());
  return client.ok() ? std::move(client).value() : nullptr;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string vector_of(const std::string& result) {
  return R"({"status":"success","data":{"resultType":"vector","result":)" + result + "}}";
}

// The instant query's error (it must fail), naming the URL.
Error instant_error(const std::string& body) {
  FixedBodyServer server(body);
  auto samples = client_of(server)->instant("up");
  EXPECT_FALSE(samples.ok()) << body;
  if (samples.ok()) return Error{};
  EXPECT_EQ(samples.error().where, server.url());
  const bool rejected = has(samples.error().message, "Prometheus rejected the query");
  EXPECT_TRUE(rejected || has(samples.error().message, "is this a Prometheus URL?")) << samples.error().message;
  return samples.error();
}

TEST(ReplyShapes, InstantAnswersOfAnotherShapeSayWhere) {
  // The four the QA found.
  EXPECT_TRUE(has(instant_error(vector_of("[[1]]")).message, "data.result[0] is an array, not an object"));
  EXPECT_TRUE(has(instant_error(vector_of(R"("x")")).message, "data.result is a string, not an array"));
  EXPECT_TRUE(has(instant_error(R"({"status":"success","data":[]})").message, "data is an array, not an object"));
  EXPECT_TRUE(has(instant_error(vector_of(R"([{"metric":{},"value":{"a":1}}])")).message,
                  "data.result[0].value is an object, not an array"));
  // And their neighbours.
  EXPECT_TRUE(has(instant_error(vector_of(R"([{"metric":{},"value":[1]}])")).message,
                  "data.result[0].value has 1 items, not 2"));
  EXPECT_TRUE(has(instant_error(vector_of(R"([{"metric":{},"value":["t","1"]}])")).message,
                  "data.result[0].value[0] is a string, not a number"));
  EXPECT_TRUE(has(instant_error(vector_of(R"([{"metric":{},"value":[1,null]}])")).message,
                  "data.result[0].value[1] is null, not a string"));
  EXPECT_TRUE(has(instant_error(vector_of(R"([{"metric":{"job":7},"value":[1,"1"]}])")).message,
                  "data.result[0].metric.job is a number, not a string"));
  EXPECT_TRUE(has(instant_error(vector_of(R"([{"value":[1,"1"]}])")).message, "data.result[0] has no \"metric\""));
  EXPECT_TRUE(has(instant_error(R"({"status":"success","data":{"resultType":1,"result":[]}})").message,
                  "data.resultType is a number, not a string"));
  EXPECT_TRUE(has(instant_error(R"({"status":"success","data":{"resultType":"scalar","result":{}}})").message,
                  "data.result is an object, not an array"));
  EXPECT_TRUE(has(instant_error(R"({"status":"success"})").message, "has no \"data\""));
  // An error envelope whose texts are not strings is still Prometheus's error.
  EXPECT_TRUE(has(instant_error(R"({"status":"error","errorType":[],"error":{}})").message,
                  "Prometheus rejected the query"));
  EXPECT_TRUE(has(instant_error(R"({"status":5})").message, "not the Prometheus API's JSON"));
}

TEST(ReplyShapes, AWellFormedVectorAndScalarAreStillRead) {
  FixedBodyServer vector(vector_of(R"([{"metric":{"instance":"a"},"value":[1700000000.5,"42"]},)"
                                   R"({"metric":{},"value":[1700000000,7]}])"));
  auto samples = client_of(vector)->instant("up");
  ASSERT_TRUE(samples.ok()) << samples.error().describe();
  ASSERT_EQ(samples->size(), 2u);
  EXPECT_EQ((*samples)[0].labels.at("instance"), "a");
  EXPECT_EQ((*samples)[0].value, 42);
  EXPECT_EQ((*samples)[1].value, 7);
  FixedBodyServer scalar(R"({"status":"success","data":{"resultType":"scalar","result":[1700000000,"3"]}})");
  auto one = client_of(scalar)->instant("1+2");
  ASSERT_TRUE(one.ok()) << one.error().describe();
  EXPECT_EQ(one->at(0).value, 3);
}

TEST(ReplyShapes, RangeAndBuildinfoAnswersOfAnotherShapeSayWhere) {
  auto range_error = [](const std::string& result) {
    FixedBodyServer server(R"({"status":"success","data":{"resultType":"matrix","result":)" + result + "}}");
    auto series = client_of(server)->range("up", 0, 60, 30);
    EXPECT_FALSE(series.ok()) << result;
    return series.ok() ? std::string() : series.error().message;
  };
  EXPECT_TRUE(has(range_error(R"([{"metric":{},"values":{}}])"), "data.result[0].values is an object, not an array"));
  EXPECT_TRUE(has(range_error(R"([{"metric":{},"values":[[0,"1"],["x","2"]]}])"),
                  "data.result[0].values[1][0] is a string, not a number"));
  EXPECT_TRUE(has(range_error(R"([{"metric":{},"values":[7]}])"), "data.result[0].values[0] is a number, not an array"));

  FixedBodyServer buildinfo(R"({"status":"success","data":[]})");
  auto version = client_of(buildinfo)->version();
  ASSERT_FALSE(version.ok());
  EXPECT_TRUE(has(version.error().message, "data is an array, not an object")) << version.error().message;
}

// Refused at the depth limit as it is met: without it nlohmann built every
// level (2.3 GB for 64 MiB of '[').
TEST(ReplyShapes, AnAnswerNestedTooDeepIsRefusedBeforeItIsBuilt) {
  FixedBodyServer server(R"({"status":"success","data":)" + std::string(8u << 20, '['));
  const auto start = std::chrono::steady_clock::now();
  auto version = client_of(server)->version();
  ASSERT_FALSE(version.ok());
  EXPECT_TRUE(has(version.error().message, "nested deeper than 256 levels")) << version.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  // 256 levels in all (the envelope, data, 254 arrays) are still read.
  FixedBodyServer deep_enough(R"({"status":"success","data":{"x":)" + std::string(254, '[') + std::string(254, ']') +
                              "}}");
  EXPECT_TRUE(client_of(deep_enough)->version().ok());
}

// End to end: exit 2 with the URL, not "internal error: [json.exception…]".
TEST(ReplyShapes, RecommendSaysSoAndExits2) {
  FixedBodyServer server(vector_of("[[1]]"));
  auto r = testing::run_redisfit({"recommend", "-p", server.url()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(has(r.err, server.url() + ": the answer is not the Prometheus API's")) << r.err;
  EXPECT_FALSE(has(r.err, "json.exception")) << r.err;
}

}  // namespace
}  // namespace redisfit::platform
