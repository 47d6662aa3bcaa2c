// Binary: a large immutable byte string shared by reference count between
// processes (the BEAM's refc binary). Sending a Binary copies a handle, not
// the bytes; the bytes belong to no process and are counted once in the
// node's binary total, while each process that holds a handle sees the size
// in its binary bytes.
//
// Example:
//   Binary b = Binary::Copy(payload);   // one allocation, outside accounts
//   Send(pid, Blob{b});                 // the receiver references it too
#ifndef OVERSEER_CORE_BINARY_H_
#define OVERSEER_CORE_BINARY_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace overseer {

class Account;

class Binary {
 public:
  Binary() = default;
  // Copies `bytes` once into a new shared binary, charged to the current
  // account's binary bytes. Thread-safe.
  static Binary Copy(std::string_view bytes);

  // Copying a handle charges the current account (the receiver, during a
  // send); destroying it credits the account it was charged to.
  Binary(const Binary& other);
  Binary& operator=(const Binary& other);
  Binary(Binary&& other) noexcept;
  Binary& operator=(Binary&& other) noexcept;
  ~Binary();

  size_t size() const;
  std::string_view view() const;
  bool empty() const { return data_ == nullptr; }

  // Bytes of all live binaries in the program, each counted once.
  static int64_t LiveBytes();

 private:
  struct Data;
  void Acquire(Data* data);
  void Release();
  Data* data_ = nullptr;
  Account* charged_ = nullptr;
};

}  // namespace overseer

#endif  // OVERSEER_CORE_BINARY_H_
