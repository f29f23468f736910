// The message of libvirt's last error on this thread, for error texts
// (shared by the libvirt backend's connection and guest lifecycle files).
#pragma once

#include <libvirt/virterror.h>

#include <string>

namespace fta::virt {

inline std::string LastLibvirtError() {
  const char* message = virGetLastErrorMessage();
  return message ? message : "unknown libvirt error";
}

}  // namespace fta::virt
