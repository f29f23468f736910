// Behaviour of agent::SampleBatcher: samples leave in batches of at most
// the window (count or span), Flush sends the rest, nothing is lost or
// counted twice, and a zero window sends each sample alone.
#include "lib/agent/sample_batcher.h"

#include <vector>

#include "gtest/gtest.h"

namespace fta::agent {
namespace {

using fta::agent::v1::AgentMessage;

constexpr int64_t kMs = 1000000;

// Sample i covers [i*100 ms, (i+1)*100 ms) and moved i+1 bytes.
SampleDelta Sample(int i) { return SampleDelta{i * 100 * kMs, (i + 1) * 100 * kMs, uint64_t(i + 1), 1}; }

struct Sent {
  std::vector<AgentMessage> messages;
  SampleBatcher::Send sink() {
    return [this](const AgentMessage& m) { messages.push_back(m); };
  }
  int64_t bytes() const {
    int64_t total = 0;
    for (const auto& m : messages) {
      if (m.has_sample()) total += m.sample().bytes();
      for (const auto& s : m.sample_batch().samples()) total += s.bytes();
    }
    return total;
  }
};

TEST(SampleBatcherTest, SendsABatchWhenItHoldsMaxSamples) {
  Sent sent;
  SampleBatcher batcher("job-1", 2, fta::v1::PHASE_WRITE, {3, std::chrono::seconds(60)}, sent.sink());
  for (int i = 0; i < 7; ++i) batcher.Add(Sample(i));
  ASSERT_EQ(sent.messages.size(), 2u);
  for (const auto& m : sent.messages) {
    ASSERT_TRUE(m.has_sample_batch());
    EXPECT_EQ(m.sample_batch().job_id(), "job-1");
    EXPECT_EQ(m.sample_batch().samples_size(), 3);
    EXPECT_EQ(m.sample_batch().samples(0).iteration(), 2);
    EXPECT_EQ(m.sample_batch().samples(0).phase(), fta::v1::PHASE_WRITE);
  }
  EXPECT_EQ(batcher.held(), 1);
}

TEST(SampleBatcherTest, SendsABatchOnceItsSamplesSpanTheWindow) {
  Sent sent;
  SampleBatcher batcher("job-1", 0, fta::v1::PHASE_READ, {100, std::chrono::milliseconds(500)}, sent.sink());
  for (int i = 0; i < 4; ++i) batcher.Add(Sample(i));  // spans 400 ms
  EXPECT_TRUE(sent.messages.empty());
  batcher.Add(Sample(4));  // 500 ms
  ASSERT_EQ(sent.messages.size(), 1u);
  EXPECT_EQ(sent.messages[0].sample_batch().samples_size(), 5);
  EXPECT_EQ(batcher.held(), 0);
}

TEST(SampleBatcherTest, FlushSendsTheRestSoEveryByteArrivesOnce) {
  Sent sent;
  SampleBatcher batcher("job-1", 0, fta::v1::PHASE_WRITE, {4, std::chrono::seconds(1)}, sent.sink());
  for (int i = 0; i < 6; ++i) batcher.Add(Sample(i));
  batcher.Flush();
  batcher.Flush();  // nothing held: nothing sent
  ASSERT_EQ(sent.messages.size(), 2u);
  EXPECT_EQ(sent.messages[1].sample_batch().samples_size(), 2);
  EXPECT_EQ(sent.bytes(), 1 + 2 + 3 + 4 + 5 + 6);
}

TEST(SampleBatcherTest, AWiderWindowFromTheHostHoldsMoreSamplesAMessage) {
  // 10 Hz samples in the 2 s window a 1000-agent job gets: 20 a message.
  SampleBatcher::Window wide = SampleBatcher::WindowFor(std::chrono::seconds(2), std::chrono::milliseconds(100));
  EXPECT_EQ(wide.max_samples, 20);
  Sent sent;
  SampleBatcher batcher("job-1", 0, fta::v1::PHASE_WRITE, wide, sent.sink());
  for (int i = 0; i < 40; ++i) batcher.Add(Sample(i));
  ASSERT_EQ(sent.messages.size(), 2u);
  EXPECT_EQ(sent.messages[0].sample_batch().samples_size(), 20);
  // Never fewer than 10 nor more than 1000 samples a message.
  EXPECT_EQ(SampleBatcher::WindowFor(std::chrono::milliseconds(100), std::chrono::milliseconds(100)).max_samples, 10);
  EXPECT_EQ(SampleBatcher::WindowFor(std::chrono::seconds(10), std::chrono::milliseconds(1)).max_samples, 1000);
}

TEST(SampleBatcherTest, AZeroWindowSendsEachSampleAloneWithItsJob) {
  Sent sent;
  SampleBatcher batcher("job-9", 1, fta::v1::PHASE_WRITE, {10, std::chrono::milliseconds(0)}, sent.sink());
  batcher.Add(Sample(0));
  batcher.Add(Sample(1));
  batcher.Flush();
  ASSERT_EQ(sent.messages.size(), 2u);
  EXPECT_TRUE(sent.messages[0].has_sample());
  EXPECT_EQ(sent.messages[0].sample().job_id(), "job-9");
  EXPECT_EQ(sent.messages[1].sample().bytes(), 2);
}

}  // namespace
}  // namespace fta::agent
