#pragma once
/// Tables on stdout: columns as wide as their widest cell, and one way an undefined number looks.
///
///   TextTable t({"layer", "entries"}, "lr");
///   t.add({"fc1", "50176"});
///   std::cout << t.str();                 // "layer  entries\nfc1      50176\n"
///   number_or_dash(NAN, "{:.3g}") == "-"
#include <string>
#include <vector>

namespace netprobe::core {

/// `value` formatted with the fmt `spec`, or "-" when it is NaN (a value that was not computed).
std::string number_or_dash(double value, const char* spec);

/// The width of UTF-8 text on a terminal: its code points ("σ(w)" is 4 wide).
size_t display_width(const std::string& text);

class TextTable {
 public:
  /// `align`: one letter per column, 'l' (left) or 'r' (right); missing letters are 'r', except
  /// that the first column is left-aligned.
  explicit TextTable(std::vector<std::string> headers, std::string align = "");
  /// A row; missing cells are empty.
  void add(std::vector<std::string> cells);
  /// Header and rows, columns two spaces apart, no trailing spaces.
  std::string str() const;

 private:
  std::vector<std::string> headers_;
  std::string align_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace netprobe::core
