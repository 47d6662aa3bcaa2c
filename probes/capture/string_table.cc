#include "probes/capture/string_table.h"

#include <utility>

namespace overseer {

uint32_t StringInterner::Intern(const std::string& s) {
  if (s.empty()) return 0;
  auto [it, inserted] =
      ids_.try_emplace(s, static_cast<uint32_t>(ids_.size() + 1));
  if (inserted) fresh_.push_back(s);
  return it->second;
}

std::vector<std::string> StringInterner::TakeNew() {
  std::vector<std::string> out;
  out.swap(fresh_);
  return out;
}

std::vector<std::string> StringInterner::AllStrings() const {
  std::vector<std::string> out(ids_.size());
  for (const auto& [s, id] : ids_) out[id - 1] = s;
  return out;
}

const std::string* StringTableView::Find(uint32_t id) const {
  if (id >= count_) return nullptr;
  return &(*blocks_[id / kStringBlockSize])[id % kStringBlockSize];
}

StringTable::StringTable() { Add(std::string()); }

void StringTable::Add(std::string s) {
  if (count_ % kStringBlockSize == 0) {
    blocks_.push_back(std::make_shared<std::vector<std::string>>(kStringBlockSize));
  }
  (*blocks_.back())[count_ % kStringBlockSize] = std::move(s);
  ++count_;
}

StringTableView StringTable::View() const {
  StringTableView view;
  view.blocks_.assign(blocks_.begin(), blocks_.end());
  view.count_ = count_;
  return view;
}

}  // namespace overseer
