#include "cli/screen_photos.h"

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "imaging/photo_fingerprint.h"
#include "service/photo_match.h"

namespace counterfoil::cli {

namespace {

namespace json = boost::json;

// The largest photo file read (a marketplace photo is a few MB).
constexpr std::uintmax_t kMaxPhotoBytes = 64 << 20;

Result<imaging::PhotoFingerprint> FingerprintFile(const std::filesystem::path& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) return NotFound("cannot open: " + ec.message());
  if (size > kMaxPhotoBytes) return InvalidArgument("larger than 64 MB");
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return imaging::FingerprintPhoto(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

std::filesystem::path Resolve(const std::string& base_dir, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_absolute() || base_dir.empty()) return p;
  return std::filesystem::path(base_dir) / p;
}

}  // namespace

Result<ReferenceLoad> LoadCatalogueReferences(const std::string& catalog_path,
                                              std::string_view catalog_json,
                                              imaging::PhotoBanks* banks,
                                              std::vector<std::string>* warnings) {
  boost::system::error_code ec;
  json::value doc = json::parse(catalog_json, ec);
  if (ec || !doc.is_object()) return InvalidArgument(catalog_path + ": not a JSON object");
  const std::string base = std::filesystem::path(catalog_path).parent_path().string();
  ReferenceLoad out;
  const json::value* holders = doc.as_object().if_contains("rights_holders");
  if (holders == nullptr || !holders->is_array()) return out;
  for (const json::value& h : holders->as_array()) {
    if (!h.is_object()) continue;
    const json::value* id = h.as_object().if_contains("id");
    const json::value* images = h.as_object().if_contains("reference_images");
    if (id == nullptr || !id->is_string() || images == nullptr || !images->is_array()) continue;
    const std::string holder(id->as_string());
    const std::string bank = service::ReferenceBankId(holder);
    banks->SetBank({.id = bank, .kind = imaging::BankKind::kReference, .owner = holder});
    for (const json::value& img : images->as_array()) {
      if (!img.is_string()) continue;
      const std::string path(img.as_string());
      auto fp = FingerprintFile(Resolve(base, path));
      if (!fp.ok()) {
        warnings->push_back(catalog_path + ": reference photo " + path + " of " + holder + ": " +
                            fp.status().message());
        continue;
      }
      ++out.photos;
      int added = service::AddFingerprint(*banks, "ref:" + holder + ":" + path, bank, *fp, holder,
                                          path, std::filesystem::path(path).filename().string());
      if (added == 0)
        warnings->push_back(catalog_path + ": reference photo " + path + " of " + holder +
                            ": quality " + std::to_string(fp->quality()) +
                            " is below 50; not indexed");
      out.indexed += added;
    }
  }
  return out;
}

void MatchListingPhotos(const imaging::PhotoBanks& banks, const std::string& base_dir,
                        screening::Listing* listing, std::vector<std::string>* warnings) {
  if (banks.size() == 0) return;
  for (const std::string& path : listing->images) {
    auto fp = FingerprintFile(Resolve(base_dir, path));
    if (!fp.ok()) {
      warnings->push_back("listing " + listing->id + ": photo " + path + ": " +
                          fp.status().message());
      continue;
    }
    for (const imaging::BankMatch& m : banks.Match(*fp))
      listing->photo_matches.push_back(service::ToPhotoMatch(path, m));
  }
}

}  // namespace counterfoil::cli
