// Zip archives as PyTorch and LibTorch write them (TorchScript models, torch.save'd tensors) pass
// the CRC check; one changed byte inside a tensor, or a truncated file, fails it naming the file;
// files that are not zip archives are left to their readers.
#include "core/zip_check.h"

#include <gtest/gtest.h>

#include "core/atomic_file.h"
#include "tests/support/script_models.h"
#include "tests/support/test_support.h"

namespace netprobe::core {
namespace {

TEST(ZipCheckTest, AChangedTensorByteOrATruncatedArchiveFailsNamingTheFile) {
  testing::TempDir tmp;
  torch::jit::Module model = testing::tiny_cnn(2, 1);
  for (const auto& p : model.named_parameters()) {
    if (p.name == "fc.weight") p.value.detach().fill_(0.25);  // bytes 00 00 80 3e, easy to find
  }
  model.save((tmp / "model.pt").string());
  EXPECT_NO_THROW(check_zip_crcs(tmp / "model.pt"));
  std::string bytes = read_file(tmp / "model.pt");
  const size_t at = bytes.find(std::string("\x00\x00\x80\x3e", 4));
  ASSERT_NE(at, std::string::npos);
  std::string changed = bytes;
  changed[at + 2] = static_cast<char>(0x81);
  testing::write_bytes(tmp / "changed.pt", std::vector<uint8_t>(changed.begin(), changed.end()));
  const std::string message = testing::error_of([&] { check_zip_crcs(tmp / "changed.pt"); });
  EXPECT_NE(message.find("changed.pt: damaged archive: entry "), std::string::npos) << message;
  EXPECT_NE(message.find("fails its CRC-32 check"), std::string::npos) << message;

  testing::write_bytes(tmp / "short.pt", std::vector<uint8_t>(bytes.begin(), bytes.begin() + bytes.size() / 2));
  EXPECT_NE(testing::error_of([&] { check_zip_crcs(tmp / "short.pt"); }).find("short.pt: damaged archive"),
            std::string::npos);

  const auto [x, y] = testing::tiny_images(6, 2);
  testing::save_test_set(tmp / "test.pt", x, y);
  EXPECT_NO_THROW(check_zip_crcs(tmp / "test.pt"));
  testing::write_bytes(tmp / "legacy.pt", {0x80, 0x02, 0x8a, 0x0a});  // a pickle, not a zip
  EXPECT_NO_THROW(check_zip_crcs(tmp / "legacy.pt"));
}

TEST(ZipCheckTest, DeflatedEntriesAsPythonWritesThemAreChecked) {
  if (std::system("/usr/bin/python3 -c 'import zipfile' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "no python3: deflated archives are not written here";
  }
  testing::TempDir tmp;
  const std::string make = "/usr/bin/python3 -c \"import zipfile; z = zipfile.ZipFile('" + (tmp / "d.zip").string() +
                           "', 'w', zipfile.ZIP_DEFLATED); z.writestr('a/data', bytes(range(256)) * 40); z.close()\"";
  ASSERT_EQ(std::system(make.c_str()), 0);
  EXPECT_NO_THROW(check_zip_crcs(tmp / "d.zip"));
  std::string bytes = read_file(tmp / "d.zip");
  bytes[40] = static_cast<char>(bytes[40] ^ 0x20);  // inside the deflated data of the only entry
  testing::write_bytes(tmp / "e.zip", std::vector<uint8_t>(bytes.begin(), bytes.end()));
  EXPECT_NE(testing::error_of([&] { check_zip_crcs(tmp / "e.zip"); }).find("e.zip: damaged archive: entry a/data"),
            std::string::npos);
}

}  // namespace
}  // namespace netprobe::core
