#include "service/runner.h"

#include <spdlog/spdlog.h>

namespace counterfoil::service {

void JobRunner::Start() {
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] {
    while (true) {
      RunOnce();
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, tick_, [&] { return stopping_ || poked_; });
      if (stopping_) return;
      poked_ = false;
    }
  });
}

void JobRunner::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void JobRunner::Poke() {
  {
    std::lock_guard lock(mu_);
    poked_ = true;
  }
  cv_.notify_all();
}

void JobRunner::RunOnce() {
  std::lock_guard pass(pass_mu_);
  auto due = notices_.RunDue();
  if (!due.ok()) spdlog::error("deadline job: {}", due.status().ToString());
  else if (due->restored || due->lapsed)
    spdlog::info("deadline job: {} listings restored, {} notices lapsed", due->restored, due->lapsed);
  auto jobs = notices_.PendingJobs();
  if (jobs.ok()) {
    for (const auto& id : *jobs) {
      Status s = notices_.RunJob(id);
      if (!s.ok()) spdlog::error("job {}: {}", id, s.ToString());
    }
  }
  auto sent = integration_.DeliverDue();
  if (!sent.ok()) spdlog::error("webhook outbox: {}", sent.status().ToString());
}

}  // namespace counterfoil::service
