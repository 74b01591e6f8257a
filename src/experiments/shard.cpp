#include "experiments/shard.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "core/errors.h"

namespace fs = std::filesystem;

namespace netprobe::experiments {
namespace {

constexpr size_t kListed = 5;  // missing units named in the merge's one-line error

// A whole non-negative number below 2^31, or nullopt ("", "3x", "-1", "99999999999").
std::optional<int> parse_count(const std::string& text) {
  if (text.empty() || text.size() > 9 ||
      !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) != 0; }))
    return std::nullopt;
  return std::stoi(text);
}

std::optional<int> env_number(const std::function<const char*(const char*)>& getenv, const char* name) {
  const char* value = getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  const auto n = parse_count(value);
  if (!n) throw core::UsageError(fmt::format("{}: not a whole number: '{}'", name, value));
  return n;
}

}  // namespace

std::string Shard::label() const { return fmt::format("{}/{}", index, count); }

Shard parse_shard(const std::string& text, const std::string& option) {
  const auto slash = text.find('/');
  const auto k = slash == std::string::npos ? std::nullopt : parse_count(text.substr(0, slash));
  const auto n = slash == std::string::npos ? std::nullopt : parse_count(text.substr(slash + 1));
  if (!k || !n || *n < 1 || *k >= *n) {
    throw core::UsageError(
        fmt::format("{}: expected k/n with 0 <= k < n (shard k of n, e.g. 3/64), got '{}'", option, text));
  }
  return {*k, *n};
}

std::optional<Shard> shard_from_environment(const std::function<const char*(const char*)>& getenv,
                                            std::optional<int> count) {
  const auto id = env_number(getenv, "SLURM_ARRAY_TASK_ID");
  if (!id) return std::nullopt;
  if (!count) {
    count = env_number(getenv, "SLURM_ARRAY_TASK_COUNT");
    const auto min = env_number(getenv, "SLURM_ARRAY_TASK_MIN");
    const auto max = env_number(getenv, "SLURM_ARRAY_TASK_MAX");
    const bool numbered_from_zero = count && min.value_or(0) == 0 && max.value_or(*count - 1) == *count - 1;
    if (!numbered_from_zero) {
      throw core::UsageError(fmt::format(
          "SLURM_ARRAY_TASK_ID={}: the array is not numbered 0..n-1 (SLURM_ARRAY_TASK_COUNT={}, MIN={}, MAX={}); "
          "pass --shard-count n, the number of shards of the whole study",
          *id, count ? std::to_string(*count) : "unset", min ? std::to_string(*min) : "unset",
          max ? std::to_string(*max) : "unset"));
    }
  }
  if (*count < 1 || *id >= *count) {
    throw core::UsageError(
        fmt::format("SLURM_ARRAY_TASK_ID={} is not a shard of {}: array indices must run from 0 to the shard count - 1",
                    *id, *count));
  }
  return Shard{*id, *count};
}

fs::path shard_record_path(const fs::path& out, const Shard& shard) {
  return out / "shards" / fmt::format("shard-{}-of-{}.json", shard.index, shard.count);
}

std::vector<int> recorded_shard_counts(const fs::path& out) {
  static const std::regex pattern(R"(^shard-[0-9]+-of-([0-9]{1,9})\.json$)");
  std::set<int> counts;
  std::error_code ec;
  for (auto it = fs::directory_iterator(out / "shards", ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    std::smatch match;
    const std::string name = it->path().filename().string();
    if (std::regex_match(name, match, pattern) && std::stoi(match[1].str()) > 0) counts.insert(std::stoi(match[1]));
  }
  return {counts.begin(), counts.end()};
}

std::optional<Shard> select_shard(const std::string& text, std::optional<int> count, bool merge,
                                  const std::string& command) {
  if (count && *count < 1) throw core::UsageError(fmt::format("--shard-count: must be >= 1, got {}", *count));
  if (!text.empty() && merge) throw core::UsageError("--merge: a merge takes every shard's results; drop --shard");
  if (!text.empty()) {
    const Shard shard = parse_shard(text);
    if (count && *count != shard.count) {
      throw core::UsageError(fmt::format("--shard-count: {} contradicts --shard {}", *count, text));
    }
    return shard;
  }
  if (merge) return std::nullopt;
  const std::optional<Shard> shard = shard_from_environment(std::getenv, count);
  if (!shard && count) {
    throw core::UsageError("--shard-count: only inside a SLURM array task (SLURM_ARRAY_TASK_ID); else use --shard k/n");
  }
  if (shard) spdlog::info("{}: shard {} from SLURM_ARRAY_TASK_ID", command, shard->label());
  return shard;
}

std::string describe_missing(const std::vector<MissingUnit>& missing, size_t total, const std::string& what,
                             const fs::path& out) {
  std::vector<std::string> named;
  for (size_t i = 0; i < missing.size() && i < kListed; ++i) {
    named.push_back(fmt::format("{} ({})", missing[i].name, missing[i].why));
  }
  std::string line =
      fmt::format("--merge: {} not finished: {} of {}: {}{}", what, missing.size(), total, fmt::join(named, ", "),
                  missing.size() > kListed ? fmt::format(" and {} more", missing.size() - kListed) : "");
  const std::vector<int> counts = recorded_shard_counts(out);
  if (counts.empty()) return line + "; no shard has finished in " + out.string() + " yet";
  for (int n : counts) {
    std::set<size_t> owners;
    for (const auto& m : missing) owners.insert(m.index % static_cast<size_t>(n));
    std::vector<std::string> labels;
    for (size_t k : owners) labels.push_back(fmt::format("{}/{}", k, n));
    line += fmt::format("; shards to run (again): {}", fmt::join(labels, " "));
  }
  return line;
}

}  // namespace netprobe::experiments
