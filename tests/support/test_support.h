#pragma once
/// Shared test helpers: temporary directories, tensor closeness, generated IDX datasets,
/// and running the netprobe binary.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/checkpoint.h"

namespace netprobe::testing {

/// A fresh directory under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

/// Seeds LibTorch's global generator before each test.
class SeededTest : public ::testing::Test {
 protected:
  void SetUp() override { torch::manual_seed(1234); }
};

/// Fails the test unless |a - b| <= atol + rtol * |b| elementwise (and shapes match).
void expect_close(const torch::Tensor& a, const torch::Tensor& b, double rtol = 1e-6, double atol = 1e-8);

/// A weight matrix with distinct magnitudes, mixed signs and (with_zeros) ~20% exact zeros,
/// the same for the same arguments (drawn from seed 17).
torch::Tensor weight_matrix(int64_t rows, int64_t cols, bool with_zeros);

/// The parameters of a small 20-8-2 MLP (fc1.weight, fc1.bias, fc2.weight, fc2.bias), N(0, 1)
/// entries drawn from seed 3.
core::NamedTensors small_mlp_params();

/// The entries of `t`, flattened and sorted ascending: equal multisets compare equal.
torch::Tensor sorted_values(const torch::Tensor& t);

/// Every src= and href= of an HTML page, in order.
std::vector<std::string> links_of(const std::string& html);

/// The links of `html` (a page in `dir`) whose file does not exist, or whose #anchor the target
/// page does not define.
std::vector<std::string> broken_links(const std::string& html, const std::filesystem::path& dir);

/// The message of the exception `fn` throws, or "" if it returns normally.
std::string error_of(const std::function<void()>& fn);

/// Writes raw bytes to a file.
void write_bytes(const std::filesystem::path& path, const std::vector<uint8_t>& bytes);

/// Writes a small MNIST-shaped dataset (4 IDX files, 28x28 images, labels cycling 0..9) into
/// `dir`. Image i of split s has every pixel equal to (i * 7 + s) % 256, so content is checkable.
void write_fake_dataset(const std::filesystem::path& dir, int n_train, int n_test, bool gzip);

/// Number of entries directly inside `dir`.
size_t entries_in(const std::filesystem::path& dir);

/// The pid of a process that has exited (a forked child, already reaped): what an interrupted
/// run's staged names carry.
long dead_pid();

/// Result of running a command.
struct CommandResult {
  int exit_code = -1;
  std::string out;  ///< stdout
  std::string err;  ///< stderr
};

/// " --data-dir <repo>/data": the real datasets, for e2e commands.
std::string real_data_arg();

/// Runs the netprobe binary of this build (or $NETPROBE_BIN) with the given shell-quoted arguments.
CommandResult run_netprobe(const std::string& args);

/// Root of the source tree (or $NETPROBE_REPO), for the real datasets under data/.
std::filesystem::path repo_root();

/// The model CTest's e2e fixture trained (MNIST 7 vs 9, 1 epoch), if it exists.
std::optional<std::filesystem::path> shared_e2e_model();

}  // namespace netprobe::testing
