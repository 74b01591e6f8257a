// Pickles are walked before LibTorch unpickles them: real ones (a TorchScript model's, a
// torch.save'd test set's) pass; a length or memo index past the pickle's end, an unknown opcode
// or a missing STOP fails naming where, and an archive rewritten with valid CRC-32s but a
// crafted string length is refused before the unpickler allocates what the length says.
#include "core/pickle_check.h"

#include <gtest/gtest.h>

#include <caffe2/serialize/inline_container.h>

#include "core/tensor_bounds.h"
#include "core/zip_check.h"
#include "data/tensor_file.h"
#include "tests/support/script_models.h"
#include "tests/support/test_support.h"

namespace netprobe::core {
namespace {

std::string error_of_pickle(const std::string& bytes) {
  return testing::error_of([&] { check_pickle(bytes, "p.pkl"); });
}

TEST(PickleCheckTest, OpcodesWhoseArgumentsFitPassAndOthersFailNamingTheByte) {
  // {"x": "hi"} as protocol 2 writes it: PROTO 2, EMPTY_DICT, BINPUT 0, BINUNICODE "x", ...
  const std::string good("\x80\x02}q\x00X\x01\x00\x00\x00xq\x01X\x02\x00\x00\x00hiq\x02s.", 24);
  EXPECT_NO_THROW(check_pickle(good, "p.pkl"));
  EXPECT_NO_THROW(check_pickle(good + "trailing bytes are not read", "p.pkl"));

  std::string long_string = good;
  long_string[6] = '\xf0', long_string[7] = '\xff', long_string[8] = '\xff', long_string[9] = '\xff';
  EXPECT_EQ(error_of_pickle(long_string),
            "p.pkl: not a valid pickle: a string of 4294967280 bytes runs past the end at byte 5");
  EXPECT_NE(error_of_pickle(std::string("\x80\x02r\xff\xff\xff\x7f.", 8)).find("memo index 2147483647 beyond"),
            std::string::npos);
  EXPECT_NE(error_of_pickle(std::string("\x80\x02\x95\x00\x00\x00\x00\x01\x00\x00\x00.", 12)).find("a frame of"),
            std::string::npos);
  EXPECT_NE(error_of_pickle("\x80\x02\xff.").find("unknown opcode 0xff at byte 2"), std::string::npos);
  EXPECT_NE(error_of_pickle(good.substr(0, good.size() - 1)).find("ends before its STOP"), std::string::npos);
  EXPECT_NE(error_of_pickle("\x80\x02"
                            "ctorch\nFloat")
                .find("without its newline"),
            std::string::npos);
  EXPECT_NE(error_of_pickle("\x80").find("runs past the end at byte 0"), std::string::npos);
  // The stack as the opcodes need it (LibTorch trusts it): the fuzzer's minimized crash, a dict
  // from a mark with one item, and an append with nothing to append to.
  EXPECT_NE(error_of_pickle("\x80\x02}(((((t(((td.").find("a dict of 1 keys and values at byte 13"), std::string::npos);
  EXPECT_NE(error_of_pickle("\x80\x02}(Nu.").find("a dict of 1 keys and values"), std::string::npos);
  EXPECT_NE(error_of_pickle("\x80\x02Na.").find("finds too little on the stack at byte 3"), std::string::npos);
  EXPECT_NE(error_of_pickle("\x80\x02Nt.").find("finds no mark"), std::string::npos);
  EXPECT_NE(error_of_pickle(std::string("\x80\x02h\x00.", 5)).find("memo index 0 read before it is written"),
            std::string::npos);
}

TEST(PickleCheckTest, ArchivesWithValidChecksumsButACraftedLengthAreRefusedBeforeUnpickling) {
  testing::TempDir tmp;
  testing::tiny_cnn(2, 1).save((tmp / "model.pt").string());
  EXPECT_NO_THROW(check_zip_crcs(tmp / "model.pt"));  // every pickle of a real model passes
  const auto [x, y] = testing::tiny_images(6, 2);
  testing::save_test_set(tmp / "test.pt", x, y);
  EXPECT_NO_THROW(check_zip_crcs(tmp / "test.pt"));

  // The test set again, its data.pkl's first BINUNICODE length made 0x7ffffff0, written by LibTorch's
  // own zip writer so every CRC-32 is right.
  caffe2::serialize::PyTorchStreamReader reader((tmp / "test.pt").string());
  caffe2::serialize::PyTorchStreamWriter writer((tmp / "crafted.pt").string());
  bool crafted = false;
  for (const std::string& name : reader.getAllRecords()) {
    auto [data, size] = reader.getRecord(name);
    std::string bytes(static_cast<const char*>(data.get()), size);
    if (name == "data.pkl") {
      const size_t at = bytes.find('X');
      ASSERT_NE(at, std::string::npos);
      bytes.replace(at + 1, 4, std::string("\xf0\xff\xff\x7f", 4));
      crafted = true;
    }
    writer.writeRecord(name, bytes.data(), bytes.size());
  }
  writer.writeEndOfFile();
  ASSERT_TRUE(crafted);
  const std::string message = testing::error_of([&] { data::load_tensor_file(tmp / "crafted.pt"); });
  EXPECT_NE(message.find("crafted.pt: entry "), std::string::npos) << message;
  EXPECT_NE(message.find("data.pkl: not a valid pickle: a string of 2147483632 bytes runs past the end"),
            std::string::npos)
      << message;
}

// The test set rewritten (valid CRC-32s) with one record replaced: LibTorch would size the storage
// by the pickle's numel and read past the record (the tensor-file fuzzer's first finding).
TEST(PickleCheckTest, AStorageRecordShorterThanItsPickleClaimsIsRefused) {
  testing::TempDir tmp;
  const auto [x, y] = testing::tiny_images(6, 2);
  testing::save_test_set(tmp / "test.pt", x, y);
  caffe2::serialize::PyTorchStreamReader reader((tmp / "test.pt").string());
  caffe2::serialize::PyTorchStreamWriter writer((tmp / "short.pt").string());
  for (const std::string& name : reader.getAllRecords()) {
    auto [data, size] = reader.getRecord(name);
    writer.writeRecord(name, data.get(), name == "data/0" ? 16 : size);
  }
  writer.writeEndOfFile();
  const std::string message = testing::error_of([&] { data::load_tensor_file(tmp / "short.pt"); });
  EXPECT_NE(message.find("short.pt: entry short/data.pkl: not a valid pickle: storage '0' claims "), std::string::npos)
      << message;
  EXPECT_NE(message.find("its record holds 16 bytes"), std::string::npos) << message;
}

TEST(TensorBoundsTest, TensorsReachingBeyondTheirStorageAreRefused) {
  const torch::Tensor storage = torch::zeros({4});
  EXPECT_NO_THROW(check_within_storage(storage.view({2, 2}), "t"));
  EXPECT_NO_THROW(check_within_storage(storage.narrow(0, 1, 3), "t"));
  EXPECT_NO_THROW(check_within_storage(storage.expand({5, 4}), "t"));  // stride 0 repeats
  // Sizes as a pickle may claim them, set without LibTorch's own check.
  const auto claimed = [&](std::vector<int64_t> sizes, std::vector<int64_t> strides, int64_t offset) {
    torch::Tensor t = storage.view({4});
    t = torch::Tensor(t.unsafeGetTensorImpl()->shallow_copy_and_detach(c10::VariableVersion(0), false));
    t.unsafeGetTensorImpl()->set_sizes_and_strides(sizes, strides);
    t.unsafeGetTensorImpl()->set_storage_offset(offset);
    return testing::error_of([&] { check_within_storage(t, "t"); });
  };
  EXPECT_EQ(claimed({2, 3}, {3, 1}, 0),
            "t: its sizes [2, 3] reach beyond its storage of 16 bytes (a damaged or "
            "crafted archive)");
  EXPECT_NE(claimed({2}, {1}, 3).find("reach beyond"), std::string::npos);
  EXPECT_EQ(claimed({2}, {1}, 2), "");
  EXPECT_NE(claimed({3, int64_t{1} << 40}, {int64_t{1} << 40, 1}, 0).find("reach beyond"), std::string::npos);
}

}  // namespace
}  // namespace netprobe::core
