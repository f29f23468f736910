// StatusIs: an absl::Status or absl::StatusOr<T> with a given code and a
// message that matches, in one expectation whose failure shows both:
//   EXPECT_THAT(engine.Read(...), StatusIs(absl::StatusCode::kNotFound, HasSubstr("testfile")));
#pragma once

#include <string>

#include <gmock/gmock.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace fta::testing {
namespace status_internal {

inline const absl::Status& StatusOf(const absl::Status& status) { return status; }

template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& value) {
  return value.status();
}

}  // namespace status_internal

MATCHER_P2(StatusIs, code, message_matcher, "") {
  const absl::Status& status = status_internal::StatusOf(arg);
  if (status.code() != code) {
    *result_listener << "is " << status;
    return false;
  }
  return ::testing::ExplainMatchResult(message_matcher, std::string(status.message()), result_listener);
}

}  // namespace fta::testing
