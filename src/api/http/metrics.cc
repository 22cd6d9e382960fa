#include "api/http/metrics.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

namespace counterfoil::api::http {

namespace {

bool IsNameChar(char c, bool first, bool allow_colon) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') return true;
  if (c == ':') return allow_colon;
  return !first && c >= '0' && c <= '9';
}

// Metric names: [a-zA-Z_:][a-zA-Z0-9_:]*; label names: [a-zA-Z_][a-zA-Z0-9_]*.
std::string SanitizeName(std::string_view name, bool allow_colon) {
  std::string out;
  out.reserve(name.size() + 1);
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) out.push_back('_');
  for (char c : name) out.push_back(IsNameChar(c, out.empty(), allow_colon) ? c : '_');
  return out;
}

// Label values escape backslash, double quote and newline; HELP text escapes
// backslash and newline.
std::string Escape(std::string_view s, bool quote) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);  // shortest round-trip form: "3", "0.25", "1e-05"
}

std::string LabelKey(const Metrics::Labels& labels) {
  std::vector<std::pair<std::string, std::string_view>> sorted;
  sorted.reserve(labels.size());
  for (const auto& [k, v] : labels) sorted.emplace_back(SanitizeName(k, false), v);
  std::sort(sorted.begin(), sorted.end());
  std::string key;
  for (const auto& [k, v] : sorted) {
    if (!key.empty()) key.push_back(',');
    key += k;
    key += "=\"";
    key += Escape(v, true);
    key.push_back('"');
  }
  return key;
}

void AppendSample(std::string* out, std::string_view name, std::string_view suffix,
                  std::string_view key, std::string_view extra_label, double value) {
  *out += name;
  *out += suffix;
  if (!key.empty() || !extra_label.empty()) {
    out->push_back('{');
    *out += key;
    if (!key.empty() && !extra_label.empty()) out->push_back(',');
    *out += extra_label;
    out->push_back('}');
  }
  out->push_back(' ');
  *out += FormatValue(value);
  out->push_back('\n');
}

}  // namespace

std::string_view Metrics::TypeName(Type type) {
  switch (type) {
    case Type::kCounter: return "counter";
    case Type::kGauge: return "gauge";
    case Type::kHistogram: return "histogram";
    case Type::kUnset: break;
  }
  return "untyped";
}

const std::vector<double>& Metrics::Buckets() {
  static const std::vector<double> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                               0.25,  0.5,    1,     2.5,  5,     10};
  return kBuckets;
}

Metrics::Series* Metrics::FindSeries(std::string_view name, const Labels& labels, Type type,
                                     bool* is_gauge) {
  std::string clean = SanitizeName(name, true);
  auto it = families_.find(clean);
  if (it == families_.end()) it = families_.emplace(clean, Family{}).first;
  Family& f = it->second;
  if (f.type == Type::kUnset) f.type = type;
  bool compatible = f.type == type || (type == Type::kCounter && f.type == Type::kGauge);
  if (!compatible) {
    if (!f.warned) {
      spdlog::warn("metrics: {} is a {}, not a {}; ignoring", clean,
                   TypeName(f.type), TypeName(type));
      f.warned = true;
    }
    return nullptr;
  }
  if (is_gauge) *is_gauge = f.type == Type::kGauge;
  Series& s = f.series[LabelKey(labels)];
  if (f.type == Type::kHistogram && s.bucket_counts.empty()) {
    s.bucket_counts.assign(Buckets().size(), 0);
  }
  return &s;
}

void Metrics::Increment(std::string_view name, const Labels& labels, double by) {
  std::lock_guard<std::mutex> lock(mu_);
  bool is_gauge = false;
  Series* s = FindSeries(name, labels, Type::kCounter, &is_gauge);
  if (!s) return;
  if (!is_gauge && !(by >= 0)) {
    spdlog::warn("metrics: counter {} cannot change by {}; ignoring", name, by);
    return;
  }
  s->value += by;
}

void Metrics::Observe(std::string_view name, const Labels& labels, double value) {
  if (std::isnan(value)) return;
  std::lock_guard<std::mutex> lock(mu_);
  Series* s = FindSeries(name, labels, Type::kHistogram, nullptr);
  if (!s) return;
  const std::vector<double>& bounds = Buckets();
  // The first bucket whose upper bound is >= value ("le" is inclusive).
  size_t i = std::lower_bound(bounds.begin(), bounds.end(), value) - bounds.begin();
  if (i < bounds.size()) ++s->bucket_counts[i];
  ++s->count;
  s->sum += value;
}

void Metrics::SetGauge(std::string_view name, const Labels& labels, double value) {
  std::lock_guard<std::mutex> lock(mu_);
  Series* s = FindSeries(name, labels, Type::kGauge, nullptr);
  if (s) s->value = value;
}

void Metrics::Describe(std::string_view name, std::string_view type, std::string_view help) {
  Type t = type == "counter"     ? Type::kCounter
           : type == "gauge"     ? Type::kGauge
           : type == "histogram" ? Type::kHistogram
                                 : Type::kUnset;
  if (t == Type::kUnset) {
    spdlog::warn("metrics: unknown type \"{}\" for {}; ignoring", type, name);
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  std::string clean = SanitizeName(name, true);
  Family& f = families_[clean];
  if (f.type != Type::kUnset && f.type != t) {
    spdlog::warn("metrics: {} is already a {}; not redescribing it as a {}", clean,
                 TypeName(f.type), type);
    return;
  }
  f.type = t;
  f.help = std::string(help);
}

std::string Metrics::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  const std::vector<double>& bounds = Buckets();
  for (const auto& [name, f] : families_) {
    if (!f.help.empty()) out += fmt::format("# HELP {} {}\n", name, Escape(f.help, false));
    out += fmt::format("# TYPE {} {}\n", name, TypeName(f.type));
    for (const auto& [key, s] : f.series) {
      if (f.type != Type::kHistogram) {
        AppendSample(&out, name, "", key, "", s.value);
        continue;
      }
      uint64_t cumulative = 0;
      for (size_t i = 0; i < bounds.size(); ++i) {
        cumulative += s.bucket_counts[i];
        AppendSample(&out, name, "_bucket", key, "le=\"" + FormatValue(bounds[i]) + "\"",
                     static_cast<double>(cumulative));
      }
      AppendSample(&out, name, "_bucket", key, "le=\"+Inf\"", static_cast<double>(s.count));
      AppendSample(&out, name, "_sum", key, "", s.sum);
      AppendSample(&out, name, "_count", key, "", static_cast<double>(s.count));
    }
  }
  return out;
}

}  // namespace counterfoil::api::http
