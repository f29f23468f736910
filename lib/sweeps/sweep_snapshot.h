// What shaped a sweep's runs: the host facts read once at daemon start
// (CPU, memory, kernel, IB link rate, config hash), completed per run with
// the FTAs' VFs and the engine that ran.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fta/v1/common.pb.h"
#include "fta/v1/sweep.pb.h"
#include "lib/config/config.h"
#include "lib/sriov/discovery.h"

namespace fta::hostd {

// FNV-1a 64 of `text` as 16 hex digits: stable across releases and
// machines, unlike std::hash.
std::string Fnv1a64Hex(const std::string& text);

// "model name" of the first CPU in `cpuinfo_text` (/proc/cpuinfo), "" if none.
std::string CpuModelFromCpuinfo(const std::string& cpuinfo_text);

// The first port rate under <sysfs_root>/class/infiniband/*/ports/*/rate as
// "mlx4_0/1: 56 Gb/sec (4X FDR)"; "" when there is no IB device.
std::string IbLinkRate(const std::string& sysfs_root);

// Host facts for every run of this daemon: backend, guest template, CPU,
// memory, kernel (uname), IB link rate, hostname and the config hash
// (of ToToml(config)).
fta::v1::RunSnapshot DescribeHost(const HostdConfig& config);

// `host` plus the per-run facts: VFs of the FTAs, engine and its version
// (the agents' when they agree, else a list). With the VF inventory (null
// when there is none), the PFs behind those VFs and the rate of their IB
// link replace the host's first port rate: on a host with several cards
// that is the link the run actually shared.
fta::v1::RunSnapshot SnapshotForRun(const fta::v1::RunSnapshot& host, const std::vector<fta::v1::Fta>& ftas,
                                    fta::v1::Engine engine, const sriov::Inventory* inventory = nullptr);

}  // namespace fta::hostd
