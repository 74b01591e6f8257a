// Which tasks a study runs: defaults, pairs in every accepted spelling, all pairs, class sets.
#include "experiments/study_tasks.h"

#include <gtest/gtest.h>

#include "core/errors.h"

namespace netprobe::experiments {
namespace {

std::vector<std::string> ids(const std::vector<data::TaskSpec>& tasks) {
  std::vector<std::string> out;
  for (const auto& t : tasks) out.push_back(t.id());
  return out;
}

TEST(StudyTasksTest, DefaultsArePROBESmdsFourTasksFilteredByDataset) {
  EXPECT_EQ(ids(select_tasks({})),
            (std::vector<std::string>{"mnist-0v7", "mnist-7v9", "fashion-mnist-3v2", "fashion-mnist-3v1"}));
  TaskSelection fashion;
  fashion.datasets = {"fashion-mnist"};
  EXPECT_EQ(ids(select_tasks(fashion)), (std::vector<std::string>{"fashion-mnist-3v2", "fashion-mnist-3v1"}));
}

TEST(StudyTasksTest, PairsAcceptTheTaskIdsTheToolPrints) {
  TaskSelection s;
  s.pairs = {"7-9", "mnist-7v9", "fashion-mnist:3-2", "fashion-mnist-3v2", "fashion-mnist-0v1v2", "9,7"};
  EXPECT_EQ(ids(select_tasks(s)),
            (std::vector<std::string>{"mnist-7v9", "fashion-mnist-3v2", "fashion-mnist-0v1v2", "mnist-9v7"}));
  EXPECT_EQ(parse_task_id("cifar-1v2"), std::nullopt);  // not a registered dataset: not a task id
  EXPECT_THROW(parse_task_id("mnist-7v7"), core::UsageError);
  s.pairs = {"mnist-7v12"};
  EXPECT_THROW(select_tasks(s), core::UsageError);
}

TEST(StudyTasksTest, UnitInputsFromTheTaskIdOrForEveryTask) {
  TaskSelection s;
  s.pairs = {"mnist-7v9", "mnist-7v9-unit"};
  const auto tasks = select_tasks(s);
  EXPECT_EQ(ids(tasks), (std::vector<std::string>{"mnist-7v9", "mnist-7v9-unit"}));
  EXPECT_EQ(tasks[1].inputs, data::InputScale::kUnit);
  s.inputs = data::InputScale::kUnit;  // --inputs unit: every task, the two ids become one
  EXPECT_EQ(ids(select_tasks(s)), (std::vector<std::string>{"mnist-7v9-unit"}));
  s = {};
  s.datasets = {"mnist"};
  s.inputs = data::InputScale::kUnit;
  EXPECT_EQ(ids(select_tasks(s)), (std::vector<std::string>{"mnist-0v7-unit", "mnist-7v9-unit"}));
}

TEST(StudyTasksTest, AllPairsAndClassSets) {
  TaskSelection s;
  s.all_pairs = true;
  EXPECT_EQ(select_tasks(s).size(), 45u);
  s.all_pairs = false;
  s.class_sets = {"all"};
  s.datasets = {"mnist", "fashion-mnist"};
  EXPECT_EQ(ids(select_tasks(s)),
            (std::vector<std::string>{"mnist-all", "fashion-mnist-all"}));
  s.datasets = {"cifar"};
  EXPECT_THROW(select_tasks(s), core::UsageError);
}

}  // namespace
}  // namespace netprobe::experiments
