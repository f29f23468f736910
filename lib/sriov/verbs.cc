#include "lib/sriov/verbs.h"

#include <infiniband/verbs.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace fta::sriov {
namespace {

struct Lanes {
  int count;
  const char* name;
};
struct LaneSpeed {
  double gbps;  // data rate per lane, as sysfs's rate file counts it
  const char* name;
};

// ibv_port_attr.active_width is a bit per width.
Lanes LanesOf(uint8_t active_width) {
  switch (active_width) {
    case 1: return {1, "1X"};
    case 2: return {4, "4X"};
    case 4: return {8, "8X"};
    case 8: return {12, "12X"};
    case 16: return {2, "2X"};
    default: return {0, ""};
  }
}

// ibv_port_attr.active_speed is a bit per generation.
LaneSpeed SpeedOf(uint8_t active_speed) {
  switch (active_speed) {
    case 1: return {2.5, "SDR"};
    case 2: return {5, "DDR"};
    case 4: return {10, "QDR"};
    case 8: return {10, "FDR10"};
    case 16: return {14, "FDR"};
    case 32: return {25, "EDR"};
    case 64: return {50, "HDR"};
    case 128: return {100, "NDR"};
    default: return {0, ""};
  }
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
  return LanesOf(active_width).count * SpeedOf(active_speed).gbps;
}

std::string VerbsRateText(uint8_t active_width, uint8_t active_speed) {
  Lanes lanes = LanesOf(active_width);
  LaneSpeed speed = SpeedOf(active_speed);
  if (lanes.count == 0 || speed.gbps == 0) return "";
  return absl::StrCat(absl::StrFormat("%g", lanes.count * speed.gbps), " Gb/sec (", lanes.name, " ", speed.name,
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
