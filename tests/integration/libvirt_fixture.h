// Shared by the tests that drive fta-hostd against a private libvirtd
// (`vm` guests, `container` FTAs): listing domains, planting an orphan, and
// timing.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

struct _virConnect;

namespace fta::testing {

// Names of every domain (running or only defined) on the connection.
std::vector<std::string> DomainNames(_virConnect* connection);

// Defines a copy of FTA `fta_id`'s domain (fta-<id>) as `orphan_id`: our
// metadata, an id the store never had (what a crash between defining a
// domain and recording it would leave). Not started.
::testing::AssertionResult DefineOrphanCopy(_virConnect* connection, const std::string& fta_id,
                                            const std::string& orphan_id);

inline double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace fta::testing
