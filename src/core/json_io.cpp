#include "core/json_io.h"

#include <cmath>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/errors.h"

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

}  // namespace netprobe::core
