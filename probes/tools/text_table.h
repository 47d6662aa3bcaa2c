// Aligned columns for terminal output: figures right-aligned, text left,
// two spaces between columns, no padding after the last one, and text cut
// with "..." past a column's maximum width.
//
// Example:
//   TextTable t({{"PID"}, {"MEMORY", TextTable::kRight}});
//   t.AddRow({"<0.42.0>", "31.0 MB"});
//   std::cout << t.Render();
//
// Thread-compatible value type.
#ifndef OVERSEER_PROBES_TOOLS_TEXT_TABLE_H_
#define OVERSEER_PROBES_TOOLS_TEXT_TABLE_H_

#include <cstddef>
#include <string>
#include <vector>

namespace overseer {

class TextTable {
 public:
  enum Align { kLeft, kRight };
  struct Column {
    std::string header;
    Align align = kLeft;
    size_t max_width = 0;  // 0: no limit
  };

  explicit TextTable(std::vector<Column> columns);

  // Adds a row; missing cells are empty, extra cells are dropped.
  void AddRow(std::vector<std::string> cells);

  // The header line, then one line per row, each ending in "\n". Widths
  // count UTF-8 characters, not bytes.
  std::string Render() const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// The number of UTF-8 characters in `text` (continuation bytes not counted).
size_t DisplayWidth(const std::string& text);

// `text` cut to at most `width` characters, ending in "..." when cut.
std::string Truncate(const std::string& text, size_t width);

}  // namespace overseer

#endif  // OVERSEER_PROBES_TOOLS_TEXT_TABLE_H_
