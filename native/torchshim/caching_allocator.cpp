// libposelive_torch, part 3: a caching CPU allocator. libtorch's default CPU allocator hands every tensor to
// posix_memalign/free; activations of a training step are tens to hundreds of MB, which glibc serves with fresh
// mmaps, so every step page-faults and zero-fills gigabytes again (a quarter of a step's time measured here).
// Training allocates the same sizes every step, so freed large blocks are kept, keyed by rounded size, and
// handed out again. Small blocks go to the default allocator. The cache is bounded; pl_torch_empty_cache frees it.
#include "shim.h"
#include <c10/core/CPUAllocator.h>
#include <cstdlib>
#include <mutex>
#include <unordered_map>
#include <vector>

using namespace plshim;

namespace {
constexpr size_t kAlignment = 64;          // c10's CPU alignment
constexpr size_t kLargeBlock = 1 << 20;    // below this glibc's own free lists do well
constexpr size_t kGranule = 256 << 10;     // large sizes are rounded up to 256 KiB so near-equal shapes share blocks

class CachingCpuAllocator final : public c10::Allocator {
 public:
  c10::DataPtr allocate(size_t n) const override {
    if (n < kLargeBlock) return fallback_->allocate(n);
    size_t size = (n + kGranule - 1) / kGranule * kGranule;
    void *p = take(size);
    if (!p) {
      if (posix_memalign(&p, kAlignment, size) != 0 || !p) {
        empty();  // give cached blocks back and try once more before reporting
        if (posix_memalign(&p, kAlignment, size) != 0 || !p)
          throw std::bad_alloc();
      }
      std::lock_guard<std::mutex> lock(mutex_);
      sizes_[p] = size;
    }
    return {p, p, &Release, c10::Device(c10::DeviceType::CPU)};
  }

  c10::DeleterFnPtr raw_deleter() const override { return &Release; }

  void configure(bool enabled, size_t limit) {
    std::lock_guard<std::mutex> lock(mutex_);
    enabled_ = enabled;
    limit_ = limit;
  }

  size_t cached() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return cached_;
  }

  void empty() const {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto &entry : free_)
      for (void *p : entry.second) {
        sizes_.erase(p);
        std::free(p);
      }
    free_.clear();
    cached_ = 0;
  }

  void set_fallback(c10::Allocator *a) { fallback_ = a; }

  static CachingCpuAllocator &instance() {
    static CachingCpuAllocator a;
    return a;
  }

 private:
  void *take(size_t size) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = free_.find(size);
    if (it == free_.end() || it->second.empty()) return nullptr;
    void *p = it->second.back();
    it->second.pop_back();
    cached_ -= size;
    return p;
  }

  void give_back(void *p) const {
    std::unique_lock<std::mutex> lock(mutex_);
    auto it = sizes_.find(p);
    if (it == sizes_.end()) {
      // A small block of the default allocator released through raw_deleter() (oneDNN scratch memory does this).
      lock.unlock();
      fallback_->raw_deleter()(p);
      return;
    }
    size_t size = it->second;
    if (enabled_ && cached_ + size <= limit_) {
      free_[size].push_back(p);
      cached_ += size;
      return;
    }
    sizes_.erase(it);
    lock.unlock();
    std::free(p);
  }

  static void Release(void *p) { instance().give_back(p); }

  c10::Allocator *fallback_ = nullptr;
  mutable std::mutex mutex_;
  mutable std::unordered_map<void *, size_t> sizes_;                 // every large block we handed out or cache
  mutable std::unordered_map<size_t, std::vector<void *>> free_;     // cached blocks by size
  mutable size_t cached_ = 0;
  bool enabled_ = true;
  size_t limit_ = 0;
};

std::once_flag g_installed;
}  // namespace

// Installs the caching allocator as libtorch's CPU allocator (once), or changes its limit; enabled = 0 stops
// caching (blocks already handed out still come back through it and are freed).
PL_API int pl_torch_caching_allocator(int enabled, int64_t limit_bytes) {
  return guard([&] {
    auto &a = CachingCpuAllocator::instance();
    a.configure(enabled != 0, static_cast<size_t>(limit_bytes < 0 ? 0 : limit_bytes));
    if (enabled == 0) a.empty();
    std::call_once(g_installed, [&] {
      a.set_fallback(c10::GetDefaultCPUAllocator());
      c10::SetCPUAllocator(&a, /*priority*/ 1);
    });
  });
}
PL_API int64_t pl_torch_cached_bytes() { return static_cast<int64_t>(CachingCpuAllocator::instance().cached()); }
PL_API void pl_torch_empty_cache() { CachingCpuAllocator::instance().empty(); }
