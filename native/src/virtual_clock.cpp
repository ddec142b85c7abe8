// The virtual clock: one more implementation of the seam. Time stands still while anything is ready
// and jumps to the next deadline when nothing is, so a run is instant and its timings exact; it waits
// on the host only while a worker job is out (the job's own sleeps are counted, not slept). It gives the
// host its turns (yield_to_host) as the host asks, on the host's clock.
#include <algorithm>

#include "aio/platform.hpp"

namespace aio {

namespace {

class VirtualPlatform final : public Platform {
 public:
  explicit VirtualPlatform(std::unique_ptr<Platform> host) : host_(std::move(host)) {}
  ClockKind clock() const override { return ClockKind::virtual_time; }
  double time_scale() const override { return 1.0; }
  std::int64_t now() override { return now_; }

  void idle_wait(std::optional<std::int64_t> deadline, bool external) override {
    if (external) {
      host_->idle_wait(std::nullopt, true);  // a job's completion decides what happens next
    } else if (deadline) {
      now_ = std::max(now_, *deadline);
    }
  }
  void wake() override { host_->wake(); }
  std::unique_ptr<WorkerPool> make_pool(int max_workers) override { return host_->make_pool(max_workers); }
  // The host's turns (the browser's page) go by the host's real clock: a long run stays responsive.
  std::int64_t yield_every_ns() const override { return host_->yield_every_ns(); }
  std::int64_t host_now() override { return host_->host_now(); }
  void yield_to_host() override { host_->yield_to_host(); }

 private:
  std::unique_ptr<Platform> host_;
  std::int64_t now_ = 0;
};

}  // namespace

std::unique_ptr<Platform> make_virtual_platform(std::unique_ptr<Platform> host) {
  return std::make_unique<VirtualPlatform>(std::move(host));
}

}  // namespace aio
