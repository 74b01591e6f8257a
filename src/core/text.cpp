#include "core/text.h"

#include <cmath>

#include <fmt/format.h>

namespace netprobe::core {

std::string number_or_dash(double value, const char* spec) {
  return std::isnan(value) ? std::string("-") : fmt::format(fmt::runtime(spec), value);
}

size_t display_width(const std::string& text) {
  size_t width = 0;
  for (unsigned char c : text) width += (c & 0xC0) != 0x80;  // count the bytes that start a code point
  return width;
}

TextTable::TextTable(std::vector<std::string> headers, std::string align)
    : headers_(std::move(headers)), align_(std::move(align)) {
  if (align_.empty()) align_ = "l";
  align_.resize(headers_.size(), 'r');
}

void TextTable::add(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

std::string TextTable::str() const {
  std::vector<size_t> width(headers_.size());
  for (size_t c = 0; c < headers_.size(); ++c) {
    width[c] = display_width(headers_[c]);
    for (const auto& row : rows_) width[c] = std::max(width[c], display_width(row[c]));
  }
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t c = 0; c < cells.size(); ++c) {
      const std::string pad(width[c] - display_width(cells[c]), ' ');
      out += c > 0 ? "  " : "";
      out += align_[c] == 'l' ? cells[c] + pad : pad + cells[c];
    }
    out.erase(out.find_last_not_of(' ') + 1);
    return out + "\n";
  };
  std::string out = line(headers_);
  for (const auto& row : rows_) out += line(row);
  return out;
}

}  // namespace netprobe::core
