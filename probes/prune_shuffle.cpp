#include "probes/prune_shuffle.h"

#include "probes/prune.h"
#include "probes/shuffle.h"

namespace netprobe::probes {

const ProbeDefinition& prune_shuffle_probe() {
  static const ProbeDefinition definition{
      .name = "prune-shuffle",
      .description = "magnitude-prune p, then shuffle A or B",
      .variants = {"A", "B"},
      .level = LevelMeaning::fraction("p", "fraction pruned p"),
      .default_levels = pruning_grid(),
      .signed_mode = true,
      .study_variants = {"A", "B"},
      .make =
          [](const std::string& variant) {
            const ProbeStage prune_smallest = prune_probe().build("magnitude").stages.front();
            return Probe{{prune_smallest, shuffle_stage(variant)}, true};
          },
  };
  return definition;
}

}  // namespace netprobe::probes
