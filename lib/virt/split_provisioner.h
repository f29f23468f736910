// SplitProvisioner: one FTA id served by one provisioner, every other id by
// another. fta-hostd's libvirt backend uses it so the host's own "native"
// agent (the poster's baseline) stays a host process while allocated FTAs
// are guests. Neither provisioner is owned.
#pragma once

#include <string>

#include "lib/virt/provisioner.h"

namespace fta::virt {

class SplitProvisioner final : public Provisioner {
 public:
  SplitProvisioner(std::string special_id, Provisioner* special, Provisioner* others)
      : special_id_(std::move(special_id)), special_(special), others_(others) {
    ForwardExits(special_);
    ForwardExits(others_);
  }

  // The backend of the allocated FTAs.
  std::string Backend() const override { return others_->Backend(); }
  absl::StatusOr<FtaInstance> Start(const FtaLaunchSpec& spec) override { return For(spec.fta_id)->Start(spec); }
  absl::Status Stop(const std::string& fta_id, absl::Duration grace) override {
    return For(fta_id)->Stop(fta_id, grace);
  }
  absl::Status Adopt(const std::string& fta_id, int64_t pid) override { return For(fta_id)->Adopt(fta_id, pid); }
  bool IsRunning(const std::string& fta_id) override { return For(fta_id)->IsRunning(fta_id); }
  absl::StatusOr<std::vector<std::string>> ListOwned() override { return others_->ListOwned(); }

 private:
  Provisioner* For(const std::string& fta_id) const { return fta_id == special_id_ ? special_ : others_; }

  const std::string special_id_;
  Provisioner* special_;
  Provisioner* others_;
};

}  // namespace fta::virt
