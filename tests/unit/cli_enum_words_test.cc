// ftactl's words for the API's enums (lib/cli/enum_words.h): the same in
// tables and JSON, the words ftactl printed before the fields became enums.
#include "lib/cli/enum_words.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fta::cli {
namespace {

using ::testing::HasSubstr;

// Every named value of `type` but UNSPECIFIED has a word of its own.
void ExpectDistinctWords(const google::protobuf::EnumDescriptor& type) {
  std::set<std::string> words;
  for (int i = 0; i < type.value_count(); ++i) {
    const google::protobuf::EnumValueDescriptor& value = *type.value(i);
    if (value.number() == 0) continue;
    std::string word = EnumWord(type, value.number());
    EXPECT_FALSE(word.empty()) << value.name();
    EXPECT_EQ(word.find("unknown"), std::string::npos) << value.name();
    EXPECT_TRUE(words.insert(word).second) << type.name() << ": " << word << " twice";
  }
}

TEST(EnumWords, EveryApiEnumValueHasADistinctWord) {
  for (const google::protobuf::EnumDescriptor* type :
       {v1::FtaState_descriptor(), v1::FtaKind_descriptor(), v1::Backend_descriptor(), v1::Engine_descriptor(),
        v1::JobState_descriptor(), v1::JobAgentState_descriptor(), v1::Phase_descriptor(),
        v1::SweepState_descriptor(), v1::SweepRunState_descriptor(), v1::SweepTarget_descriptor(),
        v1::PortState_descriptor(), v1::PortPhysState_descriptor(), v1::GuidState_descriptor(),
        v1::DeviceFamily_descriptor()}) {
    ExpectDistinctWords(*type);
  }
}

// The words ftactl printed before the fields became enums (the type prefix
// dropped); former strings stay empty when UNSPECIFIED; a number from a newer
// daemon shows as itself.
TEST(EnumWords, AreTheWordsFtactlPrintedBefore) {
  const std::vector<std::pair<std::string, std::string>> words = {
      {FtaKindName(v1::FTA_KIND_PROCESS), "process"},
      {FtaKindName(v1::FTA_KIND_VM), "vm"},
      {FtaKindName(v1::FTA_KIND_CONTAINER), "container"},
      {FtaKindName(v1::FTA_KIND_NATIVE), "native"},
      {FtaStateName(v1::FTA_STATE_READY), "ready"},
      {BackendName(v1::BACKEND_LIBVIRT), "libvirt"},
      {EngineName(v1::ENGINE_IOR_IMPORT), "ior-import"},
      {JobStateName(v1::JOB_STATE_PARTIAL), "partial"},
      {JobAgentStateName(v1::JOB_AGENT_STATE_LOST), "lost"},
      {PhaseName(v1::PHASE_WRITE), "write"},
      {SweepRunStateName(v1::SWEEP_RUN_STATE_COMPLETED), "completed"},
      {SweepTargetName(v1::SWEEP_TARGET_NATIVE_MATCHED), "native-N"},
      {PortStateName(v1::PORT_STATE_ACTIVE), "ACTIVE"},
      {PortPhysStateName(v1::PORT_PHYS_STATE_LINK_UP), "LinkUp"},
      {GuidStateName(v1::GUID_STATE_NOT_APPLICABLE), "-"},
      {DeviceFamilyName(v1::DEVICE_FAMILY_MLX4), "mlx4"},
      {BackendName(v1::BACKEND_UNSPECIFIED), ""},
      {EngineName(v1::ENGINE_UNSPECIFIED), ""},
      {JobAgentStateName(v1::JOB_AGENT_STATE_UNSPECIFIED), ""},
      {PortStateName(v1::PORT_STATE_UNSPECIFIED), ""},
      {JobStateName(v1::JOB_STATE_UNSPECIFIED), "unspecified"},
      {BackendName(static_cast<v1::Backend>(9)), "unknown(9)"},
      {JobStateName(static_cast<v1::JobState>(42)), "unknown(42)"},
      {EnumWord(*v1::FtaKind_descriptor(), 77), "unknown(77)"},
  };
  for (size_t i = 0; i < words.size(); ++i) EXPECT_EQ(words[i].first, words[i].second) << "case " << i;
}

TEST(EnumWords, CommandLineWordsParseBack) {
  EXPECT_EQ(*FtaKindFromName("container", "--kind"), v1::FTA_KIND_CONTAINER);
  EXPECT_EQ(*FtaKindFromName("vm", "--kind"), v1::FTA_KIND_VM);
  EXPECT_EQ(*FtaKindFromName("", "--kind"), v1::FTA_KIND_UNSPECIFIED);
  EXPECT_EQ(*EngineFromName("ior", "--engine"), v1::ENGINE_IOR);
  EXPECT_EQ(*BackendFromName("libvirt", "--backend"), v1::BACKEND_LIBVIRT);
}

TEST(EnumWords, UnknownCommandLineWordsNameTheFlagAndTheChoices) {
  absl::StatusOr<v1::FtaKind> kind = FtaKindFromName("native", "--kind");  // not allocatable
  EXPECT_EQ(kind.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(kind.status().message(), HasSubstr("--kind"));
  EXPECT_THAT(kind.status().message(), HasSubstr("process, vm, container"));
  EXPECT_FALSE(EngineFromName("ior-import", "--engine").ok());  // recorded by imports, never run
  EXPECT_THAT(BackendFromName("xen", "--backend").status().message(), HasSubstr("--backend"));
}

}  // namespace
}  // namespace fta::cli
