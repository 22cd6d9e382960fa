// Metrics: counters, gauges and histograms with labels, rendered in the
// Prometheus text exposition format 0.0.4 for GET /metrics.
//
//   Metrics m;
//   m.Describe("http_requests_total", "counter", "HTTP requests by route and status.");
//   m.Increment("http_requests_total", {{"route", req.route}, {"status", "200"}});
//   m.Observe("http_request_duration_seconds", {{"route", req.route}}, 0.0042);
//   m.SetGauge("jobs_queued", {}, 17);
//   return Response::Text(200, m.Render(), std::string(Metrics::kContentType));
//
// A metric's type is fixed by Describe() or, failing that, by its first use
// (Increment -> counter, SetGauge -> gauge, Observe -> histogram). Using a
// metric as another type afterwards is a programming error: the call is
// ignored and a warning is logged once per metric. Increment() also works on a
// gauge. Label order does not matter ({a,b} and {b,a} are one series).
// Invalid characters in metric and label names are replaced by '_'.
//
// Thread-safe: one mutex guards everything; each call is a map lookup.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace counterfoil::api::http {

class Metrics {
 public:
  using Labels = std::vector<std::pair<std::string, std::string>>;

  // The Content-Type of Render()'s output.
  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

  // Histogram bucket upper bounds, in seconds: .001 .0025 .005 .01 .025 .05
  // .1 .25 .5 1 2.5 5 10 (and +Inf), from request latencies of a millisecond
  // to the ten-second end of what a client waits for.
  static const std::vector<double>& Buckets();

  // Adds `by` to a counter (by must be >= 0; counters never go down) or to a gauge.
  void Increment(std::string_view name, const Labels& labels = {}, double by = 1);
  // Records one observation in a histogram (NaN is ignored).
  void Observe(std::string_view name, const Labels& labels, double value);
  // Sets a gauge.
  void SetGauge(std::string_view name, const Labels& labels, double value);
  // Sets the HELP text and the type ("counter", "gauge" or "histogram"; any
  // other type is ignored with a warning). May be called before or after use.
  void Describe(std::string_view name, std::string_view type, std::string_view help);

  // All metrics, families sorted by name and series by labels.
  std::string Render() const;

 private:
  enum class Type { kUnset, kCounter, kGauge, kHistogram };
  struct Series {
    double value = 0;                    // counter and gauge
    std::vector<uint64_t> bucket_counts;  // histogram, non-cumulative, one per Buckets()
    uint64_t count = 0;
    double sum = 0;
  };
  struct Family {
    Type type = Type::kUnset;
    std::string help;
    bool warned = false;
    std::map<std::string, Series> series;  // key: rendered, sorted labels (a="1",b="2")
  };

  static std::string_view TypeName(Type type);
  // Returns the series, or nullptr after warning when the family has another
  // type. Requires mu_ held.
  Series* FindSeries(std::string_view name, const Labels& labels, Type type, bool* is_gauge);

  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;  // GUARDED_BY(mu_)
};

}  // namespace counterfoil::api::http
