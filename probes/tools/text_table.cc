#include "probes/tools/text_table.h"

#include <algorithm>
#include <utility>

namespace overseer {

size_t DisplayWidth(const std::string& text) {
  size_t width = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0u) != 0x80u) ++width;
  }
  return width;
}

std::string Truncate(const std::string& text, size_t width) {
  if (DisplayWidth(text) <= width) return text;
  if (width <= 3) return std::string(width, '.');
  size_t keep = width - 3;
  size_t bytes = 0;
  size_t chars = 0;
  // Cut before the first byte of character `keep`, never inside one.
  while (bytes < text.size()) {
    bool starts_char = (static_cast<unsigned char>(text[bytes]) & 0xC0u) != 0x80u;
    if (starts_char && chars++ == keep) break;
    ++bytes;
  }
  return text.substr(0, bytes) + "...";
}

TextTable::TextTable(std::vector<Column> columns) : columns_(std::move(columns)) {}

void TextTable::AddRow(std::vector<std::string> cells) {
  cells.resize(columns_.size());
  for (size_t c = 0; c < columns_.size(); ++c) {
    if (columns_[c].max_width > 0) {
      cells[c] = Truncate(cells[c], columns_[c].max_width);
    }
  }
  rows_.push_back(std::move(cells));
}

std::string TextTable::Render() const {
  std::vector<size_t> widths(columns_.size());
  for (size_t c = 0; c < columns_.size(); ++c) {
    widths[c] = DisplayWidth(columns_[c].header);
    for (const std::vector<std::string>& row : rows_) {
      widths[c] = std::max(widths[c], DisplayWidth(row[c]));
    }
  }
  std::string out;
  auto line = [&](auto cell_of) {
    std::string text;
    for (size_t c = 0; c < columns_.size(); ++c) {
      const std::string& cell = cell_of(c);
      size_t pad = widths[c] - DisplayWidth(cell);
      bool last = c + 1 == columns_.size();
      if (c > 0) text += "  ";
      if (columns_[c].align == kRight) text.append(pad, ' ');
      text += cell;
      if (columns_[c].align == kLeft && !last) text.append(pad, ' ');
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text;
    out += '\n';
  };
  line([&](size_t c) -> const std::string& { return columns_[c].header; });
  for (const std::vector<std::string>& row : rows_) {
    line([&](size_t c) -> const std::string& { return row[c]; });
  }
  return out;
}

}  // namespace overseer
