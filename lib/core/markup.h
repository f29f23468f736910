// EscapeMarkup: text made safe inside XML or HTML, as element content or a
// quoted attribute value of either quote. One escaper for the libvirt domain
// XML and the report's SVG/HTML; "&#39;" rather than "&apos;" because HTML4
// readers do not know the latter.
//   EscapeMarkup("a<b & 'c'")  ->  "a&lt;b &amp; &#39;c&#39;"
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace fta {

inline std::string EscapeMarkup(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace fta
