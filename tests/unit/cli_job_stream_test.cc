// Following a job's event stream: what a terminal sees, and the exit code.
#include "lib/cli/job_stream.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "lib/cli/args.h"

namespace fta::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

v1::JobEvent Started(const std::string& id) {
  v1::JobEvent event;
  event.mutable_started()->set_id(id);
  event.mutable_started()->add_agents()->set_fta_id("fta-1");
  return event;
}

v1::JobEvent ProgressEvent(int64_t done_mib, int64_t expected_mib, double rate) {
  v1::JobEvent event;
  v1::Progress* progress = event.mutable_progress();
  progress->set_phase(v1::PHASE_WRITE);
  progress->set_iteration(1);
  progress->set_bytes_done(done_mib << 20);
  progress->set_bytes_expected(expected_mib << 20);
  progress->set_current_mib(rate);
  progress->set_link_utilisation_pct(-1);  // no VF behind the job
  return event;
}

v1::JobEvent PhaseFinished() {
  v1::JobEvent event;
  v1::PhaseAggregate* a = event.mutable_phase_finished();
  a->set_phase(v1::PHASE_WRITE);
  a->set_iteration(1);
  a->set_bytes(int64_t{1} << 30);
  a->set_total_seconds(1.25);
  a->set_bandwidth_mib(819.2);
  a->set_bandwidth_mb(858.99);
  a->set_start_skew_seconds(0.002);
  a->set_iops(819);
  return event;
}

v1::JobEvent Finished(const std::string& id, v1::JobState state) {
  v1::JobEvent event;
  event.mutable_finished()->set_id(id);
  event.mutable_finished()->set_state(state);
  return event;
}

TEST(ProgressLineTest, ShowsPhaseIterationMibDoneOfExpectedAndRate) {
  EXPECT_EQ(RenderProgressLine(ProgressEvent(512, 1024, 812.3).progress()),
            "write  iter 1  512.0/1024.0 MiB  50%  812.30 MiB/s");
}

TEST(ProgressLineTest, OmitsTotalWhileExpectedBytesAreUnknown) {
  EXPECT_EQ(RenderProgressLine(ProgressEvent(3, 0, 1.5).progress()),
            "write  iter 1  3.0 MiB  1.50 MiB/s");
}

TEST(ProgressLineTest, ShowsTheBusiestLinkWhenTheJobHasVfs) {
  v1::JobEvent event = ProgressEvent(512, 1024, 812.3);
  event.mutable_progress()->set_link_utilisation_pct(37.4);
  EXPECT_EQ(RenderProgressLine(event.progress()), "write  iter 1  512.0/1024.0 MiB  50%  812.30 MiB/s  link 37%");
  event.mutable_progress()->set_link_utilisation_pct(0);
  EXPECT_THAT(RenderProgressLine(event.progress()), HasSubstr("link 0%"));
}

TEST(PhaseLineTest, ShowsBothBandwidthUnitsTimeSkewAndIops) {
  std::string line = RenderPhaseLine(PhaseFinished().phase_finished());
  for (const char* part : {"write", "819.20 MiB/s", "858.99 MB/s", "1.00 GiB", "1.250 s",
                           "skew 0.002 s", "819 IOPS"}) {
    EXPECT_THAT(line, HasSubstr(part));
  }
}

TEST(JobEventViewTest, LiveModeRedrawsProgressInPlaceAndKeepsPhaseLines) {
  std::ostringstream out;
  JobEventView view(out, JobEventView::Mode::kLive);
  view.Consume(Started("job-3"));
  view.Consume(ProgressEvent(512, 1024, 800));
  view.Consume(ProgressEvent(1024, 1024, 900));
  view.Consume(PhaseFinished());
  view.Consume(Finished("job-3", v1::JOB_STATE_COMPLETED));
  view.End();
  std::string text = out.str();
  EXPECT_THAT(text, HasSubstr("job job-3 started on 1 FTA(s)"));
  EXPECT_THAT(text, HasSubstr("\rwrite  iter 1  512.0/1024.0 MiB"));
  EXPECT_THAT(text, HasSubstr("\rwrite  iter 1  1024.0/1024.0 MiB"));
  // The phase line starts on a cleared line and ends the line, unlike progress.
  EXPECT_THAT(text, HasSubstr("\rwrite  iter 1  819.20 MiB/s"));
  EXPECT_THAT(text, HasSubstr("IOPS\n"));
  EXPECT_EQ(view.id(), "job-3");
  ASSERT_TRUE(view.finished().has_value());
}

TEST(JobEventViewTest, ShorterProgressLineBlanksTheRestOfTheLongerOne) {
  std::ostringstream out;
  JobEventView view(out, JobEventView::Mode::kLive);
  view.Consume(ProgressEvent(1000, 1000, 12345.6));
  std::string first = RenderProgressLine(ProgressEvent(1000, 1000, 12345.6).progress());
  std::string second = RenderProgressLine(ProgressEvent(1, 1000, 1).progress());
  view.Consume(ProgressEvent(1, 1000, 1));
  ASSERT_LT(second.size(), first.size());
  EXPECT_THAT(out.str(), HasSubstr("\r" + second + std::string(first.size() - second.size(), ' ')));
}

TEST(JobEventViewTest, QuietModeWritesNothingButStillTracksTheJob) {
  std::ostringstream out;
  JobEventView view(out, JobEventView::Mode::kQuiet);
  view.Consume(Started("job-4"));
  view.Consume(ProgressEvent(1, 2, 3));
  view.Consume(PhaseFinished());
  view.Consume(Finished("job-4", v1::JOB_STATE_FAILED));
  view.End();
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(view.id(), "job-4");
  ASSERT_TRUE(view.finished().has_value());
  EXPECT_EQ(view.finished()->state(), v1::JOB_STATE_FAILED);
}

TEST(JobEventViewTest, StreamWithoutFinishedEventHasNoVerdict) {
  std::ostringstream out;
  JobEventView view(out, JobEventView::Mode::kLive);
  view.Consume(Started("job-5"));
  view.Consume(ProgressEvent(1, 2, 3));
  view.End();
  EXPECT_FALSE(view.finished().has_value());
  EXPECT_EQ(view.id(), "job-5");
  // End() leaves the cursor on a blank line start, not after stale progress.
  EXPECT_EQ(out.str().back(), '\r');
}

TEST(JobEventViewTest, WatchOfAFinishedJobNeedsOnlyTheFinishedEvent) {
  std::ostringstream out;
  JobEventView view(out, JobEventView::Mode::kLive);
  view.Consume(Finished("job-6", v1::JOB_STATE_COMPLETED));
  EXPECT_EQ(view.id(), "job-6");
  EXPECT_TRUE(view.finished().has_value());
  EXPECT_THAT(out.str(), Not(HasSubstr("started")));
}

TEST(ExitCodeTest, CompletedJobExitsZero) {
  EXPECT_EQ(ExitCodeForJob(Finished("j", v1::JOB_STATE_COMPLETED).finished()), kExitOk);
}

TEST(ExitCodeTest, FailedPartialAndCancelledJobsExitThree) {
  for (v1::JobState state :
       {v1::JOB_STATE_FAILED, v1::JOB_STATE_PARTIAL, v1::JOB_STATE_CANCELLED}) {
    EXPECT_EQ(ExitCodeForJob(Finished("j", state).finished()), 3) << state;
  }
}

TEST(ExitCodeTest, NonTerminalStateInFinishedEventIsAnError) {
  EXPECT_EQ(ExitCodeForJob(Finished("j", v1::JOB_STATE_RUNNING).finished()), kExitError);
}

}  // namespace
}  // namespace fta::cli
