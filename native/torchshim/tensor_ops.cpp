// libposelive_torch, part 2: generic elementwise ops by code, reductions over dimensions, shape and indexing
// ops, resampling and pooling, losses, and devices. See shim.h for the ABI conventions; the op codes are
// mirrored by PoseLive.Interop.Torch.TorchOps on the C# side.
#include "shim.h"
#include <vector>

using namespace plshim;

namespace {
enum Unary { NEG = 0, ABS, EXP, LOG, SQRT, TANH, RELU6, SIGMOID, RELU, SIGN, FLOOR, LOG1P };
enum Binary { ADD = 0, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM, EQ, GT, LT, GE, LE };
enum Scalar { S_ADD = 0, S_SUB, S_MUL, S_DIV, S_POW, S_EQ, S_GT, S_LT, S_GE, S_LE, S_RSUB, S_RDIV };

T unary(const T &a, int op) {
  switch (op) {
    case NEG: return at::neg(a);
    case ABS: return at::abs(a);
    case EXP: return at::exp(a);
    case LOG: return at::log(a);
    case SQRT: return at::sqrt(a);
    case TANH: return at::tanh(a);
    case RELU6: return at::hardtanh(a, 0, 6);
    case SIGMOID: return at::sigmoid(a);
    case RELU: return at::relu(a);
    case SIGN: return at::sign(a);
    case FLOOR: return at::floor(a);
    case LOG1P: return at::log1p(a);
  }
  throw std::invalid_argument("unknown unary op code " + std::to_string(op));
}

T binary(const T &a, const T &b, int op) {
  switch (op) {
    case ADD: return at::add(a, b);
    case SUB: return at::sub(a, b);
    case MUL: return at::mul(a, b);
    case DIV: return at::div(a, b);
    case POW: return at::pow(a, b);
    case MAXIMUM: return at::maximum(a, b);
    case MINIMUM: return at::minimum(a, b);
    case EQ: return at::eq(a, b);
    case GT: return at::gt(a, b);
    case LT: return at::lt(a, b);
    case GE: return at::ge(a, b);
    case LE: return at::le(a, b);
  }
  throw std::invalid_argument("unknown binary op code " + std::to_string(op));
}

T scalar(const T &a, double s, int op) {
  switch (op) {
    case S_ADD: return at::add(a, s);
    case S_SUB: return at::sub(a, s);
    case S_MUL: return at::mul(a, s);
    case S_DIV: return at::div(a, s);
    case S_POW: return at::pow(a, s);
    case S_EQ: return at::eq(a, s);
    case S_GT: return at::gt(a, s);
    case S_LT: return at::lt(a, s);
    case S_GE: return at::ge(a, s);
    case S_LE: return at::le(a, s);
    case S_RSUB: return at::rsub(a, s);
    case S_RDIV: return at::reciprocal(a) * s;
  }
  throw std::invalid_argument("unknown scalar op code " + std::to_string(op));
}

at::Reduction::Reduction reduction_of(int code) {
  switch (code) {
    case 0: return at::Reduction::None;
    case 1: return at::Reduction::Mean;
    case 2: return at::Reduction::Sum;
  }
  throw std::invalid_argument("unknown reduction code " + std::to_string(code));
}

at::Device device_of(int type, int index) {
  switch (type) {
    case 0: return at::Device(at::kCPU);
    case 1:
      if (!at::hasCUDA())
        throw std::runtime_error("this libtorch has no usable CUDA (built without CUDA, or no CUDA device/driver); use the CPU device");
      return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(index));
  }
  throw std::invalid_argument("unknown device type code " + std::to_string(type));
}
}  // namespace

PL_API int pl_unary(const T *a, int op, T **out) { return guard([&] { *out = wrap(unary(*a, op)); }); }
PL_API int pl_binary(const T *a, const T *b, int op, T **out) { return guard([&] { *out = wrap(binary(*a, *b, op)); }); }
PL_API int pl_scalar(const T *a, double s, int op, T **out) { return guard([&] { *out = wrap(scalar(*a, s, op)); }); }
PL_API int pl_clamp(const T *a, double lo, double hi, T **out) { return guard([&] { *out = wrap(at::clamp(*a, lo, hi)); }); }
PL_API int pl_where(const T *cond, const T *a, const T *b, T **out) { return guard([&] { *out = wrap(at::where(*cond, *a, *b)); }); }
PL_API int pl_to_dtype(const T *a, int dtype, T **out) { return guard([&] { *out = wrap(a->to(dtype_of(dtype))); }); }
PL_API int pl_clone(const T *a, T **out) { return guard([&] { *out = wrap(a->clone()); }); }

// In place with autograd (PyTorch's relu_ and +=), for nets that mirror official code's memory behaviour.
PL_API int pl_relu_(T *a) { return guard([&] { a->relu_(); }); }
PL_API int pl_add_(T *a, const T *b) { return guard([&] { a->add_(*b); }); }

// Reductions over `ndim` dimensions (all when ndim == 0).
PL_API int pl_sum_dims(const T *a, const int64_t *d, int ndim, int keepdim, T **out) {
  return guard([&] { *out = wrap(ndim == 0 ? at::sum(*a) : at::sum(*a, dims(d, ndim), keepdim != 0)); });
}
PL_API int pl_mean_dims(const T *a, const int64_t *d, int ndim, int keepdim, T **out) {
  return guard([&] { *out = wrap(ndim == 0 ? at::mean(*a) : at::mean(*a, dims(d, ndim), keepdim != 0)); });
}
// Maximum and its index along one dimension.
PL_API int pl_max_dim(const T *a, int64_t dim, int keepdim, T **values, T **indices) {
  return guard([&] {
    auto r = at::max(*a, dim, keepdim != 0);
    *values = wrap(std::get<0>(r));
    *indices = wrap(std::get<1>(r));
  });
}

// Shape and indexing.
PL_API int pl_permute(const T *a, const int64_t *d, int ndim, T **out) {
  return guard([&] { *out = wrap(a->permute(dims(d, ndim)).contiguous()); });
}
PL_API int pl_narrow(const T *a, int64_t dim, int64_t start, int64_t length, T **out) {
  return guard([&] { *out = wrap(a->narrow(dim, start, length)); });
}
PL_API int pl_index_select(const T *a, int64_t dim, const T *index, T **out) {
  return guard([&] { *out = wrap(at::index_select(*a, dim, *index)); });
}
PL_API int pl_cat(const T *const *tensors, int count, int64_t dim, T **out) {
  return guard([&] {
    std::vector<at::Tensor> list;
    list.reserve(static_cast<size_t>(count));
    for (int i = 0; i < count; i++) list.push_back(*tensors[i]);
    *out = wrap(at::cat(list, dim));
  });
}
// Pads (or, with negative amounts, crops) in torch order: (last dim begin, last dim end, previous dim begin, ...).
// mode 0 = constant `value`, 1 = reflect, 2 = edge (replicate); reflect and edge take the last two dims' four amounts.
PL_API int pl_pad(const T *a, const int64_t *p, int n, int mode, double value, T **out) {
  return guard([&] {
    switch (mode) {
      case 0: *out = wrap(at::constant_pad_nd(*a, dims(p, n), value)); return;
      case 1: *out = wrap(at::reflection_pad2d(*a, dims(p, n))); return;
      case 2: *out = wrap(at::replication_pad2d(*a, dims(p, n))); return;
    }
    throw std::invalid_argument("unknown pad mode " + std::to_string(mode));
  });
}
PL_API int pl_flip(const T *a, const int64_t *d, int ndim, T **out) { return guard([&] { *out = wrap(at::flip(*a, dims(d, ndim))); }); }

// Resampling and pooling (NCHW).
PL_API int pl_upsample_nearest2d(const T *x, int64_t out_h, int64_t out_w, T **out) {
  return guard([&] {
    int64_t size[2] = {out_h, out_w};
    *out = wrap(at::upsample_nearest2d(*x, at::IntArrayRef(size, 2), c10::nullopt, c10::nullopt));
  });
}
PL_API int pl_upsample_bilinear2d(const T *x, int64_t out_h, int64_t out_w, int align_corners, T **out) {
  return guard([&] {
    int64_t size[2] = {out_h, out_w};
    *out = wrap(at::upsample_bilinear2d(*x, at::IntArrayRef(size, 2), align_corners != 0, c10::nullopt, c10::nullopt));
  });
}
PL_API int pl_avg_pool2d(const T *x, int kernel, int stride, int pad, int ceil_mode, int count_include_pad, T **out) {
  return guard([&] {
    int64_t k[2] = {kernel, kernel}, s[2] = {stride, stride}, p[2] = {pad, pad};
    *out = wrap(at::avg_pool2d(*x, k, s, p, ceil_mode != 0, count_include_pad != 0));
  });
}
PL_API int pl_adaptive_avg_pool2d(const T *x, int64_t out_h, int64_t out_w, T **out) {
  return guard([&] {
    int64_t size[2] = {out_h, out_w};
    *out = wrap(at::adaptive_avg_pool2d(*x, at::IntArrayRef(size, 2)));
  });
}

// Losses; reduction 0 none, 1 mean, 2 sum.
PL_API int pl_mse_loss(const T *a, const T *b, int reduction, T **out) {
  return guard([&] { *out = wrap(at::mse_loss(*a, *b, reduction_of(reduction))); });
}
PL_API int pl_l1_loss(const T *a, const T *b, int reduction, T **out) {
  return guard([&] { *out = wrap(at::l1_loss(*a, *b, reduction_of(reduction))); });
}

// Devices: type 0 CPU, 1 CUDA.
PL_API int pl_cuda_available() { return at::hasCUDA() ? 1 : 0; }
PL_API int pl_to_device(const T *a, int type, int index, T **out) {
  return guard([&] { *out = wrap(a->to(device_of(type, index))); });
}
PL_API int pl_tensor_device(const T *a, int *type, int *index) {
  return guard([&] {
    auto d = a->device();
    *type = d.is_cuda() ? 1 : d.is_cpu() ? 0 : -1;
    *index = d.has_index() ? d.index() : 0;
  });
}
// Replaces a tensor's data in place, keeping the handle (module.to(device): param.data = moved).
PL_API int pl_set_data(T *t, const T *source) { return guard([&] { t->set_data(*source); }); }
// Flush-to-zero / denormals-are-zero for this thread's SSE state (torch.set_flush_denormal); 1 when supported.
PL_API int pl_torch_set_flush_denormal(int on) { return at::globalContext().setFlushDenormal(on != 0) ? 1 : 0; }
