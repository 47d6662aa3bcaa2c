// The two halves of string interning. The writer's StringInterner gives each
// distinct string an id the first time a sample uses it and remembers which
// strings the next record must announce; the reader's StringTable collects
// the announced strings in id order. Id 0 is always the empty string.
//
// Example:
//   StringInterner interner;
//   uint32_t id = interner.Intern("handle_call");  // 1; announced once
//   std::vector<std::string> fresh = interner.TakeNew();  // {"handle_call"}
#ifndef OVERSEER_PROBES_CAPTURE_STRING_TABLE_H_
#define OVERSEER_PROBES_CAPTURE_STRING_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace overseer {

// Strings per block of a StringTable.
inline constexpr size_t kStringBlockSize = 1024;

// Writer side. Thread contract: owner only.
class StringInterner {
 public:
  // The id of `s`, assigning the next free one the first time.
  uint32_t Intern(const std::string& s);

  // Strings that got an id since the last call, in id order.
  std::vector<std::string> TakeNew();

  // Every string from id 1 on, in id order (for the end index).
  std::vector<std::string> AllStrings() const;

  // Number of ids assigned, the empty string's included.
  size_t size() const { return ids_.size() + 1; }

 private:
  absl::flat_hash_map<std::string, uint32_t> ids_;
  std::vector<std::string> fresh_;
};

// A frozen view of the first `count` strings of a StringTable. It stays valid
// and unchanged while the table grows, so a decoder can use it without a lock.
class StringTableView {
 public:
  // The string with id `id`, or nullptr when the id is not (yet) defined.
  const std::string* Find(uint32_t id) const;
  size_t size() const { return count_; }

 private:
  friend class StringTable;
  std::vector<std::shared_ptr<const std::vector<std::string>>> blocks_;
  size_t count_ = 0;
};

// Reader side: an append-only table in fixed-size blocks, so that growing it
// never moves a string a view may be reading. Thread contract: Add and View
// are serialised by the caller (the recording's lock); views are read freely.
class StringTable {
 public:
  StringTable();
  void Add(std::string s);
  size_t size() const { return count_; }
  StringTableView View() const;

 private:
  std::vector<std::shared_ptr<std::vector<std::string>>> blocks_;
  size_t count_ = 0;
};

}  // namespace overseer

#endif  // OVERSEER_PROBES_CAPTURE_STRING_TABLE_H_
