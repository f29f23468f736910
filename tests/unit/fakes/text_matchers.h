// Matchers for rendered text (tables, SVG, HTML, reports).
#pragma once

#include <string>
#include <vector>

#include <gmock/gmock.h>

namespace fta::testing {

// The text contains every one of `parts`; a failure names the ones missing:
//   EXPECT_THAT(text, HasSubstrs({"HOSTS", "fta2  job-8"}));
inline ::testing::Matcher<const std::string&> HasSubstrs(const std::vector<std::string>& parts) {
  std::vector<::testing::Matcher<const std::string&>> each;
  for (const std::string& part : parts) each.push_back(::testing::HasSubstr(part));
  return ::testing::AllOfArray(each);
}

}  // namespace fta::testing
