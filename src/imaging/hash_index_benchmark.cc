// The hash index against a naive scan, in the same run: N random hashes with
// planted near-duplicates, dihedral queries (8 variants) at radius 31. Prints
// the time per query per core of each scan kernel and of the naive scan, the
// ratio, the recall against the naive scan (must be 100%), bytes per indexed
// hash and the build time. Release build only:
//
//   build/release/src/imaging/hash_index_benchmark            # N = 1M and 10M
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "imaging/hash_index.h"

namespace counterfoil::imaging {
namespace {

constexpr int kRadius = kPdqMatchRadius;
constexpr int kQueries = 16;
constexpr int kPlantedPerQuery = 8;

Hash256 RandomHash(std::mt19937_64& rng) { return Hash256({rng(), rng(), rng(), rng()}); }

Hash256 FlipBits(Hash256 h, int bits, std::mt19937_64& rng) {
  for (int flipped = 0; flipped < bits;) {
    const int k = static_cast<int>(rng() % 256);
    if (h.Bit(k)) continue;  // flip only 0 -> 1 so `bits` distinct bits change
    h.SetBit(k);
    ++flipped;
  }
  return h;
}

struct Corpus {
  std::vector<std::pair<uint64_t, Hash256>> bank;  // the naive scan's AoS copy
  std::vector<std::array<Hash256, 8>> queries;
  std::map<ScanKernel, std::unique_ptr<HashIndex>> indexes;
  double build_seconds = 0;
};

// Built once per size: random hashes, and for each query near-duplicates of
// random variants at distances 0..40 (some inside the radius, some outside).
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
      const size_t slot = rng() % n;
      c.bank[slot].second = FlipBits(v[rng() % 8], static_cast<int>(rng() % 41), rng);
    }
  }
  for (ScanKernel k :
       {ScanKernel::kPortable, ScanKernel::kPopcnt, ScanKernel::kAvx2, ScanKernel::kAvx512}) {
    if (!ScanKernelSupported(k)) continue;
    auto start = std::chrono::steady_clock::now();
    auto index = std::make_unique<HashIndex>(k);
    index->Reserve(n);
    for (const auto& [id, h] : c.bank) index->Add(id, h);
    c.build_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    c.indexes[k] = std::move(index);
  }
  return c;
}

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

void BM_Index(benchmark::State& state, ScanKernel kernel) {
  Corpus& c = CorpusOf(static_cast<size_t>(state.range(0)));
  if (!c.indexes.count(kernel)) {
    state.SkipWithError("kernel not supported by this CPU");
    return;
  }
  const HashIndex& index = *c.indexes[kernel];
  size_t q = 0;
  for (auto _ : state) benchmark::DoNotOptimize(index.SearchDihedral(c.queries[q++ % kQueries]));
  state.counters["bytes_per_hash"] =
      static_cast<double>(index.MemoryBytes()) / static_cast<double>(index.size());
  state.counters["build_s"] = c.build_seconds;
}

void Sizes(benchmark::internal::Benchmark* b) {
  b->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMillisecond)->MinTime(1.0);
}
BENCHMARK(BM_NaiveScan)->Apply(Sizes);
BENCHMARK_CAPTURE(BM_Index, portable, ScanKernel::kPortable)->Apply(Sizes);
BENCHMARK_CAPTURE(BM_Index, popcnt, ScanKernel::kPopcnt)->Apply(Sizes);
BENCHMARK_CAPTURE(BM_Index, avx2, ScanKernel::kAvx2)->Apply(Sizes);
BENCHMARK_CAPTURE(BM_Index, avx512, ScanKernel::kAvx512)->Apply(Sizes);

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) cpu_[r.benchmark_name()] = r.GetAdjustedCPUTime();
    ConsoleReporter::ReportRuns(runs);
  }
  std::map<std::string, double> cpu_;
};

}  // namespace
}  // namespace counterfoil::imaging

int main(int argc, char** argv) {
  using namespace counterfoil::imaging;
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  // Ratios against the naive scan of the same size, and recall.
  for (const auto& [name, cpu] : reporter.cpu_) {
    if (name.rfind("BM_Index/", 0) != 0 || cpu <= 0) continue;
    const std::string size = name.substr(
        name.find('/', 9) + 1, name.find('/', name.find('/', 9) + 1) - name.find('/', 9) - 1);
    for (const auto& [naive_name, naive_cpu] : reporter.cpu_) {
      if (naive_name.rfind("BM_NaiveScan/" + size + "/", 0) == 0) {
        std::printf("%-40s %8.2f ms/query, %6.1fx the naive scan\n", name.c_str(), cpu,
                    naive_cpu / cpu);
      }
    }
  }
  for (size_t n : {size_t{1'000'000}, size_t{10'000'000}}) {
    Corpus& c = CorpusOf(n);
    for (const auto& [kernel, index] : c.indexes) {
      size_t expected = 0, found = 0, exact = 0;
      for (const auto& q : c.queries) {
        auto naive = NaiveDihedral(c, q);
        auto got = index->SearchDihedral(q);
        expected += naive.size();
        for (const auto& m : naive) {
          for (const auto& g : got) {
            if (g.id == m.id) {
              ++found;
              exact += g == m;
            }
          }
        }
      }
      std::printf(
          "N=%zu %-16s recall %zu/%zu (%.1f%%), %zu identical; %.1f bytes/hash, "
          "build %.2f s\n",
          n, std::string(ScanKernelName(kernel)).c_str(), found, expected,
          expected ? 100.0 * found / expected : 100.0, exact,
          static_cast<double>(index->MemoryBytes()) / index->size(), c.build_seconds);
    }
  }
  return 0;
}
