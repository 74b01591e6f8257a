#include "tests/support/test_support.h"

#include <regex>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "core/atomic_file.h"
#include "core/seeding.h"
#include "data/idx.h"

namespace fs = std::filesystem;

namespace netprobe::testing {

TempDir::TempDir() {
  std::random_device rd;
  path_ = fs::temp_directory_path() / ("netprobe-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

size_t entries_in(const fs::path& dir) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}));
}

long dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return static_cast<long>(child);
}

void expect_close(const torch::Tensor& a, const torch::Tensor& b, double rtol, double atol) {
  ASSERT_EQ(a.sizes(), b.sizes());
  const auto diff = (a.to(torch::kFloat64) - b.to(torch::kFloat64)).abs();
  const auto tol = atol + rtol * b.to(torch::kFloat64).abs();
  EXPECT_TRUE(diff.le(tol).all().item<bool>()) << "max abs difference " << diff.max().item<double>();
}

torch::Tensor weight_matrix(int64_t rows, int64_t cols, bool with_zeros) {
  auto gen = core::make_generator(17);
  torch::Tensor w = torch::randn({rows, cols}, gen);
  if (with_zeros) w.masked_fill_(torch::rand({rows, cols}, gen).lt(0.2), 0.0);
  return w;
}

core::NamedTensors small_mlp_params() {
  auto gen = core::make_generator(3);
  return {{"fc1.weight", torch::randn({8, 20}, gen)},
          {"fc1.bias", torch::randn({8}, gen)},
          {"fc2.weight", torch::randn({2, 8}, gen)},
          {"fc2.bias", torch::randn({2}, gen)}};
}

torch::Tensor sorted_values(const torch::Tensor& t) { return std::get<0>(t.flatten().sort()); }

std::vector<std::string> links_of(const std::string& html) {
  std::vector<std::string> out;
  const std::regex link(R"re((?:src|href)="([^"]+)")re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), link); it != std::sregex_iterator(); ++it) {
    out.push_back((*it)[1]);
  }
  return out;
}

std::vector<std::string> broken_links(const std::string& html, const std::filesystem::path& dir) {
  std::vector<std::string> broken;
  for (const std::string& link : links_of(html)) {
    const size_t hash = link.find('#');
    const std::filesystem::path target = dir / link.substr(0, hash);
    if (!std::filesystem::exists(target)) {
      broken.push_back(link);
    } else if (hash != std::string::npos &&
               core::read_file(target).find("id=\"" + link.substr(hash + 1) + "\"") == std::string::npos) {
      broken.push_back(link + " (no such anchor)");
    }
  }
  return broken;
}

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

void write_bytes(const fs::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

void write_fake_dataset(const fs::path& dir, int n_train, int n_test, bool gzip) {
  fs::create_directories(dir);
  const std::string ext = gzip ? ".gz" : "";
  const auto write_split = [&](const std::string& prefix, int n, int split) {
    data::IdxArray images{data::IdxType::kUint8, {static_cast<uint32_t>(n), 28, 28}, {}};
    data::IdxArray labels{data::IdxType::kUint8, {static_cast<uint32_t>(n)}, {}};
    for (int i = 0; i < n; ++i) {
      images.body.insert(images.body.end(), 28 * 28, static_cast<uint8_t>((i * 7 + split) % 256));
      labels.body.push_back(static_cast<uint8_t>(i % 10));
    }
    write_bytes(dir / (prefix + "-images-idx3-ubyte" + ext), data::encode_idx(images, gzip));
    write_bytes(dir / (prefix + "-labels-idx1-ubyte" + ext), data::encode_idx(labels, gzip));
  };
  write_split("train", n_train, 0);
  write_split("t10k", n_test, 1);
}

CommandResult run_netprobe(const std::string& args) {
  // $NETPROBE_BIN overrides the binary this build made (e.g. to test an installed one).
  const char* env = std::getenv("NETPROBE_BIN");
  const std::string bin = env != nullptr ? env : NETPROBE_TEST_BIN;
  TempDir tmp;
  const std::string cmd = bin + " " + args + " >" + (tmp / "out").string() + " 2>" + (tmp / "err").string();
  const int status = std::system(cmd.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = core::read_file(tmp / "out");
  result.err = core::read_file(tmp / "err");
  return result;
}

fs::path repo_root() {
  const char* repo = std::getenv("NETPROBE_REPO");
  return repo != nullptr ? fs::path(repo) : fs::path(NETPROBE_TEST_REPO);
}

std::string real_data_arg() { return " --data-dir " + (repo_root() / "data").string(); }

std::optional<fs::path> shared_e2e_model() {
  const fs::path model = NETPROBE_TEST_E2E_MODEL;
  std::error_code ec;
  return fs::exists(model / "meta.json", ec) ? std::optional<fs::path>(model) : std::nullopt;
}

}  // namespace netprobe::testing
