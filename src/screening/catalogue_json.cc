#include "screening/catalogue_json.h"

#include <simdjson.h>

#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <unordered_map>

#include "common/json.h"
#include "screening/isbn.h"

namespace counterfoil::screening {

namespace {

// ------------------------------------------------------------ shared helpers

// An error about one field: the message starts with the pointer (without its
// leading '/'), as FieldReader's do.
Status FieldError(std::string_view pointer, std::string_view message) {
  std::string msg(pointer.empty() ? std::string_view("(document)") : pointer.substr(1));
  msg += ": ";
  msg += message;
  return InvalidArgument(std::move(msg), std::string(pointer));
}

// Describes a Boost.JSON syntax error at byte `offset` of `text`.
std::string SyntaxErrorMessage(std::string_view text, size_t offset,
                               const boost::system::error_code& ec, bool multi_line) {
  std::string where;
  if (multi_line) {
    size_t line = 1, line_start = 0;
    for (size_t i = 0; i < offset && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
    }
    where = "line " + std::to_string(line) + ", column " + std::to_string(offset - line_start + 1);
  } else {
    where = "column " + std::to_string(offset + 1);
  }
  std::string what = ec.message();
  // Boost.JSON reports malformed UTF-8 as a plain syntax error.
  if (ec == boost::json::error::syntax && offset < text.size() &&
      static_cast<unsigned char>(text[offset]) >= 0x80)
    what = "invalid UTF-8";
  return "not valid JSON at " + where + ": " + what;
}

bool IsBlank(std::string_view s) {
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
  return true;
}

// Three ASCII letters, returned upper-cased.
std::optional<std::string> CurrencyCode(std::string_view s) {
  if (s.size() != 3) return std::nullopt;
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c < 'A' || c > 'Z') return std::nullopt;
  }
  return out;
}

constexpr std::string_view kCurrencyRule = "must be a three-letter currency code (ISO 4217)";

// --------------------------------------------------------------- catalogue

// Limits: those of the registry API (service/registry.cc) where it has them,
// so that a catalogue `screen` accepts also imports.
constexpr size_t kMaxTermBytes = 200;
constexpr size_t kMaxTerms = 10000;
constexpr size_t kMaxSellers = 100000;
constexpr size_t kMaxProducts = 100000;
constexpr size_t kMaxWorks = 10000;

class CatalogueParser {
 public:
  Result<Catalogue> Parse(const boost::json::value& doc) {
    FieldReader root(doc);
    RETURN_IF_ERROR(root.status());
    if (auto version = root.OptInt("version", 0, INT32_MAX); version && *version != 1)
      return FieldError("/version", "unsupported catalogue version " + std::to_string(*version) +
                                        " (this program reads version 1)");
    RETURN_IF_ERROR(root.status());
    Catalogue out;
    const boost::json::array* holders = root.Array("rights_holders", true);
    RETURN_IF_ERROR(root.status());
    out.rights_holders.reserve(holders->size());
    std::unordered_map<std::string, size_t> seen;  // holder id -> index
    for (size_t i = 0; i < holders->size(); ++i) {
      std::string ptr = "/rights_holders/" + std::to_string(i);
      ASSIGN_OR_RETURN(RightsHolderRules h, RightsHolder((*holders)[i], ptr));
      auto [it, fresh] = seen.emplace(h.id, i);
      if (!fresh)
        return FieldError(ptr + "/id", "duplicate rights holder id \"" + h.id +
                                           "\" (also at /rights_holders/" +
                                           std::to_string(it->second) + ")");
      out.rights_holders.push_back(std::move(h));
    }
    if (const boost::json::array* bans = root.Array("category_bans", false)) {
      std::unordered_map<std::string, size_t> ban_ids;
      for (size_t i = 0; i < bans->size(); ++i) {
        std::string ptr = "/category_bans/" + std::to_string(i);
        ASSIGN_OR_RETURN(CategoryBan ban, Ban((*bans)[i], ptr));
        auto [it, fresh] = ban_ids.emplace(ban.id, i);
        if (!fresh)
          return FieldError(ptr + "/id", "duplicate ban id \"" + ban.id +
                                             "\" (also at /category_bans/" +
                                             std::to_string(it->second) + ")");
        out.category_bans.push_back(std::move(ban));
      }
    }
    RETURN_IF_ERROR(root.status());
    out.suspicious_terms = Terms(root, "suspicious_terms", kMaxTerms, kMaxTermBytes);
    out.piracy_terms = Terms(root, "piracy_terms", kMaxTerms, kMaxTermBytes);
    RETURN_IF_ERROR(root.status());
    return out;
  }

 private:
  static Status MustBeObject(const boost::json::value& v, const std::string& ptr) {
    if (!v.is_object()) return FieldError(ptr, "must be an object");
    return Status::Ok();
  }

  // A string array whose items are non-empty (after trimming) and at most
  // `max_bytes` long. Errors go to `r`.
  static std::vector<std::string> Terms(FieldReader& r, std::string_view key, size_t max_items,
                                        size_t max_bytes) {
    std::vector<std::string> out = r.StringArray(key, false, max_items);
    if (!r.ok()) return {};
    for (size_t i = 0; i < out.size(); ++i) {
      std::string item = std::string(key) + "/" + std::to_string(i);
      if (IsBlank(out[i])) {
        r.Fail(item, "must not be empty");
        return {};
      }
      if (out[i].size() > max_bytes) {
        r.Fail(item, "must be at most " + std::to_string(max_bytes) + " bytes");
        return {};
      }
    }
    return out;
  }

  // A price: {"amount": n >= 0, "currency": "USD"} or a bare number (USD).
  // `currency` is the default when the object names none (a work's separate
  // "currency" member).
  static std::optional<Money> ReadMoney(FieldReader& r, std::string_view key,
                                        std::string_view currency = "USD") {
    const boost::json::value* v = r.Find(key);
    if (!v || !r.ok()) return std::nullopt;
    Money m;
    m.currency = std::string(currency);
    std::string k(key);
    if (v->is_object()) {
      m.amount = r.Number("/" + k + "/amount");
      if (auto c = r.OptString("/" + k + "/currency")) {
        auto code = CurrencyCode(*c);
        if (!code)
          r.Fail("/" + k + "/currency", std::string(kCurrencyRule));
        else
          m.currency = *code;
      }
      if (r.ok() && m.amount < 0) r.Fail("/" + k + "/amount", "must not be negative");
    } else if (v->is_number()) {
      m.amount = r.Number(key);
      if (r.ok() && m.amount < 0) r.Fail(key, "must not be negative");
    } else {
      r.Fail(key, "must be a number or an object {\"amount\", \"currency\"}");
    }
    if (!r.ok()) return std::nullopt;
    return m;
  }

  Result<RightsHolderRules> RightsHolder(const boost::json::value& v, const std::string& ptr) {
    RETURN_IF_ERROR(MustBeObject(v, ptr));
    FieldReader r(v, ptr);
    RightsHolderRules h;
    h.id = r.String("id", {.min_len = 1, .max_len = 128});
    h.name = r.String("name", {.min_len = 1, .max_len = 200});
    r.Enum("kind", {"brand_owner", "publisher", "coalition"});
    h.brand_terms = Terms(r, "brand_terms", kMaxTerms, kMaxTermBytes);
    h.categories = Terms(r, "categories", 1000, kMaxTermBytes);
    h.authorized_sellers = Terms(r, "authorized_sellers", kMaxSellers, 128);
    Terms(r, "reference_images", kMaxTerms, 2000);  // for the image issue; unused here
    h.common_word = r.OptBool("common_word").value_or(false);
    RETURN_IF_ERROR(r.status());
    if (const boost::json::array* products = r.Array("products", false)) {
      if (products->size() > kMaxProducts)
        return FieldError(ptr + "/products",
                          "must have at most " + std::to_string(kMaxProducts) + " items");
      for (size_t i = 0; i < products->size(); ++i) {
        std::string pp = ptr + "/products/" + std::to_string(i);
        RETURN_IF_ERROR(MustBeObject((*products)[i], pp));
        FieldReader pr((*products)[i], pp);
        ProductRule p;
        p.name = pr.String("name", {.min_len = 1, .max_len = 300});
        p.terms = Terms(pr, "terms", 1000, kMaxTermBytes);
        p.msrp = ReadMoney(pr, "msrp");
        RETURN_IF_ERROR(pr.status());
        h.products.push_back(std::move(p));
      }
    }
    RETURN_IF_ERROR(r.status());
    std::vector<std::string> prefixes = Terms(r, "isbn_prefixes", kMaxTerms, 40);
    RETURN_IF_ERROR(r.status());
    for (size_t i = 0; i < prefixes.size(); ++i) {
      auto prefix = IsbnPrefix(prefixes[i]);
      if (!prefix)
        return FieldError(ptr + "/isbn_prefixes/" + std::to_string(i),
                          "must be the leading digits of ISBNs, e.g. \"978019\" or \"0-19\" "
                          "(4 to 12 digits as ISBN-13)");
      h.isbn_prefixes.push_back(std::move(*prefix));
    }
    if (const boost::json::array* rights = r.Array("rights", false)) {
      for (size_t i = 0; i < rights->size(); ++i)
        RETURN_IF_ERROR(Right((*rights)[i], ptr + "/rights/" + std::to_string(i), &h.works));
    }
    RETURN_IF_ERROR(r.status());
    return h;
  }

  // Validates one right; a copyright's works are appended to `works`.
  static Status Right(const boost::json::value& v, const std::string& ptr,
                      std::vector<ProtectedWork>* works) {
    RETURN_IF_ERROR(MustBeObject(v, ptr));
    FieldReader r(v, ptr);
    std::string type = r.Enum("type", {"trademark", "copyright", "design"});
    r.OptString("id", {.min_len = 1, .max_len = 128});
    auto mark = r.OptString("mark", {.max_len = 200});
    auto registration = r.OptString("registration_number", {.max_len = 100});
    r.OptString("office", {.max_len = 50});
    r.OptString("expires_on", {.max_len = 10});
    r.StringArray("territories", false, 300);
    if (const boost::json::array* classes = r.Array("nice_classes", false)) {
      for (size_t i = 0; i < classes->size(); ++i) {
        const boost::json::value& c = (*classes)[i];
        if (!c.is_int64() || c.get_int64() < 1 || c.get_int64() > 45)
          return FieldError(ptr + "/nice_classes/" + std::to_string(i),
                            "Nice classes are integers 1 to 45");
      }
    }
    RETURN_IF_ERROR(r.status());
    // The registry's rules (RegistryService::CreateRight), so the file imports too.
    if (type != "copyright" && (!mark || IsBlank(*mark)))
      return FieldError(ptr + "/mark", "is required for a " + type);
    if (type == "trademark" && (!registration || IsBlank(*registration)))
      return FieldError(ptr + "/registration_number", "is required for a trademark");
    const boost::json::array* list = r.Array("works", type == "copyright");
    RETURN_IF_ERROR(r.status());
    if (!list) return Status::Ok();
    if (type != "copyright") return FieldError(ptr + "/works", "only a copyright has works");
    if (list->empty() || list->size() > kMaxWorks)
      return FieldError(ptr + "/works", "must have 1 to " + std::to_string(kMaxWorks) + " works");
    for (size_t i = 0; i < list->size(); ++i) {
      std::string wp = ptr + "/works/" + std::to_string(i);
      RETURN_IF_ERROR(MustBeObject((*list)[i], wp));
      FieldReader w((*list)[i], wp);
      ProtectedWork work;
      work.title = w.String("title", {.min_len = 1, .max_len = 500});
      auto isbn = w.OptString("isbn", {.max_len = 40});
      std::string currency = "USD";
      if (auto c = w.OptString("currency")) {
        auto code = CurrencyCode(*c);
        if (!code)
          w.Fail("currency", std::string(kCurrencyRule));
        else
          currency = *code;
      }
      work.list_price = ReadMoney(w, "list_price", currency);
      RETURN_IF_ERROR(w.status());
      if (isbn && !IsBlank(*isbn)) {
        auto isbn13 = ToIsbn13(*isbn);
        if (!isbn13)
          return FieldError(wp + "/isbn", "\"" + *isbn +
                                              "\" is not a valid ISBN-10 or ISBN-13 "
                                              "(wrong length or check digit)");
        work.isbn13 = std::move(*isbn13);
      }
      works->push_back(std::move(work));
    }
    return Status::Ok();
  }

  // "978019", "978-0-19", "0-19" (an ISBN-10 prefix) -> ISBN-13 digits.
  static std::optional<std::string> IsbnPrefix(std::string_view s) {
    std::string digits;
    for (char c : s) {
      if (c >= '0' && c <= '9')
        digits.push_back(c);
      else if (c != '-' && c != ' ')
        return std::nullopt;
    }
    if (digits.rfind("978", 0) != 0 && digits.rfind("979", 0) != 0) digits = "978" + digits;
    if (digits.size() < 4 || digits.size() > 12) return std::nullopt;
    return digits;
  }

  static Result<CategoryBan> Ban(const boost::json::value& v, const std::string& ptr) {
    RETURN_IF_ERROR(MustBeObject(v, ptr));
    FieldReader r(v, ptr);
    CategoryBan ban;
    ban.id = r.String("id", {.min_len = 1, .max_len = 100});
    ban.categories = Terms(r, "categories", 1000, kMaxTermBytes);
    ban.terms = Terms(r, "terms", kMaxTerms, kMaxTermBytes);
    ban.reason = r.OptString("reason", {.max_len = 500}).value_or("");
    RETURN_IF_ERROR(r.status());
    if (ban.categories.empty() && ban.terms.empty())
      return FieldError(ptr, "a category ban names categories, terms or both");
    return ban;
  }
};

// ------------------------------------------------------------------ listing

// The server's listing limits (MarketplaceService::UpsertListingInTx).
constexpr size_t kMaxListingBytes = 2 << 20;

Status ListingField(std::string_view pointer, std::string_view message) {
  return FieldError(pointer, message);
}

// Copies a string member into `out`: `min_len` 1 means non-blank.
Status ListingString(const boost::json::value& v, std::string_view pointer, size_t min_len,
                     size_t max_len, std::string* out) {
  if (!v.is_string()) return ListingField(pointer, "must be a string");
  const boost::json::string& s = v.get_string();
  if (min_len > 0 && IsBlank(s)) return ListingField(pointer, "must not be empty");
  if (s.size() > max_len)
    return ListingField(pointer, "must be at most " + std::to_string(max_len) + " bytes");
  out->assign(s.data(), s.size());
  return Status::Ok();
}

Status ListingPrice(const boost::json::value& v, std::optional<Money>* out) {
  if (!v.is_object()) return ListingField("/price", "must be an object {\"amount\", \"currency\"}");
  Money m;
  bool have_amount = false;
  for (const auto& kv : v.get_object()) {
    const boost::json::value& x = kv.value();
    if (x.is_null()) continue;
    if (kv.key() == "amount") {
      if (x.is_double())
        m.amount = x.get_double();
      else if (x.is_int64())
        m.amount = static_cast<double>(x.get_int64());
      else if (x.is_uint64())
        m.amount = static_cast<double>(x.get_uint64());
      else
        return ListingField("/price/amount", "must be a number");
      if (!std::isfinite(m.amount)) return ListingField("/price/amount", "must be a finite number");
      if (m.amount < 0) return ListingField("/price/amount", "must not be negative");
      have_amount = true;
    } else if (kv.key() == "currency") {
      if (!x.is_string()) return ListingField("/price/currency", "must be a string");
      auto code = CurrencyCode(x.get_string());
      if (!code) return ListingField("/price/currency", kCurrencyRule);
      m.currency = std::move(*code);
    }
  }
  if (!have_amount) return ListingField("/price/amount", "is required");
  *out = std::move(m);
  return Status::Ok();
}

Status ListingImages(const boost::json::value& v, std::vector<std::string>* out) {
  if (!v.is_array()) return ListingField("/images", "must be an array");
  const boost::json::array& a = v.get_array();
  if (a.size() > 100) return ListingField("/images", "must have at most 100 items");
  out->reserve(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    std::string ptr = "/images/" + std::to_string(i);
    std::string path;
    RETURN_IF_ERROR(ListingString(a[i], ptr, 1, 2000, &path));
    out->push_back(std::move(path));
  }
  return Status::Ok();
}

Result<Listing> ListingFromObject(const boost::json::object& o) {
  Listing l;
  bool have_id = false, have_title = false;
  for (const auto& kv : o) {
    const boost::json::value& v = kv.value();
    if (v.is_null()) continue;
    std::string_view k = kv.key();
    switch (k.empty() ? 0 : k[0]) {
      case 'i':
        if (k == "id") {
          RETURN_IF_ERROR(ListingString(v, "/id", 1, 128, &l.id));
          have_id = true;
        } else if (k == "images") {
          RETURN_IF_ERROR(ListingImages(v, &l.images));
        }
        break;
      case 't':
        if (k == "title") {
          RETURN_IF_ERROR(ListingString(v, "/title", 1, 1000, &l.title));
          have_title = true;
        }
        break;
      case 'd':
        if (k == "description")
          RETURN_IF_ERROR(ListingString(v, "/description", 0, 100000, &l.description));
        break;
      case 'c':
        if (k == "category") RETURN_IF_ERROR(ListingString(v, "/category", 0, 200, &l.category));
        break;
      case 'm':
        if (k == "marketplace")
          RETURN_IF_ERROR(ListingString(v, "/marketplace", 0, 64, &l.marketplace));
        break;
      case 's':
        if (k == "seller_id") {
          RETURN_IF_ERROR(ListingString(v, "/seller_id", 0, 128, &l.seller_id));
        } else if (k == "ship_from") {
          RETURN_IF_ERROR(ListingString(v, "/ship_from", 0, 2, &l.ship_from));
        }
        break;
      case 'p':
        if (k == "price") RETURN_IF_ERROR(ListingPrice(v, &l.price));
        break;
      default:
        break;
    }
  }
  if (!have_id) return ListingField("/id", "is required");
  if (!have_title) return ListingField("/title", "is required");
  return l;
}

// One per thread: a parser whose stack and whose documents live in reused
// buffers, so parsing a listing of a few kilobytes does not touch the heap.
struct ListingParserState {
  static constexpr size_t kStackBytes = 4096;
  static constexpr size_t kValueBytes = 32768;
  alignas(std::max_align_t) unsigned char stack[kStackBytes];
  alignas(std::max_align_t) unsigned char values[kValueBytes];
  boost::json::parser parser;

  ListingParserState() : parser({}, Options(), stack, sizeof stack) {}
  static boost::json::parse_options Options() {
    boost::json::parse_options opt;
    opt.max_depth = 32;
    return opt;
  }
};

// ------------------------------------------------------------------ verdict

void AppendUtf8Replacement(std::string* out) { out->append("\xEF\xBF\xBD"); }

// Length of the well-formed UTF-8 sequence starting at s[i] (Unicode 15,
// table 3-7), or 0 if there is none.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto at = [&](size_t k) -> unsigned { return static_cast<unsigned char>(s[k]); };
  unsigned c = at(i);
  size_t n = s.size();
  auto cont = [&](size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
    return k < n && at(k) >= lo && at(k) <= hi;
  };
  if (c >= 0xC2 && c <= 0xDF) return cont(i + 1) ? 2 : 0;
  if (c == 0xE0) return cont(i + 1, 0xA0) && cont(i + 2) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return cont(i + 1) && cont(i + 2) ? 3 : 0;
  if (c == 0xED) return cont(i + 1, 0x80, 0x9F) && cont(i + 2) ? 3 : 0;
  if (c == 0xF0) return cont(i + 1, 0x90) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return cont(i + 1) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  if (c == 0xF4) return cont(i + 1, 0x80, 0x8F) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  return 0;
}

void AppendJsonString(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run = 0;  // start of the bytes not yet copied
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      size_t len = Utf8SequenceLength(s, i);
      if (len > 0) {
        i += len;
        continue;
      }
    }
    out->append(s.data() + run, i - run);
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default:
        if (c < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          AppendUtf8Replacement(out);  // a byte that starts no well-formed sequence
        }
    }
    ++i;
    run = i;
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

// `s` with every byte that starts no well-formed UTF-8 sequence replaced by U+FFFD.
boost::json::string ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
    } else if (size_t len = Utf8SequenceLength(s, i)) {
      i += len;
    } else {
      break;
    }
  }
  if (i == s.size()) return boost::json::string(s);
  std::string out(s.substr(0, i));
  while (i < s.size()) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      out.push_back(s[i++]);
    } else if (size_t len = Utf8SequenceLength(s, i)) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      AppendUtf8Replacement(&out);
      ++i;
    }
  }
  return boost::json::string(out);
}

// The score with 3 decimals, trailing zeros dropped: "0.97", "1", "0".
std::string_view FormatScore(double score, char (&buf)[64]) {
  if (!std::isfinite(score)) score = 0;
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, score, std::chars_format::fixed, 3);
  if (ec != std::errc()) {  // only for magnitudes beyond any score
    buf[0] = '0';
    return std::string_view(buf, 1);
  }
  std::string_view s(buf, end - buf);
  if (s.find('.') != std::string_view::npos) {
    while (s.back() == '0') s.remove_suffix(1);
    if (s.back() == '.') s.remove_suffix(1);
  }
  if (s == "-0") s = "0";
  return s;
}

}  // namespace

Result<Catalogue> ParseCatalogueJson(std::string_view json) {
  boost::json::parse_options opt;
  opt.max_depth = 64;
  boost::json::stream_parser p({}, opt);
  boost::system::error_code ec;
  size_t used = p.write(json.data(), json.size(), ec);
  if (!ec) p.finish(ec);
  if (ec) return InvalidArgument(SyntaxErrorMessage(json, used, ec, true));
  boost::json::value doc = p.release();
  if (!doc.is_object()) return InvalidArgument("a catalogue must be a JSON object", "");
  return CatalogueParser().Parse(doc);
}

namespace {

// The fast path of ParseListingJson: simdjson's DOM parser (several times
// Boost.JSON's speed on ~1 KB lines). It takes only the shape a well-formed
// listing has: an object of strings, numbers and nulls, `images` an array of
// strings, `price` an object of scalars, no member twice, no \u escape.
// Anything else (every error included) returns nullopt, and the Boost.JSON
// reader decides: its messages are the documented ones, and a line the fast
// path takes reads the same in both (listing_json_fuzz.cc checks that).
std::optional<Result<Listing>> ParseListingFast(std::string_view line) {
  for (size_t at = line.find('\\'); at != std::string_view::npos; at = line.find('\\', at + 2)) {
    if (at + 1 < line.size() && line[at + 1] == 'u') return std::nullopt;
  }
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(line.data(), line.size()).get(doc) != simdjson::SUCCESS) return std::nullopt;
  simdjson::dom::object object;
  if (doc.get_object().get(object) != simdjson::SUCCESS) return std::nullopt;
  using Type = simdjson::dom::element_type;
  // The members read, one bit each; a member given twice is left to
  // Boost.JSON (which keeps one of them) before anything is read.
  static constexpr std::string_view kMembers[] = {"id",          "title",     "description",
                                                  "category",    "marketplace", "seller_id",
                                                  "ship_from",   "images",    "price"};
  unsigned seen = 0;
  for (simdjson::dom::key_value_pair member : object) {
    for (unsigned m = 0; m < std::size(kMembers); ++m) {
      if (member.key != kMembers[m]) continue;
      if (seen & (1u << m)) return std::nullopt;
      seen |= 1u << m;
    }
  }
  Listing l;
  auto string = [](simdjson::dom::element v, std::string_view pointer, size_t min_len,
                   size_t max_len, std::string* out) -> Status {
    if (v.type() != Type::STRING) return ListingField(pointer, "must be a string");
    std::string_view s;
    if (v.get_string().get(s) != simdjson::SUCCESS) return ListingField(pointer, "must be a string");
    if (min_len > 0 && IsBlank(s)) return ListingField(pointer, "must not be empty");
    if (s.size() > max_len)
      return ListingField(pointer, "must be at most " + std::to_string(max_len) + " bytes");
    out->assign(s.data(), s.size());
    return Status::Ok();
  };
  for (simdjson::dom::key_value_pair member : object) {
    std::string_view k = member.key;
    simdjson::dom::element v = member.value;
    Type type = v.type();
    if (type == Type::NULL_VALUE) {
      if (k == "price" || k == "images") return std::nullopt;  // rare: let Boost.JSON decide
      continue;
    }
    Status st;
    if (k == "id") {
      st = string(v, "/id", 1, 128, &l.id);
    } else if (k == "title") {
      st = string(v, "/title", 1, 1000, &l.title);
    } else if (k == "description") {
      st = string(v, "/description", 0, 100000, &l.description);
    } else if (k == "category") {
      st = string(v, "/category", 0, 200, &l.category);
    } else if (k == "marketplace") {
      st = string(v, "/marketplace", 0, 64, &l.marketplace);
    } else if (k == "seller_id") {
      st = string(v, "/seller_id", 0, 128, &l.seller_id);
    } else if (k == "ship_from") {
      st = string(v, "/ship_from", 0, 2, &l.ship_from);
    } else if (k == "images") {
      if (type != Type::ARRAY) return std::nullopt;
      simdjson::dom::array images;
      if (v.get_array().get(images) != simdjson::SUCCESS) return std::nullopt;
      if (images.size() > 100) return std::nullopt;
      for (simdjson::dom::element image : images) {
        if (image.type() != Type::STRING) return std::nullopt;
        std::string_view path;
        if (image.get_string().get(path) != simdjson::SUCCESS) return std::nullopt;
        if (path.size() > 2000 || IsBlank(path)) return std::nullopt;
        l.images.emplace_back(path);
      }
    } else if (k == "price") {
      if (type != Type::OBJECT) return std::nullopt;
      Money m;
      bool have_amount = false, have_currency = false;
      simdjson::dom::object fields;
      if (v.get_object().get(fields) != simdjson::SUCCESS) return std::nullopt;
      for (simdjson::dom::key_value_pair field : fields) {
        simdjson::dom::element x = field.value;
        Type xt = x.type();
        if (xt == Type::ARRAY || xt == Type::OBJECT) return std::nullopt;
        if (xt == Type::NULL_VALUE) {
          if (field.key == "amount" || field.key == "currency") return std::nullopt;
          continue;
        }
        if (field.key == "amount") {
          if (have_amount) return std::nullopt;
          if (xt == Type::DOUBLE) {
            if (x.get_double().get(m.amount) != simdjson::SUCCESS) return std::nullopt;
          } else if (xt == Type::INT64) {
            int64_t amount = 0;
            if (x.get_int64().get(amount) != simdjson::SUCCESS) return std::nullopt;
            m.amount = static_cast<double>(amount);
          } else if (xt == Type::UINT64) {
            uint64_t amount = 0;
            if (x.get_uint64().get(amount) != simdjson::SUCCESS) return std::nullopt;
            m.amount = static_cast<double>(amount);
          } else {
            return std::nullopt;
          }
          if (!std::isfinite(m.amount) || m.amount < 0) return std::nullopt;
          have_amount = true;
        } else if (field.key == "currency") {
          if (have_currency || xt != Type::STRING) return std::nullopt;
          std::string_view currency;
          if (x.get_string().get(currency) != simdjson::SUCCESS) return std::nullopt;
          auto code = CurrencyCode(currency);
          if (!code) return std::nullopt;
          m.currency = std::move(*code);
          have_currency = true;
        }
      }
      if (!have_amount) return std::nullopt;
      l.price = std::move(m);
    } else if (type == Type::ARRAY || type == Type::OBJECT) {
      return std::nullopt;  // Boost.JSON checks the depth of what is ignored
    }
    if (!st.ok()) return Result<Listing>(st);
  }
  if (l.id.empty()) return Result<Listing>(ListingField("/id", "is required"));
  if (l.title.empty()) return Result<Listing>(ListingField("/title", "is required"));
  return Result<Listing>(std::move(l));
}

}  // namespace

namespace internal {

Result<Listing> ParseListingJsonWithBoost(std::string_view line) {
  thread_local ListingParserState state;
  boost::json::monotonic_resource values(state.values, sizeof state.values);
  state.parser.reset(&values);
  boost::system::error_code ec;
  size_t used = state.parser.write(line.data(), line.size(), ec);
  if (ec) {
    state.parser.reset();  // drop every reference to `values`
    return InvalidArgument(SyntaxErrorMessage(line, used, ec, false));
  }
  boost::json::value doc = state.parser.release();
  state.parser.reset();
  if (!doc.is_object()) return InvalidArgument("a listing must be a JSON object", "");
  return ListingFromObject(doc.get_object());
}

}  // namespace internal

Result<Listing> ParseListingJson(std::string_view line) {
  if (line.size() > kMaxListingBytes)
    return InvalidArgument("a listing must be at most " + std::to_string(kMaxListingBytes) +
                           " bytes of JSON");
  if (std::optional<Result<Listing>> fast = ParseListingFast(line)) return std::move(*fast);
  return internal::ParseListingJsonWithBoost(line);
}

void AppendVerdictJson(const Verdict& v, std::string* out) {
  char buf[64];
  out->append("{\"listing_id\":");
  AppendJsonString(v.listing_id, out);
  out->append(",\"decision\":\"");
  out->append(DecisionName(v.decision));
  out->append("\",\"score\":");
  out->append(FormatScore(v.score, buf));
  if (!v.cleared_by.empty()) {
    out->append(",\"cleared_by\":");
    AppendJsonString(v.cleared_by, out);
  }
  out->append(",\"reasons\":[");
  for (size_t i = 0; i < v.reasons.size(); ++i) {
    const Reason& r = v.reasons[i];
    if (i > 0) out->push_back(',');
    out->append("{\"code\":");
    AppendJsonString(r.code, out);
    if (!r.rights_holder.empty()) {
      out->append(",\"rights_holder\":");
      AppendJsonString(r.rights_holder, out);
    }
    out->append(",\"detail\":");
    AppendJsonString(r.detail, out);
    out->append(",\"evidence\":");
    AppendJsonString(r.evidence, out);
    if (!r.ref.empty()) {
      out->append(",\"ref\":");
      AppendJsonString(r.ref, out);
    }
    out->push_back('}');
  }
  out->append("]}\n");
}

std::string VerdictToJson(const Verdict& v) {
  std::string out;
  out.reserve(128 + v.reasons.size() * 160);
  AppendVerdictJson(v, &out);
  return out;
}

boost::json::object VerdictToJsonObject(const Verdict& v) {
  char buf[64];
  std::string_view score_text = FormatScore(v.score, buf);
  double score = 0;
  std::from_chars(score_text.data(), score_text.data() + score_text.size(), score);
  boost::json::array reasons;
  reasons.reserve(v.reasons.size());
  for (const Reason& r : v.reasons) {
    boost::json::object o;
    o["code"] = ValidUtf8(r.code);
    if (!r.rights_holder.empty()) o["rights_holder"] = ValidUtf8(r.rights_holder);
    o["detail"] = ValidUtf8(r.detail);
    o["evidence"] = ValidUtf8(r.evidence);
    if (!r.ref.empty()) o["ref"] = ValidUtf8(r.ref);
    reasons.push_back(std::move(o));
  }
  boost::json::object out{{"listing_id", ValidUtf8(v.listing_id)},
                          {"decision", DecisionName(v.decision)},
                          {"score", score},
                          {"reasons", std::move(reasons)}};
  if (!v.cleared_by.empty()) out["cleared_by"] = ValidUtf8(v.cleared_by);
  return out;
}

}  // namespace counterfoil::screening
