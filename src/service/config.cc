#include "service/config.h"

#include "domain/policy.h"
#include "domain/regime.h"

#include <toml++/toml.h>

#include <functional>
#include <map>

namespace counterfoil::service {

namespace {

// TOML values to JSON (for the [policy] and [regimes] tables, which are
// validated by the domain parsers).
json::value ToJsonValue(const toml::node& n) {
  if (auto t = n.as_table()) {
    json::object o;
    for (const auto& [k, v] : *t) o[std::string(k.str())] = ToJsonValue(v);
    return o;
  }
  if (auto a = n.as_array()) {
    json::array arr;
    for (const auto& v : *a) arr.push_back(ToJsonValue(v));
    return arr;
  }
  if (auto s = n.as_string()) return json::value(s->get());
  if (auto i = n.as_integer()) return json::value(i->get());
  if (auto f = n.as_floating_point()) return json::value(f->get());
  if (auto b = n.as_boolean()) return json::value(b->get());
  if (auto d = n.as_date()) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", int(d->get().year), int(d->get().month),
                  int(d->get().day));
    return json::value(buf);
  }
  return nullptr;
}

std::string Where(const std::string& path, const toml::node& n) {
  return path + ":" + std::to_string(n.source().begin.line);
}

}  // namespace

Status LoadConfigFile(const std::string& path, Config& c) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return InvalidArgument(path + ":" + std::to_string(e.source().begin.line) + ": " +
                           std::string(e.description()));
  }
  // Every known key with its setter; anything else is an error naming file:line.
  using Setter = std::function<Status(const toml::node&, const std::string& where)>;
  auto str = [](std::string* out) -> Setter {
    return [out](const toml::node& n, const std::string& w) -> Status {
      if (!n.is_string()) return InvalidArgument(w + ": expected a string");
      *out = n.as_string()->get();
      return Status::Ok();
    };
  };
  auto integer = [](auto* out, int64_t min, int64_t max) -> Setter {
    return [out, min, max](const toml::node& n, const std::string& w) -> Status {
      if (!n.is_integer()) return InvalidArgument(w + ": expected an integer");
      int64_t v = n.as_integer()->get();
      if (v < min || v > max)
        return InvalidArgument(w + ": must be between " + std::to_string(min) + " and " +
                               std::to_string(max));
      *out = static_cast<std::remove_pointer_t<decltype(out)>>(v);
      return Status::Ok();
    };
  };
  auto number = [](double* out, double min) -> Setter {
    return [out, min](const toml::node& n, const std::string& w) -> Status {
      if (!n.is_number()) return InvalidArgument(w + ": expected a number");
      double v = n.is_integer() ? double(n.as_integer()->get()) : n.as_floating_point()->get();
      if (v < min) return InvalidArgument(w + ": must be at least " + std::to_string(min));
      *out = v;
      return Status::Ok();
    };
  };
  auto boolean = [](bool* out) -> Setter {
    return [out](const toml::node& n, const std::string& w) -> Status {
      if (!n.is_boolean()) return InvalidArgument(w + ": expected true or false");
      *out = n.as_boolean()->get();
      return Status::Ok();
    };
  };
  auto object = [](json::object* out) -> Setter {
    return [out](const toml::node& n, const std::string& w) -> Status {
      if (!n.is_table()) return InvalidArgument(w + ": expected a table");
      *out = ToJsonValue(n).as_object();
      return Status::Ok();
    };
  };
  const std::map<std::string, Setter> keys = {
      {"server.listen", str(&c.listen)},
      {"server.data_dir", str(&c.data_dir)},
      {"server.io_threads", integer(&c.io_threads, 1, 64)},
      {"server.worker_threads", integer(&c.worker_threads, 1, 1024)},
      {"server.max_body_bytes", integer(&c.max_body_bytes, 1024, int64_t(1) << 30)},
      {"limits.rate_per_second", number(&c.rate_per_second, 0.1)},
      {"limits.rate_burst", number(&c.rate_burst, 1)},
      {"limits.page_limit_max", integer(&c.page_limit_max, 1, 1000)},
      {"limits.bulk_max_rows", integer(&c.bulk_max_rows, 1, 1000000)},
      {"sessions.ttl_hours", integer(&c.session_ttl_hours, 1, 24 * 30)},
      {"sessions.cookie_secure", boolean(&c.cookie_secure)},
      {"webhooks.max_attempts", integer(&c.webhook_max_attempts, 1, 100)},
      {"webhooks.backoff_base_seconds", integer(&c.webhook_backoff_base_seconds, 1, 3600)},
      {"webhooks.backoff_max_seconds", integer(&c.webhook_backoff_max_seconds, 1, 7 * 86400)},
      {"webhooks.timeout_ms", integer(&c.webhook_timeout_ms, 100, 120000)},
      {"review.claim_minutes", integer(&c.claim_minutes, 1, 24 * 60)},
      {"policy.repeat_infringer", object(&c.repeat_infringer)},
      {"policy.notifier_programme", object(&c.notifier_programme)},
      {"regimes", object(&c.regimes)},
      {"jobs.tick_ms", integer(&c.job_tick_ms, 10, 600000)},
      {"screening.block", number(&c.screening_block, 0)},
      {"screening.review", number(&c.screening_review, 0)},
      {"screening.rescreen_batch", integer(&c.screening_rescreen_batch, 1, 10000)},
  };
  for (const auto& [section, node] : root) {
    std::string s(section.str());
    if (s == "regimes") {
      RETURN_IF_ERROR(keys.at("regimes")(node, Where(path, node) + ": [regimes]"));
      continue;
    }
    const toml::table* t = node.as_table();
    if (!t) return InvalidArgument(Where(path, node) + ": unknown setting \"" + s + "\"");
    for (const auto& [key, value] : *t) {
      std::string full = s + "." + std::string(key.str());
      auto it = keys.find(full);
      if (it == keys.end())
        return InvalidArgument(Where(path, value) + ": unknown setting \"" + full + "\"");
      RETURN_IF_ERROR(it->second(value, Where(path, value) + ": " + full));
    }
  }
  // Check the policy and regime tables now, not at the first notice.
  if (auto p = domain::RepeatInfringerPolicyFromJson(c.repeat_infringer); !p.ok())
    return InvalidArgument(path + ": [policy.repeat_infringer] " + p.status().message());
  if (auto p = domain::NotifierProgrammeFromJson(c.notifier_programme); !p.ok())
    return InvalidArgument(path + ": [policy.notifier_programme] " + p.status().message());
  if (auto t = domain::ScreeningThresholdsFromJson(
          json::object{{"block", c.screening_block}, {"review", c.screening_review}});
      !t.ok())
    return InvalidArgument(path + ": [screening] " + t.status().message());
  for (const auto& kv : c.regimes) {
    auto base = domain::BuiltInRegime(kv.key());
    if (!base)
      return InvalidArgument(path + ": [regimes." + std::string(kv.key()) +
                             "] is not a built-in regime (cn_ecl, us_dmca, eu_dsa)");
    if (auto r = domain::RegimeFromJson(kv.value(), &*base); !r.ok())
      return InvalidArgument(path + ": [regimes." + std::string(kv.key()) + "] " +
                             r.status().message());
  }
  return Status::Ok();
}

std::string DefaultConfigToml() {
  return R"(# Counterfoil configuration. Every key is optional; shown are the defaults.
# Flags given to `counterfoil serve` override this file.

[server]
listen = "127.0.0.1:8080"        # host:port of the HTTP API and console
data_dir = "./counterfoil-data"  # SQLite database and blob store
io_threads = 2                   # network threads
worker_threads = 64              # request handlers (they wait for durable commits)
max_body_bytes = 16777216        # larger requests get 413

[limits]
rate_per_second = 200            # requests per second per principal (token bucket)
rate_burst = 400
page_limit_max = 200             # largest ?limit= on list endpoints
bulk_max_rows = 10000            # rows in one bulk notice CSV

[sessions]
ttl_hours = 12                   # console session lifetime
cookie_secure = false            # set Secure on cookies (enable behind TLS)

[webhooks]
max_attempts = 12                # then the delivery is marked failed
backoff_base_seconds = 5         # delay doubles after each failure...
backoff_max_seconds = 3600       # ...up to this
timeout_ms = 5000

[review]
claim_minutes = 30               # a reviewer's claim on a notice expires after this

[jobs]
tick_ms = 1000                   # how often deadlines and the webhook outbox are checked

# Proactive screening: a listing scoring at least `block` is taken down at once
# (automated decision); at least `review` goes to the reviewers' queue.
# Marketplaces may set their own ("screening": {"block": …, "review": …}).
[screening]
block = 0.9                      # 0 < review < block <= 1
review = 0.5
rescreen_batch = 200             # listings per transaction when re-screening

# Repeat-infringer policy (defaults for marketplaces that do not override it).
[policy.repeat_infringer]
strikes_to_suspend = 3
window_days = 90
strike_expiry_days = 365
suspend_on_confirmed_test_buy = true

# Notifier accuracy programme: good-faith fast lane and misuse limits (DSA art. 23).
[policy.notifier_programme]
window_days = 90
good_faith_min_accept_rate = 0.90
good_faith_max_restore_rate = 0.05
good_faith_min_decided = 20
warn_after_unfounded = 5
limit_after_unfounded = 10
limit_days = 30

# Overrides of the built-in regimes, e.g.:
# [regimes.us_dmca]
# restore_after_days = 12
# [regimes.us_dmca.calendar]
# extra_holidays = ["2026-12-24"]   # added to the US federal holidays
#                                   # (holidays = [...] replaces the whole list)
)";
}

}  // namespace counterfoil::service
