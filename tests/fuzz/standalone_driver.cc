// Runs a libFuzzer target without libFuzzer, so `make test` exercises every
// fuzz target under AddressSanitizer with the default (GCC) toolchain: each
// file in the corpus folders given on the command line, then deterministic
// mutations of them (bit flips, truncations, splices, random bytes). Real
// coverage-guided fuzzing uses the clang build: `make fuzz`.
//
//   foo_fuzz_replay tests/fuzz/corpus/foo [iterations]
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  std::vector<std::string> seeds;
  long iterations = 20000;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path p(argv[i]);
    if (std::filesystem::is_directory(p)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(p)) {
        if (!e.is_regular_file()) continue;
        std::ifstream in(e.path(), std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        seeds.push_back(ss.str());
      }
    } else {
      iterations = std::strtol(argv[i], nullptr, 10);
    }
  }
  if (seeds.empty()) seeds.push_back("");
  for (const auto& s : seeds)
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  std::mt19937_64 rng(20261122);
  for (long i = 0; i < iterations; ++i) {
    std::string s = seeds[rng() % seeds.size()];
    int ops = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < ops; ++k) {
      switch (rng() % 5) {
        case 0:
          if (!s.empty()) s[rng() % s.size()] ^= static_cast<char>(1u << (rng() % 8));
          break;
        case 1:
          if (!s.empty()) s.resize(rng() % s.size());
          break;
        case 2: {
          const std::string& other = seeds[rng() % seeds.size()];
          if (!other.empty()) {
            size_t from = rng() % other.size();
            s.insert(s.empty() ? 0 : rng() % s.size(), other.substr(from, rng() % 32));
          }
          break;
        }
        case 3:
          s.insert(s.empty() ? 0 : rng() % s.size(), 1, static_cast<char>(rng() % 256));
          break;
        default:
          if (!s.empty()) s.erase(rng() % s.size(), 1 + rng() % 8);
          break;
      }
    }
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  }
  std::printf("%zu seeds, %ld mutated inputs: no crash\n", seeds.size(), iterations);
  return 0;
}
