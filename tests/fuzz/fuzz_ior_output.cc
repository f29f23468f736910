// IOR output read from files operators import (`ftactl results import`) and
// from ior runs: any bytes give a parsed run or a clear error, never a crash,
// a hang or an escaped exception.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "lib/ior/ior_output.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<fta::ior::IorRun> parsed = fta::ior::ParseIorOutput(text);
  if (!parsed.ok() && parsed.status().message().empty()) abort();  // errors must say something
  (void)fta::ior::ParseIorText(text);
  (void)fta::ior::ParseIorJson(text);
  return 0;
}
