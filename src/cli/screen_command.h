// `counterfoil screen`: screens a JSONL file of listings against a protection
// catalogue (a file, or the data registered in a server's data directory)
// and writes one verdict per listing, as JSONL, in input order.
//
//   counterfoil screen --catalog catalog.json listings.jsonl > verdicts.jsonl
//   counterfoil screen --data /var/lib/counterfoil --threads 4 -o v.jsonl listings.jsonl
//
// The input is mapped into memory (or read whole from a pipe), cut into
// chunks of whole lines, and the chunks are screened in parallel with the
// engine's thread-safe RuleSet::Screen; a writer emits the chunks' verdicts
// in order, holding at most a few chunks per thread in memory. A line that
// is not a valid listing is reported on stderr as `FILE:LINE: message
// (field)` and skipped; blank lines are skipped silently.
#pragma once

#include <string>

#include "service/config.h"

namespace counterfoil::cli {

struct ScreenOptions {
  std::string catalog_file;  // --catalog: a protection catalogue (catalogue_json.h)
  std::string data_dir;      // --data: a server's data directory (counterfoil.db)
  std::string output;        // --output: verdicts file; empty = standard output
  std::string input;         // the listings; "-" = standard input
  int threads = 0;           // screening threads; 0 = the hardware's
  // With --data: the configuration's screening thresholds and repeat-infringer
  // policy (a marketplace's own settings in the database override them).
  service::Config config;
};

// Exit statuses of `counterfoil screen`.
inline constexpr int kScreenOk = 0;             // every listing screened
inline constexpr int kScreenLinesRejected = 1;  // some lines were not valid listings
inline constexpr int kScreenFailed = 2;         // usage, catalogue or I/O error: no complete output

// Runs the command; messages go to stderr, verdicts to the output. Exactly
// one of catalog_file and data_dir must be set. With --data each listing is
// screened as the server would screen it: with its marketplace's thresholds,
// its seller's history there (strikes, suspension, earlier removals) and the
// stay-down bank of taken-down listings; a listing naming a marketplace the
// data directory does not have is screened with the configuration's
// thresholds and a warning. With --catalog there is no history: every
// listing gets the default thresholds.
int RunScreen(const ScreenOptions& options);

}  // namespace counterfoil::cli
