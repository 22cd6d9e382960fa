#include "api/http/metrics.h"

#include <gtest/gtest.h>

#include <limits>
#include <thread>
#include <vector>

namespace counterfoil::api::http {
namespace {

TEST(Metrics, RendersCountersWithSortedEscapedLabels) {
  Metrics m;
  m.Describe("http_requests_total", "counter", "HTTP requests.\nBy route \\ status.");
  m.Increment("http_requests_total", {{"status", "200"}, {"route", "/v1/notices/{id}"}});
  m.Increment("http_requests_total", {{"route", "/v1/notices/{id}"}, {"status", "200"}}, 2);
  m.Increment("http_requests_total", {{"route", "/x\"y\\z\nw"}, {"status", "404"}});
  EXPECT_EQ(m.Render(),
            "# HELP http_requests_total HTTP requests.\\nBy route \\\\ status.\n"
            "# TYPE http_requests_total counter\n"
            "http_requests_total{route=\"/v1/notices/{id}\",status=\"200\"} 3\n"
            "http_requests_total{route=\"/x\\\"y\\\\z\\nw\",status=\"404\"} 1\n");
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  Metrics m;
  m.Observe("latency_seconds", {{"route", "/a"}}, 0.001);  // "le" is inclusive
  m.Observe("latency_seconds", {{"route", "/a"}}, 0.3);
  m.Observe("latency_seconds", {{"route", "/a"}}, 42);
  EXPECT_EQ(m.Render(),
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{route=\"/a\",le=\"0.001\"} 1\n"
            "latency_seconds_bucket{route=\"/a\",le=\"0.0025\"} 1\n"
            "latency_seconds_bucket{route=\"/a\",le=\"0.005\"} 1\n"
            "latency_seconds_bucket{route=\"/a\",le=\"0.01\"} 1\n"
            "latency_seconds_bucket{route=\"/a\",le=\"0.025\"} 1\n"
            "latency_seconds_bucket{route=\"/a\",le=\"0.05\"} 1\n"
            "latency_seconds_bucket{route=\"/a\",le=\"0.1\"} 1\n"
            "latency_seconds_bucket{route=\"/a\",le=\"0.25\"} 1\n"
            "latency_seconds_bucket{route=\"/a\",le=\"0.5\"} 2\n"
            "latency_seconds_bucket{route=\"/a\",le=\"1\"} 2\n"
            "latency_seconds_bucket{route=\"/a\",le=\"2.5\"} 2\n"
            "latency_seconds_bucket{route=\"/a\",le=\"5\"} 2\n"
            "latency_seconds_bucket{route=\"/a\",le=\"10\"} 2\n"
            "latency_seconds_bucket{route=\"/a\",le=\"+Inf\"} 3\n"
            "latency_seconds_sum{route=\"/a\"} 42.301\n"
            "latency_seconds_count{route=\"/a\"} 3\n");
}

TEST(Metrics, GaugesSetAndMove) {
  Metrics m;
  m.SetGauge("queue_depth", {}, 5);
  m.Increment("queue_depth", {}, -2);  // gauges may go down
  m.SetGauge("temperature", {{"room", "b"}}, -1.5);
  EXPECT_EQ(m.Render(),
            "# TYPE queue_depth gauge\n"
            "queue_depth 3\n"
            "# TYPE temperature gauge\n"
            "temperature{room=\"b\"} -1.5\n");
}

TEST(Metrics, IgnoresMisuse) {
  Metrics m;
  m.Increment("jobs_total");
  m.Increment("jobs_total", {}, -1);          // counters never go down
  m.Observe("jobs_total", {}, 1);             // not a histogram
  m.SetGauge("jobs_total", {}, 100);          // not a gauge
  m.Describe("jobs_total", "gauge", "nope");  // already a counter
  m.Describe("other", "summary", "unsupported type");
  m.Observe("h", {}, std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(m.Render(), "# TYPE jobs_total counter\njobs_total 1\n");
}

TEST(Metrics, SanitisesNames) {
  Metrics m;
  m.Increment("http.requests-total", {{"9bad-label", "v"}});
  EXPECT_EQ(m.Render(),
            "# TYPE http_requests_total counter\nhttp_requests_total{_9bad_label=\"v\"} 1\n");
}

TEST(Metrics, DescribeAfterUseKeepsTheSeries) {
  Metrics m;
  m.Increment("a_total");
  m.Describe("a_total", "counter", "As.");
  EXPECT_EQ(m.Render(), "# HELP a_total As.\n# TYPE a_total counter\na_total 1\n");
}

TEST(Metrics, CountsConcurrentIncrements) {
  Metrics m;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        m.Increment("hits_total", {{"k", "v"}});
        m.Observe("d_seconds", {}, 0.01);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::string out = m.Render();
  EXPECT_NE(out.find("hits_total{k=\"v\"} 4000\n"), std::string::npos) << out;
  EXPECT_NE(out.find("d_seconds_count 4000\n"), std::string::npos) << out;
}

}  // namespace
}  // namespace counterfoil::api::http
