#include "service/runner.h"

#include <spdlog/spdlog.h>

namespace counterfoil::service {

void JobRunner::Start() {
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
  }
  auto loop = [this](void (JobRunner::*pass)()) {
    uint64_t seen = 0;
    while (true) {
      (this->*pass)();
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, tick_, [&] { return stopping_ || pokes_ != seen; });
      if (stopping_) return;
      seen = pokes_;
    }
  };
  thread_ = std::thread(loop, &JobRunner::RunDeadlinesAndJobs);
  delivery_thread_ = std::thread(loop, &JobRunner::RunDeliveries);
  if (screening_) screening_thread_ = std::thread(loop, &JobRunner::RunScreening);
}

void JobRunner::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (delivery_thread_.joinable()) delivery_thread_.join();
  if (screening_thread_.joinable()) screening_thread_.join();
}

void JobRunner::Poke() {
  {
    std::lock_guard lock(mu_);
    ++pokes_;
  }
  cv_.notify_all();
}

void JobRunner::RunOnce() {
  RunDeadlinesAndJobs();
  RunDeliveries();
  RunScreening();
}

void JobRunner::RunDeadlinesAndJobs() {
  std::lock_guard pass(deadline_mu_);
  auto due = notices_.RunDue();
  if (!due.ok()) spdlog::error("deadline job: {}", due.status().ToString());
  else if (due->restored || due->lapsed)
    spdlog::info("deadline job: {} listings restored, {} notices lapsed", due->restored, due->lapsed);
  auto jobs = notices_.PendingJobs();  // bulk notice uploads
  if (jobs.ok()) {
    for (const auto& id : *jobs) {
      Status s = notices_.RunJob(id);
      if (!s.ok()) spdlog::error("job {}: {}", id, s.ToString());
    }
  }
}

void JobRunner::RunDeliveries() {
  std::lock_guard pass(delivery_mu_);
  auto sent = integration_.DeliverDue();
  if (!sent.ok()) spdlog::error("webhook outbox: {}", sent.status().ToString());
}

void JobRunner::RunScreening() {
  if (!screening_) return;
  // A re-screen of many listings stops between batches when the runner stops.
  screening_->RunPass([this] {
    std::lock_guard lock(mu_);
    return stopping_;
  });
}

}  // namespace counterfoil::service
