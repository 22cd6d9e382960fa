// The in-process background jobs of `counterfoil serve`: the deadline job
// (restorations, lapsed information requests) and the bulk-notice jobs on one
// thread, the webhook outbox on another (so a slow receiver never delays a
// legal deadline), and screening's rule-set rebuilds and re-screening jobs on
// a third (a re-screen of every listing must not hold up either). All wake
// every `job_tick_ms` or when poked.
//
//   JobRunner runner(notices, integration, &screening, tick);
//   runner.Start();
//   runner.Poke();   // after queueing a job or a delivery
//   runner.Stop();
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "service/integration.h"
#include "service/notices.h"
#include "service/screening.h"

namespace counterfoil::service {

class JobRunner {
 public:
  // `screening` may be null (no screening thread).
  JobRunner(NoticeService& notices, IntegrationService& integration, ScreeningService* screening,
            std::chrono::milliseconds tick)
      : notices_(notices), integration_(integration), screening_(screening), tick_(tick) {}
  ~JobRunner() { Stop(); }

  void Start();
  void Stop();   // idempotent; waits for the current pass
  void Poke();   // run a pass soon
  // One pass of every job, on the calling thread (tests use this with a FakeClock).
  void RunOnce();
  void RunDeadlinesAndJobs();
  void RunDeliveries();
  void RunScreening();

 private:
  NoticeService& notices_;
  IntegrationService& integration_;
  ScreeningService* screening_;
  std::chrono::milliseconds tick_;
  std::mutex mu_;
  std::mutex deadline_mu_;  // one deadline pass at a time
  std::mutex delivery_mu_;  // one delivery pass at a time
  std::condition_variable cv_;
  uint64_t pokes_ = 0;     // GUARDED_BY(mu_)
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
  std::thread delivery_thread_;
  std::thread screening_thread_;
};

}  // namespace counterfoil::service
