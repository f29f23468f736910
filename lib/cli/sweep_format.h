// Table, CSV and progress views of sweeps (`ftactl sweep start|watch|list|show|
// export|compare`, and their `results` aliases).
//
// RenderSweepDetail sections: header (id, state, spec, runs done), then per
// transfer size the summary table (N, write and read MiB/s, % of the native
// 1-rank baseline, native with N ranks, saturation and best N), then RUNS
// (one row per IOR job with its job id and note).
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "fta/v1/sweep.pb.h"
#include "lib/cli/event_view.h"
#include "lib/cli/format.h"

namespace fta::cli {

std::string RenderSweepList(const google::protobuf::RepeatedPtrField<v1::Sweep>& sweeps,
                            const FormatOptions& options);
std::string RenderSweepDetail(const v1::Sweep& sweep, const FormatOptions& options);

// One row per point (per phase of a run), with the run's snapshot:
// sweep_id,step,transfer_size,transfer_size_bytes,block_size_bytes,target,
// fta_count,ranks,repetition,phase,bandwidth_mib,bytes,seconds,job_id,
// backend,cpu_model,cpu_count,memory_bytes,kernel,engine,engine_version,
// ib_link_rate,vfs,config_hash,pf,link_utilisation_pct (empty when the run
// had no VF to meter). Fields with commas or quotes are quoted (RFC 4180).
std::string SweepToCsv(const v1::Sweep& sweep);

// Side by side with the % change from A to B per (transfer size, N); the
// native baseline row shows N as "native".
std::string RenderSweepComparison(const v1::Sweep& a, const v1::Sweep& b);

// "3/12 runs  -t 64k  fta N=2  write  812.30 MiB/s"
std::string RenderSweepProgressLine(const v1::SweepProgress& progress);

// 0 for COMPLETED, kExitJobFailed for FAILED/CANCELLED/INTERRUPTED.
int ExitCodeForSweep(const v1::Sweep& sweep);

// Follows a sweep's event stream like JobEventView does a job's: a progress
// line redrawn in place and one permanent line per finished run (kLive), or
// nothing but tracking (kQuiet).
class SweepEventView : public EventView<v1::Sweep> {
 public:
  SweepEventView(std::ostream& out, Mode mode) : EventView(out, mode) {}
  void Consume(const v1::SweepEvent& event);

 private:
  int steps_total_ = 0;
};

}  // namespace fta::cli
