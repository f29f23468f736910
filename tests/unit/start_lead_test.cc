// StartLead: the lead of a phase's common start from measured deliveries,
// per agent, with margin, send loop, floor and cap.
#include "lib/jobs/start_lead.h"

#include <gtest/gtest.h>

namespace fta::hostd {
namespace {

StartLeadOptions Options() {
  StartLeadOptions options;
  options.floor = absl::Milliseconds(4);
  options.cap = absl::Seconds(2);
  options.margin = 1.5;
  options.unmeasured = absl::Milliseconds(20);
  return options;
}

TEST(StartLeadTest, AnAgentNeverMeasuredCountsAsUnmeasured) {
  StartLead leads(Options());
  EXPECT_EQ(leads.EstimateFor("fta-1"), absl::Milliseconds(20));
  EXPECT_EQ(leads.LeadFor({"fta-1"}, absl::ZeroDuration()), absl::Milliseconds(30));
}

TEST(StartLeadTest, LeadIsTheSlowestAgentTimesTheMarginPlusTheSendLoop) {
  StartLead leads(Options());
  leads.Observe("fta-1", absl::Milliseconds(2), Delivery::kParked);
  leads.Observe("fta-2", absl::Milliseconds(8), Delivery::kParked);
  EXPECT_EQ(leads.LeadFor({"fta-1", "fta-2"}, absl::Milliseconds(3)), absl::Milliseconds(15));
  // Only the job's own agents count.
  EXPECT_EQ(leads.LeadFor({"fta-1"}, absl::Milliseconds(3)), absl::Milliseconds(6));
}

TEST(StartLeadTest, ASlowerDeliveryCountsAtOnceAFasterOneGradually) {
  StartLead leads(Options());
  leads.Observe("fta-1", absl::Milliseconds(10), Delivery::kParked);
  leads.Observe("fta-1", absl::Milliseconds(50), Delivery::kParked);
  EXPECT_EQ(leads.EstimateFor("fta-1"), absl::Milliseconds(50));
  leads.Observe("fta-1", absl::Milliseconds(10), Delivery::kParked);
  EXPECT_EQ(leads.EstimateFor("fta-1"), absl::Milliseconds(40));  // a quarter of the gap
  for (int i = 0; i < 100; ++i) leads.Observe("fta-1", absl::Milliseconds(10), Delivery::kParked);
  EXPECT_LT(leads.EstimateFor("fta-1"), absl::Milliseconds(11));
  EXPECT_GE(leads.EstimateFor("fta-1"), absl::Milliseconds(10));
}

TEST(StartLeadTest, TheLeadStaysBetweenFloorAndCap) {
  StartLead leads(Options());
  leads.Observe("quick", absl::Microseconds(100), Delivery::kParked);
  EXPECT_EQ(leads.LeadFor({"quick"}, absl::ZeroDuration()), absl::Milliseconds(4));
  leads.Observe("slow", absl::Seconds(30), Delivery::kParked);
  EXPECT_EQ(leads.EstimateFor("slow"), absl::Seconds(2));  // a sample is capped too
  EXPECT_EQ(leads.LeadFor({"slow"}, absl::Seconds(1)), absl::Seconds(2));
}

TEST(StartLeadTest, ADeliveryBeforeItsSendFromDisagreeingClocksCountsAsZero) {
  StartLead leads(Options());
  leads.Observe("guest", absl::Milliseconds(-300), Delivery::kParked);
  EXPECT_EQ(leads.EstimateFor("guest"), absl::ZeroDuration());
  EXPECT_EQ(leads.LeadFor({"guest"}, absl::ZeroDuration()), absl::Milliseconds(4));
}

TEST(StartLeadTest, AnAgentKnownOnlyFromReadyCountsThreeTimesUntilItsRanksHaveParked) {
  StartLead leads(Options());
  leads.Observe("fresh", absl::Milliseconds(10), Delivery::kReady);
  EXPECT_EQ(leads.EstimateFor("fresh"), absl::Milliseconds(30));
  leads.Observe("fresh", absl::Milliseconds(12), Delivery::kParked);
  EXPECT_EQ(leads.EstimateFor("fresh"), absl::Milliseconds(12));
  leads.Observe("fresh", absl::Milliseconds(4), Delivery::kReady);  // a later job's READY
  EXPECT_EQ(leads.EstimateFor("fresh"), absl::Milliseconds(10));   // still warm: no factor
}

}  // namespace
}  // namespace fta::hostd
