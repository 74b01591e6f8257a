// Threads and memory limits of the process (src/core/runtime.h).
#include "core/runtime.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/errors.h"
#include "tests/support/test_support.h"

namespace netprobe::core {
namespace {

TEST(RuntimeTest, ConfigureThreadsAppliesCountAndRejectsNegative) {
  EXPECT_EQ(configure_threads(1), 1);
  EXPECT_EQ(torch::get_num_threads(), 1);
  EXPECT_EQ(configure_threads(0), available_cores());
  EXPECT_EQ(torch::get_num_threads(), available_cores());
  EXPECT_THROW(configure_threads(-1), std::exception);
  EXPECT_EQ(max_threads(), kMaxThreadsPerCore * available_cores());
  EXPECT_EQ(configure_threads(max_threads()), max_threads());
  EXPECT_THROW(configure_threads(max_threads() + 1), UsageError);
  EXPECT_THROW(configure_threads(100000), UsageError);
  configure_threads(1);
}

TEST(RuntimeTest, MemoryCheckRefusesWhatCannotFitAndNamesIt) {
  EXPECT_GT(physical_memory_bytes(), 1e8);
  EXPECT_NO_THROW(check_memory(1e6, "--n: small"));
  const std::string message = testing::error_of([] { check_memory(1e18, "--hidden: huge"); });
  EXPECT_NE(message.find("--hidden: huge needs 1000000000.0 GB of memory"), std::string::npos) << message;
  EXPECT_THROW(check_memory(1e300, "--n"), UsageError);
}

}  // namespace
}  // namespace netprobe::core
