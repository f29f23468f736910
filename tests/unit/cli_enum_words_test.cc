// ftactl's words for the API's enums (lib/cli/enum_words.h): the same in
// tables and JSON, the words ftactl printed before the fields became enums.
#include "lib/cli/enum_words.h"

#include <set>
#include <string>

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

TEST(EnumWords, AreTheWordsFtactlPrintedBefore) {
  EXPECT_EQ(FtaKindName(v1::FTA_KIND_PROCESS), "process");
  EXPECT_EQ(FtaKindName(v1::FTA_KIND_VM), "vm");
  EXPECT_EQ(FtaKindName(v1::FTA_KIND_CONTAINER), "container");
  EXPECT_EQ(FtaKindName(v1::FTA_KIND_NATIVE), "native");
  EXPECT_EQ(BackendName(v1::BACKEND_LIBVIRT), "libvirt");
  EXPECT_EQ(EngineName(v1::ENGINE_IOR_IMPORT), "ior-import");
  EXPECT_EQ(JobAgentStateName(v1::JOB_AGENT_STATE_LOST), "lost");
  EXPECT_EQ(SweepRunStateName(v1::SWEEP_RUN_STATE_COMPLETED), "completed");
  EXPECT_EQ(SweepTargetName(v1::SWEEP_TARGET_NATIVE_MATCHED), "native-N");
  EXPECT_EQ(PortStateName(v1::PORT_STATE_ACTIVE), "ACTIVE");
  EXPECT_EQ(PortPhysStateName(v1::PORT_PHYS_STATE_LINK_UP), "LinkUp");
  EXPECT_EQ(GuidStateName(v1::GUID_STATE_NOT_APPLICABLE), "-");
  EXPECT_EQ(DeviceFamilyName(v1::DEVICE_FAMILY_MLX4), "mlx4");
}

TEST(EnumWords, FormerStringsStayEmptyWhenUnspecified) {
  EXPECT_EQ(BackendName(v1::BACKEND_UNSPECIFIED), "");
  EXPECT_EQ(EngineName(v1::ENGINE_UNSPECIFIED), "");
  EXPECT_EQ(JobAgentStateName(v1::JOB_AGENT_STATE_UNSPECIFIED), "");
  EXPECT_EQ(PortStateName(v1::PORT_STATE_UNSPECIFIED), "");
  EXPECT_EQ(JobStateName(v1::JOB_STATE_UNSPECIFIED), "unspecified");
}

TEST(EnumWords, UnknownNumbersFromANewerDaemonShowTheNumber) {
  EXPECT_EQ(BackendName(static_cast<v1::Backend>(9)), "unknown(9)");
  EXPECT_EQ(EnumWord(*v1::FtaKind_descriptor(), 77), "unknown(77)");
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
