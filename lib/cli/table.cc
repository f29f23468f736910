#include "lib/cli/table.h"

#include <algorithm>
#include <utility>

namespace fta::cli {
namespace {

// A cell must stay on one line or every column after it misaligns; error
// messages from agents sometimes carry newlines or tabs.
std::string SingleLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return text;
}

void Pad(std::string& line, size_t count) { line.append(count, ' '); }

}  // namespace

size_t DisplayWidth(const std::string& text) {
  size_t width = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++width;  // skip UTF-8 continuation bytes
  }
  return width;
}

Table::Table(std::vector<std::string> header) : header_(std::move(header)) {
  for (std::string& cell : header_) cell = SingleLine(std::move(cell));
  right_aligned_.assign(header_.size(), false);
}

void Table::AlignRight(size_t column) {
  if (column >= right_aligned_.size()) right_aligned_.resize(column + 1, false);
  right_aligned_[column] = true;
}

void Table::AddRow(std::vector<std::string> cells) {
  for (std::string& cell : cells) cell = SingleLine(std::move(cell));
  if (cells.size() < header_.size()) cells.resize(header_.size());
  rows_.push_back(std::move(cells));
}

std::string Table::Render() const {
  size_t columns = header_.size();
  for (const auto& row : rows_) columns = std::max(columns, row.size());
  std::vector<size_t> widths(columns, 0);
  auto measure = [&widths](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  };
  measure(header_);
  for (const auto& row : rows_) measure(row);

  std::string out;
  auto render_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < columns; ++i) {
      const std::string empty;
      const std::string& cell = i < row.size() ? row[i] : empty;
      size_t gap = widths[i] - DisplayWidth(cell);
      if (i > 0) line += "  ";
      bool right = i < right_aligned_.size() && right_aligned_[i];
      if (right) Pad(line, gap);
      line += cell;
      if (!right) Pad(line, gap);
    }
    // Padding of the last column is invisible and trips up diffs and greps.
    line.erase(line.find_last_not_of(' ') + 1);
    out += line;
    out += '\n';
  };
  render_row(header_);
  for (const auto& row : rows_) render_row(row);
  return out;
}

void FieldList::Add(std::string label, std::string value) {
  fields_.emplace_back(SingleLine(std::move(label)), SingleLine(std::move(value)));
}

std::string FieldList::Render() const {
  size_t width = 0;
  for (const auto& [label, value] : fields_) width = std::max(width, DisplayWidth(label) + 1);
  std::string out;
  for (const auto& [label, value] : fields_) {
    std::string line = label + ":";
    Pad(line, width - DisplayWidth(label) - 1 + 2);
    line += value;
    line.erase(line.find_last_not_of(' ') + 1);
    out += line;
    out += '\n';
  }
  return out;
}

}  // namespace fta::cli
