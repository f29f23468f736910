#include "lib/virt/seed_iso.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "lib/core/run_tool.h"
#include "lib/pki/certificate_authority.h"

namespace fta::virt {
namespace {

// A YAML double-quoted scalar.
std::string Quoted(const std::string& text) {
  return absl::StrCat("\"", absl::StrReplaceAll(text, {{"\\", "\\\\"}, {"\"", "\\\""}, {"\n", "\\n"}}), "\"");
}

}  // namespace

absl::StatusOr<SeedCredentials> ReadSeedCredentials(const std::string& credentials_dir) {
  SeedCredentials credentials;
  for (const char* name : {"token", "cert.pem", "key.pem", "ca.pem"}) {
    std::string path = absl::StrCat(credentials_dir, "/", name);
    std::ifstream in(path);
    if (!in) continue;
    std::stringstream text;
    text << in.rdbuf();
    credentials[name] = text.str();
  }
  if (credentials.count("token") == 0) {
    return absl::FailedPreconditionError(absl::StrCat("seed: no token in ", credentials_dir));
  }
  return credentials;
}

NoCloudSeed MakeNoCloudSeed(const std::string& fta_id, const std::string& agent_endpoint,
                            const SeedCredentials& credentials) {
  NoCloudSeed seed;
  seed.meta_data = absl::StrCat("instance-id: ", Quoted(fta_id), "\nlocal-hostname: ", Quoted(fta_id), "\n");
  std::string user = "#cloud-config\nwrite_files:\n";
  absl::StrAppend(&user, "  - path: /etc/default/fta-agent\n    permissions: \"0644\"\n    content: ",
                  Quoted(absl::StrCat("FTA_HOSTD=", agent_endpoint, "\nFTA_ID=", fta_id, "\n")), "\n");
  for (const auto& [name, contents] : credentials) {
    absl::StrAppend(&user, "  - path: /etc/fta-agent/", name, "\n    permissions: \"0600\"\n    content: ",
                    Quoted(contents), "\n");
  }
  absl::StrAppend(&user, "runcmd:\n  - [systemctl, enable, --now, fta-agent.service]\n");
  seed.user_data = std::move(user);
  seed.fta_files = credentials;
  seed.fta_files["id"] = fta_id + "\n";
  seed.fta_files["connect"] = agent_endpoint + "\n";
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
  chmod(staging.c_str(), 0700);
  std::map<std::string, std::string> files = {{"meta-data", seed.meta_data}, {"user-data", seed.user_data}};
  for (const auto& [name, contents] : seed.fta_files) files["fta/" + name] = contents;
  fs::create_directory(staging / "fta", error);
  for (const auto& [name, contents] : files) {
    absl::Status written = pki::WriteFileAtomically((staging / name).string(), contents, 0600);
    if (!written.ok()) {
      cleanup();
      return absl::FailedPreconditionError(absl::StrCat("seed ISO: ", written.message()));
    }
  }
  chmod((staging / "fta").c_str(), 0700);
  const std::string partial = iso_path + ".partial";
  absl::StatusOr<ToolResult> result = RunTool(
      {"genisoimage", "-quiet", "-output", partial, "-volid", "cidata", "-joliet", "-rock", staging.string()});
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
  chmod(partial.c_str(), 0600);  // it holds the FTA's private key
  fs::rename(partial, iso_path, error);
  if (error) {
    return absl::FailedPreconditionError(absl::StrCat("seed ISO: renaming into ", iso_path, ": ", error.message()));
  }
  return absl::OkStatus();
}

}  // namespace fta::virt
