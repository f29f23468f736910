// Looking at container FTAs from the host side, for the `container` tests:
// which processes are container agents (and which FTA each answers for),
// the network namespace a process is in, and what a container could leave
// behind (processes in a namespace, cgroups, mounts).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace fta::testing {

// pid of every running container agent (init of its container) -> the FTA
// id its identity file names (read through /proc/PID/root).
std::map<pid_t, std::string> ContainerAgents();

// Inode of /proc/PID/ns/net ("self" for this process); 0 when gone.
uint64_t NetnsInode(const std::string& pid);

// Processes whose network namespace is `inode`: an empty list means the
// namespace is gone (nothing else holds it in these tests).
std::vector<pid_t> ProcessesInNetns(uint64_t inode);

// Cgroup directories (under /sys/fs/cgroup, a few levels deep) whose name
// contains `needle`.
std::vector<std::string> CgroupsNamed(const std::string& needle);

// A field of /proc/PID/status ("Cpus_allowed_list"), "" when absent.
std::string StatusField(pid_t pid, const std::string& field);

// The first file `name` in a cgroup directory (under /sys/fs/cgroup, a few
// levels deep) whose name contains `needle`, as text; "" when none.
std::string CgroupFile(const std::string& needle, const std::string& name);

// Lines of /proc/PID/mountinfo containing `needle`.
std::vector<std::string> MountsMentioning(const std::string& pid, const std::string& needle);

}  // namespace fta::testing
