// Threads that finished their work and only wait to be joined. A background
// run (a job, a sweep) cannot join its own thread, so its last act is to
// retire the thread here; the next start and the shutdown join them.
//
//   // at the end of the run, on its own thread:
//   finished_.Retire(std::move(run->thread));
//   // in Start and Shutdown:
//   finished_.JoinAll();
#pragma once

#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace fta::core {

class FinishedThreads {
 public:
  FinishedThreads() = default;
  FinishedThreads(const FinishedThreads&) = delete;
  FinishedThreads& operator=(const FinishedThreads&) = delete;
  ~FinishedThreads() { JoinAll(); }

  void Retire(std::thread thread) {
    std::lock_guard<std::mutex> lock(mu_);
    threads_.push_back(std::move(thread));
  }

  // Joins every retired thread. They are past their work, so this waits at
  // most for their return; callers may hold their own lock while calling.
  void JoinAll() {
    std::vector<std::thread> threads;
    {
      std::lock_guard<std::mutex> lock(mu_);
      threads.swap(threads_);
    }
    for (std::thread& thread : threads) thread.join();
  }

 private:
  std::mutex mu_;
  std::vector<std::thread> threads_;
};

}  // namespace fta::core
