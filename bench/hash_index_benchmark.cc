// The hash index against a naive scan, in the same run (issue 4's index
// target): N random hashes with planted near-duplicates, dihedral queries (8
// variants) at radius 31. Prints the CPU time per query of the naive scan, of
// the SIMD scan and of the multi-index tables, the ratios, the recall of the
// tables against the naive scan (must be 100%, and identical matches), bytes
// per indexed hash and the build time (Reserve, Add one by one, then
// Compact(), which packs the entries added since the last merge; the search
// time before it is printed too). Release build only:
//
//   make bench                                   # or:
//   cmake --preset release && cmake --build build/release --target hash_index_benchmark
//   build/release/bench/hash_index_benchmark [--sizes=1000000,10000000] [--recall_queries=32]
//
// Each of the 1,024 queries is 8 random hashes (stand-ins for the dihedral
// variants); 8 near-duplicates of random variants of each are planted at
// distances 0..40, half with their flipped bits spread evenly over the
// index's segments (the worst case for multi-index hashing). The benchmark
// cycles through all 1,024 queries, so their table probes (about 17,000 cache
// lines each) do not stay in the cache from one iteration to the next.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "bench/machine_info.h"
#include "imaging/hash_index.h"

namespace counterfoil::imaging {
namespace {

constexpr int kRadius = kPdqMatchRadius;
constexpr int kQueries = 1024;
constexpr int kPlantedPerQuery = 8;

std::vector<size_t> g_sizes = {1'000'000, 10'000'000};
int g_recall_queries = 32;

Hash256 RandomHash(std::mt19937_64& rng) { return Hash256({rng(), rng(), rng(), rng()}); }

void FlipBit(Hash256& h, int k) {
  if (h.Bit(k)) {
    h.ClearBit(k);
  } else {
    h.SetBit(k);
  }
}

// `bits` distinct random bits flipped; with `spread`, as evenly as possible
// over the 11 segments of 23 or 24 bits.
Hash256 Flip(Hash256 h, int bits, bool spread, std::mt19937_64& rng) {
  std::vector<int> order(256);
  for (int i = 0; i < 256; ++i) order[i] = i;
  if (spread) {
    std::vector<int> by_segment;
    std::vector<std::vector<int>> seg(11);
    for (int s = 0, start = 0; s < 11; start += s < 8 ? 23 : 24, ++s) {
      for (int b = start; b < start + (s < 8 ? 23 : 24); ++b) seg[s].push_back(b);
      std::shuffle(seg[s].begin(), seg[s].end(), rng);
    }
    order.clear();
    for (int i = 0; i < 23; ++i) {
      for (int s = 0; s < 11; ++s) order.push_back(seg[s][i]);
    }
  } else {
    std::shuffle(order.begin(), order.end(), rng);
  }
  for (int i = 0; i < bits; ++i) FlipBit(h, order[i]);
  return h;
}

struct Corpus {
  std::vector<std::pair<uint64_t, Hash256>> bank;  // the naive scan's copy
  std::vector<std::array<Hash256, 8>> queries;
  std::unique_ptr<HashIndex> scan;   // brute force, the best kernel
  std::unique_ptr<HashIndex> multi;  // the default: multi-index tables
  double scan_build_s = 0, multi_build_s = 0, compact_s = -1;
};

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

Corpus& CorpusOf(size_t n) {
  static std::map<size_t, Corpus> corpora;
  auto it = corpora.find(n);
  if (it != corpora.end()) return it->second;
  Corpus& c = corpora[n];
  std::mt19937_64 rng(n);
  c.bank.reserve(n);
  for (size_t i = 0; i < n; ++i) c.bank.emplace_back(i, RandomHash(rng));
  for (int q = 0; q < kQueries; ++q) {
    std::array<Hash256, 8> v;
    for (auto& h : v) h = RandomHash(rng);
    c.queries.push_back(v);
    for (int p = 0; p < kPlantedPerQuery; ++p) {
      c.bank[rng() % n].second = Flip(v[rng() % 8], static_cast<int>(rng() % 41), p % 2, rng);
    }
  }
  auto start = std::chrono::steady_clock::now();
  c.multi = std::make_unique<HashIndex>();
  c.multi->Reserve(n);
  for (const auto& [id, h] : c.bank) c.multi->Add(id, h);
  c.multi_build_s = Seconds(start);
  start = std::chrono::steady_clock::now();
  HashIndex::Options scan_only;
  scan_only.min_multi_index_size = SIZE_MAX;
  c.scan = std::make_unique<HashIndex>(scan_only);
  c.scan->Reserve(n);
  for (const auto& [id, h] : c.bank) c.scan->Add(id, h);
  c.scan_build_s = Seconds(start);
  return c;
}

// The obvious loop: every stored hash against every variant.
std::vector<HashIndex::Match> NaiveDihedral(const Corpus& c, const std::array<Hash256, 8>& v) {
  std::vector<HashIndex::Match> out;
  for (const auto& [id, h] : c.bank) {
    int best = 1000, variant = 0;
    for (int i = 0; i < 8; ++i) {
      const int d = h.Distance(v[i]);
      if (d < best) {
        best = d;
        variant = i;
      }
    }
    if (best <= kRadius) out.push_back({id, best, static_cast<Dihedral>(variant)});
  }
  return out;
}

void BM_NaiveScan(benchmark::State& state) {
  const Corpus& c = CorpusOf(static_cast<size_t>(state.range(0)));
  size_t q = 0;
  for (auto _ : state) benchmark::DoNotOptimize(NaiveDihedral(c, c.queries[q++ % kQueries]));
}

// The multi-index as Add left it: entries added since the last merge are in
// the updatable tables (up to a fifth of them).
void BM_MultiIndexBeforeCompact(benchmark::State& state) {
  Corpus& c = CorpusOf(static_cast<size_t>(state.range(0)));
  if (c.compact_s >= 0) state.SkipWithError("already compacted");
  const HashIndex& index = *c.multi;
  size_t q = 0;
  for (auto _ : state) benchmark::DoNotOptimize(index.SearchDihedral(c.queries[q++ % kQueries]));
}

void BM_Index(benchmark::State& state, bool multi) {
  Corpus& c = CorpusOf(static_cast<size_t>(state.range(0)));
  if (multi && c.compact_s < 0) {  // everything packed, as after loading a bank
    const auto start = std::chrono::steady_clock::now();
    c.multi->Compact();
    c.compact_s = Seconds(start);
  }
  const HashIndex& index = multi ? *c.multi : *c.scan;
  size_t q = 0;
  for (auto _ : state) benchmark::DoNotOptimize(index.SearchDihedral(c.queries[q++ % kQueries]));
  state.counters["bytes_per_hash"] =
      static_cast<double>(index.MemoryBytes()) / static_cast<double>(index.size());
  state.counters["build_s"] = multi ? c.multi_build_s : c.scan_build_s;
}

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) cpu_[r.benchmark_name()] = r.GetAdjustedCPUTime();
    ConsoleReporter::ReportRuns(runs);
  }
  double Cpu(const std::string& prefix) const {
    for (const auto& [name, cpu] : cpu_) {
      if (name.rfind(prefix, 0) == 0) return cpu;
    }
    return 0;
  }

 private:
  std::map<std::string, double> cpu_;
};

// --sizes=a,b,c and --recall_queries=k, taken out of argv before Google
// Benchmark sees it.
void ParseFlags(int& argc, char** argv) {
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--sizes=", 0) == 0) {
      g_sizes.clear();
      for (size_t p = 8; p < a.size();) {
        const size_t comma = a.find(',', p);
        g_sizes.push_back(std::stoull(a.substr(p, comma - p)));
        p = comma == std::string::npos ? a.size() : comma + 1;
      }
    } else if (a.rfind("--recall_queries=", 0) == 0) {
      g_recall_queries = std::clamp(std::stoi(a.substr(17)), 1, kQueries);
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
}

}  // namespace
}  // namespace counterfoil::imaging

int main(int argc, char** argv) {
  using namespace counterfoil::imaging;
  ParseFlags(argc, argv);
  benchmark::Initialize(&argc, argv);
  for (size_t n : g_sizes) {
    const auto arg = static_cast<int64_t>(n);
    benchmark::RegisterBenchmark("BM_NaiveScan", BM_NaiveScan)
        ->Arg(arg)
        ->Unit(benchmark::kMillisecond)
        ->MinTime(1.0);
    benchmark::RegisterBenchmark("BM_Scan", BM_Index, false)
        ->Arg(arg)
        ->Unit(benchmark::kMillisecond)
        ->MinTime(1.0);
    benchmark::RegisterBenchmark("BM_MultiIndexBeforeCompact", BM_MultiIndexBeforeCompact)
        ->Arg(arg)
        ->Unit(benchmark::kMillisecond)
        ->MinTime(1.0);
    benchmark::RegisterBenchmark("BM_MultiIndex", BM_Index, true)
        ->Arg(arg)
        ->Unit(benchmark::kMillisecond)
        ->MinTime(2.0);
  }
  std::printf("cpu: %s; scan kernel: %s; load average at start: %s\n",
              counterfoil::bench::ReadFirstLine("/proc/cpuinfo", "model name").c_str(),
              std::string(ScanKernelName(BestScanKernel())).c_str(),
              counterfoil::bench::LoadAverage().c_str());
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  bool exact = true;
  for (size_t n : g_sizes) {
    std::string size = std::to_string(n);
    size.insert(size.begin(), '/');  // (not "/" + ...: GCC 12's -Wrestrict false positive)
    const double naive = reporter.Cpu("BM_NaiveScan" + size);
    const double scan = reporter.Cpu("BM_Scan" + size);
    const double multi = reporter.Cpu("BM_MultiIndex" + size);
    const double before_compact = reporter.Cpu("BM_MultiIndexBeforeCompact" + size);
    if (naive <= 0 || scan <= 0 || multi <= 0) continue;
    Corpus& c = CorpusOf(n);
    // Recall: the tables against the naive scan on the first queries, and
    // against the SIMD scan on all of them.
    size_t expected = 0, found = 0, identical = 0, scan_identical = 0;
    for (int q = 0; q < kQueries; ++q) {
      const auto got = c.multi->SearchDihedral(c.queries[q]);
      scan_identical += got == c.scan->SearchDihedral(c.queries[q]);
      if (q >= g_recall_queries) continue;
      auto naive_matches = NaiveDihedral(c, c.queries[q]);
      expected += naive_matches.size();
      for (const auto& m : naive_matches) {
        for (const auto& g : got) {
          if (g.id == m.id) {
            ++found;
            identical += g == m;
          }
        }
      }
    }
    exact = exact && found == expected && identical == expected && scan_identical == kQueries;
    std::printf(
        "N=%zu radius %d, dihedral queries, ms/query per core: naive scan %.2f, %s scan %.2f "
        "(%.1fx), multi-index %.3f (%.0fx the naive scan, %.1fx the SIMD scan); before "
        "Compact() %.3f\n",
        n, kRadius, naive, std::string(ScanKernelName(BestScanKernel())).c_str(), scan,
        naive / scan, multi, naive / multi, scan / multi, before_compact);
    std::printf(
        "N=%zu recall of the multi-index vs the naive scan on %d queries: %zu/%zu (%.1f%%), "
        "%zu identical; same matches as the SIMD scan on %zu/%d queries\n",
        n, g_recall_queries, found, expected, expected ? 100.0 * found / expected : 100.0,
        identical, scan_identical, kQueries);
    std::printf(
        "N=%zu bytes/hash: multi-index %.1f, scan %.1f; build (Reserve + Add each): multi-index "
        "%.2f s + Compact() %.2f s, scan %.2f s\n",
        n, static_cast<double>(c.multi->MemoryBytes()) / c.multi->size(),
        static_cast<double>(c.scan->MemoryBytes()) / c.scan->size(), c.multi_build_s, c.compact_s,
        c.scan_build_s);
  }
  std::printf("load average at end: %s\n", counterfoil::bench::LoadAverage().c_str());
  return exact ? 0 : 1;
}
