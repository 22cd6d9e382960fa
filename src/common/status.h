// Status and Result<T>: expected failures as values.
//
// Every function that can fail for reasons outside the program's control
// (bad input, missing rows, a full disk) returns a Status or a Result<T>
// instead of throwing. Codes map one-to-one to HTTP statuses in src/api.
//
//   Result<Notice> n = notices.Get(id);
//   if (!n.ok()) return n.status();
//   RETURN_IF_ERROR(store.Write(...));
//   ASSIGN_OR_RETURN(auto listing, listings.Get(id));
//
// A Status may name the field at fault (a JSON pointer such as "/listing_id"
// or a CSV column), which the API layer reports in problem+json.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace counterfoil {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // 400/422: the request is malformed or fails validation
  kUnauthenticated,     // 401: no or bad credentials
  kPermissionDenied,    // 403: authenticated, but not allowed
  kNotFound,            // 404
  kAlreadyExists,       // 409: a duplicate (e.g. an open notice on the same listing and right)
  kFailedPrecondition,  // 409: the entity is not in a state that allows the operation
  kResourceExhausted,   // 413/429: too large or too many
  kUnavailable,         // 503: try again later
  kInternal,            // 500: a bug or an unexpected library failure
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message, std::string field = {})
      : code_(code), message_(std::move(message)), field_(std::move(field)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // The input field at fault, as a JSON pointer ("/statements/good_faith") or
  // a column name; empty when the error is not about one field.
  const std::string& field() const { return field_; }
  // A short machine-readable reason ("duplicate_notice"), optional.
  const std::string& reason() const { return reason_; }
  Status& WithReason(std::string reason) & {
    reason_ = std::move(reason);
    return *this;
  }
  Status&& WithReason(std::string reason) && {
    reason_ = std::move(reason);
    return std::move(*this);
  }

  std::string ToString() const;
  void IgnoreError() const {}

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string field_;
  std::string reason_;
};

inline Status InvalidArgument(std::string msg, std::string field = {}) {
  return Status(StatusCode::kInvalidArgument, std::move(msg), std::move(field));
}
inline Status NotFound(std::string msg, std::string field = {}) {
  return Status(StatusCode::kNotFound, std::move(msg), std::move(field));
}
inline Status AlreadyExists(std::string msg, std::string field = {}) {
  return Status(StatusCode::kAlreadyExists, std::move(msg), std::move(field));
}
inline Status PermissionDenied(std::string msg) {
  return Status(StatusCode::kPermissionDenied, std::move(msg));
}
inline Status Unauthenticated(std::string msg) {
  return Status(StatusCode::kUnauthenticated, std::move(msg));
}
inline Status FailedPrecondition(std::string msg, std::string field = {}) {
  return Status(StatusCode::kFailedPrecondition, std::move(msg), std::move(field));
}
inline Status ResourceExhausted(std::string msg) {
  return Status(StatusCode::kResourceExhausted, std::move(msg));
}
inline Status Unavailable(std::string msg) { return Status(StatusCode::kUnavailable, std::move(msg)); }
inline Status Internal(std::string msg) { return Status(StatusCode::kInternal, std::move(msg)); }

// Result<T> holds either a value or a non-OK Status (like absl::StatusOr).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok() && "Result constructed from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & {
    assert(ok());
    return std::get<T>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace counterfoil

#define CF_CONCAT_INNER(a, b) a##b
#define CF_CONCAT(a, b) CF_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)                          \
  do {                                                 \
    ::counterfoil::Status cf_status_ = (expr);         \
    if (!cf_status_.ok()) return cf_status_;           \
  } while (0)

#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(CF_CONCAT(cf_result_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()
