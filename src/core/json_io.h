#pragma once
/// JSON files and JSON-lines logs (nlohmann::json), written atomically.
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

namespace netprobe::core {

using Json = nlohmann::json;

/// Writes pretty-printed JSON atomically.
void write_json(const std::filesystem::path& path, const Json& value);

/// A number written by write_json, where JSON's null stands for NaN (JSON has no NaN: nlohmann
/// writes a non-finite double as null). Throws nlohmann's type_error for anything else.
double number_or_nan(const Json& value);

/// Parses JSON text read from `source`; throws Error naming it on a parse error.
Json parse_json(const std::string& text, const std::filesystem::path& source);

/// Reads a JSON file; throws Error naming the file on a missing file or a parse error.
Json read_json(const std::filesystem::path& path);

/// Appends one compact JSON object per line, flushed after every record so a killed run keeps
/// every completed line.
class JsonLinesWriter {
 public:
  explicit JsonLinesWriter(const std::filesystem::path& path);
  void write(const Json& record);

 private:
  std::filesystem::path path_;
  std::ofstream out_;
};

}  // namespace netprobe::core
