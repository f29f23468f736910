#!/usr/bin/env python3
"""Checks of the `slurm` test's run (called by slurm_test.sh).

  check_slurm_run.py merge OWNER MERGED.json STORED_MERGED.json HOST_JOB.json...
      every host's job ran under OWNER on its own FTAs and completed; the
      stored merged job (engine merged) has the aggregates recomputed here,
      independently of lib/jobs/job_merge, from the hosts' stored jobs:
      bytes / (max close end - min open start) over every rank of every host.
  check_slurm_run.py ftas OWNER COUNT FTA_LIST.json JOB.json
      the owner's FTAs on one hostd: COUNT of them, all released, and they
      are exactly the FTAs the host's job ran on.
  check_slurm_run.py empty FTA_LIST.json
      no active FTA.
  check_slurm_run.py timing MERGED.json PROLOG_STARTS
      prints {"merged": ..., "cross_host_skew_s": ..., "alloc_to_first_go_s": ...}.
"""
import json
import sys

MEASURED = ("write", "read")


def load(path):
    with open(path) as f:
        return json.load(f)


def fail(message):
    print(f"check_slurm_run: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def recompute(jobs):
    """{(iteration, phase): (bytes, mib_per_s, ranks)} over all hosts' ranks."""
    groups = {}
    for job in jobs:
        for r in job["rank_results"]:
            if r["phase"] in MEASURED:
                groups.setdefault((r["iteration"], r["phase"]), []).append(r)
    out = {}
    for key, ranks in groups.items():
        total = sum(int(r["bytes"]) for r in ranks)
        span_ns = max(int(r["close_end_ns"]) for r in ranks) - min(int(r["open_start_ns"]) for r in ranks)
        out[key] = (total, total / (span_ns / 1e9) / 2**20, len(ranks))
    return out


def check_merge(owner, merged_path, stored_path, host_paths):
    jobs = [load(p) for p in host_paths]
    for path, job in zip(host_paths, jobs):
        if job["state"] != "completed":
            fail(f"{path}: job {job['id']} is {job['state']}: {job.get('error')}")
        if job["owner"] != owner:
            fail(f"{path}: job {job['id']} ran for owner {job['owner']!r}, not {owner!r}")
        if int(job["start_at_unix_ms"]) == 0:
            fail(f"{path}: job {job['id']} has no start_at")
    merged = load(merged_path)
    stored = load(stored_path)
    if stored["engine"] != "merged":
        fail(f"stored merged job {stored['id']} has engine {stored['engine']}")
    if merged["job"]["id"] != stored["id"]:
        fail(f"results merge --store printed job {merged['job']['id']}, job show gave {stored['id']}")
    expected = recompute(jobs)
    got = {(a["iteration"], a["phase"]): a for a in stored["aggregates"]}
    if set(got) != set(expected):
        fail(f"merged phases {sorted(got)} != hosts' phases {sorted(expected)}")
    for key, (total, mib, ranks) in expected.items():
        a = got[key]
        if int(a["bytes"]) != total or a["ranks"] != ranks:
            fail(f"{key}: merged {a['bytes']} bytes / {a['ranks']} ranks, recomputed {total} / {ranks}")
        if abs(a["bandwidth_mib"] - mib) > 1e-6 * mib:
            fail(f"{key}: merged {a['bandwidth_mib']} MiB/s, recomputed {mib} MiB/s")
    hosts = {row["host"] for row in merged["hosts"]}
    if len(hosts) != len(jobs):
        fail(f"merged per-host rows name {sorted(hosts)}, expected {len(jobs)} hosts")
    print(f"check_slurm_run: merged job {stored['id']} matches the recomputed aggregate of {len(jobs)} hosts")


def check_ftas(owner, count, list_path, job_path):
    ftas = load(list_path).get("ftas", [])
    job = load(job_path)
    if len(ftas) != count:
        fail(f"{list_path}: {len(ftas)} FTAs of {owner}, expected {count}")
    for fta in ftas:
        if fta["owner"] != owner:
            fail(f"{list_path}: {fta['id']} has owner {fta['owner']!r}")
        if fta["state"] != "released":
            fail(f"{list_path}: {fta['id']} is {fta['state']} after the epilog, not released")
    ran_on = sorted(agent["fta_id"] for agent in job["agents"])
    if ran_on != sorted(fta["id"] for fta in ftas):
        fail(f"{job_path}: job ran on {ran_on}, the owner's FTAs are {sorted(f['id'] for f in ftas)}")


def check_empty(list_path):
    ftas = load(list_path).get("ftas", [])
    if ftas:
        fail(f"{list_path}: FTAs still active: {[(f['id'], f['owner'], f['state']) for f in ftas]}")


def timing(merged_path, starts_path):
    merged = load(merged_path)
    job = merged["job"]
    with open(starts_path) as f:
        prolog_starts = [int(line.split()[0]) for line in f if line.strip()]
    first_open = min(int(r["open_start_ns"]) for r in job["rank_results"])
    aggregates = {f"{a['phase']}_{a['iteration']}": {"MiB/s": round(a["bandwidth_mib"], 2),
                                                      "bytes": int(a["bytes"]), "ranks": a["ranks"],
                                                      "seconds": round(a["total_seconds"], 4),
                                                      "start_skew_s": round(a["start_skew_seconds"], 4)}
                  for a in job["aggregates"]}
    print(json.dumps({
        "merged_job": job["id"],
        "hosts": sorted({row["host"] for row in merged["hosts"]}),
        "merged": aggregates,
        "cross_host_skew_s": {f"{s['phase']}_{s['iteration']}": round(s["seconds"], 6) for s in merged["skews"]},
        "max_cross_host_skew_s": round(merged["max_skew_seconds"], 6),
        "alloc_to_start_at_s": round((int(job["start_at_unix_ms"]) * 1e6 - min(prolog_starts)) / 1e9, 3),
        "alloc_to_first_go_s": round((first_open - min(prolog_starts)) / 1e9, 3),
    }, indent=2))


def main(argv):
    verb = argv[1]
    if verb == "merge":
        check_merge(argv[2], argv[3], argv[4], argv[5:])
    elif verb == "ftas":
        check_ftas(argv[2], int(argv[3]), argv[4], argv[5])
    elif verb == "empty":
        check_empty(argv[2])
    elif verb == "timing":
        timing(argv[2], argv[3])
    else:
        fail(f"unknown verb {verb}")


if __name__ == "__main__":
    main(sys.argv)
