// Abbreviate: how untrusted text is echoed in errors and logs. Anything an
// agent or a client sends may be huge or binary; an echo of it is at most
// `max` bytes of it, C-escaped, plus its full size:
//   Abbreviate(std::string(1 << 20, 'a'))  ->  "aaaa...aaaa... (1048576 bytes)"
#pragma once

#include <cstddef>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace fta {

inline std::string Abbreviate(absl::string_view text, size_t max = 64) {
  if (text.size() <= max) return absl::CHexEscape(text);
  return absl::StrCat(absl::CHexEscape(text.substr(0, max)), "... (", text.size(), " bytes)");
}

}  // namespace fta
