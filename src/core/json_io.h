#pragma once
/// JSON files and JSON-lines logs (nlohmann::json), written atomically.
#include <filesystem>
#include <fstream>
#include <vector>

#include <nlohmann/json.hpp>

namespace netprobe::core {

using Json = nlohmann::json;

/// Writes pretty-printed JSON atomically.
void write_json(const std::filesystem::path& path, const Json& value);

/// A number written by write_json, where JSON's null stands for NaN (JSON has no NaN: nlohmann
/// writes a non-finite double as null). Throws nlohmann's type_error for anything else.
double number_or_nan(const Json& value);

/// json[key] into `value` through its nlohmann serializer; a double reads JSON's null as NaN.
template <typename T>
void read_field(const Json& json, const char* key, T& value) {
  json.at(key).get_to(value);
}
inline void read_field(const Json& json, const char* key, double& value) { value = number_or_nan(json.at(key)); }
inline void read_field(const Json& json, const char* key, std::vector<double>& values) {
  values.clear();
  for (const auto& v : json.at(key)) values.push_back(number_or_nan(v));
}

// One field of NETPROBE_JSON_FIELDS: written under its own name, read back NaN-aware.
#define NETPROBE_JSON_WRITE_FIELD(field) json[#field] = value.field;
#define NETPROBE_JSON_READ_FIELD(field) ::netprobe::core::read_field(json, #field, value.field);

/// to_json and from_json (found by nlohmann through ADL) for a struct whose JSON keys are its
/// field names, through nlohmann's field-list machinery; a NaN double is written as null and read
/// back as NaN, which NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE would refuse.
///   struct Spread { double median, q1, q3; int n; };   NETPROBE_JSON_FIELDS(Spread, median, q1, q3, n)
#define NETPROBE_JSON_FIELDS(Type, ...)                                               \
  inline void to_json(::netprobe::core::Json& json, const Type& value) {              \
    NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(NETPROBE_JSON_WRITE_FIELD, __VA_ARGS__)) \
  }                                                                                   \
  inline void from_json(const ::netprobe::core::Json& json, Type& value) {            \
    NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(NETPROBE_JSON_READ_FIELD, __VA_ARGS__))  \
  }

/// Parses JSON text read from `source`; throws Error naming it on a parse error.
Json parse_json(const std::string& text, const std::filesystem::path& source);

/// Reads a JSON file; throws Error naming the file on a missing file or a parse error.
Json read_json(const std::filesystem::path& path);

/// The content hash a cache file records for `value` (FNV-1a of its compact JSON, hex).
std::string json_content_hash(const Json& value);

/// Whether `file[key]` matches the hash `file[key + "_hash"]` recorded when it was written; false
/// when either is missing (a cache from before hashes, or a damaged one: computed again).
bool matches_content_hash(const Json& file, const std::string& key);

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
