#include "core/type_name.h"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <string_view>

#include "absl/container/node_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "core/account.h"

namespace overseer {
namespace {

std::string Demangle(const char* mangled) {
  int status = 0;
  char* out = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  std::string name = (status == 0 && out != nullptr) ? out : mangled;
  std::free(out);
  for (std::string_view prefix : {"overseer::", "(anonymous namespace)::"}) {
    for (size_t at = name.find(prefix); at != std::string::npos;
         at = name.find(prefix)) {
      name.erase(at, prefix.size());
    }
  }
  return name;
}

}  // namespace

const std::string& TypeName(const std::type_info& type) {
  struct Table {
    absl::Mutex mu;
    absl::node_hash_map<const std::type_info*, std::string> names
        ABSL_GUARDED_BY(mu);
  };
  static Table* const table = [] {
    AccountScope none(nullptr, AccountScope::kShared);
    return new Table;  // lives as long as the program
  }();
  thread_local const std::type_info* last_type = nullptr;
  thread_local const std::string* last_name = nullptr;
  if (last_type == &type) return *last_name;
  // Interned strings belong to no process.
  AccountScope none(nullptr, AccountScope::kShared);
  absl::MutexLock lock(&table->mu);
  auto [it, inserted] = table->names.try_emplace(&type);
  if (inserted) it->second = Demangle(type.name());
  last_type = &type;
  last_name = &it->second;
  return it->second;
}

const char* TypeNameCStr(const std::type_info& type) {
  return TypeName(type).c_str();
}

}  // namespace overseer
