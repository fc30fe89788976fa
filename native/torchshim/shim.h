// Shared helpers of libposelive_torch, the flat C ABI over libtorch for PoseLive's C# binding. Tensors cross the
// boundary as heap-allocated at::Tensor handles owned by the caller (freed with pl_tensor_free); a live counter
// lets tests assert that nothing leaks. No C++ exception crosses the ABI: each call catches and stores the message.
#pragma once
#include <ATen/ATen.h>
#include <atomic>
#include <stdexcept>
#include <string>

#define PL_API extern "C" __attribute__((visibility("default")))

namespace plshim {
extern thread_local std::string g_error;
extern std::atomic<int64_t> g_live;

using T = at::Tensor;
inline T *wrap(T t) { g_live.fetch_add(1); return new T(std::move(t)); }

template <typename F> int guard(F &&f) {
  try { f(); return 0; }
  catch (const c10::Error &e) { g_error = e.what_without_backtrace(); }
  catch (const std::exception &e) { g_error = e.what(); }
  catch (...) { g_error = "unknown C++ exception"; }
  return -1;
}

at::ScalarType dtype_of(int code);
int code_of(at::ScalarType t);
inline at::IntArrayRef dims(const int64_t *p, int n) { return at::IntArrayRef(p, static_cast<size_t>(n)); }
inline c10::optional<at::Tensor> opt(const T *t) { return t ? c10::optional<at::Tensor>(*t) : c10::nullopt; }

// Synchronised BatchNorm (distributed.cpp): whether pl_batch_norm's training mode uses the statistics of every rank's
// batch, and that computation.
bool sync_batch_norm_enabled();
at::Tensor sync_batch_norm(const at::Tensor &x, const T *w, const T *b, T *mean, T *var, double momentum, double eps);
}  // namespace plshim
