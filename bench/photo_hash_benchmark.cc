// Hashing speed: the JPEG fast path (DCT-domain downscaling, luma only)
// against a full-resolution decode plus hash of the same files, in the same
// run, on the PDQ sample JPEGs (../shared/testdata/pdq/files). Prints files
// per second per core and the ratio (CPU time; with repetitions, the fastest
// of each), for all 20 files and for each kind (13 baseline 4:2:0, 7
// progressive 4:4:4), and the floor of any libjpeg-based fast path: entropy
// decoding alone (BM_EntropyDecodeOnly, internal::ReadJpegCoefficients: the
// fast path's input through jpeg_read_coefficients, no IDCT, no output, no
// hash), which bounds the ratio (full / entropy only).
//
// Then paired rounds: each round hashes all 20 files both ways back to back
// (the order alternating from round to round), and the ratio is taken per
// round. On a shared machine whose speed drifts over the minute the
// benchmarks above take, those rounds see the same conditions for both
// paths, so their median ratio moves far less from run to run than the
// ratio of the benchmarks' fastest repetitions. Release build only:
//
//   make bench                                   # or:
//   cmake --preset release && cmake --build build/release --target photo_hash_benchmark
//   build/release/bench/photo_hash_benchmark [--benchmark_repetitions=5] [--paired_rounds=N]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "imaging/decode.h"
#include "imaging/pdq.h"
#include "imaging/photo_hash.h"
#include "machine_info.h"

namespace counterfoil::imaging {
namespace {

// Which files a benchmark runs on (its argument).
enum Kind { kAll = 0, kBaseline = 1, kProgressive = 2 };
constexpr const char* kKindNames[] = {"all", "baseline", "progressive"};

struct SampleFile {
  std::vector<uint8_t> bytes;
  bool progressive = false;
};

// Whether the first frame header (before any scan) is progressive: SOF2 or SOF10.
bool IsProgressive(const std::vector<uint8_t>& b) {
  size_t i = 2;
  while (i + 4 <= b.size() && b[i] == 0xFF) {
    const uint8_t m = b[i + 1];
    if (m == 0xC2 || m == 0xCA) return true;
    if (m == 0xDA || (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC)) return false;
    i += 2 + ((size_t{b[i + 2]} << 8) | b[i + 3]);
  }
  return false;
}

const std::vector<SampleFile>& Files() {
  static const std::vector<SampleFile> files = [] {
    std::vector<SampleFile> out;
    const std::filesystem::path dir = std::string(SHARED_TESTDATA) + "/pdq/files";
    std::vector<std::filesystem::path> paths;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (e.path().extension() == ".jpg") paths.push_back(e.path());
    }
    std::sort(paths.begin(), paths.end());
    for (const auto& p : paths) {
      std::ifstream in(p, std::ios::binary);
      SampleFile f;
      f.bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      f.progressive = IsProgressive(f.bytes);
      out.push_back(std::move(f));
    }
    return out;
  }();
  return files;
}

std::vector<const std::vector<uint8_t>*> FilesOfKind(int kind) {
  std::vector<const std::vector<uint8_t>*> out;
  for (const SampleFile& f : Files()) {
    if (kind == kAll || (kind == kProgressive) == f.progressive) out.push_back(&f.bytes);
  }
  return out;
}

enum class Work { kHash, kDecode, kEntropyOnly };

void Run(benchmark::State& state, const DecodeOptions& options, Work work) {
  const auto files = FilesOfKind(static_cast<int>(state.range(0)));
  if (files.empty()) {
    state.SkipWithError("no sample JPEGs found");
    return;
  }
  for (auto _ : state) {
    for (const std::vector<uint8_t>* f : files) {
      if (work == Work::kHash) {
        auto h = HashPhoto(*f, options);
        benchmark::DoNotOptimize(h);
      } else if (work == Work::kDecode) {
        auto img = DecodeImage(*f, options);
        benchmark::DoNotOptimize(img);
      } else {
        Status s = internal::ReadJpegCoefficients(*f, options);
        if (!s.ok()) state.SkipWithError(s.ToString().c_str());
        benchmark::DoNotOptimize(s);
      }
    }
  }
  state.counters["files_per_s"] = benchmark::Counter(static_cast<double>(files.size()),
                                                     benchmark::Counter::kIsIterationInvariantRate);
}

void BM_HashFullResolution(benchmark::State& state) { Run(state, DecodeOptions{}, Work::kHash); }
void BM_HashFastPath(benchmark::State& state) { Run(state, FastPathDecodeOptions(), Work::kHash); }
void BM_EntropyDecodeOnly(benchmark::State& state) {
  Run(state, FastPathDecodeOptions(), Work::kEntropyOnly);
}
void BM_DecodeFullResolution(benchmark::State& state) {
  Run(state, DecodeOptions{}, Work::kDecode);
}
void BM_DecodeFastPath(benchmark::State& state) {
  Run(state, FastPathDecodeOptions(), Work::kDecode);
}
BENCHMARK(BM_HashFullResolution)->Unit(benchmark::kMillisecond)->MinTime(2.0)->DenseRange(0, 2);
BENCHMARK(BM_HashFastPath)->Unit(benchmark::kMillisecond)->MinTime(2.0)->DenseRange(0, 2);
BENCHMARK(BM_EntropyDecodeOnly)->Unit(benchmark::kMillisecond)->MinTime(2.0)->DenseRange(0, 2);
BENCHMARK(BM_DecodeFullResolution)->Unit(benchmark::kMillisecond)->MinTime(1.0)->Arg(kAll);
BENCHMARK(BM_DecodeFastPath)->Unit(benchmark::kMillisecond)->MinTime(1.0)->Arg(kAll);

// Remembers the CPU time per iteration of each benchmark for the ratio.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    // The fastest repetition of each (--benchmark_repetitions=N): the least
    // disturbed by the other work on a shared machine.
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Iteration) continue;
      const std::string key = r.run_name.function_name + "/" + r.run_name.args;
      auto [it, fresh] = cpu_.emplace(key, r.GetAdjustedCPUTime());
      if (!fresh) it->second = std::min(it->second, r.GetAdjustedCPUTime());
    }
    ConsoleReporter::ReportRuns(runs);
  }
  double Cpu(const std::string& name, int kind) const {
    auto it = cpu_.find(name + "/" + std::to_string(kind));
    return it == cpu_.end() ? 0.0 : it->second;
  }

 private:
  std::map<std::string, double> cpu_;
};

double ThreadCpuMs() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

// CPU ms to hash every file once with `options`.
double HashAllMs(const std::vector<const std::vector<uint8_t>*>& files,
                 const DecodeOptions& options) {
  const double start = ThreadCpuMs();
  for (const std::vector<uint8_t>* f : files) {
    auto h = HashPhoto(*f, options);
    benchmark::DoNotOptimize(h);
  }
  return ThreadCpuMs() - start;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// The paired rounds (see the top of the file).
void PairedRounds(int rounds) {
  const auto files = FilesOfKind(kAll);
  if (files.empty() || rounds <= 0) return;
  const DecodeOptions full_options{}, fast_options = FastPathDecodeOptions();
  HashAllMs(files, full_options);  // warm-up: tables, buffers, caches
  HashAllMs(files, fast_options);
  std::vector<double> full, fast, ratio;
  for (int r = 0; r < rounds; ++r) {
    double full_ms, fast_ms;
    if (r % 2 == 0) {
      full_ms = HashAllMs(files, full_options);
      fast_ms = HashAllMs(files, fast_options);
    } else {
      fast_ms = HashAllMs(files, fast_options);
      full_ms = HashAllMs(files, full_options);
    }
    full.push_back(full_ms);
    fast.push_back(fast_ms);
    ratio.push_back(full_ms / fast_ms);
  }
  const double n = static_cast<double>(files.size());
  std::printf(
      "paired rounds (%d, all %.0f files hashed both ways per round): CPU ms per file, median: "
      "full-resolution decode + hash %.2f, fast path %.2f; fast path vs full, median of the "
      "rounds' ratios: %.2fx (lowest %.2fx, highest %.2fx; load average %s)\n",
      rounds, n, Median(full) / n, Median(fast) / n, Median(ratio),
      *std::min_element(ratio.begin(), ratio.end()), *std::max_element(ratio.begin(), ratio.end()),
      counterfoil::bench::LoadAverage().c_str());
}

}  // namespace
}  // namespace counterfoil::imaging

int main(int argc, char** argv) {
  using namespace counterfoil::imaging;
  // --paired_rounds=N (default 15; 0: none), taken out before the library's flags.
  int paired_rounds = 15;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    constexpr const char kFlag[] = "--paired_rounds=";
    if (std::strncmp(argv[i], kFlag, sizeof(kFlag) - 1) == 0) {
      paired_rounds = std::atoi(argv[i] + sizeof(kFlag) - 1);
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  for (int kind : {kAll, kBaseline, kProgressive}) {
    const double full = reporter.Cpu("BM_HashFullResolution", kind);
    const double fast = reporter.Cpu("BM_HashFastPath", kind);
    const double floor = reporter.Cpu("BM_EntropyDecodeOnly", kind);
    if (full <= 0 || fast <= 0) continue;
    const double n = static_cast<double>(FilesOfKind(kind).size());
    std::printf(
        "%s (%.0f files), CPU ms per file: full-resolution decode + hash %.2f, fast path %.2f, "
        "entropy decoding only %.2f; fast path vs full, same run: %.2fx; ceiling (full / "
        "entropy only): %.2fx\n",
        kKindNames[kind], n, full / n, fast / n, floor / n, full / fast,
        floor > 0 ? full / floor : 0.0);
  }
  const double full = reporter.Cpu("BM_HashFullResolution", kAll);
  const double fast = reporter.Cpu("BM_HashFastPath", kAll);
  if (full > 0 && fast > 0) {
    const double n = static_cast<double>(Files().size());
    std::printf(
        "files/s per core: full-resolution decode + hash %.1f, fast path %.1f; fast path "
        "(shorter side >= %d) vs full resolution, same run: %.2fx (load average %s)\n",
        n / full * 1e3, n / fast * 1e3, kFastPathMinShortSide, full / fast,
        counterfoil::bench::LoadAverage().c_str());
  }
  PairedRounds(paired_rounds);
  return 0;
}
