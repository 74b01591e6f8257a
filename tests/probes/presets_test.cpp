#include "probes/presets.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "probes/binarize.h"
#include "probes/noise.h"

namespace netprobe::probes {
namespace {

TEST(PresetsTest, TheStudyCoversEveryProbeWithControlsAndSignedVariants) {
  const auto specs = study_preset(study_probes(study_probe_names()), 5);
  // prune 3, binarize 2, noise 1, flip 3, shuffle 7, prune-shuffle 2
  EXPECT_EQ(specs.size(), 18u);
  EXPECT_EQ(count_evaluations(specs), 1575);
  for (const auto& spec : specs) {
    // sign() of a binarized network is itself: the one probe evaluated full precision only
    EXPECT_EQ(spec.evaluates(Mode::kSigned), spec.probe().name != "binarize") << spec.probe().name;
    EXPECT_TRUE(spec.scope().is_all());
  }
  EXPECT_EQ(specs[5].probe().name, "noise");
  EXPECT_EQ(specs[5].variant(), "uniform");  // the study's one noise variant
}

TEST(PresetsTest, StudyProbesKeepRegistryOrderAndTheOldNameOfPruneShuffle) {
  const auto selected = study_probes({"shuffle", "combined", "prune"});
  ASSERT_EQ(selected.size(), 3u);
  EXPECT_EQ(selected[0]->name, "prune");
  EXPECT_EQ(selected[1]->name, "shuffle");
  EXPECT_EQ(selected[2]->name, "prune-shuffle");
  EXPECT_THROW(study_probes({"dropout"}), core::UsageError);
}

TEST(PresetsTest, ALayerProfileAnswersPerLayer) {
  const auto profile = layer_profile_preset({"fc1", "fc2"}, 5);
  // per layer: magnitude pruning, binarize, shuffle B, and for the compression answer random
  // pruning and noise
  ASSERT_EQ(profile.size(), 2u * 5);
  EXPECT_EQ(profile.back().scope().label(), "fc2");
  EXPECT_EQ(&profile[1].probe(), &binarize_probe());
  EXPECT_FALSE(profile[4].evaluates(Mode::kSigned));
  EXPECT_EQ(&profile[4].probe(), &noise_probe());
}

TEST(PresetsTest, TheRnnPresetRunsItsOwnNoiseGrid) {
  const auto specs = rnn_preset({Scope::parse("U+V")});
  ASSERT_EQ(specs.size(), 9u);
  const auto& noise = specs[4];
  EXPECT_EQ(noise.variant(), "gaussian");
  ASSERT_EQ(noise.levels().size(), 31u);
  EXPECT_DOUBLE_EQ(noise.levels().front(), 1.0 / 128);
  EXPECT_DOUBLE_EQ(noise.levels().back(), 8.0);
  // magnitude/random pruning both modes (23 x (1 + 5) x 2), binarize 2, noise 31 x 5, flips
  // 30 x (1 + 5), shuffles 2 x 5
  EXPECT_EQ(count_evaluations(specs), 1 + 23 * 6 * 2 + 2 + 31 * 5 + 30 * 6 + 10);
}

}  // namespace
}  // namespace netprobe::probes
