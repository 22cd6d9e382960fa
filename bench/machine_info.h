// What the benchmarks print about the machine they ran on (shared by the
// benchmark binaries, which report figures taken on noisy shared machines).
#pragma once

#include <fstream>
#include <string>

namespace counterfoil::bench {

// The value after the first ':' of the first line of `path` that starts with
// `prefix` ("model name" in /proc/cpuinfo), or "?".
inline std::string ReadFirstLine(const std::string& path, const std::string& prefix) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) {
      auto colon = line.find(':');
      std::string v = colon == std::string::npos ? line : line.substr(colon + 1);
      while (!v.empty() && v.front() == ' ') v.erase(v.begin());
      return v;
    }
  }
  return "?";
}

// The 1, 5 and 15 minute load averages from /proc/loadavg.
inline std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

}  // namespace counterfoil::bench
