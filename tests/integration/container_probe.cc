#include "tests/integration/container_probe.h"

#include <sys/stat.h>

#include <filesystem>
#include <sstream>

#include "lib/core/file_text.h"

namespace fta::testing {
namespace {

std::vector<pid_t> AllPids() {
  std::vector<pid_t> pids;
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ignored)) {
    std::string name = entry.path().filename().string();
    if (!name.empty() && name.find_first_not_of("0123456789") == std::string::npos) pids.push_back(std::stoi(name));
  }
  return pids;
}

}  // namespace

std::map<pid_t, std::string> ContainerAgents() {
  std::map<pid_t, std::string> agents;
  for (pid_t pid : AllPids()) {
    std::string cmdline = ReadFileOrEmpty("/proc/" + std::to_string(pid) + "/cmdline");
    if (cmdline.find("fta-agent") == std::string::npos || cmdline.find("--identity") == std::string::npos) continue;
    std::istringstream identity(ReadFileOrEmpty("/proc/" + std::to_string(pid) + "/root/run/fta-agent/identity"));
    for (std::string line; std::getline(identity, line);) {
      if (line.rfind("id=", 0) == 0) agents[pid] = line.substr(3);
    }
  }
  return agents;
}

uint64_t NetnsInode(const std::string& pid) {
  struct stat info {};
  if (stat(("/proc/" + pid + "/ns/net").c_str(), &info) != 0) return 0;
  return info.st_ino;
}

std::vector<pid_t> ProcessesInNetns(uint64_t inode) {
  std::vector<pid_t> found;
  for (pid_t pid : AllPids()) {
    if (NetnsInode(std::to_string(pid)) == inode) found.push_back(pid);
  }
  return found;
}

std::vector<std::string> CgroupsNamed(const std::string& needle) {
  std::vector<std::string> found;
  std::error_code ignored;
  auto options = std::filesystem::directory_options::skip_permission_denied;
  for (auto it = std::filesystem::recursive_directory_iterator("/sys/fs/cgroup", options, ignored);
       it != std::filesystem::recursive_directory_iterator(); it.increment(ignored)) {
    if (it.depth() > 3) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_directory(ignored) && it->path().filename().string().find(needle) != std::string::npos) {
      found.push_back(it->path().string());
    }
  }
  return found;
}

std::string StatusField(pid_t pid, const std::string& field) {
  std::istringstream status(ReadFileOrEmpty("/proc/" + std::to_string(pid) + "/status"));
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(field + ":", 0) != 0) continue;
    size_t value = line.find_first_not_of(" \t", field.size() + 1);
    return value == std::string::npos ? "" : line.substr(value);
  }
  return "";
}

std::string CgroupFile(const std::string& needle, const std::string& name) {
  for (const std::string& dir : CgroupsNamed(needle)) {
    if (std::filesystem::exists(dir + "/" + name)) return ReadFileOrEmpty(dir + "/" + name);
  }
  return "";
}

std::vector<std::string> MountsMentioning(const std::string& pid, const std::string& needle) {
  std::vector<std::string> found;
  std::istringstream mounts(ReadFileOrEmpty("/proc/" + pid + "/mountinfo"));
  for (std::string line; std::getline(mounts, line);) {
    if (line.find(needle) != std::string::npos) found.push_back(line);
  }
  return found;
}

}  // namespace fta::testing
