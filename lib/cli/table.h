// A plain-text table for terminal output: a header row and aligned columns.
//
// Operators paste ftactl tables into tickets and grep them in scripts, so the
// format is deliberately boring: columns separated by two spaces, no borders,
// no trailing blanks, one line per row.
//
//   Table table({"ID", "STATE", "MiB/s"});
//   table.AlignRight(2);
//   table.AddRow({"fta-1", "ready", "812.30"});
//   std::cout << table.Render();
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace fta::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> header);

  // Numbers read best right-aligned so their decimal points line up.
  void AlignRight(size_t column);

  // Rows shorter than the header are padded with empty cells; extra cells are
  // kept (and widen the table) rather than silently dropped.
  void AddRow(std::vector<std::string> cells);

  size_t row_count() const { return rows_.size(); }

  // Header plus rows, each line ending in '\n'.
  std::string Render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<bool> right_aligned_;
};

// "Label:  value" lines with the values aligned, for single-resource views.
class FieldList {
 public:
  void Add(std::string label, std::string value);
  std::string Render() const;

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// Display width of UTF-8 text, counted in code points. Good enough for the
// Latin text ftactl prints; avoids misaligning on an accented hostname.
size_t DisplayWidth(const std::string& text);

}  // namespace fta::cli
