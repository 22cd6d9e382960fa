// The demo marketplace that `counterfoil serve --demo` seeds into a fresh
// data directory: two marketplaces under different legal regimes, a brand
// owner, a publisher, a coalition of publishers with members, an agency,
// sellers with listings, and notices in every state of their lifecycle.
// History is written with a clock that starts 41 days ago and moves forward,
// so deadlines, restorations and strikes are real outcomes of the services.
#pragma once

#include <string>
#include <vector>

#include "api/app.h"

namespace counterfoil::api {

struct DemoAccount {
  std::string role;
  std::string email;
  std::string password;
  std::string api_key;
  std::string description;
};

// Seeds the demo data through `app`'s services (whose clock must be the
// FakeClock `clock`, which this function advances). kFailedPrecondition if
// the data directory already holds data.
Result<std::vector<DemoAccount>> SeedDemo(App& app, FakeClock& clock,
                                          const std::string& images_dir = "");
// The demo accounts (same every time: the demo keys are fixed strings).
std::vector<DemoAccount> DemoAccounts();

}  // namespace counterfoil::api
