// Early-return helpers for absl::Status / absl::StatusOr.
//
// Debian 12's Abseil (20220623) ships no status macros, so the project keeps
// its own two here:
//
//   FTA_RETURN_IF_ERROR(store.Put(row));
//   FTA_ASSIGN_OR_RETURN(uint64_t bytes, ParseSize(text));
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define FTA_STATUS_CONCAT_INNER(a, b) a##b
#define FTA_STATUS_CONCAT(a, b) FTA_STATUS_CONCAT_INNER(a, b)

#define FTA_RETURN_IF_ERROR(expr)                 \
  do {                                            \
    ::absl::Status fta_status_ = (expr);          \
    if (!fta_status_.ok()) return fta_status_;    \
  } while (0)

#define FTA_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()

#define FTA_ASSIGN_OR_RETURN(lhs, expr) \
  FTA_ASSIGN_OR_RETURN_IMPL(FTA_STATUS_CONCAT(fta_statusor_, __LINE__), lhs, expr)
