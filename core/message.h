// Message: an owned, type-erased value that travels between processes.
// Sending copies it (Clone) into the receiver's account, as on the BEAM, so
// any sharing inside it is lost; the bytes the copy allocates are what the
// receiver's mailbox holds.
//
// A type can say how it looks in the Process window by declaring, in its
// namespace, `std::string OverseerDescribe(const T&)`; otherwise its type
// name is shown.
//
// Example:
//   struct Ping { int n; };
//   Message m = Message::Of(Ping{1});
//   if (const Ping* p = m.As<Ping>()) ...
#ifndef OVERSEER_CORE_MESSAGE_H_
#define OVERSEER_CORE_MESSAGE_H_

#include <memory>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "core/type_name.h"

namespace overseer {

namespace internal {
template <typename T>
concept Describable = requires(const T& v) {
  { OverseerDescribe(v) } -> std::convertible_to<std::string>;
};
}  // namespace internal

class Message {
 public:
  Message() = default;
  Message(Message&&) noexcept = default;
  Message& operator=(Message&&) noexcept = default;
  // Copies are deep, like Clone(): a Message inside a message is copied too.
  Message(const Message& o) : holder_(o.holder_ ? o.holder_->Clone() : nullptr) {}
  Message& operator=(const Message& o) {
    if (this != &o) holder_ = o.holder_ ? o.holder_->Clone() : nullptr;
    return *this;
  }

  // Wraps `value`; allocates in the current account.
  template <typename T>
    requires(!std::is_same_v<std::decay_t<T>, Message>)
  static Message Of(T&& value) {
    Message m;
    m.holder_ = std::make_unique<Holder<std::decay_t<T>>>(std::forward<T>(value));
    return m;
  }

  bool empty() const { return holder_ == nullptr; }
  const std::type_info& type() const {
    return holder_ ? holder_->type() : typeid(void);
  }
  const std::string& type_name() const { return TypeName(type()); }

  template <typename T>
  bool Is() const {
    return holder_ && holder_->type() == typeid(T);
  }
  // The value if it is a T, else null. The pointer lives as long as this.
  template <typename T>
  const T* As() const {
    return Is<T>() ? &static_cast<const Holder<T>*>(holder_.get())->value
                   : nullptr;
  }
  template <typename T>
  T* AsMutable() {
    return Is<T>() ? &static_cast<Holder<T>*>(holder_.get())->value : nullptr;
  }

  // A deep copy (the type's copy constructor), allocated in the current
  // account.
  Message Clone() const {
    Message m;
    if (holder_) m.holder_ = holder_->Clone();
    return m;
  }

  // A short rendering for views (OverseerDescribe, else the type name).
  std::string Describe() const {
    return holder_ ? holder_->Describe() : std::string("(empty)");
  }

 private:
  struct Base {
    virtual ~Base() = default;
    virtual const std::type_info& type() const = 0;
    virtual std::unique_ptr<Base> Clone() const = 0;
    virtual std::string Describe() const = 0;
  };
  template <typename T>
  struct Holder final : Base {
    template <typename U>
    explicit Holder(U&& v) : value(std::forward<U>(v)) {}
    const std::type_info& type() const override { return typeid(T); }
    std::unique_ptr<Base> Clone() const override {
      if constexpr (std::is_copy_constructible_v<T>) {
        return std::make_unique<Holder>(value);
      } else {
        static_assert(std::is_copy_constructible_v<T>,
                      "messages are copied on send: T must be copyable");
        return nullptr;
      }
    }
    std::string Describe() const override {
      if constexpr (internal::Describable<T>) {
        return OverseerDescribe(value);
      } else {
        return TypeName(typeid(T));
      }
    }
    T value;
  };
  std::unique_ptr<Base> holder_;
};

}  // namespace overseer

#endif  // OVERSEER_CORE_MESSAGE_H_
