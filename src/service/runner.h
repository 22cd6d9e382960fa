// The in-process background jobs of `counterfoil serve`: the deadline job
// (restorations, lapsed information requests), the webhook outbox and the
// bulk-notice jobs. One thread; it wakes every `job_tick_ms` or when poked.
//
//   JobRunner runner(notices, integration, tick);
//   runner.Start();
//   runner.Poke();   // after queueing a job or a delivery
//   runner.Stop();
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "service/integration.h"
#include "service/notices.h"

namespace counterfoil::service {

class JobRunner {
 public:
  JobRunner(NoticeService& notices, IntegrationService& integration, std::chrono::milliseconds tick)
      : notices_(notices), integration_(integration), tick_(tick) {}
  ~JobRunner() { Stop(); }

  void Start();
  void Stop();   // idempotent; waits for the current pass
  void Poke();   // run a pass soon
  // One pass of every job, on the calling thread (tests use this with a FakeClock).
  void RunOnce();

 private:
  NoticeService& notices_;
  IntegrationService& integration_;
  std::chrono::milliseconds tick_;
  std::mutex mu_;
  std::mutex pass_mu_;  // one pass at a time
  std::condition_variable cv_;
  bool poked_ = false;     // GUARDED_BY(mu_)
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace counterfoil::service
