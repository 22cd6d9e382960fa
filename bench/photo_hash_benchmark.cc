// Hashing speed: the JPEG fast path (DCT-domain downscaling, luma only)
// against a full-resolution decode plus hash of the same files, in the same
// run, on the PDQ sample JPEGs (../shared/testdata/pdq/files). Prints files
// per second per core and the ratio (CPU time; with repetitions, the fastest
// of each). Release build only:
//
//   make bench                                   # or:
//   cmake --preset release && cmake --build build/release --target photo_hash_benchmark
//   build/release/bench/photo_hash_benchmark [--benchmark_repetitions=5]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "imaging/decode.h"
#include "imaging/pdq.h"
#include "imaging/photo_hash.h"

namespace counterfoil::imaging {
namespace {

const std::vector<std::vector<uint8_t>>& Files() {
  static const std::vector<std::vector<uint8_t>> files = [] {
    std::vector<std::vector<uint8_t>> out;
    const std::filesystem::path dir = std::string(SHARED_TESTDATA) + "/pdq/files";
    std::vector<std::filesystem::path> paths;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (e.path().extension() == ".jpg") paths.push_back(e.path());
    }
    std::sort(paths.begin(), paths.end());
    for (const auto& p : paths) {
      std::ifstream in(p, std::ios::binary);
      out.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return out;
  }();
  return files;
}

void HashAll(benchmark::State& state, const DecodeOptions& options, bool decode_only) {
  const auto& files = Files();
  if (files.empty()) {
    state.SkipWithError("no sample JPEGs found");
    return;
  }
  for (auto _ : state) {
    for (const auto& f : files) {
      if (decode_only) {
        auto img = DecodeImage(f, options);
        benchmark::DoNotOptimize(img);
      } else {
        auto h = HashPhoto(f, options);
        benchmark::DoNotOptimize(h);
      }
    }
  }
  state.counters["files_per_s"] = benchmark::Counter(static_cast<double>(files.size()),
                                                     benchmark::Counter::kIsIterationInvariantRate);
}

void BM_HashFullResolution(benchmark::State& state) { HashAll(state, DecodeOptions{}, false); }
void BM_HashFastPath(benchmark::State& state) { HashAll(state, FastPathDecodeOptions(), false); }
void BM_DecodeFullResolution(benchmark::State& state) { HashAll(state, DecodeOptions{}, true); }
void BM_DecodeFastPath(benchmark::State& state) { HashAll(state, FastPathDecodeOptions(), true); }
BENCHMARK(BM_HashFullResolution)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_HashFastPath)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_DecodeFullResolution)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_DecodeFastPath)->Unit(benchmark::kMillisecond)->MinTime(1.0);

// Remembers the CPU time per iteration of each benchmark for the ratio.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    // The fastest repetition of each (--benchmark_repetitions=N): the least
    // disturbed by the other work on a shared machine.
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Iteration) continue;
      auto [it, fresh] = cpu_.emplace(r.run_name.function_name, r.GetAdjustedCPUTime());
      if (!fresh) it->second = std::min(it->second, r.GetAdjustedCPUTime());
    }
    ConsoleReporter::ReportRuns(runs);
  }
  double Cpu(const std::string& name) const {
    auto it = cpu_.find(name);
    return it == cpu_.end() ? 0.0 : it->second;
  }

 private:
  std::map<std::string, double> cpu_;
};

}  // namespace
}  // namespace counterfoil::imaging

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  counterfoil::imaging::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const double full = reporter.Cpu("BM_HashFullResolution");
  const double fast = reporter.Cpu("BM_HashFastPath");
  if (full > 0 && fast > 0) {
    const double n = static_cast<double>(counterfoil::imaging::Files().size());
    std::printf(
        "files/s per core: full-resolution decode + hash %.1f, fast path %.1f; fast path "
        "(shorter side >= %d) vs full resolution, same run: %.2fx\n",
        n / full * 1e3, n / fast * 1e3, counterfoil::imaging::kFastPathMinShortSide, full / fast);
  }
  return 0;
}
