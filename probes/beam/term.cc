#include "probes/beam/term.h"

#include <ei.h>

#include "absl/strings/str_cat.h"

namespace overseer {
namespace {

constexpr int kMaxDepth = 100;

absl::Status Malformed(const char* what, int index) {
  return absl::DataLossError(
      absl::StrCat("malformed term from the node: ", what, " at byte ", index));
}

absl::Status Decode(const char* buf, int size, int* index, int depth, Term* out);

absl::Status DecodeItems(const char* buf, int size, int* index, int depth, int count,
                         Term* out) {
  out->items.resize(static_cast<size_t>(count));
  for (Term& item : out->items) {
    if (absl::Status s = Decode(buf, size, index, depth + 1, &item); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status DecodeList(const char* buf, int size, int* index, int depth, Term* out) {
  out->type = Term::Type::kList;
  // A list may come in parts, each with its own header, until the nil tail.
  for (;;) {
    int count = 0;
    if (ei_decode_list_header(buf, index, &count) < 0) return Malformed("list", *index);
    if (count == 0) return absl::OkStatus();
    Term part;
    if (absl::Status s = DecodeItems(buf, size, index, depth, count, &part); !s.ok()) {
      return s;
    }
    for (Term& t : part.items) out->items.push_back(std::move(t));
    int type = 0;
    int tail = 0;
    if (ei_get_type(buf, index, &type, &tail) < 0) return Malformed("list tail", *index);
    if (type != ERL_LIST_EXT && type != ERL_NIL_EXT) {
      // An improper list: its tail is not kept.
      if (ei_skip_term(buf, index) < 0) return Malformed("list tail", *index);
      return absl::OkStatus();
    }
  }
}

absl::Status DecodeAtomic(const char* buf, int* index, int type, int length, Term* out) {
  switch (type) {
    case ERL_ATOM_EXT:
    case ERL_SMALL_ATOM_EXT:
    case ERL_ATOM_UTF8_EXT:
    case ERL_SMALL_ATOM_UTF8_EXT: {
      char atom[MAXATOMLEN_UTF8];
      if (ei_decode_atom_as(buf, index, atom, sizeof atom, ERLANG_UTF8, nullptr,
                            nullptr) < 0) {
        return Malformed("atom", *index);
      }
      out->type = Term::Type::kAtom;
      out->text = atom;
      return absl::OkStatus();
    }
    case ERL_PID_EXT:
    case ERL_NEW_PID_EXT: {
      erlang_pid p;
      if (ei_decode_pid(buf, index, &p) < 0) return Malformed("pid", *index);
      out->type = Term::Type::kPid;
      out->pid = {p.node, p.num, p.serial, p.creation};
      return absl::OkStatus();
    }
    case ERL_BINARY_EXT: {
      out->text.resize(static_cast<size_t>(length));
      long got = 0;
      if (ei_decode_binary(buf, index, out->text.data(), &got) < 0) {
        return Malformed("binary", *index);
      }
      out->type = Term::Type::kBinary;
      out->text.resize(static_cast<size_t>(got));
      return absl::OkStatus();
    }
    case ERL_FLOAT_EXT:
    case NEW_FLOAT_EXT:
      if (ei_decode_double(buf, index, &out->real) < 0) return Malformed("float", *index);
      out->type = Term::Type::kFloat;
      return absl::OkStatus();
    default:
      break;
  }
  if (type == ERL_SMALL_INTEGER_EXT || type == ERL_INTEGER_EXT ||
      type == ERL_SMALL_BIG_EXT || type == ERL_LARGE_BIG_EXT) {
    const int at = *index;
    long long value = 0;
    if (ei_decode_longlong(buf, index, &value) == 0) {
      out->type = Term::Type::kInteger;
      out->integer = value;
      return absl::OkStatus();
    }
    *index = at;  // a bignum past 64 bits
  }
  out->type = Term::Type::kOther;
  if (ei_skip_term(buf, index) < 0) return Malformed("term", *index);
  return absl::OkStatus();
}

absl::Status Decode(const char* buf, int size, int* index, int depth, Term* out) {
  int type = 0;
  int length = 0;
  if (*index >= size || ei_get_type(buf, index, &type, &length) < 0) {
    return Malformed("type", *index);
  }
  if (depth > kMaxDepth) {
    out->type = Term::Type::kOther;
    if (ei_skip_term(buf, index) < 0) return Malformed("term", *index);
    return absl::OkStatus();
  }
  switch (type) {
    case ERL_SMALL_TUPLE_EXT:
    case ERL_LARGE_TUPLE_EXT: {
      int arity = 0;
      if (ei_decode_tuple_header(buf, index, &arity) < 0)
        return Malformed("tuple", *index);
      out->type = Term::Type::kTuple;
      return DecodeItems(buf, size, index, depth, arity, out);
    }
    case ERL_NIL_EXT:
    case ERL_LIST_EXT:
      return DecodeList(buf, size, index, depth, out);
    case ERL_STRING_EXT: {
      std::string chars(static_cast<size_t>(length) + 1, '\0');
      if (ei_decode_string(buf, index, chars.data()) < 0)
        return Malformed("string", *index);
      out->type = Term::Type::kList;
      out->items.resize(static_cast<size_t>(length));
      for (int i = 0; i < length; ++i) {
        out->items[static_cast<size_t>(i)].type = Term::Type::kInteger;
        out->items[static_cast<size_t>(i)].integer =
            static_cast<unsigned char>(chars[static_cast<size_t>(i)]);
      }
      return absl::OkStatus();
    }
    default:
      return DecodeAtomic(buf, index, type, length, out);
  }
}

}  // namespace

const Term* Term::Find(absl::string_view key) const {
  if (type != Type::kList) return nullptr;
  for (const Term& item : items) {
    if (item.IsTuple(2) && item.items[0].IsAtom(key)) return &item.items[1];
  }
  return nullptr;
}

std::string Term::AsString() const {
  std::string s;
  if (type != Type::kList) return s;
  s.reserve(items.size());
  for (const Term& c : items) {
    if (c.type != Type::kInteger || c.integer < 0 || c.integer > 255) return {};
    s.push_back(static_cast<char>(c.integer));
  }
  return s;
}

absl::StatusOr<Term> DecodeTerm(const char* buffer, int buffer_size, int* index) {
  Term t;
  if (absl::Status s = Decode(buffer, buffer_size, index, 0, &t); !s.ok()) return s;
  if (*index > buffer_size) return Malformed("term past the end", *index);
  return t;
}

}  // namespace overseer
