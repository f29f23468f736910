// Table-mode views of the control API's resources (host, FTAs, job list).
// Job detail lives in job_format.h; live job progress in job_stream.h.
//
// Every Render* returns complete text ending in '\n' and never fails: a field
// the daemon left empty is shown as "-" rather than hidden, so an operator can
// tell "unknown" from "zero" and the columns stay put.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "fta/v1/host.grpc.pb.h"
#include "fta/v1/job.grpc.pb.h"
#include "fta/v1/fta.grpc.pb.h"
#include "lib/cli/enum_words.h"

namespace fta::cli {

struct FormatOptions {
  // Timestamps are shown in this zone; tests pin UTC.
  absl::TimeZone zone = absl::LocalTimeZone();
};

// "2024-05-01 13:04:05" in `zone`, "-" for 0 (never set).
std::string FormatUnixMs(int64_t unix_ms, absl::TimeZone zone);

// Rank lists compress runs: {0,1,2,3,8} -> "0-3,8"; empty -> "-".
std::string FormatRanks(const std::vector<int32_t>& ranks);

// Bandwidths and seconds with fixed decimals so columns line up.
std::string FormatRate(double value);     // "%.2f"
std::string FormatSeconds(double value);  // "%.3f"

// Sizes as the daemon understood them: the parsed byte count in IOR spelling
// when known, else the string the operator sent, else "-".
std::string FormatSpecSize(int64_t parsed_bytes, const std::string& as_sent);

std::string RenderHost(const v1::HostInfo& host, const FormatOptions& options);
std::string RenderFtaList(const google::protobuf::RepeatedPtrField<v1::Fta>& ftas,
                          const FormatOptions& options);
std::string RenderFtaDetail(const v1::Fta& fta, const FormatOptions& options);
std::string RenderReleased(const v1::ReleaseFtasResponse& response);
std::string RenderJobList(const google::protobuf::RepeatedPtrField<v1::Job>& jobs,
                          const FormatOptions& options);

// Mean MiB/s of `phase` over the job's iterations: the daemon's summary when
// present, else the mean of its per-iteration aggregates; negative if none.
double MeanBandwidthMib(const v1::Job& job, v1::Phase phase);

}  // namespace fta::cli
