// ParseSize never crashes, and whatever it accepts FormatSize prints back in
// a form that parses to the same number.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "lib/core/units.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<uint64_t> parsed = fta::ParseSize("-t", text);
  if (!parsed.ok()) {
    if (std::string(parsed.status().message()).find("-t") == std::string::npos) abort();  // field named
    return 0;
  }
  absl::StatusOr<uint64_t> again = fta::ParseSize("-t", fta::FormatSize(*parsed));
  if (!again.ok() || *again != *parsed) abort();
  (void)fta::HumanBytes(*parsed);
  return 0;
}
