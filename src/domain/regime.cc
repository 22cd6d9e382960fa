#include "domain/regime.h"

#include <algorithm>
#include <utility>

#include "common/json.h"

namespace counterfoil::domain {

using std::chrono::days;
using std::chrono::sys_days;

namespace {

// Upper bounds that keep timestamp arithmetic far from overflow and catch
// typos such as a duration pasted in milliseconds.
constexpr int kMaxDays = 3660;      // ten years
constexpr int kMaxSlaHours = 8784;  // one leap year
constexpr size_t kMaxHolidays = 10000;

// DSA art. 20(1): "at least six months"; see EuDsa() for why 184.
constexpr int kDsaMinAppealDays = 184;
// 17 U.S.C. §512(g)(2)(C).
constexpr int kDmcaMinRestoreDays = 10;
constexpr int kDmcaMaxRestoreDays = 14;
// PRC E-Commerce Law art. 43(2).
constexpr int kCnRestoreDays = 15;

constexpr std::string_view kDmcaCite = "17 U.S.C. §512(c)(3)(A)";

std::string Dmca(std::string_view clause) {
  return std::string(kDmcaCite) + "(" + std::string(clause) + ")";
}

// The end of a period of `n` calendar days after `trigger` (see "How
// day-counted deadlines are counted" in regime.h).
Timestamp CalendarDaysEnd(const Regime& r, Timestamp trigger, int n) {
  const BusinessCalendar& cal = r.calendar;
  sys_days last = cal.LocalDay(trigger) + days(n);
  if (r.extend_past_non_business_day && !cal.IsBusinessDay(last)) last = cal.NextBusinessDay(last);
  return cal.StartOfLocalDay(last + days(1));
}

// The end of the n-th business day after `trigger`'s local day.
Timestamp BusinessDaysEnd(const Regime& r, Timestamp trigger, int n) {
  const BusinessCalendar& cal = r.calendar;
  sys_days last = cal.NthBusinessDayAfter(cal.LocalDay(trigger), n);
  return cal.StartOfLocalDay(last + days(1));
}

bool IsPointerSegmentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// "/a/b_c": at least one segment, each of [A-Za-z0-9_-]+ (notice fields are
// snake_case; no escapes needed).
bool IsValidFieldPointer(std::string_view p) {
  if (p.size() < 2 || p[0] != '/' || p.back() == '/') return false;
  for (size_t i = 1; i < p.size(); ++i) {
    if (p[i] == '/') {
      if (p[i - 1] == '/') return false;
    } else if (!IsPointerSegmentChar(p[i])) {
      return false;
    }
  }
  return true;
}

bool IsValidRegimeId(std::string_view id) {
  if (id.empty() || id.size() > 100) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '+' || c == '-';
  });
}

// Resolves a JSON pointer ("~0" and "~1" unescaped) inside `root`; nullptr
// when absent.
const boost::json::value* FindPointer(const boost::json::object& root, std::string_view pointer) {
  if (pointer.empty() || pointer[0] != '/') return nullptr;
  const boost::json::object* cur = &root;
  const boost::json::value* found = nullptr;
  size_t pos = 1;
  while (true) {
    size_t next = pointer.find('/', pos);
    std::string_view raw =
        pointer.substr(pos, next == std::string_view::npos ? pointer.npos : next - pos);
    std::string key;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~' && i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
        key += raw[i + 1] == '0' ? '~' : '/';
        ++i;
      } else {
        key += raw[i];
      }
    }
    if (!cur) return nullptr;
    auto it = cur->find(key);
    if (it == cur->end()) return nullptr;
    found = &it->value();
    if (next == std::string_view::npos) return found;
    cur = found->if_object();
    pos = next + 1;
  }
}

bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

// Why the value at a required field does not satisfy it, or "" when it does.
std::string FieldProblem(std::string_view pointer, const boost::json::value* v) {
  if (v == nullptr || v->is_null()) return "required";
  if (pointer.starts_with("/statements/")) {
    return v->is_bool() && v->get_bool() ? "" : "must be true";
  }
  if (v->is_string()) return IsBlank(v->get_string()) ? "must not be blank" : "";
  if (v->is_array()) {
    for (const boost::json::value& e : v->get_array()) {
      if (e.is_null()) continue;
      if (e.is_string() && IsBlank(e.get_string())) continue;
      return "";
    }
    return "must not be empty";
  }
  return "must be a non-blank string or a non-empty array";
}

Status Invalid(std::string_view pointer, const std::string& message) {
  return InvalidArgument(std::string(pointer.substr(1)) + ": " + message, std::string(pointer));
}

Status CheckRange(std::string_view pointer, int value, int lo, int hi) {
  if (value < lo || value > hi) {
    return Invalid(pointer, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  }
  return Status::Ok();
}

int EffectiveRestoreAfter(const Regime& r) {
  if (r.restore_after_days <= 0) return r.restore_min_days;
  return std::clamp(r.restore_after_days, r.restore_min_days,
                    std::max(r.restore_min_days, r.restore_max_days));
}

void AppendJoined(std::string& to, std::string_view what, std::string_view sep) {
  if (what.empty()) return;
  if (!to.empty()) to += sep;
  to += what;
}

}  // namespace

std::string_view RestorationRuleName(RestorationRule rule) {
  switch (rule) {
    case RestorationRule::kNone:
      return "none";
    case RestorationRule::kCalendarDays:
      return "calendar_days";
    case RestorationRule::kBusinessDays:
      return "business_days";
  }
  return "none";
}

std::optional<RestorationRule> ParseRestorationRule(std::string_view name) {
  for (RestorationRule r :
       {RestorationRule::kNone, RestorationRule::kCalendarDays, RestorationRule::kBusinessDays}) {
    if (RestorationRuleName(r) == name) return r;
  }
  return std::nullopt;
}

std::string_view RestorationStartName(RestorationStart start) {
  switch (start) {
    case RestorationStart::kReceipt:
      return "receipt";
    case RestorationStart::kForwarded:
      return "forwarded";
  }
  return "receipt";
}

std::optional<RestorationStart> ParseRestorationStart(std::string_view name) {
  for (RestorationStart s : {RestorationStart::kReceipt, RestorationStart::kForwarded}) {
    if (RestorationStartName(s) == name) return s;
  }
  return std::nullopt;
}

Regime ChinaEcommerceLaw() {
  Regime r;
  r.id = "cn_ecl";
  r.name = "China — E-Commerce Law";
  r.legal_basis =
      "E-Commerce Law of the PRC, art. 42–43; Civil Code of the PRC, art. 201, 203, 1195–1196";
  const std::string identity = "PRC Civil Code art. 1195(1)";
  const std::string evidence = "PRC E-Commerce Law art. 42(1); PRC Civil Code art. 1195(1)";
  r.required_notice_fields = {
      {"/complainant/name", identity},
      {"/complainant/identity_document", identity},
      {"/listing_id", "PRC E-Commerce Law art. 42(1)"},
      {"/explanation", evidence},
      {"/evidence", evidence},
  };
  r.counter_notice = true;  // art. 43(1): declaration of non-infringement
  r.restoration = RestorationRule::kCalendarDays;
  r.restoration_from = RestorationStart::kForwarded;  // art. 43(2): "after ... reaches"
  r.restore_min_days = kCnRestoreDays;
  r.restore_max_days = kCnRestoreDays;
  r.restore_after_days = kCnRestoreDays;
  r.extend_past_non_business_day = true;  // Civil Code art. 203(1)
  r.calendar = BusinessCalendar({}, std::chrono::hours(8));
  return r;
}

Regime UsDmca() {
  Regime r;
  r.id = "us_dmca";
  r.name = "United States — DMCA";
  r.legal_basis = "17 U.S.C. §512(c)(3), §512(g)(2)–(3), §512(i)(1)(A)";
  r.required_notice_fields = {
      {"/signature", Dmca("i")},
      {"/work", Dmca("ii")},
      {"/listing_id", Dmca("iii")},
      {"/location_url", Dmca("iii")},
      // (iv) asks for information "reasonably sufficient to permit the service
      // provider to contact the complaining party"; Counterfoil asks for all four.
      {"/complainant/name", Dmca("iv")},
      {"/complainant/address", Dmca("iv")},
      {"/complainant/phone", Dmca("iv")},
      {"/complainant/email", Dmca("iv")},
      {"/statements/good_faith", Dmca("v")},
      {"/statements/accurate", Dmca("vi")},
      {"/statements/under_penalty_of_perjury", Dmca("vi")},
      {"/statements/authorised", Dmca("vi")},
  };
  r.counter_notice = true;  // §512(g)(3)
  r.restoration = RestorationRule::kBusinessDays;
  r.restoration_from = RestorationStart::kReceipt;  // "following receipt of the counter notice"
  r.restore_min_days = kDmcaMinRestoreDays;
  r.restore_max_days = kDmcaMaxRestoreDays;
  r.restore_after_days = kDmcaMinRestoreDays;
  r.calendar = BusinessCalendar(UsFederalHolidays(2024, 2035), std::chrono::hours(-5));
  return r;
}

Regime EuDsa() {
  Regime r;
  r.id = "eu_dsa";
  r.name = "European Union — Digital Services Act";
  r.legal_basis = "Regulation (EU) 2022/2065 (Digital Services Act), art. 16, 17, 20, 23";
  r.required_notice_fields = {
      {"/explanation", "DSA art. 16(2)(a)"},          {"/location_url", "DSA art. 16(2)(b)"},
      {"/complainant/name", "DSA art. 16(2)(c)"},     {"/complainant/email", "DSA art. 16(2)(c)"},
      {"/statements/bona_fide", "DSA art. 16(2)(d)"},
  };
  r.appeal = true;
  r.appeal_window_days = kDsaMinAppealDays;
  r.appeal_decided_by_person = true;
  r.extend_past_non_business_day = true;  // Reg. 1182/71 art. 3(4)
  return r;
}

std::optional<Regime> BuiltInRegime(std::string_view id) {
  if (id == "cn_ecl") return ChinaEcommerceLaw();
  if (id == "us_dmca") return UsDmca();
  if (id == "eu_dsa") return EuDsa();
  return std::nullopt;
}

Status ValidateRegime(const Regime& r) {
  if (!IsValidRegimeId(r.id)) {
    return Invalid("/id", "must be 1 to 100 characters of a-z, 0-9, '_', '+', '-'");
  }
  for (size_t i = 0; i < r.required_notice_fields.size(); ++i) {
    const FieldRequirement& f = r.required_notice_fields[i];
    std::string at = "/required_notice_fields/" + std::to_string(i);
    if (!IsValidFieldPointer(f.pointer)) {
      return Invalid(at + "/pointer",
                     "must be a JSON pointer such as \"/complainant/name\" (segments of "
                     "A-Z, a-z, 0-9, '_', '-')");
    }
    if (IsBlank(f.citation)) {
      return Invalid(at + "/citation", "must name the provision that requires the field");
    }
    for (size_t j = 0; j < i; ++j) {
      if (r.required_notice_fields[j].pointer == f.pointer) {
        return Invalid(at + "/pointer", "duplicates required_notice_fields/" + std::to_string(j));
      }
    }
  }
  RETURN_IF_ERROR(
      CheckRange("/counter_notice_window_days", r.counter_notice_window_days, 0, kMaxDays));
  RETURN_IF_ERROR(CheckRange("/restore_min_days", r.restore_min_days, 0, kMaxDays));
  RETURN_IF_ERROR(CheckRange("/restore_max_days", r.restore_max_days, 0, kMaxDays));
  RETURN_IF_ERROR(CheckRange("/restore_after_days", r.restore_after_days, 0, kMaxDays));
  RETURN_IF_ERROR(CheckRange("/appeal_window_days", r.appeal_window_days, 0, kMaxDays));
  RETURN_IF_ERROR(CheckRange("/info_request_days", r.info_request_days, 1, kMaxDays));
  RETURN_IF_ERROR(CheckRange("/review_sla_hours", r.review_sla_hours, 1, kMaxSlaHours));
  if (r.restoration != RestorationRule::kNone) {
    if (!r.counter_notice) {
      return Invalid("/counter_notice", "must be true when the regime restores listings");
    }
    if (r.restore_min_days < 1) {
      return Invalid("/restore_min_days", "must be at least 1 when the regime restores listings");
    }
    if (r.restore_max_days < r.restore_min_days) {
      return Invalid("/restore_max_days", "must be at least restore_min_days (" +
                                              std::to_string(r.restore_min_days) + ")");
    }
    if (r.restore_after_days != 0 &&
        (r.restore_after_days < r.restore_min_days || r.restore_after_days > r.restore_max_days)) {
      return Invalid("/restore_after_days",
                     "must be between restore_min_days (" + std::to_string(r.restore_min_days) +
                         ") and restore_max_days (" + std::to_string(r.restore_max_days) + ")");
    }
  }

  // Statutory floors: an override must not configure a built-in regime below
  // what its statute requires.
  if (r.id == "us_dmca") {
    const std::string why =
        " (17 U.S.C. §512(g)(2)(C): not less than 10, not more than 14 "
        "business days following receipt of the counter notice)";
    if (r.restoration != RestorationRule::kBusinessDays) {
      return Invalid("/restoration", "must be \"business_days\"" + why);
    }
    if (r.restoration_from != RestorationStart::kReceipt) {
      return Invalid("/restoration_from", "must be \"receipt\"" + why);
    }
    if (r.restore_min_days < kDmcaMinRestoreDays) {
      return Invalid("/restore_min_days", "must be at least 10" + why);
    }
    if (r.restore_max_days > kDmcaMaxRestoreDays) {
      return Invalid("/restore_max_days", "must be at most 14" + why);
    }
  } else if (r.id == "cn_ecl") {
    const std::string why =
        " (PRC E-Commerce Law art. 43(2): 15 days after the declaration "
        "reaches the rights holder)";
    if (r.restoration != RestorationRule::kCalendarDays) {
      return Invalid("/restoration", "must be \"calendar_days\"" + why);
    }
    if (r.restoration_from != RestorationStart::kForwarded) {
      return Invalid("/restoration_from", "must be \"forwarded\"" + why);
    }
    if (r.restore_min_days < kCnRestoreDays) {
      return Invalid("/restore_min_days", "must be at least 15" + why);
    }
  } else if (r.id == "eu_dsa") {
    if (!r.appeal) return Invalid("/appeal", "must be true (DSA art. 20(1))");
    if (r.appeal_window_days != 0 && r.appeal_window_days < kDsaMinAppealDays) {
      return Invalid("/appeal_window_days",
                     "must be 0 (no limit) or at least 184, six calendar months from any date "
                     "(DSA art. 20(1): at least six months)");
    }
    if (!r.appeal_decided_by_person) {
      return Invalid("/appeal_decided_by_person",
                     "must be true (DSA art. 20(6): not solely by automated means)");
    }
  }
  return Status::Ok();
}

Result<Regime> RegimeFromJson(const boost::json::value& v, const Regime* base) {
  FieldReader in(v);
  RETURN_IF_ERROR(in.status());
  in.RejectUnknown({"id", "name", "legal_basis", "required_notice_fields", "counter_notice",
                    "counter_notice_window_days", "restoration", "restoration_from",
                    "restore_min_days", "restore_max_days", "restore_after_days", "appeal",
                    "appeal_window_days", "appeal_decided_by_person", "info_request_days",
                    "review_sla_hours", "extend_past_non_business_day", "calendar"});
  RETURN_IF_ERROR(in.status());

  Regime r = base ? *base : Regime{};
  if (auto id = in.OptString("id", {.min_len = 1, .max_len = 100})) {
    // An override keeps its regime's id, so the statutory floors checked
    // by id cannot be escaped by renaming it.
    if (base && *id != base->id) in.Fail("id", "an override cannot rename regime " + base->id);
    r.id = *id;
  } else if (!base && in.ok()) {
    in.Fail("id", "is required");
  }
  if (auto s = in.OptString("name", {.min_len = 1, .max_len = 200})) r.name = *s;
  if (auto s = in.OptString("legal_basis", {.min_len = 1, .max_len = 1000})) r.legal_basis = *s;
  RETURN_IF_ERROR(in.status());

  if (const boost::json::array* a = in.Array("required_notice_fields", false)) {
    std::vector<FieldRequirement> fields;
    for (size_t i = 0; i < a->size(); ++i) {
      FieldReader f((*a)[i], "/required_notice_fields/" + std::to_string(i));
      f.RejectUnknown({"pointer", "citation"});
      FieldRequirement req;
      req.pointer = f.String("pointer", {.min_len = 1, .max_len = 200});
      req.citation = f.String("citation", {.min_len = 1, .max_len = 500});
      RETURN_IF_ERROR(f.status());
      fields.push_back(std::move(req));
    }
    r.required_notice_fields = std::move(fields);
  }
  RETURN_IF_ERROR(in.status());

  auto read_bool = [&](std::string_view key, bool& out) {
    if (auto b = in.OptBool(key)) out = *b;
  };
  auto read_days = [&](std::string_view key, int& out) {
    if (auto n = in.OptInt(key, 0, kMaxDays)) out = static_cast<int>(*n);
  };
  read_bool("counter_notice", r.counter_notice);
  read_days("counter_notice_window_days", r.counter_notice_window_days);
  std::string rule = in.Enum("restoration", {"none", "calendar_days", "business_days"}, false);
  if (!rule.empty()) r.restoration = *ParseRestorationRule(rule);
  std::string from = in.Enum("restoration_from", {"receipt", "forwarded"}, false);
  if (!from.empty()) r.restoration_from = *ParseRestorationStart(from);
  read_days("restore_min_days", r.restore_min_days);
  read_days("restore_max_days", r.restore_max_days);
  std::optional<int64_t> after = in.OptInt("restore_after_days", 0, kMaxDays);
  read_bool("appeal", r.appeal);
  read_days("appeal_window_days", r.appeal_window_days);
  read_bool("appeal_decided_by_person", r.appeal_decided_by_person);
  if (auto n = in.OptInt("info_request_days", 1, kMaxDays)) r.info_request_days = int(*n);
  if (auto n = in.OptInt("review_sla_hours", 1, kMaxSlaHours)) r.review_sla_hours = int(*n);
  read_bool("extend_past_non_business_day", r.extend_past_non_business_day);
  RETURN_IF_ERROR(in.status());

  if (after) {
    r.restore_after_days = static_cast<int>(*after);
  } else if (!base || r.restore_after_days == 0) {
    r.restore_after_days = r.restore_min_days;
  } else if (r.restore_max_days >= r.restore_min_days) {
    r.restore_after_days = std::clamp(r.restore_after_days, r.restore_min_days, r.restore_max_days);
  }

  if (const boost::json::value* cv = in.Find("calendar")) {
    FieldReader c(*cv, "/calendar");
    c.RejectUnknown({"holidays", "extra_holidays", "utc_offset"});
    std::vector<sys_days> holidays = r.calendar.holidays();
    std::chrono::minutes offset = r.calendar.utc_offset();
    if (c.Find("holidays")) {
      std::vector<std::string> dates = c.StringArray("holidays", false, kMaxHolidays);
      holidays.clear();
      for (size_t i = 0; i < dates.size() && c.ok(); ++i) {
        std::optional<sys_days> d = ParseIsoDate(dates[i]);
        if (!d) {
          c.Fail("holidays/" + std::to_string(i),
                 "\"" + dates[i].substr(0, 40) + "\" is not a date (expected YYYY-MM-DD)");
        } else {
          holidays.push_back(*d);
        }
      }
    }
    // extra_holidays adds to the list (e.g. a company closure on top of the
    // federal holidays); holidays replaces it.
    if (c.Find("extra_holidays")) {
      std::vector<std::string> dates = c.StringArray("extra_holidays", false, kMaxHolidays);
      for (size_t i = 0; i < dates.size() && c.ok(); ++i) {
        std::optional<sys_days> d = ParseIsoDate(dates[i]);
        if (!d) {
          c.Fail("extra_holidays/" + std::to_string(i),
                 "\"" + dates[i].substr(0, 40) + "\" is not a date (expected YYYY-MM-DD)");
        } else {
          holidays.push_back(*d);
        }
      }
    }
    if (auto text = c.OptString("utc_offset", {.min_len = 1, .max_len = 20})) {
      Result<std::chrono::minutes> off = ParseUtcOffset(*text);
      if (off.ok()) {
        offset = *off;
      } else {
        c.Fail("utc_offset", off.status().message());
      }
    }
    RETURN_IF_ERROR(c.status());
    std::sort(holidays.begin(), holidays.end());
    holidays.erase(std::unique(holidays.begin(), holidays.end()), holidays.end());
    r.calendar = BusinessCalendar(std::move(holidays), offset);
  }

  RETURN_IF_ERROR(ValidateRegime(r));
  return r;
}

boost::json::object RegimeToJson(const Regime& r) {
  boost::json::object o;
  o["id"] = r.id;
  o["name"] = r.name;
  o["legal_basis"] = r.legal_basis;
  boost::json::array fields;
  for (const FieldRequirement& f : r.required_notice_fields) {
    fields.push_back(boost::json::object{{"pointer", f.pointer}, {"citation", f.citation}});
  }
  o["required_notice_fields"] = std::move(fields);
  o["counter_notice"] = r.counter_notice;
  o["counter_notice_window_days"] = r.counter_notice_window_days;
  o["restoration"] = RestorationRuleName(r.restoration);
  o["restoration_from"] = RestorationStartName(r.restoration_from);
  o["restore_min_days"] = r.restore_min_days;
  o["restore_max_days"] = r.restore_max_days;
  o["restore_after_days"] = r.restore_after_days;
  o["appeal"] = r.appeal;
  o["appeal_window_days"] = r.appeal_window_days;
  o["appeal_decided_by_person"] = r.appeal_decided_by_person;
  o["info_request_days"] = r.info_request_days;
  o["review_sla_hours"] = r.review_sla_hours;
  o["extend_past_non_business_day"] = r.extend_past_non_business_day;
  boost::json::array holidays;
  for (sys_days d : r.calendar.holidays()) holidays.emplace_back(FormatIsoDate(d));
  o["calendar"] = boost::json::object{{"holidays", std::move(holidays)},
                                      {"utc_offset", FormatUtcOffset(r.calendar.utc_offset())}};
  return o;
}

Regime Combine(const std::vector<Regime>& regimes) {
  Regime out;
  if (regimes.empty()) return out;
  const Regime* restoring = nullptr;
  const Regime* countering = nullptr;
  const Regime* appealing = nullptr;
  out.info_request_days = regimes.front().info_request_days;
  out.review_sla_hours = regimes.front().review_sla_hours;
  for (const Regime& r : regimes) {
    AppendJoined(out.id, r.id, "+");
    AppendJoined(out.name, r.name, " + ");
    AppendJoined(out.legal_basis, r.legal_basis, "; ");
    for (const FieldRequirement& f : r.required_notice_fields) {
      auto same = [&](const FieldRequirement& g) { return g.pointer == f.pointer; };
      auto it =
          std::find_if(out.required_notice_fields.begin(), out.required_notice_fields.end(), same);
      if (it == out.required_notice_fields.end()) {
        out.required_notice_fields.push_back(f);
      } else if (it->citation.find(f.citation) == std::string::npos) {
        it->citation += "; " + f.citation;
      }
    }
    if (!restoring && r.restoration != RestorationRule::kNone) restoring = &r;
    if (!countering && r.counter_notice) countering = &r;
    if (!appealing && r.appeal) appealing = &r;
    out.info_request_days = std::min(out.info_request_days, r.info_request_days);
    out.review_sla_hours = std::min(out.review_sla_hours, r.review_sla_hours);
    out.extend_past_non_business_day |= r.extend_past_non_business_day;
  }
  if (const Regime* c = restoring ? restoring : countering) {
    out.counter_notice = c->counter_notice;
    out.counter_notice_window_days = c->counter_notice_window_days;
    out.restoration = c->restoration;
    out.restoration_from = c->restoration_from;
    out.restore_min_days = c->restore_min_days;
    out.restore_max_days = c->restore_max_days;
    out.restore_after_days = c->restore_after_days;
  }
  if (appealing) {
    out.appeal = true;
    out.appeal_window_days = appealing->appeal_window_days;
    out.appeal_decided_by_person = appealing->appeal_decided_by_person;
  }
  const Regime* cal = restoring ? restoring : appealing ? appealing : &regimes.front();
  out.calendar = cal->calendar;
  return out;
}

std::optional<RestorationWindow> ComputeRestoration(const Regime& r, Timestamp received_at,
                                                    Timestamp forwarded_at) {
  if (r.restoration == RestorationRule::kNone) return std::nullopt;
  Timestamp start = r.restoration_from == RestorationStart::kForwarded ? forwarded_at : received_at;
  auto end_of_day = [&](int n) {
    return r.restoration == RestorationRule::kBusinessDays ? BusinessDaysEnd(r, start, n)
                                                           : CalendarDaysEnd(r, start, n);
  };
  int max_days = std::max(r.restore_min_days, r.restore_max_days);
  return RestorationWindow{end_of_day(r.restore_min_days), end_of_day(EffectiveRestoreAfter(r)),
                           end_of_day(max_days)};
}

std::optional<Timestamp> CounterNoticeDeadline(const Regime& r, Timestamp takedown_at) {
  if (!r.counter_notice || r.counter_notice_window_days <= 0) return std::nullopt;
  return CalendarDaysEnd(r, takedown_at, r.counter_notice_window_days);
}

std::optional<Timestamp> AppealDeadline(const Regime& r, Timestamp decision_at) {
  if (!r.appeal || r.appeal_window_days <= 0) return std::nullopt;
  return CalendarDaysEnd(r, decision_at, r.appeal_window_days);
}

Timestamp InfoRequestDeadline(const Regime& r, Timestamp requested_at) {
  return CalendarDaysEnd(r, requested_at, std::max(1, r.info_request_days));
}

Timestamp ReviewDueAt(const Regime& r, Timestamp received_at) {
  return received_at + std::chrono::hours(r.review_sla_hours);
}

Status CheckRequiredFields(const Regime& r, const boost::json::object& notice) {
  for (const FieldRequirement& f : r.required_notice_fields) {
    std::string problem = FieldProblem(f.pointer, FindPointer(notice, f.pointer));
    if (problem.empty()) continue;
    std::string message = problem == "required" ? "required by " + f.citation
                                                : problem + " (required by " + f.citation + ")";
    std::string_view name = std::string_view(f.pointer).substr(f.pointer.empty() ? 0 : 1);
    return InvalidArgument(std::string(name) + ": " + message, f.pointer);
  }
  return Status::Ok();
}

}  // namespace counterfoil::domain
