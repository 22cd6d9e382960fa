// `counterfoil pdq` as a user runs it: the real binary on the PDQ test
// vectors (../shared/testdata/pdq).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path kPdq = fs::path(SHARED_TESTDATA) / "pdq";
// The vectors live beside the project (../shared/testdata), not in it.
#define REQUIRE_PDQ_VECTORS() \
  if (!fs::exists(kPdq / "exact.csv")) GTEST_SKIP() << "no " << kPdq

struct PdqRun {
  int exit_code;
  std::string out;
};

// Runs the binary with `args`; stdout only, or stdout and stderr merged.
PdqRun Pdq(const std::string& args, bool merge_stderr = false) {
  const std::string cmd =
      std::string(COUNTERFOIL_BINARY) + " pdq " + args + (merge_stderr ? " 2>&1" : " 2>/dev/null");
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> Split(const std::string& line) {
  std::vector<std::string> fields;
  std::istringstream in(line);
  for (std::string f; std::getline(in, f, ',');) fields.push_back(f);
  return fields;
}

TEST(PdqCommand, DihedralOutputReproducesExactCsvInArgumentOrder) {
  REQUIRE_PDQ_VECTORS();
  std::ifstream csv(kPdq / "exact.csv");
  std::string header;
  std::getline(csv, header);
  std::vector<std::vector<std::string>> rows;
  std::string args = "--dihedral --threads 3";
  for (std::string line; std::getline(csv, line);) {
    rows.push_back(Split(line));
    args += " " + (kPdq / "exact" / rows.back()[0]).string();
  }
  ASSERT_EQ(rows.size(), 20u);
  PdqRun r = Pdq(args);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  const std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), rows.size()) << r.out;
  for (size_t i = 0; i < rows.size(); ++i) {
    // CSV: file,width,height,quality,original..flip_minus1;
    // output: original..flip_minus1,quality,path.
    const std::vector<std::string> out = Split(lines[i]);
    ASSERT_EQ(out.size(), 10u) << lines[i];
    for (int d = 0; d < 8; ++d) EXPECT_EQ(out[d], rows[i][4 + d]) << rows[i][0] << " hash " << d;
    EXPECT_EQ(out[8], rows[i][3]);
    EXPECT_EQ(out[9], (kPdq / "exact" / rows[i][0]).string());
  }
}

TEST(PdqCommand, FastPathJpegHashIsWithinTheConformanceBound) {
  REQUIRE_PDQ_VECTORS();
  const fs::path jpg = kPdq / "files" / "bridge-1-original.jpg";
  PdqRun fast = Pdq(jpg.string());
  PdqRun full = Pdq("--full-resolution " + jpg.string());
  ASSERT_EQ(fast.exit_code, 0);
  ASSERT_EQ(full.exit_code, 0);
  // full_resolution_hash of bridge-1-original.jpg in files.csv.
  EXPECT_EQ(full.out, "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22,100," +
                          jpg.string() + "\n");
  const std::vector<std::string> f = Split(Lines(fast.out).at(0));
  ASSERT_EQ(f.size(), 3u);
  int distance = 0;
  const std::string ref = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
  for (size_t i = 0; i < ref.size(); ++i) {
    distance += __builtin_popcount(std::stoi(ref.substr(i, 1), nullptr, 16) ^
                                   std::stoi(f[0].substr(i, 1), nullptr, 16));
  }
  EXPECT_LE(distance, 10);
}

TEST(PdqCommand, FailingFilesGoToStderrAndExitOne) {
  REQUIRE_PDQ_VECTORS();
  const fs::path good = kPdq / "exact" / "mod-aaa-orig.ppm";
  const fs::path not_image = kPdq / "README.md";
  PdqRun r = Pdq(good.string() + " /nonexistent/x.jpg " + not_image.string() + " " + good.string());
  EXPECT_EQ(r.exit_code, 1);
  const std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;  // stdout: the two good files only
  EXPECT_EQ(lines[0], lines[1]);

  PdqRun merged = Pdq("/nonexistent/x.jpg " + not_image.string(), /*merge_stderr=*/true);
  EXPECT_EQ(merged.exit_code, 1);
  EXPECT_NE(merged.out.find("/nonexistent/x.jpg: cannot read"), std::string::npos) << merged.out;
  EXPECT_NE(merged.out.find(not_image.string() + ": not a JPEG, PNG, WebP or PPM/PGM image"),
            std::string::npos)
      << merged.out;
}

TEST(PdqCommand, UsageErrorsExitTwo) {
  EXPECT_EQ(Pdq("").exit_code, 2);
  EXPECT_EQ(Pdq("--threads 0 x.jpg").exit_code, 2);
}

}  // namespace
