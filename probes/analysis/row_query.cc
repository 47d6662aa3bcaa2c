#include "probes/analysis/row_query.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <numeric>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"

namespace overseer {
namespace {

struct KeyName {
  SortKey key;
  const char* name;
};

constexpr KeyName kKeyNames[] = {
    {SortKey::kMemory, "memory"},
    {SortKey::kMsgq, "msgq"},
    {SortKey::kHeldSpecBytes, "held"},
    {SortKey::kGrowth, "growth"},
    {SortKey::kReductions, "reductions"},
    {SortKey::kReductionsDelta, "reductions_delta"},
    {SortKey::kMailboxBytes, "mailbox_bytes"},
    {SortKey::kBinaryBytes, "binary"},
    {SortKey::kPid, "pid"},
    {SortKey::kName, "name"},
    {SortKey::kCurrentFunction, "current_function"},
    {SortKey::kPeakMemory, "peak_memory"},
    {SortKey::kPeakMsgq, "peak_msgq"},
    {SortKey::kPeakMailboxBytes, "peak_mailbox_bytes"},
};

// Maps a double to an unsigned integer with the same order, so that every
// numeric column sorts through one integer path. NaN sorts as zero.
uint64_t OrderedBits(double value) {
  if (std::isnan(value)) value = 0.0;
  uint64_t bits = std::bit_cast<uint64_t>(value);
  return (bits & (1ull << 63)) ? ~bits : bits | (1ull << 63);
}

uint64_t NumericKey(const ProcessRow& row, SortKey key) {
  switch (key) {
    case SortKey::kMemory:
      return row.memory;
    case SortKey::kMsgq:
      return row.msgq;
    case SortKey::kHeldSpecBytes:
      return row.held_spec_bytes;
    case SortKey::kGrowth:
      return OrderedBits(row.memory_growth_per_s);
    case SortKey::kReductions:
      return row.reductions;
    case SortKey::kReductionsDelta:
      return row.reductions_delta;
    case SortKey::kMailboxBytes:
      return row.mailbox_bytes;
    case SortKey::kBinaryBytes:
      return row.binary_bytes;
    case SortKey::kPid:
      return row.pid;
    case SortKey::kPeakMemory:
      return row.run_peak_memory;
    case SortKey::kPeakMsgq:
      return row.run_peak_msgq;
    case SortKey::kPeakMailboxBytes:
      return row.run_peak_mailbox_bytes;
    case SortKey::kName:
    case SortKey::kCurrentFunction:
      break;
  }
  return 0;
}

bool IsTextKey(SortKey key) {
  return key == SortKey::kName || key == SortKey::kCurrentFunction;
}

// Sorts (key, index) pairs and writes the indices back: contiguous keys
// make a million-row sort a matter of tens of milliseconds, where comparing
// through the rows would not be. Ties keep index (pid) order.
void SortKeyed(std::vector<std::pair<uint64_t, uint32_t>>& keyed, size_t limit,
               std::vector<uint32_t>& indices) {
  if (limit > 0 && limit < keyed.size()) {
    auto middle = keyed.begin() + static_cast<ptrdiff_t>(limit);
    std::partial_sort(keyed.begin(), middle, keyed.end());
    keyed.erase(middle, keyed.end());
  } else {
    std::sort(keyed.begin(), keyed.end());
  }
  indices.resize(keyed.size());
  for (size_t i = 0; i < keyed.size(); ++i) indices[i] = keyed[i].second;
}

void SortNumeric(const std::vector<ProcessRow>& rows, SortKey key, bool descending,
                 size_t limit, std::vector<uint32_t>& indices) {
  std::vector<std::pair<uint64_t, uint32_t>> keyed(indices.size());
  for (size_t i = 0; i < indices.size(); ++i) {
    uint64_t k = NumericKey(rows[indices[i]], key);
    keyed[i] = {descending ? ~k : k, indices[i]};
  }
  SortKeyed(keyed, limit, indices);
}

// Text repeats (every worker of a pool shares its initial call), so each
// distinct text is ranked once and the rows then sort by rank as numbers.
void SortText(const std::vector<ProcessRow>& rows, SortKey key, bool descending,
              size_t limit, std::vector<uint32_t>& indices) {
  auto text = [&](uint32_t i) -> absl::string_view {
    return key == SortKey::kName ? rows[i].name : rows[i].current_function;
  };
  absl::flat_hash_map<absl::string_view, uint32_t> ids;
  std::vector<absl::string_view> distinct;
  std::vector<uint32_t> id_of(indices.size());
  for (size_t i = 0; i < indices.size(); ++i) {
    absl::string_view t = text(indices[i]);
    auto [it, inserted] = ids.try_emplace(t, static_cast<uint32_t>(distinct.size()));
    if (inserted) distinct.push_back(t);
    id_of[i] = it->second;
  }
  std::vector<uint32_t> by_text(distinct.size());
  std::iota(by_text.begin(), by_text.end(), 0u);
  std::sort(by_text.begin(), by_text.end(),
            [&](uint32_t a, uint32_t b) { return distinct[a] < distinct[b]; });
  std::vector<uint64_t> rank(distinct.size());
  for (size_t r = 0; r < by_text.size(); ++r) rank[by_text[r]] = r;
  std::vector<std::pair<uint64_t, uint32_t>> keyed(indices.size());
  for (size_t i = 0; i < indices.size(); ++i) {
    uint64_t k = rank[id_of[i]];
    keyed[i] = {descending ? ~k : k, indices[i]};
  }
  SortKeyed(keyed, limit, indices);
}

bool ContainsLower(std::string_view haystack, std::string_view lower_needle) {
  if (lower_needle.size() > haystack.size()) return false;
  const auto* it =
      std::search(haystack.begin(), haystack.end(), lower_needle.begin(),
                  lower_needle.end(), [](char a, char b) {
                    return absl::ascii_tolower(static_cast<unsigned char>(a)) == b;
                  });
  return it != haystack.end();
}

}  // namespace

std::optional<SortKey> ParseSortKey(std::string_view name) {
  for (const KeyName& entry : kKeyNames) {
    if (name == entry.name) return entry.key;
  }
  return std::nullopt;
}

const char* ToString(SortKey key) {
  for (const KeyName& entry : kKeyNames) {
    if (entry.key == key) return entry.name;
  }
  return "unknown";
}

bool SortsDescendingByDefault(SortKey key) {
  return !IsTextKey(key) && key != SortKey::kPid;
}

bool RowMatches(const ProcessRow& row, std::string_view lower_filter) {
  if (lower_filter.empty()) return true;
  if (ContainsLower(row.name, lower_filter) ||
      ContainsLower(row.current_function, lower_filter)) {
    return true;
  }
  char pid[32] = "<0.";
  auto [end, ec] = std::to_chars(pid + 3, pid + sizeof(pid) - 4, row.pid);
  if (ec != std::errc()) return false;
  std::copy_n(".0>", 3, end);
  return ContainsLower(std::string_view(pid, static_cast<size_t>(end - pid) + 3),
                       lower_filter);
}

std::vector<uint32_t> SelectRows(const std::vector<ProcessRow>& rows,
                                 const RowQuery& query) {
  std::string lower = absl::AsciiStrToLower(query.filter);
  std::vector<uint32_t> indices;
  indices.reserve(lower.empty() ? rows.size() : rows.size() / 8);
  for (size_t i = 0; i < rows.size(); ++i) {
    if (RowMatches(rows[i], lower)) indices.push_back(static_cast<uint32_t>(i));
  }
  SortRowIndices(rows, query.sort, query.direction, query.limit, indices);
  return indices;
}

void SortRowIndices(const std::vector<ProcessRow>& rows, SortKey key,
                    SortDirection direction, size_t limit,
                    std::vector<uint32_t>& indices) {
  bool descending = direction == SortDirection::kDefault
                        ? SortsDescendingByDefault(key)
                        : direction == SortDirection::kDescending;
  if (IsTextKey(key)) {
    SortText(rows, key, descending, limit, indices);
  } else {
    SortNumeric(rows, key, descending, limit, indices);
  }
}

}  // namespace overseer
