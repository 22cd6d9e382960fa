#include "bench/screening_data.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <unordered_set>

#include "screening/normalize.h"

namespace counterfoil::bench {
namespace {

// ------------------------------------------------------------------ randomness

// SplitMix64 (Steele, Lea & Flood 2014): tiny, fast, and good enough for
// workload generation; a fresh stream per listing from (seed, index).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  Rng(uint64_t seed, uint64_t stream) : state_(Mix(seed ^ Mix(stream + 0x632be59bd9b4e019ull))) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    return Mix(z);
  }
  // Uniform in [0, n) (Lemire's multiply-shift; the tiny bias is irrelevant here).
  uint32_t Below(uint32_t n) {
    __extension__ using Uint128 = unsigned __int128;
    return static_cast<uint32_t>((static_cast<Uint128>(Next()) * n) >> 64);
  }
  int Between(int lo, int hi) {
    return lo + static_cast<int>(Below(static_cast<uint32_t>(hi - lo + 1)));
  }
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Unit(); }
  bool Chance(double p) { return Unit() < p; }
  double Normal() {  // Box-Muller
    double u = std::max(Unit(), 1e-300), v = Unit();
    return std::sqrt(-2 * std::log(u)) * std::cos(6.283185307179586 * v);
  }
  template <typename C>
  const auto& Pick(const C& c) {
    return c[Below(static_cast<uint32_t>(std::size(c)))];
  }

 private:
  static uint64_t Mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  uint64_t state_;
};

// ------------------------------------------------------------------ vocabulary

// Syllables of pronounceable brand names.
constexpr const char* kOnsets[] = {"b",  "c",  "d",  "f",  "g",  "k",  "l",  "m",  "n",  "p",
                                   "r",  "s",  "t",  "v",  "z",  "br", "cr", "dr", "fl", "gr",
                                   "kr", "pl", "st", "tr", "sh", "ch", "th", "v",  "l",  "m"};
constexpr const char* kVowels[] = {"a", "e",  "i",  "o",  "u",  "a", "e",
                                   "o", "ai", "ea", "ou", "io", "y"};
constexpr const char* kCodas[] = {"",  "",  "",  "n",  "r",  "s", "x",
                                  "l", "m", "k", "nd", "rt", "q", "sk"};
constexpr const char* kBrandSuffixWords[] = {"home",    "audio",  "sport",  "kids",   "beauty",
                                             "lab",     "pro",    "active", "tech",   "studio",
                                             "outdoor", "living", "motors", "optics", "paris",
                                             "milano",  "tokyo",  "london", "gear",   "wear"};
// Ideographs common in Chinese renderings of foreign brand names.
constexpr std::string_view kCjkBrandChars[] = {
    "安", "奥", "巴", "宝", "贝", "比", "博", "彩", "超", "晨", "驰", "达", "德", "迪", "蒂", "顿",
    "多", "尔", "法", "菲", "芬", "丰", "福", "格", "冠", "光", "海", "瀚", "和", "恒", "弘", "华",
    "辉", "佳", "嘉", "杰", "金", "晶", "景", "久", "凯", "康", "科", "克", "可", "酷", "拉", "莱",
    "兰", "朗", "乐", "雷", "力", "立", "丽", "利", "联", "林", "凌", "龙", "路", "伦", "罗", "洛",
    "玛", "迈", "曼", "美", "蒙", "米", "敏", "明", "摩", "纳", "耐", "尼", "诺", "欧", "派", "佩",
    "普", "奇", "琪", "启", "千", "倩", "瑞", "睿", "赛", "森", "莎", "尚", "圣", "盛", "诗", "士",
    "舒", "斯", "思", "松", "泰", "特", "天", "通", "图", "拓", "威", "维", "唯", "沃", "西", "希",
    "喜", "夏", "仙", "祥", "欣", "新", "星", "雅", "亚", "妍", "扬", "耀", "伊", "依", "艺", "逸",
    "优", "悠", "宇", "元", "悦", "云", "泽", "臻", "正", "之", "智", "卓"};
// Everyday words used as brand names (the Apple/Dove/Coach/Shell case).
constexpr const char* kCommonWordBrands[] = {
    "harbor", "maple",   "falcon",  "summit",  "pebble", "willow",  "anchor",  "beacon",  "canyon",
    "cedar",  "comet",   "crystal", "delta",   "ember",  "feather", "glacier", "harvest", "horizon",
    "island", "jasmine", "lantern", "meadow",  "nectar", "orchid",  "pioneer", "quartz",  "raven",
    "saddle", "timber",  "tulip",   "velvet",  "walnut", "zenith",  "arrow",   "birch",   "coral",
    "dune",   "echo",    "fern",    "grove",   "hazel",  "ivory",   "juniper", "kestrel", "lotus",
    "marble", "nomad",   "oasis",   "prairie", "ripple", "sierra",  "thistle", "umber",   "vista"};

constexpr const char* kCategories[] = {"shoes",
                                       "bags",
                                       "watches",
                                       "home-appliances",
                                       "electronics",
                                       "electronics/phones",
                                       "electronics/audio",
                                       "electronics/computers",
                                       "beauty/perfume",
                                       "beauty/skincare",
                                       "beauty/makeup",
                                       "toys",
                                       "sports",
                                       "sports/cycling",
                                       "clothing/men",
                                       "clothing/women",
                                       "clothing/kids",
                                       "jewelry",
                                       "auto-parts",
                                       "auto-parts/lubricants",
                                       "books",
                                       "home/kitchen",
                                       "home/furniture",
                                       "home/bedding",
                                       "garden",
                                       "pet-supplies",
                                       "baby",
                                       "health",
                                       "office",
                                       "tools",
                                       "food",
                                       "musical-instruments",
                                       "outdoor",
                                       "luggage",
                                       "eyewear",
                                       "video-games"};

constexpr const char* kAdjectives[] = {
    "new",          "premium",   "durable",      "lightweight",  "portable",  "waterproof",
    "adjustable",   "foldable",  "stylish",      "classic",      "vintage",   "modern",
    "compact",      "soft",      "breathable",   "heavy duty",   "ergonomic", "wireless",
    "rechargeable", "non-slip",  "anti-scratch", "eco-friendly", "handmade",  "multi-purpose",
    "quick-dry",    "insulated", "reusable",     "professional", "mini",      "large",
    "extra large",  "slim",      "universal",    "luxury",       "casual",    "elegant",
    "unisex",       "magnetic",  "thermal",      "smart"};
constexpr const char* kMaterials[] = {
    "cotton",   "leather", "stainless steel", "aluminium",  "silicone",     "bamboo",
    "ceramic",  "glass",   "nylon",           "polyester",  "wool",         "linen",
    "oak wood", "plastic", "canvas",          "rubber",     "carbon fibre", "titanium",
    "copper",   "velvet",  "denim",           "microfibre", "cork",         "brass"};
constexpr const char* kNouns[] = {"backpack",
                                  "sneakers",
                                  "running shoes",
                                  "handbag",
                                  "tote bag",
                                  "wallet",
                                  "wrist watch",
                                  "phone case",
                                  "charging cable",
                                  "power bank",
                                  "bluetooth speaker",
                                  "earbuds",
                                  "headphones",
                                  "desk lamp",
                                  "water bottle",
                                  "travel mug",
                                  "kitchen knife set",
                                  "frying pan",
                                  "blender",
                                  "hair dryer",
                                  "vacuum cleaner",
                                  "yoga mat",
                                  "dumbbell set",
                                  "bike helmet",
                                  "tent",
                                  "sleeping bag",
                                  "sunglasses",
                                  "scarf",
                                  "hoodie",
                                  "t-shirt",
                                  "jacket",
                                  "jeans",
                                  "dress",
                                  "socks",
                                  "cushion cover",
                                  "bed sheet set",
                                  "storage box",
                                  "plant pot",
                                  "dog leash",
                                  "cat toy",
                                  "baby bottle",
                                  "notebook",
                                  "pen set",
                                  "screwdriver set",
                                  "drill bits",
                                  "guitar strings",
                                  "keyboard",
                                  "mouse pad",
                                  "usb hub",
                                  "watch strap",
                                  "perfume bottle",
                                  "lipstick",
                                  "face cream",
                                  "shampoo",
                                  "tea set",
                                  "coffee grinder",
                                  "umbrella",
                                  "suitcase"};
constexpr const char* kColours[] = {"black",  "white", "grey",     "navy blue", "red",  "green",
                                    "beige",  "pink",  "brown",    "silver",    "gold", "purple",
                                    "orange", "khaki", "sky blue", "olive"};
constexpr const char* kUses[] = {"travel",      "the office",     "camping",         "hiking",
                                 "the gym",     "school",         "daily use",       "parties",
                                 "the kitchen", "the garden",     "business trips",  "students",
                                 "gifts",       "outdoor sports", "home decoration", "the beach",
                                 "running",     "cycling",        "fishing",         "weddings"};
constexpr const char* kFeatures[] = {"reinforced stitching", "double zipper",
                                     "hidden pocket",        "padded shoulder straps",
                                     "fast charging",        "long battery life",
                                     "noise cancelling",     "easy to clean",
                                     "dishwasher safe",      "BPA free",
                                     "machine washable",     "scratch resistant coating",
                                     "anti-slip base",       "LED indicator",
                                     "type-c port",          "memory foam insole",
                                     "UV400 protection",     "one-touch lid",
                                     "adjustable strap",     "magnetic closure",
                                     "2-year warranty",      "quick release buckle",
                                     "leak-proof seal",      "detachable handle"};
constexpr const char* kPlaces[] = {"Shenzhen", "Guangzhou", "Yiwu",   "Hangzhou", "Los Angeles",
                                   "Hamburg",  "Rotterdam", "Warsaw", "Madrid",   "Osaka"};
constexpr const char* kMarketplaces[] = {"taobao", "aliexpress", "tmall", "shopee"};
constexpr const char* kShipFrom[] = {"CN", "CN", "CN", "HK", "US", "DE", "GB", "PL", "ES", "JP"};

// Chinese marketplace phrases (titles and descriptions of Chinese listings).
constexpr std::string_view kZhTitleWords[] = {
    "新款", "包邮", "时尚", "休闲", "运动", "大容量", "便携",   "防水", "加厚", "韩版",
    "简约", "男士", "女士", "儿童", "夏季", "冬季",   "多功能", "家用", "户外", "旅行",
    "学生", "办公", "正品", "现货", "特价", "热卖",   "爆款",   "高档", "商务", "复古"};
constexpr std::string_view kZhNouns[] = {
    "双肩包", "运动鞋", "手提包", "钱包", "手表", "手机壳", "充电宝", "蓝牙音箱",
    "耳机",   "台灯",   "保温杯", "菜刀", "炒锅", "吹风机", "吸尘器", "瑜伽垫",
    "帐篷",   "太阳镜", "围巾",   "卫衣", "外套", "牛仔裤", "连衣裙", "袜子",
    "抱枕",   "床单",   "收纳盒", "花盆", "键盘"};
constexpr std::string_view kZhSentences[] = {
    "本店所有商品均为现货，付款后48小时内发货。",
    "材质环保无异味，做工精细，手感舒适。",
    "由于拍摄光线及显示器不同，颜色可能略有差异，请以实物为准。",
    "尺寸为手工测量，存在1-3厘米误差属于正常现象。",
    "支持七天无理由退换货，运费险保障购物无忧。",
    "适合日常通勤、旅行、运动健身等多种场合使用。",
    "收到商品后如有任何问题请及时联系客服，我们会第一时间为您处理。",
    "多种颜色可选，欢迎咨询客服了解更多详情。",
    "包装内含：主机一台、说明书一份、合格证一张。",
    "全国大部分地区包邮，偏远地区需补运费。",
    "大容量设计，分区收纳，出行更加方便。",
    "采用优质面料，透气吸汗，四季皆宜。"};

constexpr const char* kSuspiciousTerms[] = {"replica",
                                            "1:1",
                                            "aaa quality",
                                            "super copy",
                                            "mirror quality",
                                            "high copy",
                                            "mirror copy",
                                            "unbranded original",
                                            "factory original",
                                            "same as original",
                                            "grade aaa",
                                            "oem copy",
                                            "counter quality",
                                            "inspired by",
                                            "dupe",
                                            "fake",
                                            "knockoff",
                                            "a+ quality",
                                            "1比1",
                                            "高仿",
                                            "原单",
                                            "复刻"};
constexpr const char* kPiracyTerms[] = {
    "pdf",       "ebook",        "e-book", "digital copy",  "instant download",
    "photocopy", "scanned copy", "epub",   "download link", "email delivery",
    "电子版",    "扫描版",       "pdf版",  "网盘"};

struct BanSpec {
  const char* id;
  std::vector<std::string> categories;
  std::vector<std::string> terms;
  const char* reason;
};
const std::vector<BanSpec>& Bans() {
  static const std::vector<BanSpec> kBans = {
      {"airbag-components",
       {"auto-parts/airbags"},
       {"airbag", "air bag", "srs module", "airbag inflator", "安全气囊"},
       "unsafe_and_prohibited_products"},
      {"firearm-parts",
       {"weapons", "weapons/parts"},
       {"auto sear", "bump stock", "solvent trap kit", "lower receiver", "80% lower"},
       "illegal_weapons"},
      {"recalled-chargers",
       {"electronics/recalled"},
       {"no fuse charger", "uncertified charger"},
       "unsafe_and_prohibited_products"},
      {"wildlife-products",
       {"collectibles/wildlife"},
       {"ivory carving", "rhino horn", "pangolin scale", "象牙", "犀牛角"},
       "protected_species"},
      {"prescription-drugs",
       {"health/prescription"},
       {"without prescription", "oxycodone", "tramadol 100mg"},
       "regulated_goods"}};
  return kBans;
}

constexpr const char* kCompatibilityPhrases[] = {"compatible with", "replacement for", "fits",
                                                 "for use with", "works with"};
constexpr const char* kWorkSubjects[] = {"Electrical Circuits",
                                         "Criminal Law",
                                         "Molecular Biology",
                                         "Nursing Fundamentals",
                                         "Marketing Management",
                                         "Biochemistry",
                                         "Pharmacology",
                                         "Human Anatomy",
                                         "Microeconomics",
                                         "Organic Chemistry",
                                         "Linear Algebra",
                                         "Corporate Finance",
                                         "Clinical Medicine",
                                         "Software Engineering",
                                         "Constitutional Law",
                                         "Cell Biology",
                                         "Statistics",
                                         "Physics",
                                         "Thermodynamics",
                                         "Psychology",
                                         "Sociology",
                                         "World History",
                                         "Accounting",
                                         "Pathology",
                                         "Data Structures",
                                         "Operating Systems",
                                         "Genetics",
                                         "Ecology",
                                         "Neuroscience",
                                         "Robotics"};
constexpr const char* kWorkForms[] = {"Principles of", "Essentials of",  "Introduction to",
                                      "Textbook of",   "Foundations of", "Advanced"};

// ------------------------------------------------------------------ text helpers

std::string Syllable(Rng& rng) {
  std::string s = rng.Pick(kOnsets);
  s += rng.Pick(kVowels);
  if (rng.Chance(0.45)) s += rng.Pick(kCodas);
  return s;
}

std::string BrandWord(Rng& rng, int min_len) {
  while (true) {
    std::string w;
    int syllables = rng.Between(2, 3);
    for (int i = 0; i < syllables; ++i) w += Syllable(rng);
    if (static_cast<int>(w.size()) >= min_len && w.size() <= 12) return w;
  }
}

std::string CjkName(Rng& rng, int chars) {
  std::string s;
  for (int i = 0; i < chars; ++i) s += rng.Pick(kCjkBrandChars);
  return s;
}

std::string Capitalised(std::string_view s) {
  std::string out(s);
  bool start = true;
  for (char& c : out) {
    if (start && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    start = c == ' ' || c == '-';
  }
  return out;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

bool IsAsciiWord(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// How the counterfeiters of the sample corpus write a brand, generalised.
std::string Leet(std::string_view term, Rng& rng) {
  std::string out;
  bool changed = false;
  for (char c : term) {
    const char* sub = nullptr;
    switch (c) {
      case 'a':
        sub = rng.Chance(0.7) ? "4" : "@";
        break;
      case 'e':
        sub = "3";
        break;
      case 'i':
        sub = rng.Chance(0.7) ? "1" : "!";
        break;
      case 'o':
        sub = "0";
        break;
      case 's':
        sub = rng.Chance(0.5) ? "5" : "$";
        break;
      case 't':
        sub = "7";
        break;
      case 'l':
        sub = "1";
        break;
      case 'b':
        sub = "8";
        break;
      default:
        break;
    }
    if (sub && (rng.Chance(0.6) || !changed)) {
      out += sub;
      changed = true;
    } else {
      out += c;
    }
  }
  return out;
}

std::string Separated(std::string_view term, Rng& rng) {
  static constexpr const char* kSeps[] = {".", "-", "_", " ", "*", "·", "/", "+"};
  const char* sep = rng.Pick(kSeps);
  std::string out;
  for (char c : term) {
    if (c == ' ') continue;
    if (!out.empty()) out += sep;
    out += c;
  }
  return out;
}

std::string Confusable(std::string_view term, Rng& rng) {
  // Cyrillic and Greek look-alikes of Latin letters.
  auto lookalike = [](char c) -> uint32_t {
    switch (c) {
      case 'a':
        return 0x0430;
      case 'c':
        return 0x0441;
      case 'e':
        return 0x0435;
      case 'o':
        return 0x043E;
      case 'p':
        return 0x0440;
      case 'x':
        return 0x0445;
      case 'y':
        return 0x0443;
      case 'i':
        return 0x0456;
      case 's':
        return 0x0455;
      case 'j':
        return 0x0458;
      case 'k':
        return 0x03BA;
      case 'v':
        return 0x03BD;
      default:
        return 0;
    }
  };
  std::string out;
  int replaced = 0;
  for (char c : term) {
    uint32_t cp = lookalike(c);
    if (cp && (replaced == 0 || rng.Chance(0.4))) {
      AppendUtf8(cp, &out);
      ++replaced;
    } else {
      out += c;
    }
  }
  return out;
}

std::string Glued(std::string_view term, Rng& rng) {
  static constexpr const char* kSuffixes[] = {"2024",  "style",    "official", "shop",
                                              "store", "original", "2025",     "x"};
  static constexpr const char* kPrefixes[] = {"new", "hot", "best", "top"};
  std::string base;
  for (char c : term)
    if (c != ' ') base += c;
  if (rng.Chance(0.3)) return std::string(rng.Pick(kPrefixes)) + base;
  return base + rng.Pick(kSuffixes);
}

std::string WidthOrZeroWidth(std::string_view term, Rng& rng) {
  std::string out;
  if (rng.Chance(0.5)) {  // full-width forms
    for (char c : term) {
      if (c >= 'a' && c <= 'z')
        AppendUtf8(0xFF41 + static_cast<uint32_t>(c - 'a'), &out);
      else
        out += c;
    }
    return out;
  }
  for (size_t i = 0; i < term.size(); ++i) {  // zero-width spaces and joiners inside
    out += term[i];
    if (i + 1 < term.size() && term[i + 1] != ' ' && term[i] != ' ' && rng.Chance(0.5))
      AppendUtf8(rng.Chance(0.5) ? 0x200B : 0x200D, &out);
  }
  return out;
}

std::string Misspelt(std::string_view term, Rng& rng) {
  std::string out(term);
  size_t pos = 1 + rng.Below(static_cast<uint32_t>(out.size() - 2));
  switch (rng.Below(3)) {
    case 0:
      out.erase(pos, 1);
      break;  // deletion
    case 1:
      std::swap(out[pos], out[pos + 1]);
      break;  // transposition
    default:
      out.insert(pos, 1, out[pos]);
      break;  // doubled letter
  }
  return out;
}

// ISBN-13 check digit.
char Isbn13Check(std::string_view twelve) {
  int sum = 0;
  for (size_t i = 0; i < 12; ++i) sum += (twelve[i] - '0') * (i % 2 ? 3 : 1);
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

// The ISBN-10 form of a 978 ISBN-13, or "" for 979.
std::string Isbn10Of(std::string_view isbn13) {
  if (isbn13.substr(0, 3) != "978") return "";
  std::string nine(isbn13.substr(3, 9));
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (nine[static_cast<size_t>(i)] - '0') * (10 - i);
  int check = (11 - sum % 11) % 11;
  return nine + (check == 10 ? 'X' : static_cast<char>('0' + check));
}

std::string Money2(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string Ordinal(int n) {
  const char* suffix = (n % 100 >= 11 && n % 100 <= 13) ? "th"
                       : n % 10 == 1                    ? "st"
                       : n % 10 == 2                    ? "nd"
                       : n % 10 == 3                    ? "rd"
                                                        : "th";
  return std::to_string(n) + suffix;
}

// English sentences of marketplace descriptions. Templates 5 and 6 are fixed
// text and appear at most once per listing (`used` remembers them).
void AppendEnglishSentence(Rng& rng, uint32_t* used, std::string* out) {
  uint32_t t;
  do {
    t = rng.Below(18);
  } while ((t == 5 || t == 6) && (*used & (1u << t)));
  *used |= 1u << t;
  switch (t) {
    case 0:
      *out += "This ";
      *out += rng.Pick(kAdjectives);
      *out += ' ';
      *out += rng.Pick(kNouns);
      *out += " is made of ";
      *out += rng.Pick(kMaterials);
      *out += " and comes in ";
      *out += rng.Pick(kColours);
      *out += '.';
      break;
    case 1:
      *out += "Perfect for ";
      *out += rng.Pick(kUses);
      *out += ", ";
      *out += rng.Pick(kUses);
      *out += " and everyday life.";
      break;
    case 2:
      *out += "Package includes: 1 x ";
      *out += rng.Pick(kNouns);
      *out += ", 1 x user manual, 1 x gift box.";
      break;
    case 3:
      *out += "Size: ";
      *out += std::to_string(rng.Between(10, 60)) + " x " + std::to_string(rng.Between(5, 40)) +
              " x " + std::to_string(rng.Between(2, 20)) +
              " cm. Weight: " + std::to_string(rng.Between(80, 2500)) +
              " g. Colour: " + rng.Pick(kColours) + ".";
      break;
    case 4:
      *out += "We ship within 48 hours from our ";
      *out += rng.Pick(kPlaces);
      *out += " warehouse; a tracking number is provided for every order.";
      break;
    case 5:
      *out += "Please allow 1-3 cm difference due to manual measurement.";
      break;
    case 6:
      *out += "Note: due to monitor settings the colour may differ slightly from the picture.";
      break;
    case 7:
      *out += "Features: ";
      *out += rng.Pick(kFeatures);
      *out += ", ";
      *out += rng.Pick(kFeatures);
      *out += " and ";
      *out += rng.Pick(kFeatures);
      *out += '.';
      break;
    case 8:
      *out += "Satisfaction guaranteed: if you are not happy with your ";
      *out += rng.Pick(kNouns);
      *out += ", contact us within 30 days for a refund.";
      break;
    case 9:
      *out += "The ";
      *out += rng.Pick(kMaterials);
      *out += " surface is ";
      *out += rng.Pick(kAdjectives);
      *out += " and easy to clean, a great gift for ";
      *out += rng.Pick(kUses);
      *out += '.';
      break;
    case 10:
      *out += "Model ";
      *out += static_cast<char>('A' + rng.Below(26));
      *out += std::to_string(rng.Between(100, 9999));
      *out += ", batch " + std::to_string(rng.Between(2019, 2025)) + "-" +
              std::to_string(rng.Between(1, 12)) + ", stock in ";
      *out += rng.Pick(kPlaces);
      *out += '.';
      break;
    case 11:
      *out += "Wholesale and custom orders are welcome, message us for a quote on ";
      *out += std::to_string(rng.Between(10, 500));
      *out += " pieces or more.";
      break;
    case 12: {  // keyword stuffing, as sellers do for search
      *out += "Keywords:";
      int k = rng.Between(5, 10);
      for (int i = 0; i < k; ++i) {
        *out += i ? ", " : " ";
        *out += rng.Chance(0.5) ? rng.Pick(kNouns) : rng.Pick(kAdjectives);
      }
      *out += '.';
      break;
    }
    case 13:
      *out += "Material: ";
      *out += rng.Pick(kMaterials);
      *out += ". Colour: ";
      *out += rng.Pick(kColours);
      *out += ". Style: ";
      *out += rng.Pick(kAdjectives);
      *out += '.';
      break;
    case 14:
      *out += "Customer review: \"Great ";
      *out += rng.Pick(kNouns);
      *out += ", arrived in " + std::to_string(rng.Between(2, 20)) + " days, ";
      *out += rng.Pick(kAdjectives);
      *out += " and ";
      *out += rng.Pick(kAdjectives);
      *out += ".\"";
      break;
    case 15:
      *out += "Warranty: " + std::to_string(rng.Between(3, 36)) +
              " months. Returns accepted within " + std::to_string(rng.Between(7, 60)) + " days.";
      break;
    case 16:
      *out += "Specifications: " + std::to_string(rng.Between(3, 240)) + " V, " +
              std::to_string(rng.Between(5, 2000)) + " W, " +
              std::to_string(rng.Between(500, 20000)) + " mAh, " +
              std::to_string(rng.Between(1, 5)) + " year(s) of service.";
      break;
    default:
      *out += "Why choose us? A " + std::to_string(rng.Between(2, 15)) + "-year-old store with " +
              std::to_string(rng.Between(100, 99999)) + " positive reviews and " +
              rng.Pick(kFeatures) + ".";
      break;
  }
}

// Every substring (3 letters or more; 2 or more ideographs) of the words the
// listing text is made of.
std::unordered_set<std::string> VocabularyPieces() {
  std::string text;
  Rng rng(1);
  uint32_t used = 0;
  for (int i = 0; i < 20000; ++i, used = 0) AppendEnglishSentence(rng, &used, &text), text += ' ';
  auto add_all = [&](const auto& list) {
    for (const char* w : list) text += std::string(w) + ' ';
  };
  add_all(kAdjectives), add_all(kMaterials), add_all(kNouns), add_all(kColours), add_all(kUses);
  add_all(kFeatures), add_all(kPlaces), add_all(kSuspiciousTerms), add_all(kPiracyTerms);
  add_all(kCompatibilityPhrases), add_all(kWorkSubjects), add_all(kWorkForms);
  add_all(kBrandSuffixWords);
  text +=
      "case genuine look quality in stock used good condition second hand isbn sent by email "
      "edition and";
  std::unordered_set<std::string> pieces;
  std::string word;
  auto flush = [&] {
    for (size_t b = 0; b < word.size(); ++b)
      for (size_t e = b + 3; e <= word.size(); ++e) pieces.insert(word.substr(b, e - b));
    word.clear();
  };
  for (char c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c >= 'a' && c <= 'z')
      word += c;
    else
      flush();
  }
  flush();
  // Chinese: runs of 2 and 3 consecutive non-ASCII characters.
  auto add_cjk = [&](std::string_view phrase) {
    std::vector<std::string_view> chars;  // code points; ASCII ones as empty views
    for (size_t i = 0; i < phrase.size();) {
      auto c = static_cast<unsigned char>(phrase[i]);
      size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      chars.push_back(c < 0x80 ? std::string_view() : phrase.substr(i, len));
      i += len;
    }
    for (size_t b = 0; b + 1 < chars.size(); ++b) {
      std::string piece;
      for (size_t e = b; e < chars.size() && e < b + 3 && !chars[e].empty(); ++e) {
        piece += chars[e];
        if (e > b) pieces.insert(piece);
      }
    }
  };
  for (std::string_view p : kZhSentences) add_cjk(p);
  for (std::string_view a : kZhTitleWords)
    for (std::string_view b : kZhTitleWords) add_cjk(std::string(a) + std::string(b));
  for (std::string_view a : kZhTitleWords)
    for (std::string_view b : kZhNouns) add_cjk(std::string(a) + std::string(b));
  return pieces;
}

}  // namespace

std::string_view ListingKindName(ListingKind kind) {
  switch (kind) {
    case ListingKind::kOrdinary:
      return "ordinary";
    case ListingKind::kBrandPlain:
      return "brand_plain";
    case ListingKind::kBrandLeet:
      return "brand_leet";
    case ListingKind::kBrandSeparators:
      return "brand_separators";
    case ListingKind::kBrandConfusable:
      return "brand_confusable";
    case ListingKind::kBrandGlued:
      return "brand_glued";
    case ListingKind::kBrandWidthOrZeroWidth:
      return "brand_width_or_zero_width";
    case ListingKind::kBrandMisspelt:
      return "brand_misspelt";
    case ListingKind::kBrandCjk:
      return "brand_cjk";
    case ListingKind::kPiracy:
      return "piracy";
    case ListingKind::kBanned:
      return "banned";
  }
  return "?";
}

// ------------------------------------------------------------------ the catalogue

ScreeningData::ScreeningData(ScreeningDataOptions options) : options_(options) {
  Rng rng(options_.seed, 0xCA7A1);
  const int n = std::max(1, options_.rights_holders);
  const int publishers = std::min(options_.publishers, n / 2);
  // Every term, so that no two holders share one; seeded with every piece of
  // the listings' own vocabulary, so that ordinary text never names a brand
  // by accident ("colou" inside "colour") and only the brand listings do.
  std::unordered_set<std::string> used = VocabularyPieces();
  auto fresh_word = [&](int min_len) {
    while (true) {
      std::string w = BrandWord(rng, min_len);
      if (used.insert(w).second) return w;
    }
  };
  auto fresh_cjk = [&] {
    while (true) {
      std::string w = CjkName(rng, rng.Chance(0.8) ? 3 : 2);
      if (used.insert(w).second) return w;
    }
  };

  // How many brand terms each holder gets: 1 to 12, mean ~5, then adjusted
  // so that the total is exactly options_.brand_terms.
  static constexpr int kCounts[] = {1, 2, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 7, 8, 10, 12};
  std::vector<int> counts(static_cast<size_t>(n));
  int64_t total = 0;
  for (auto& c : counts) total += (c = rng.Pick(kCounts));
  while (total != options_.brand_terms) {
    auto& c = counts[rng.Below(static_cast<uint32_t>(n))];
    if (total < options_.brand_terms && c < 40)
      ++c, ++total;
    else if (total > options_.brand_terms && c > 1)
      --c, --total;
  }

  catalogue_.rights_holders.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    screening::RightsHolderRules rh;
    // Publishers are spread evenly over the holders.
    const bool publisher = publishers > 0 && i % (n / publishers) == 0 &&
                           publisher_indices_.size() < static_cast<size_t>(publishers);
    char id[32];
    std::snprintf(id, sizeof id, publisher ? "pub-%05d" : "rh-%05d", i);
    rh.id = id;
    const int want = counts[static_cast<size_t>(i)];
    // The primary brand name.
    std::string primary;
    if (publisher) {
      primary = fresh_word(5) + " press";
    } else if (rng.Chance(0.02)) {
      // An everyday word; the engine only counts it in the brand's categories.
      primary = rng.Pick(kCommonWordBrands);
      rh.common_word = true;
      if (used.count(primary)) {  // taken: "velmora harbor"
        primary = fresh_word(5) + " " + primary;
        rh.common_word = false;
      }
    } else if (rng.Chance(0.2)) {
      primary = fresh_word(4) + " " +
                (rng.Chance(0.5) ? std::string(rng.Pick(kBrandSuffixWords)) : BrandWord(rng, 4));
    } else {
      primary = fresh_word(5);
    }
    used.insert(primary);
    rh.name = Capitalised(primary);
    rh.brand_terms.push_back(primary);
    if (static_cast<int>(rh.brand_terms.size()) < want && rng.Chance(0.35))
      rh.brand_terms.push_back(fresh_cjk());
    const std::string head = primary.substr(0, primary.find(' '));
    while (static_cast<int>(rh.brand_terms.size()) < want) {
      // Sub-brands and product lines: "velmoraflex", "velmora kids", "krastiq".
      std::string t;
      switch (rng.Below(4)) {
        case 0:
          t = head + Syllable(rng);
          break;
        case 1:
          t = head + " " + rng.Pick(kBrandSuffixWords);
          break;
        default:
          t = BrandWord(rng, 5);
          break;
      }
      if (used.insert(t).second) rh.brand_terms.push_back(std::move(t));
    }
    // Categories.
    rh.categories.push_back(publisher ? "books" : rng.Pick(kCategories));
    if (!publisher && rng.Chance(0.4)) {
      std::string c2 = rng.Pick(kCategories);
      if (c2 != rh.categories[0]) rh.categories.push_back(c2);
    }
    // Products with model terms and an MSRP.
    int products = publisher ? 0 : rng.Between(1, 5);
    for (int p = 0; p < products; ++p) {
      screening::ProductRule pr;
      std::string model;
      do {
        model = std::string(1, static_cast<char>('a' + rng.Below(26))) +
                static_cast<char>('a' + rng.Below(26)) + std::to_string(rng.Between(10, 9999));
      } while (!used.insert(model).second);
      std::string line = rng.Chance(0.5) ? fresh_word(6) : "";
      pr.name = rh.name + " " + (line.empty() ? Upper(model) : Capitalised(line)) + " " +
                rng.Pick(kNouns);
      pr.terms.push_back(model);
      if (!line.empty()) pr.terms.push_back(line);
      pr.msrp = screening::Money{
          std::round(std::exp(rng.Uniform(std::log(15.0), std::log(3000.0)))), "USD"};
      rh.products.push_back(std::move(pr));
    }
    // Authorised sellers: the brand's own stores and a few marketplace sellers.
    rh.authorized_sellers.push_back(rh.id + "-official");
    int extra = rng.Between(0, 2);
    for (int k = 0; k < extra; ++k) {
      char s[16];
      std::snprintf(s, sizeof s, "s%06u", rng.Below(static_cast<uint32_t>(options_.sellers)));
      rh.authorized_sellers.push_back(s);
    }
    if (publisher) {
      publisher_indices_.push_back(i);
      // A publisher's registrant prefix: 978 + 5 digits; works below it.
      std::string prefix = "978" + std::to_string(rng.Between(10000, 99999));
      rh.isbn_prefixes.push_back(prefix);
      int works = rng.Between(20, 80);
      std::set<std::string> isbns;
      for (int w = 0; w < works; ++w) {
        screening::ProtectedWork work;
        std::string twelve;
        do {
          twelve = prefix;
          while (twelve.size() < 12) twelve += static_cast<char>('0' + rng.Below(10));
        } while (!isbns.insert(twelve).second);
        work.isbn13 = twelve + Isbn13Check(twelve);
        std::string title = std::string(rng.Pick(kWorkForms)) + " " + rng.Pick(kWorkSubjects);
        if (rng.Chance(0.5)) title += " and " + Capitalised(fresh_word(6));
        title += ", " + Ordinal(rng.Between(2, 14)) + " Edition";
        work.title = title;
        work.list_price = screening::Money{static_cast<double>(rng.Between(40, 250)), "USD"};
        rh.works.push_back(std::move(work));
      }
    } else {
      brand_indices_.push_back(i);
    }
    catalogue_.rights_holders.push_back(std::move(rh));
  }

  for (const BanSpec& b : Bans())
    catalogue_.category_bans.push_back({b.id, b.categories, b.terms, b.reason});
  catalogue_.suspicious_terms.assign(std::begin(kSuspiciousTerms), std::end(kSuspiciousTerms));
  catalogue_.piracy_terms.assign(std::begin(kPiracyTerms), std::end(kPiracyTerms));
}

size_t ScreeningData::brand_term_count() const {
  size_t n = 0;
  for (const auto& rh : catalogue_.rights_holders) n += rh.brand_terms.size();
  return n;
}

// ------------------------------------------------------------------ listings

screening::Listing ScreeningData::MakeListing(int64_t index, ListingKind* kind_out) const {
  Rng rng(options_.seed, static_cast<uint64_t>(index));
  screening::Listing l;
  char buf[32];
  std::snprintf(buf, sizeof buf, "L%07lld", static_cast<long long>(index));
  l.id = buf;
  l.marketplace = rng.Pick(kMarketplaces);
  std::snprintf(buf, sizeof buf, "s%06u", rng.Below(static_cast<uint32_t>(options_.sellers)));
  l.seller_id = buf;
  l.ship_from = rng.Pick(kShipFrom);
  l.category = rng.Pick(kCategories);
  const bool chinese = rng.Chance(options_.chinese_share);

  ListingKind kind = ListingKind::kOrdinary;
  double u = rng.Unit();
  if (u < options_.brand_share) {
    static constexpr ListingKind kDisguises[] = {
        ListingKind::kBrandPlain,      ListingKind::kBrandPlain,
        ListingKind::kBrandPlain,      ListingKind::kBrandPlain,
        ListingKind::kBrandLeet,       ListingKind::kBrandLeet,
        ListingKind::kBrandSeparators, ListingKind::kBrandSeparators,
        ListingKind::kBrandConfusable, ListingKind::kBrandGlued,
        ListingKind::kBrandGlued,      ListingKind::kBrandWidthOrZeroWidth,
        ListingKind::kBrandMisspelt,   ListingKind::kBrandCjk};
    kind = rng.Pick(kDisguises);
  } else if (u < options_.brand_share + options_.piracy_share && !publisher_indices_.empty()) {
    kind = ListingKind::kPiracy;
  } else if (u < options_.brand_share + options_.piracy_share + options_.banned_share) {
    kind = ListingKind::kBanned;
  }

  // The product text every listing has.
  std::string title, description;
  const std::string noun = rng.Pick(kNouns);
  if (chinese) {
    int words = rng.Between(3, 6);
    for (int i = 0; i < words; ++i) title += rng.Pick(kZhTitleWords);
    title += rng.Pick(kZhNouns);
  } else {
    title = Capitalised(rng.Pick(kAdjectives)) + " " + rng.Pick(kMaterials) + " " + noun + ", " +
            rng.Pick(kFeatures) + ", " + rng.Pick(kColours);
    if (rng.Chance(0.5)) title += " for " + std::string(rng.Pick(kUses));
  }

  std::string brand_text;  // the brand as the seller wrote it
  std::string lead;        // words that go before the product text in the title
  std::string extra;       // a sentence for the description
  if (kind >= ListingKind::kBrandPlain && kind <= ListingKind::kBrandCjk) {
    // Popular brands are named more often than others: index ~ n * u^2.
    double v = rng.Unit();
    const auto& rh = catalogue_.rights_holders[static_cast<size_t>(
        brand_indices_[static_cast<size_t>(v * v * static_cast<double>(brand_indices_.size()))])];
    std::string term = rh.brand_terms[0];
    if (rh.brand_terms.size() > 1 && rng.Chance(0.3)) term = rng.Pick(rh.brand_terms);
    if (!IsAsciiWord(term) && kind != ListingKind::kBrandCjk) term = rh.brand_terms[0];
    if (kind == ListingKind::kBrandCjk) {
      auto cjk = std::find_if(rh.brand_terms.begin(), rh.brand_terms.end(),
                              [](const std::string& t) { return !IsAsciiWord(t); });
      if (cjk != rh.brand_terms.end())
        term = *cjk;
      else
        kind = ListingKind::kBrandPlain;
    }
    if (kind == ListingKind::kBrandMisspelt && term.size() < 7) kind = ListingKind::kBrandLeet;
    switch (kind) {
      case ListingKind::kBrandLeet:
        brand_text = Leet(term, rng);
        break;
      case ListingKind::kBrandSeparators:
        brand_text = Separated(term, rng);
        break;
      case ListingKind::kBrandConfusable:
        brand_text = Confusable(term, rng);
        break;
      case ListingKind::kBrandGlued:
        brand_text = Glued(term, rng);
        break;
      case ListingKind::kBrandWidthOrZeroWidth:
        brand_text = WidthOrZeroWidth(term, rng);
        break;
      case ListingKind::kBrandMisspelt:
        brand_text = Misspelt(term, rng);
        break;
      default:
        brand_text = term;
        break;
    }
    if (kind == ListingKind::kBrandPlain || kind == ListingKind::kBrandConfusable)
      brand_text = rng.Chance(0.5)   ? Capitalised(brand_text)
                   : rng.Chance(0.3) ? Upper(brand_text)
                                     : brand_text;
    if (rng.Chance(0.85)) l.category = rng.Pick(rh.categories);
    const screening::ProductRule* product =
        rh.products.empty() ? nullptr
                            : &rh.products[rng.Below(static_cast<uint32_t>(rh.products.size()))];
    std::string product_term =
        product ? product->terms[rng.Below(static_cast<uint32_t>(product->terms.size()))] : "";
    double msrp = product && product->msrp ? product->msrp->amount : 100.0;
    double r = rng.Unit();
    if (r < 0.12) {
      // An accessory for the brand's product: legitimate.
      lead = std::string("Case ") + rng.Pick(kCompatibilityPhrases) + " " + brand_text;
      if (!product_term.empty()) lead += " " + Upper(product_term);
      l.price = screening::Money{std::round(rng.Uniform(4, 30) * 100) / 100, "USD"};
    } else if (r < 0.30) {
      // Genuine: the authorised seller, or second-hand at a real price.
      lead = brand_text + " " + Upper(product_term);
      if (rng.Chance(0.5))
        l.seller_id = rng.Pick(rh.authorized_sellers);
      else
        lead += rng.Chance(0.5) ? " used, good condition" : " second hand";
      l.price = screening::Money{std::round(msrp * rng.Uniform(0.7, 1.05) * 100) / 100, "USD"};
    } else {
      // A counterfeit: far below MSRP, often with a suspicious term.
      lead = brand_text + " " + Upper(product_term);
      if (rng.Chance(0.6)) lead += std::string(" ") + rng.Pick(kSuspiciousTerms);
      l.price = screening::Money{std::round(msrp * rng.Uniform(0.04, 0.3) * 100) / 100, "USD"};
    }
    if (rng.Chance(0.4))
      extra = "Genuine look " + brand_text + " quality, " + (chinese ? "现货" : "in stock") + ".";
  } else if (kind == ListingKind::kPiracy) {
    const auto& pub = catalogue_.rights_holders[static_cast<size_t>(rng.Pick(publisher_indices_))];
    const auto& work = pub.works[rng.Below(static_cast<uint32_t>(pub.works.size()))];
    const std::string& isbn = work.isbn13;
    std::string shown;
    switch (rng.Below(4)) {
      case 0:
        shown = isbn;
        break;
      case 1:
        shown = isbn.substr(0, 3) + "-" + isbn.substr(3, 1) + "-" + isbn.substr(4, 4) + "-" +
                isbn.substr(8, 4) + "-" + isbn.substr(12);
        break;
      case 2:
        shown = Isbn10Of(isbn);
        break;
      default:
        shown = "";
        break;  // title only
    }
    lead = work.title + " " + rng.Pick(kPiracyTerms);
    if (!shown.empty()) extra = "ISBN " + shown + ", " + rng.Pick(kPiracyTerms) + " sent by email.";
    l.category = rng.Chance(0.7) ? "books" : "books/ebooks";
    double list = work.list_price ? work.list_price->amount : 100;
    l.price = screening::Money{std::round(list * rng.Uniform(0.03, 0.15) * 100) / 100, "USD"};
    title = "";
  } else if (kind == ListingKind::kBanned) {
    const BanSpec& b = rng.Pick(Bans());
    lead = rng.Pick(b.terms);
    if (rng.Chance(0.5)) l.category = rng.Pick(b.categories);
  }
  if (!l.price) {
    double amount = std::exp(3.0 + rng.Normal());
    l.price = screening::Money{std::round(std::clamp(amount, 0.5, 5000.0) * 100) / 100, "USD"};
  }
  l.title = lead.empty() ? title : title.empty() ? lead : lead + " " + title;

  // The description: sentences until the listing is about options_.listing_bytes.
  const size_t target = static_cast<size_t>(
      std::max(100, options_.listing_bytes - 230 - static_cast<int>(l.title.size())) +
      rng.Between(-80, 80));
  if (!extra.empty() && rng.Chance(0.5)) description = extra + " ";
  uint32_t used_templates = 0;
  while (description.size() < target) {
    if (chinese)
      description += rng.Pick(kZhSentences);
    else
      AppendEnglishSentence(rng, &used_templates, &description), description += ' ';
  }
  if (!extra.empty() && description.compare(0, extra.size(), extra) != 0) description += extra;
  while (!description.empty() && description.back() == ' ') description.pop_back();
  l.description = std::move(description);
  if (kind_out) *kind_out = kind;
  return l;
}

// ------------------------------------------------------------------ JSON

void AppendJsonString(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  *out += '"';
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      *out += '\\';
      *out += ch;
    } else if (c < 0x20) {
      *out += "\\u00";
      *out += kHex[c >> 4];
      *out += kHex[c & 15];
    } else {
      *out += ch;
    }
  }
  *out += '"';
}

namespace {

void AppendMoney(const screening::Money& m, std::string* out) {
  *out += "{\"amount\":";
  *out += Money2(m.amount);
  *out += ",\"currency\":";
  AppendJsonString(m.currency, out);
  *out += '}';
}

void AppendStringArray(const std::vector<std::string>& v, std::string* out) {
  *out += '[';
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) *out += ',';
    AppendJsonString(v[i], out);
  }
  *out += ']';
}

}  // namespace

void AppendListingJson(const screening::Listing& l, std::string* out) {
  *out += "{\"id\":";
  AppendJsonString(l.id, out);
  *out += ",\"marketplace\":";
  AppendJsonString(l.marketplace, out);
  *out += ",\"seller_id\":";
  AppendJsonString(l.seller_id, out);
  *out += ",\"title\":";
  AppendJsonString(l.title, out);
  *out += ",\"description\":";
  AppendJsonString(l.description, out);
  *out += ",\"category\":";
  AppendJsonString(l.category, out);
  if (l.price) {
    *out += ",\"price\":";
    AppendMoney(*l.price, out);
  }
  *out += ",\"images\":";
  AppendStringArray(l.images, out);
  *out += ",\"ship_from\":";
  AppendJsonString(l.ship_from, out);
  *out += "}\n";
}

std::string ScreeningData::CatalogueJson() const {
  std::string out = "{\"version\":1,\"rights_holders\":[";
  bool first = true;
  for (size_t i = 0; i < catalogue_.rights_holders.size(); ++i) {
    const auto& rh = catalogue_.rights_holders[i];
    const bool publisher = !rh.works.empty();
    out += first ? "\n" : ",\n";
    first = false;
    out += "{\"id\":";
    AppendJsonString(rh.id, &out);
    out += ",\"name\":";
    AppendJsonString(rh.name, &out);
    out += publisher ? ",\"kind\":\"publisher\"" : ",\"kind\":\"brand_owner\"";
    if (publisher) {
      out += ",\"rights\":[{\"id\":";
      AppendJsonString(rh.id + "-copyright", &out);
      out += ",\"type\":\"copyright\",\"works\":[";
      for (size_t w = 0; w < rh.works.size(); ++w) {
        if (w) out += ',';
        out += "{\"title\":";
        AppendJsonString(rh.works[w].title, &out);
        out += ",\"isbn\":";
        AppendJsonString(rh.works[w].isbn13, &out);
        if (rh.works[w].list_price) {
          out += ",\"list_price\":";
          AppendMoney(*rh.works[w].list_price, &out);
        }
        out += '}';
      }
      out += "]}]";
    }
    out += ",\"brand_terms\":";
    AppendStringArray(rh.brand_terms, &out);
    out += ",\"categories\":";
    AppendStringArray(rh.categories, &out);
    out += ",\"products\":[";
    for (size_t p = 0; p < rh.products.size(); ++p) {
      if (p) out += ',';
      out += "{\"name\":";
      AppendJsonString(rh.products[p].name, &out);
      out += ",\"terms\":";
      AppendStringArray(rh.products[p].terms, &out);
      if (rh.products[p].msrp) {
        out += ",\"msrp\":";
        AppendMoney(*rh.products[p].msrp, &out);
      }
      out += '}';
    }
    out += "],\"authorized_sellers\":";
    AppendStringArray(rh.authorized_sellers, &out);
    if (!rh.isbn_prefixes.empty()) {
      out += ",\"isbn_prefixes\":";
      AppendStringArray(rh.isbn_prefixes, &out);
    }
    out += '}';
  }
  out += "\n],\"category_bans\":[";
  for (size_t b = 0; b < catalogue_.category_bans.size(); ++b) {
    const auto& ban = catalogue_.category_bans[b];
    if (b) out += ',';
    out += "\n{\"id\":";
    AppendJsonString(ban.id, &out);
    out += ",\"categories\":";
    AppendStringArray(ban.categories, &out);
    out += ",\"terms\":";
    AppendStringArray(ban.terms, &out);
    out += ",\"reason\":";
    AppendJsonString(ban.reason, &out);
    out += '}';
  }
  out += "],\n\"suspicious_terms\":";
  AppendStringArray(catalogue_.suspicious_terms, &out);
  out += ",\n\"piracy_terms\":";
  AppendStringArray(catalogue_.piracy_terms, &out);
  out += "}\n";
  return out;
}

Status ScreeningData::WriteFiles(const std::string& dir, int64_t listings) const {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Unavailable("cannot create " + dir + ": " + ec.message());
  {
    std::ofstream out(dir + "/catalog.json", std::ios::binary);
    out << CatalogueJson();
    if (!out) return Unavailable("cannot write " + dir + "/catalog.json");
  }
  std::ofstream out(dir + "/listings.jsonl", std::ios::binary);
  std::string chunk;
  for (int64_t i = 0; i < listings; ++i) {
    AppendListingJson(MakeListing(i), &chunk);
    if (chunk.size() > (8u << 20) || i + 1 == listings) {
      out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      chunk.clear();
    }
  }
  if (!out) return Unavailable("cannot write " + dir + "/listings.jsonl");
  return Status::Ok();
}

}  // namespace counterfoil::bench
