#include "lib/sriov/verbs.h"

#include <infiniband/verbs.h>

#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace fta::sriov {
namespace {

// ibv_port_attr's active_width and active_speed are a bit per value: each
// bit's number (lanes; Gb/s per lane, as sysfs's rate file counts it) and name.
struct BitValue {
  uint8_t bit;
  double number;
  const char* name;
};
constexpr BitValue kWidths[] = {{1, 1, "1X"}, {2, 4, "4X"}, {4, 8, "8X"}, {8, 12, "12X"}, {16, 2, "2X"}};
constexpr BitValue kSpeeds[] = {{1, 2.5, "SDR"}, {2, 5, "DDR"},   {4, 10, "QDR"}, {8, 10, "FDR10"},
                                {16, 14, "FDR"}, {32, 25, "EDR"}, {64, 50, "HDR"}, {128, 100, "NDR"}};

// The table's entry for `bit`; number 0 and no name for a bit it lacks.
template <size_t N>
BitValue Decode(const BitValue (&table)[N], uint8_t bit) {
  for (const BitValue& value : table) {
    if (value.bit == bit) return value;
  }
  return {bit, 0, ""};
}

std::string StateName(ibv_port_state state) {
  switch (state) {
    case IBV_PORT_DOWN: return "DOWN";
    case IBV_PORT_INIT: return "INIT";
    case IBV_PORT_ARMED: return "ARMED";
    case IBV_PORT_ACTIVE: return "ACTIVE";
    case IBV_PORT_ACTIVE_DEFER: return "ACTIVE_DEFER";
    default: return "NOP";
  }
}

struct DeviceListDeleter {
  void operator()(ibv_device** list) const { ibv_free_device_list(list); }
};
struct ContextDeleter {
  void operator()(ibv_context* context) const { ibv_close_device(context); }
};

}  // namespace

double VerbsRateGbps(uint8_t active_width, uint8_t active_speed) {
  return Decode(kWidths, active_width).number * Decode(kSpeeds, active_speed).number;
}

std::string VerbsRateText(uint8_t active_width, uint8_t active_speed) {
  const BitValue lanes = Decode(kWidths, active_width);
  const BitValue speed = Decode(kSpeeds, active_speed);
  if (lanes.number == 0 || speed.number == 0) return "";
  return absl::StrCat(absl::StrFormat("%g", lanes.number * speed.number), " Gb/sec (", lanes.name, " ", speed.name,
                      ")");
}

absl::StatusOr<std::vector<VerbsPort>> ReadVerbsPorts() {
  int count = 0;
  std::unique_ptr<ibv_device*, DeviceListDeleter> devices(ibv_get_device_list(&count));
  std::vector<VerbsPort> ports;
  // NULL with errno ENOSYS: no RDMA subsystem in this kernel; nothing to read.
  if (!devices) return ports;
  for (int i = 0; i < count; ++i) {
    const std::string name = ibv_get_device_name(devices.get()[i]);
    std::unique_ptr<ibv_context, ContextDeleter> context(ibv_open_device(devices.get()[i]));
    if (!context) return absl::UnavailableError(absl::StrCat("libibverbs: cannot open ", name));
    ibv_device_attr device_attr;
    if (int error = ibv_query_device(context.get(), &device_attr); error != 0) {
      return absl::UnavailableError(absl::StrCat("libibverbs: ibv_query_device(", name, ") failed: error ", error));
    }
    for (int port = 1; port <= device_attr.phys_port_cnt; ++port) {
      ibv_port_attr attr;
      if (int error = ibv_query_port(context.get(), static_cast<uint8_t>(port), &attr); error != 0) {
        return absl::UnavailableError(
            absl::StrCat("libibverbs: ibv_query_port(", name, ", ", port, ") failed: error ", error));
      }
      VerbsPort out;
      out.device = name;
      out.port = port;
      out.state = StateName(attr.state);
      out.link_layer = attr.link_layer == IBV_LINK_LAYER_ETHERNET ? "Ethernet" : "InfiniBand";
      out.lid = attr.lid;
      out.rate_gbps = VerbsRateGbps(attr.active_width, attr.active_speed);
      out.rate = VerbsRateText(attr.active_width, attr.active_speed);
      ports.push_back(std::move(out));
    }
  }
  return ports;
}

}  // namespace fta::sriov
