// Readable names of C++ types, for views that show what a message or a
// closure is ("Indexer::BufferRequest", "lambda in SpawnNextBatch").
#ifndef OVERSEER_CORE_TYPE_NAME_H_
#define OVERSEER_CORE_TYPE_NAME_H_

#include <string>
#include <typeinfo>

namespace overseer {

// The demangled name of `type`, without the `overseer::` prefix. Returns a
// reference to an interned string that lives as long as the program.
// Thread-safe.
const std::string& TypeName(const std::type_info& type);

// TypeName as a C string with static lifetime.
const char* TypeNameCStr(const std::type_info& type);

}  // namespace overseer

#endif  // OVERSEER_CORE_TYPE_NAME_H_
