// Any text given as a config file yields OK or an error naming its origin,
// never a crash or an escaped exception; an accepted config printed with
// ToToml reads back identically.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "lib/config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  fta::hostd::HostdConfig config = fta::hostd::DefaultConfig();
  absl::Status merged = fta::hostd::MergeTomlText(text, "fuzz.toml", &config);
  if (!merged.ok()) {
    if (std::string(merged.message()).find("fuzz.toml") == std::string::npos) abort();
    return 0;
  }
  fta::hostd::HostdConfig reread = fta::hostd::DefaultConfig();
  if (!fta::hostd::MergeTomlText(fta::hostd::ToToml(config), "printed", &reread).ok()) abort();
  if (fta::hostd::ToToml(reread) != fta::hostd::ToToml(config)) abort();
  (void)fta::hostd::ValidateConfig(config);
  return 0;
}
