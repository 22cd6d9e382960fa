#include "domain/policy.h"

#include <optional>

#include "common/json.h"

namespace counterfoil::domain {

namespace {

constexpr int64_t kMaxDays = 3660;
constexpr double kRateTolerance = 1e-9;

std::chrono::milliseconds Days(int n) { return std::chrono::days(n); }

}  // namespace

bool ShouldSuspend(const RepeatInfringerPolicy& p, const std::vector<Timestamp>& active_strikes,
                   Timestamp now, bool confirmed_counterfeit_test_buy) {
  if (p.suspend_on_confirmed_test_buy && confirmed_counterfeit_test_buy) return true;
  if (p.strikes_to_suspend <= 0) return false;
  int counted = 0;
  for (Timestamp t : active_strikes) {
    if (t > now) continue;
    if (now - t >= Days(p.window_days)) continue;
    if (p.strike_expiry_days > 0 && now - t >= Days(p.strike_expiry_days)) continue;
    ++counted;
  }
  return counted >= p.strikes_to_suspend;
}

NotifierStanding EvaluateNotifier(const NotifierProgramme& p, const NotifierCounts& c) {
  if (c.manifestly_unfounded >= p.limit_after_unfounded) return NotifierStanding::kLimited;
  if (c.manifestly_unfounded >= p.warn_after_unfounded) return NotifierStanding::kWarned;
  int decided = c.accepted + c.rejected;
  if (decided > 0 && decided >= p.good_faith_min_decided) {
    double accept_rate = static_cast<double>(c.accepted) / decided;
    double restore_rate =
        c.accepted > 0 ? static_cast<double>(c.restored_after_counter_notice) / c.accepted : 0.0;
    if (accept_rate + kRateTolerance >= p.good_faith_min_accept_rate &&
        restore_rate - kRateTolerance <= p.good_faith_max_restore_rate) {
      return NotifierStanding::kGoodFaith;
    }
  }
  return NotifierStanding::kStandard;
}

std::string_view NotifierStandingName(NotifierStanding s) {
  switch (s) {
    case NotifierStanding::kStandard:
      return "standard";
    case NotifierStanding::kGoodFaith:
      return "good_faith";
    case NotifierStanding::kWarned:
      return "warned";
    case NotifierStanding::kLimited:
      return "limited";
  }
  return "standard";
}

std::optional<NotifierStanding> ParseNotifierStanding(std::string_view name) {
  for (NotifierStanding s : {NotifierStanding::kStandard, NotifierStanding::kGoodFaith,
                             NotifierStanding::kWarned, NotifierStanding::kLimited}) {
    if (NotifierStandingName(s) == name) return s;
  }
  return std::nullopt;
}

Result<RepeatInfringerPolicy> RepeatInfringerPolicyFromJson(const boost::json::value& v) {
  FieldReader in(v);
  in.RejectUnknown(
      {"strikes_to_suspend", "window_days", "suspend_on_confirmed_test_buy", "strike_expiry_days"});
  RepeatInfringerPolicy p;
  if (auto n = in.OptInt("strikes_to_suspend", 1, 1000)) p.strikes_to_suspend = int(*n);
  if (auto n = in.OptInt("window_days", 1, kMaxDays)) p.window_days = int(*n);
  if (auto b = in.OptBool("suspend_on_confirmed_test_buy")) p.suspend_on_confirmed_test_buy = *b;
  if (auto n = in.OptInt("strike_expiry_days", 0, kMaxDays)) p.strike_expiry_days = int(*n);
  RETURN_IF_ERROR(in.status());
  return p;
}

boost::json::object ToJson(const RepeatInfringerPolicy& p) {
  return {{"strikes_to_suspend", p.strikes_to_suspend},
          {"window_days", p.window_days},
          {"suspend_on_confirmed_test_buy", p.suspend_on_confirmed_test_buy},
          {"strike_expiry_days", p.strike_expiry_days}};
}

Result<NotifierProgramme> NotifierProgrammeFromJson(const boost::json::value& v) {
  FieldReader in(v);
  in.RejectUnknown({"window_days", "good_faith_min_accept_rate", "good_faith_max_restore_rate",
                    "good_faith_min_decided", "warn_after_unfounded", "limit_after_unfounded",
                    "limit_days"});
  NotifierProgramme p;
  auto rate = [&](std::string_view key, double& out) {
    std::optional<double> d = in.OptNumber(key);
    if (!d) return;
    if (*d < 0 || *d > 1) {
      in.Fail(key, "must be between 0 and 1");
      return;
    }
    out = *d;
  };
  if (auto n = in.OptInt("window_days", 1, kMaxDays)) p.window_days = int(*n);
  rate("good_faith_min_accept_rate", p.good_faith_min_accept_rate);
  rate("good_faith_max_restore_rate", p.good_faith_max_restore_rate);
  if (auto n = in.OptInt("good_faith_min_decided", 0, 1000000)) p.good_faith_min_decided = int(*n);
  if (auto n = in.OptInt("warn_after_unfounded", 1, 1000000)) p.warn_after_unfounded = int(*n);
  if (auto n = in.OptInt("limit_after_unfounded", 1, 1000000)) p.limit_after_unfounded = int(*n);
  if (auto n = in.OptInt("limit_days", 1, kMaxDays)) p.limit_days = int(*n);
  RETURN_IF_ERROR(in.status());
  if (p.limit_after_unfounded < p.warn_after_unfounded) {
    return InvalidArgument("limit_after_unfounded: must be at least warn_after_unfounded (" +
                               std::to_string(p.warn_after_unfounded) +
                               "): DSA art. 23(2) requires a prior warning",
                           "/limit_after_unfounded");
  }
  return p;
}

boost::json::object ToJson(const NotifierProgramme& p) {
  return {{"window_days", p.window_days},
          {"good_faith_min_accept_rate", p.good_faith_min_accept_rate},
          {"good_faith_max_restore_rate", p.good_faith_max_restore_rate},
          {"good_faith_min_decided", p.good_faith_min_decided},
          {"warn_after_unfounded", p.warn_after_unfounded},
          {"limit_after_unfounded", p.limit_after_unfounded},
          {"limit_days", p.limit_days}};
}

Result<ScreeningThresholds> ScreeningThresholdsFromJson(const boost::json::value& v,
                                                        ScreeningThresholds base) {
  FieldReader in(v);
  in.RejectUnknown({"block", "review"});
  ScreeningThresholds t = base;
  if (auto d = in.OptNumber("block")) t.block = *d;
  if (auto d = in.OptNumber("review")) t.review = *d;
  RETURN_IF_ERROR(in.status());
  if (!(t.block > 0 && t.block <= 1))
    return InvalidArgument("block: must be above 0 and at most 1", "/block");
  if (!(t.review > 0 && t.review < t.block))
    return InvalidArgument("review: must be above 0 and below block (" + std::to_string(t.block) +
                               ")",
                           "/review");
  return t;
}

boost::json::object ToJson(const ScreeningThresholds& t) {
  return {{"block", t.block}, {"review", t.review}};
}

}  // namespace counterfoil::domain
