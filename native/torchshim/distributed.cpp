// libposelive_torch, part 4: PyTorch's distributed layer (c10d, in libtorch_cpu) for data-parallel training — a store
// for rendezvous (TCPStore, FileStore), a Gloo process group, and the collectives the trainer needs (all-reduce sum,
// broadcast, barrier), each waited on with the group's bounded timeout. Stores and groups cross the ABI as heap-owned
// intrusive_ptr handles freed with pl_dist_*_free. See shim.h for the conventions (0 / -1 + pl_torch_last_error()).
#define USE_C10D_GLOO 1
#include "shim.h"
#include <torch/csrc/distributed/c10d/FileStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/csrc/autograd/custom_function.h>
#include <chrono>

using namespace plshim;
using StorePtr = c10::intrusive_ptr<c10d::Store>;
using GroupPtr = c10::intrusive_ptr<c10d::ProcessGroupGloo>;

namespace {
std::chrono::milliseconds ms(int64_t v) { return std::chrono::milliseconds(v); }

// waits on a collective with the group's timeout; a peer that died or a timeout becomes the exception's message
void finish(const c10::intrusive_ptr<c10d::Work> &work, int64_t timeout_ms) {
  if (!work->wait(ms(timeout_ms))) throw std::runtime_error("a collective did not finish within " + std::to_string(timeout_ms) + " ms");
}
}  // namespace

// A TCP store: the server (rank 0's, is_server = 1) listens on host:port and waits for world_size − 1 clients.
PL_API int pl_dist_tcp_store(const char *host, int port, int world_size, int is_server, int64_t timeout_ms, StorePtr **out) {
  return guard([&] {
    c10d::TCPStoreOptions o;
    o.port = static_cast<std::uint16_t>(port);
    o.isServer = is_server != 0;
    o.numWorkers = static_cast<std::size_t>(world_size);
    o.waitWorkers = true;
    o.timeout = ms(timeout_ms);
    *out = new StorePtr(c10::make_intrusive<c10d::TCPStore>(std::string(host), o));
  });
}
// A store in one file of a filesystem every rank shares.
PL_API int pl_dist_file_store(const char *path, int world_size, int64_t timeout_ms, StorePtr **out) {
  return guard([&] {
    auto s = c10::make_intrusive<c10d::FileStore>(std::string(path), world_size);
    s->setTimeout(ms(timeout_ms));
    *out = new StorePtr(s);
  });
}
PL_API void pl_dist_store_free(StorePtr *s) { delete s; }
PL_API int pl_dist_store_add(const StorePtr *s, const char *key, int64_t by, int64_t *value) {
  return guard([&] { *value = (*s)->add(key, by); });
}
// A Gloo process group over `store` on the loopback/hostname device (interface: "" for the host's default, e.g. "lo").
PL_API int pl_dist_gloo_group(const StorePtr *store, int rank, int world_size, const char *interface, int64_t timeout_ms, int threads, GroupPtr **out) {
  return guard([&] {
    auto o = c10d::ProcessGroupGloo::Options::create(ms(timeout_ms));
    std::string iface(interface ? interface : "");
    o->devices.push_back(iface.empty() ? c10d::ProcessGroupGloo::createDefaultDevice() : c10d::ProcessGroupGloo::createDeviceForInterface(iface));
    if (threads > 0) o->threads = threads;
    *out = new GroupPtr(c10::make_intrusive<c10d::ProcessGroupGloo>(*store, rank, world_size, o));
  });
}
PL_API void pl_dist_group_free(GroupPtr *g) { delete g; }

// Sums each tensor over the ranks, in place (contiguous CPU tensors; several go as one Gloo call).
PL_API int pl_dist_allreduce_sum(const GroupPtr *g, T *const *tensors, int n, int64_t timeout_ms) {
  return guard([&] {
    std::vector<at::Tensor> ts;
    for (int i = 0; i < n; i++) ts.push_back(*tensors[i]);
    c10d::AllreduceOptions o;
    o.reduceOp = c10d::ReduceOp::SUM;
    o.timeout = ms(timeout_ms);
    finish((*g)->allreduce(ts, o), timeout_ms);
  });
}
// Copies `root`'s values of the tensor into every rank's, in place.
PL_API int pl_dist_broadcast(const GroupPtr *g, T *tensor, int root, int64_t timeout_ms) {
  return guard([&] {
    std::vector<at::Tensor> ts{*tensor};
    c10d::BroadcastOptions o;
    o.rootRank = root;
    o.timeout = ms(timeout_ms);
    finish((*g)->broadcast(ts, o), timeout_ms);
  });
}
PL_API int pl_dist_barrier(const GroupPtr *g, int64_t timeout_ms) {
  return guard([&] {
    c10d::BarrierOptions o;
    o.timeout = ms(timeout_ms);
    finish((*g)->barrier(o), timeout_ms);
  });
}

// Sums the gradients of `params` over the ranks in buckets of at most `bucket_bytes` (each bucket flattened into one
// contiguous buffer, one Gloo all-reduce per bucket, as DDP's gradient buckets), then scales them by `scale` (1 / world
// size for a mean; 1 when each rank's loss was already weighted by its share of the batch), in place. A parameter
// without a gradient (a rank whose share of the batch was empty) contributes zeros and gets the sum.
PL_API int pl_dist_allreduce_grads(const GroupPtr *g, T *const *params, int n, int64_t bucket_bytes, double scale, int64_t timeout_ms) {
  return guard([&] {
    std::vector<at::Tensor> grads;
    for (int i = 0; i < n; i++) {
      auto &grad = params[i]->mutable_grad();
      if (!grad.defined()) grad = at::zeros_like(*params[i]);
      grads.push_back(grad);
    }
    size_t i = 0;
    while (i < grads.size()) {
      std::vector<at::Tensor> bucket;
      int64_t bytes = 0;
      while (i < grads.size() && (bucket.empty() || bytes + grads[i].numel() * grads[i].element_size() <= bucket_bytes)) {
        bucket.push_back(grads[i]);
        bytes += grads[i].numel() * grads[i].element_size();
        i++;
      }
      std::vector<at::Tensor> views;
      for (auto &t : bucket) views.push_back(t.reshape({-1}));
      std::vector<at::Tensor> flat{at::cat(views)};
      c10d::AllreduceOptions o;
      o.reduceOp = c10d::ReduceOp::SUM;
      o.timeout = ms(timeout_ms);
      finish((*g)->allreduce(flat, o), timeout_ms);
      if (scale != 1.0) flat[0].mul_(scale);
      int64_t offset = 0;
      for (auto &t : bucket) {
        t.copy_(flat[0].narrow(0, offset, t.numel()).view_as(t));
        offset += t.numel();
      }
    }
  });
}

// Copies `root`'s values of every tensor into every rank's, as one flattened broadcast (BatchNorm buffers before each
// step: hundreds of small tensors cost one collective, not one each).
PL_API int pl_dist_broadcast_coalesced(const GroupPtr *g, T *const *tensors, int n, int root, int64_t timeout_ms) {
  return guard([&] {
    if (n == 0) return;
    std::vector<at::Tensor> views;
    for (int i = 0; i < n; i++) views.push_back(tensors[i]->reshape({-1}).to(at::kDouble));   // exact for float32/64 and counters < 2^53
    std::vector<at::Tensor> flat{at::cat(views)};
    c10d::BroadcastOptions o;
    o.rootRank = root;
    o.timeout = ms(timeout_ms);
    finish((*g)->broadcast(flat, o), timeout_ms);
    int64_t offset = 0;
    for (int i = 0; i < n; i++) {
      auto &t = *tensors[i];
      t.copy_(flat[0].narrow(0, offset, t.numel()).view(t.sizes()).to(t.scalar_type()));
      offset += t.numel();
    }
  });
}

// ---- synchronised BatchNorm ----------------------------------------------------------------------------------------
namespace {
GroupPtr g_sync;                 // the group whose ranks' batches BatchNorm normalises together (null: per rank)
int64_t g_sync_timeout = 300000;

void allreduce_sync(at::Tensor &t) {
  std::vector<at::Tensor> v{t};
  c10d::AllreduceOptions o;
  o.reduceOp = c10d::ReduceOp::SUM;
  o.timeout = ms(g_sync_timeout);
  finish(g_sync->allreduce(v, o), g_sync_timeout);
}

// y = Σ_ranks x, differentiable: the gradient of each rank's x is the sum of the ranks' gradients of y
struct AllReduceSum : public torch::autograd::Function<AllReduceSum> {
  static at::Tensor forward(torch::autograd::AutogradContext *, const at::Tensor &x) {
    auto y = x.clone();
    allreduce_sync(y);
    return y;
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext *, torch::autograd::variable_list grads) {
    auto g = grads[0].clone();
    allreduce_sync(g);
    return {g};
  }
};
}  // namespace

namespace plshim {
bool sync_batch_norm_enabled() { return static_cast<bool>(g_sync); }

// BatchNorm over the union of every rank's batch (channels of [N, C, ...]): per-channel sums of x and x², and the count,
// summed over the ranks (one differentiable all-reduce, in float64), give the batch mean and biased variance; the
// running statistics take the unbiased variance, as at::batch_norm does. A rank with an empty share takes part too.
at::Tensor sync_batch_norm(const at::Tensor &x, const T *w, const T *b, T *mean, T *var, double momentum, double eps) {
  int64_t c = x.size(1);
  std::vector<int64_t> dims{0};
  for (int64_t d = 2; d < x.dim(); d++) dims.push_back(d);
  std::vector<int64_t> shape(x.dim(), 1);
  shape[1] = c;
  auto xd = x.to(at::kDouble);
  double count = static_cast<double>(x.numel() / c);          // 0 for a rank whose share of the batch is empty
  auto local = at::cat({xd.sum(dims), (xd * xd).sum(dims), at::full({1}, count, xd.options())});
  auto global = AllReduceSum::apply(local);
  auto n = global.narrow(0, 2 * c, 1);
  auto mu = global.narrow(0, 0, c) / n;
  auto variance = global.narrow(0, c, c) / n - mu * mu;
  auto y = ((xd - mu.view(shape)) * (variance + eps).rsqrt().view(shape)).to(x.scalar_type());
  if (w) y = y * w->view(shape);
  if (b) y = y + b->view(shape);
  if (mean && var) {
    at::NoGradGuard no_grad;
    double total = n.item<double>();
    mean->mul_(1 - momentum).add_(mu.detach().to(mean->scalar_type()) * momentum);
    var->mul_(1 - momentum).add_((variance.detach() * (total / std::max(1.0, total - 1))).to(var->scalar_type()) * momentum);
  }
  return y;
}
}  // namespace plshim

// Turns synchronised BatchNorm on for this process over `g` (every BatchNorm in training mode), or off.
PL_API int pl_dist_sync_batch_norm(const GroupPtr *g, int64_t timeout_ms) {
  return guard([&] {
    g_sync = *g;
    g_sync_timeout = timeout_ms;
  });
}
PL_API void pl_dist_sync_batch_norm_off() { g_sync = GroupPtr(); }
