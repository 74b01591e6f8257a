#pragma once
/// Which tasks a study runs: PROBES.md's four default tasks, class pairs, all pairs, k-class sets.
///
///   TaskSelection s;  s.pairs = {"7-9", "fashion-mnist:3-2"};
///   std::vector<data::TaskSpec> tasks = select_tasks(s);   // mnist-7v9, fashion-mnist-3v2
#include <optional>
#include <string>
#include <vector>

#include "data/task.h"

namespace netprobe::experiments {

struct TaskSelection {
  std::vector<std::string> datasets;  ///< empty = mnist and fashion-mnist (or mnist for pairs)
  std::vector<std::string> pairs;     ///< "0-7" (every dataset), "fashion-mnist:3-2", "mnist-7v9"
  bool all_pairs = false;
  std::vector<std::string> class_sets;  ///< k-class tasks, e.g. "all" or "0,1,2"
  /// Every task's input scale when given (--inputs); else each task id's own (signed by default).
  std::optional<data::InputScale> inputs;
};

/// PROBES.md's default tasks: MNIST 0v7 and 7v9, Fashion-MNIST 3v2 and 3v1.
const std::vector<data::TaskSpec>& default_tasks();

/// A task id as netprobe prints it ("mnist-7v9", "fashion-mnist-0v1v2"); nullopt when `text`
/// is not of that form or names no registered dataset; UsageError for bad classes.
std::optional<data::TaskSpec> parse_task_id(const std::string& text);

/// The tasks a selection names, without duplicates, in the order given; the default tasks of the
/// selected datasets when it names none. UsageError for an unknown dataset or a bad class list.
std::vector<data::TaskSpec> select_tasks(const TaskSelection& selection);

}  // namespace netprobe::experiments
