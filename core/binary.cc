#include "core/binary.h"

#include <atomic>
#include <cstring>
#include <new>

#include "core/account.h"

namespace overseer {
namespace {
std::atomic<int64_t> g_live_binary_bytes{0};
}  // namespace

struct Binary::Data {
  std::atomic<int64_t> refs{1};
  size_t size = 0;
  char* bytes() { return reinterpret_cast<char*>(this + 1); }
};

Binary Binary::Copy(std::string_view bytes) {
  Data* d;
  {
    AccountScope none(nullptr, AccountScope::kShared);  // shared, unowned
    void* raw = ::operator new(sizeof(Data) + bytes.size());
    d = new (raw) Data;
  }
  d->size = bytes.size();
  std::memcpy(d->bytes(), bytes.data(), bytes.size());
  g_live_binary_bytes.fetch_add(static_cast<int64_t>(d->size),
                                std::memory_order_relaxed);
  Binary b;
  b.data_ = d;
  b.charged_ = CurrentAccount();
  if (b.charged_) b.charged_->AddBinary(static_cast<int64_t>(d->size));
  return b;
}

void Binary::Acquire(Data* data) {
  data_ = data;
  if (data_ == nullptr) return;
  data_->refs.fetch_add(1, std::memory_order_relaxed);
  charged_ = CurrentAccount();
  if (charged_) charged_->AddBinary(static_cast<int64_t>(data_->size));
}

void Binary::Release() {
  if (data_ == nullptr) return;
  if (charged_) charged_->AddBinary(-static_cast<int64_t>(data_->size));
  if (data_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    g_live_binary_bytes.fetch_sub(static_cast<int64_t>(data_->size),
                                  std::memory_order_relaxed);
    data_->~Data();
    ::operator delete(data_);
  }
  data_ = nullptr;
  charged_ = nullptr;
}

Binary::Binary(const Binary& other) { Acquire(other.data_); }

Binary& Binary::operator=(const Binary& other) {
  if (this != &other) {
    Release();
    Acquire(other.data_);
  }
  return *this;
}

Binary::Binary(Binary&& other) noexcept
    : data_(other.data_), charged_(other.charged_) {
  other.data_ = nullptr;
  other.charged_ = nullptr;
}

Binary& Binary::operator=(Binary&& other) noexcept {
  if (this != &other) {
    Release();
    data_ = other.data_;
    charged_ = other.charged_;
    other.data_ = nullptr;
    other.charged_ = nullptr;
  }
  return *this;
}

Binary::~Binary() { Release(); }

size_t Binary::size() const { return data_ ? data_->size : 0; }

std::string_view Binary::view() const {
  return data_ ? std::string_view(data_->bytes(), data_->size)
               : std::string_view();
}

int64_t Binary::LiveBytes() {
  return g_live_binary_bytes.load(std::memory_order_relaxed);
}

}  // namespace overseer
