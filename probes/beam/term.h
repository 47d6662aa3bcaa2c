// Term: an Erlang term decoded from the external term format (what a BEAM
// node sends), as a plain tree of values that the BEAM source reads; and
// RpcArg, the few kinds of argument it sends. Only what the source needs is
// kept: atoms, integers, floats, pids, tuples, lists and binaries; anything
// else (maps, refs, funs, ports, huge integers) decodes as kOther.
//
// Example:
//   absl::StatusOr<Term> t = DecodeTerm(bytes);   // [{memory, 2688}, ...]
//   if (const Term* m = t->Find("memory")) use(m->integer);
//
// Thread safety: plain values.
#ifndef OVERSEER_PROBES_BEAM_TERM_H_
#define OVERSEER_PROBES_BEAM_TERM_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace overseer {

// A pid as the node sends it. `node` is the node it lives on.
struct BeamPid {
  std::string node;
  uint32_t number = 0;
  uint32_t serial = 0;
  uint32_t creation = 0;
  friend bool operator==(const BeamPid&, const BeamPid&) = default;
};

struct Term {
  enum class Type : uint8_t {
    kAtom,
    kInteger,
    kFloat,
    kPid,
    kTuple,
    kList,
    kBinary,
    kOther
  };
  Type type = Type::kOther;
  std::string text;         // kAtom: its name; kBinary: its bytes
  int64_t integer = 0;      // kInteger (one past int64 decodes as kOther)
  double real = 0;          // kFloat
  BeamPid pid;              // kPid
  std::vector<Term> items;  // kTuple, kList: the elements (a string is a list)

  bool IsAtom(absl::string_view name) const {
    return type == Type::kAtom && text == name;
  }
  bool IsTuple(size_t arity) const {
    return type == Type::kTuple && items.size() == arity;
  }
  // In a list of {Key, Value} tuples (a proplist), the value of the first
  // one whose key is the atom `key`; nullptr when there is none.
  const Term* Find(absl::string_view key) const;
  // The integer value, or `otherwise` when this is not an integer >= 0.
  uint64_t Unsigned(uint64_t otherwise = 0) const {
    return type == Type::kInteger && integer >= 0 ? static_cast<uint64_t>(integer)
                                                  : otherwise;
  }
  // A list of small integers (an Erlang string) as text; "" otherwise.
  std::string AsString() const;
};

// Decodes one term at `*index` of an external-format buffer (past the
// version byte) and moves `*index` past it. Nesting deeper than 100 decodes
// as kOther. Errors: DataLoss for a malformed buffer.
absl::StatusOr<Term> DecodeTerm(const char* buffer, int buffer_size, int* index);

// One argument of a remote call: an atom, a pid, a list of atoms or an
// integer.
struct RpcArg {
  enum class Type : uint8_t { kAtom, kPid, kAtomList, kInteger };
  Type type = Type::kAtom;
  std::string atom;
  BeamPid pid;
  std::vector<std::string> atoms;
  int64_t integer = 0;

  static RpcArg Atom(std::string name) {
    return {Type::kAtom, std::move(name), {}, {}, 0};
  }
  static RpcArg Pid(BeamPid pid) { return {Type::kPid, {}, std::move(pid), {}, 0}; }
  static RpcArg Atoms(std::vector<std::string> names) {
    return {Type::kAtomList, {}, {}, std::move(names), 0};
  }
  static RpcArg Integer(int64_t value) { return {Type::kInteger, {}, {}, {}, value}; }
};

}  // namespace overseer

#endif  // OVERSEER_PROBES_BEAM_TERM_H_
