#include "lib/virt/seed_iso.h"

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "lib/core/run_tool.h"

namespace fta::virt {
namespace {

// A YAML double-quoted scalar.
std::string Quoted(const std::string& text) {
  return absl::StrCat("\"", absl::StrReplaceAll(text, {{"\\", "\\\\"}, {"\"", "\\\""}, {"\n", "\\n"}}), "\"");
}

}  // namespace

NoCloudSeed MakeNoCloudSeed(const std::string& fta_id, const std::string& agent_endpoint, const std::string& token) {
  NoCloudSeed seed;
  seed.meta_data = absl::StrCat("instance-id: ", Quoted(fta_id), "\nlocal-hostname: ", Quoted(fta_id), "\n");
  std::string user = "#cloud-config\nwrite_files:\n";
  absl::StrAppend(&user, "  - path: /etc/default/fta-agent\n    permissions: \"0644\"\n    content: ",
                  Quoted(absl::StrCat("FTA_HOSTD=", agent_endpoint, "\nFTA_ID=", fta_id, "\n")), "\n");
  if (!token.empty()) {
    absl::StrAppend(&user, "  - path: /etc/fta-agent/token\n    permissions: \"0600\"\n    content: ",
                    Quoted(absl::StrCat(token, "\n")), "\n");
  }
  absl::StrAppend(&user, "runcmd:\n  - [systemctl, enable, --now, fta-agent.service]\n");
  seed.user_data = std::move(user);
  return seed;
}

absl::Status WriteSeedIso(const NoCloudSeed& seed, const std::string& iso_path) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::path staging = fs::path(iso_path).parent_path() / absl::StrCat(".", fs::path(iso_path).filename().string(), ".d");
  fs::remove_all(staging, error);
  fs::create_directory(staging, error);  // not its parents: the directory is the caller's
  if (error) {
    return absl::FailedPreconditionError(absl::StrCat("seed ISO: cannot create ", staging.string(), ": ",
                                                      error.message()));
  }
  auto cleanup = [&] { fs::remove_all(staging, error); };
  std::ofstream((staging / "meta-data").string()) << seed.meta_data;
  std::ofstream((staging / "user-data").string()) << seed.user_data;
  const std::string partial = iso_path + ".partial";
  absl::StatusOr<ToolResult> result =
      RunTool({"genisoimage", "-quiet", "-output", partial, "-volid", "cidata", "-joliet", "-rock",
               (staging / "user-data").string(), (staging / "meta-data").string()});
  if (!result.ok()) {
    cleanup();
    return absl::FailedPreconditionError(
        absl::StrCat("seed ISO: ", result.status().message(), "; install it: apt-get install genisoimage"));
  }
  if (result->exit_code != 0) {
    cleanup();
    fs::remove(partial, error);
    return absl::FailedPreconditionError(absl::StrCat("seed ISO: genisoimage failed writing ", iso_path, ": ",
                                                      result->output.empty() ? "no output" : result->output));
  }
  cleanup();
  fs::rename(partial, iso_path, error);
  if (error) {
    return absl::FailedPreconditionError(absl::StrCat("seed ISO: renaming into ", iso_path, ": ", error.message()));
  }
  return absl::OkStatus();
}

}  // namespace fta::virt
