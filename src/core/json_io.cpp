#include "core/json_io.h"

#include <cmath>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/seeding.h"

namespace netprobe::core {

void write_json(const std::filesystem::path& path, const Json& value) { write_file_atomic(path, value.dump(2) + "\n"); }

double number_or_nan(const Json& value) { return value.is_null() ? std::nan("") : value.get<double>(); }

Json parse_json(const std::string& text, const std::filesystem::path& source) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw Error(fmt::format("{}: invalid JSON ({})", source.string(), e.what()));
  }
}

Json read_json(const std::filesystem::path& path) { return parse_json(read_file(path), path); }

JsonLinesWriter::JsonLinesWriter(const std::filesystem::path& path) : path_(path), out_(path, std::ios::app) {
  if (!out_) throw Error(fmt::format("{}: cannot open for writing", path.string()));
}

void JsonLinesWriter::write(const Json& record) {
  out_ << record.dump() << '\n';
  out_.flush();
  if (!out_) throw Error(fmt::format("{}: write failed", path_.string()));
}

std::string json_content_hash(const Json& value) { return fmt::format("{:016x}", tag_of(value.dump())); }

bool matches_content_hash(const Json& file, const std::string& key) {
  const std::string hash_key = key + "_hash";
  return file.is_object() && file.contains(key) && file.contains(hash_key) && file.at(hash_key).is_string() &&
         file.at(hash_key).get<std::string>() == json_content_hash(file.at(key));
}

}  // namespace netprobe::core
