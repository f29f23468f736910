#include "lib/services/vf_words.h"

#include <string_view>
#include <utility>
#include <vector>

namespace fta::hostd {
namespace {

template <typename Enum>
Enum Find(const std::vector<std::pair<const char*, Enum>>& words, const std::string& text) {
  for (const auto& [word, value] : words) {
    if (text == word) return value;
  }
  return static_cast<Enum>(0);
}

}  // namespace

fta::v1::PortState PortStateOf(const std::string& text) {
  return Find<fta::v1::PortState>({{"DOWN", fta::v1::PORT_STATE_DOWN},
                                   {"INIT", fta::v1::PORT_STATE_INIT},
                                   {"ARMED", fta::v1::PORT_STATE_ARMED},
                                   {"ACTIVE", fta::v1::PORT_STATE_ACTIVE},
                                   {"ACTIVE_DEFER", fta::v1::PORT_STATE_ACTIVE_DEFER}},
                                  text);
}

fta::v1::PortPhysState PortPhysStateOf(const std::string& text) {
  return Find<fta::v1::PortPhysState>({{"Sleep", fta::v1::PORT_PHYS_STATE_SLEEP},
                                       {"Polling", fta::v1::PORT_PHYS_STATE_POLLING},
                                       {"Disabled", fta::v1::PORT_PHYS_STATE_DISABLED},
                                       {"PortConfigurationTraining", fta::v1::PORT_PHYS_STATE_PORT_CONFIGURATION_TRAINING},
                                       {"LinkUp", fta::v1::PORT_PHYS_STATE_LINK_UP},
                                       {"LinkErrorRecovery", fta::v1::PORT_PHYS_STATE_LINK_ERROR_RECOVERY},
                                       {"Phy Test", fta::v1::PORT_PHYS_STATE_PHY_TEST}},
                                      text);
}

fta::v1::GuidState GuidStateOf(const std::string& text) {
  return Find<fta::v1::GuidState>({{"accepted", fta::v1::GUID_STATE_ACCEPTED},
                                   {"pending", fta::v1::GUID_STATE_PENDING},
                                   {"unverified", fta::v1::GUID_STATE_UNVERIFIED},
                                   {"unset", fta::v1::GUID_STATE_UNSET},
                                   {"-", fta::v1::GUID_STATE_NOT_APPLICABLE}},
                                  text);
}

fta::v1::DeviceFamily DeviceFamilyOf(sriov::Family family) {
  switch (family) {
    case sriov::Family::kMlx5: return fta::v1::DEVICE_FAMILY_MLX5;
    case sriov::Family::kMlx4: return fta::v1::DEVICE_FAMILY_MLX4;
    case sriov::Family::kGeneric: return fta::v1::DEVICE_FAMILY_GENERIC;
  }
  return fta::v1::DEVICE_FAMILY_UNSPECIFIED;
}

std::string PortStateText(fta::v1::PortState state) {
  if (state == fta::v1::PORT_STATE_UNSPECIFIED) return "unknown";
  std::string name = fta::v1::PortState_Name(state);
  constexpr std::string_view kPrefix = "PORT_STATE_";
  return name.size() > kPrefix.size() ? name.substr(kPrefix.size()) : name;
}

}  // namespace fta::hostd
