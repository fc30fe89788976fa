// libposelive_torch, part 1: errors, threads, tensor creation, copies, autograd, elementwise basics, nn functional
// ops and optimiser steps. See shim.h for the ABI conventions.
#include "shim.h"
#include <ATen/Parallel.h>
#include <c10/core/GradMode.h>
#include <torch/csrc/autograd/function.h>
#include <torch/version.h>
#include <cmath>
#include <cstring>

namespace plshim {
thread_local std::string g_error;
std::atomic<int64_t> g_live{0};

at::ScalarType dtype_of(int code) {
  switch (code) {
    case 0: return at::kFloat; case 1: return at::kDouble; case 2: return at::kHalf;
    case 3: return at::kLong; case 4: return at::kInt; case 5: return at::kByte; case 6: return at::kBool;
  }
  throw std::invalid_argument("unknown dtype code " + std::to_string(code));
}
int code_of(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return 0; case at::kDouble: return 1; case at::kHalf: return 2; case at::kLong: return 3;
    case at::kInt: return 4; case at::kByte: return 5; case at::kBool: return 6; default: return -1;
  }
}
}  // namespace plshim

using namespace plshim;

PL_API const char *pl_torch_last_error() { return g_error.c_str(); }
PL_API int64_t pl_torch_live_tensors() { return g_live.load(); }
PL_API const char *pl_torch_version() { return TORCH_VERSION; }
PL_API int pl_torch_set_num_threads(int n) { return guard([&] { at::set_num_threads(n); }); }
PL_API int pl_torch_get_num_threads() { return at::get_num_threads(); }
PL_API int pl_torch_set_grad_enabled(int on) { return guard([&] { c10::GradMode::set_enabled(on != 0); }); }
PL_API int pl_torch_is_grad_enabled() { return c10::GradMode::is_enabled() ? 1 : 0; }
PL_API int pl_torch_manual_seed(uint64_t seed) { return guard([&] { at::manual_seed(seed); }); }

PL_API void pl_tensor_free(T *t) { if (t) { delete t; g_live.fetch_sub(1); } }

// Copies `data` (row-major, `dtype`) into a new CPU tensor.
PL_API int pl_tensor_from_data(const void *data, const int64_t *shape, int ndim, int dtype, T **out) {
  return guard([&] {
    auto t = at::empty(dims(shape, ndim), at::TensorOptions().dtype(dtype_of(dtype)));
    std::memcpy(t.data_ptr(), data, t.numel() * t.element_size());
    *out = wrap(std::move(t));
  });
}
PL_API int pl_tensor_zeros(const int64_t *shape, int ndim, int dtype, T **out) {
  return guard([&] { *out = wrap(at::zeros(dims(shape, ndim), at::TensorOptions().dtype(dtype_of(dtype)))); });
}
PL_API int pl_tensor_randn(const int64_t *shape, int ndim, T **out) {
  return guard([&] { *out = wrap(at::randn(dims(shape, ndim))); });
}
PL_API int pl_tensor_ndim(const T *t) { return static_cast<int>(t->dim()); }
PL_API int pl_tensor_shape(const T *t, int64_t *out, int capacity) {
  return guard([&] {
    if (capacity < t->dim()) throw std::invalid_argument("shape buffer too small");
    for (int64_t i = 0; i < t->dim(); i++) out[i] = t->size(i);
  });
}
PL_API int pl_tensor_dtype(const T *t) { return code_of(t->scalar_type()); }
// Copies the (contiguous, CPU) values into `out`, which holds exactly `nbytes`.
PL_API int pl_tensor_copy_to(const T *t, void *out, int64_t nbytes) {
  return guard([&] {
    auto c = t->detach().to(at::kCPU).contiguous();
    int64_t need = c.numel() * c.element_size();
    if (need != nbytes) throw std::invalid_argument("destination holds " + std::to_string(nbytes) + " bytes, tensor needs " + std::to_string(need));
    std::memcpy(out, c.data_ptr(), need);
  });
}
PL_API int pl_tensor_item(const T *t, double *out) { return guard([&] { *out = t->item<double>(); }); }

PL_API int pl_tensor_set_requires_grad(T *t, int on) { return guard([&] { t->set_requires_grad(on != 0); }); }
PL_API int pl_tensor_requires_grad(const T *t) { return t->requires_grad() ? 1 : 0; }
PL_API int pl_tensor_backward(T *t) { return guard([&] { t->backward(); }); }
// The accumulated gradient, or *out = nullptr when there is none.
PL_API int pl_tensor_grad(const T *t, T **out) {
  return guard([&] { const auto &g = t->grad(); *out = g.defined() ? wrap(g) : nullptr; });
}
PL_API int pl_tensor_zero_grad(T *t) { return guard([&] { auto &g = t->mutable_grad(); if (g.defined()) g.zero_(); }); }
PL_API int pl_tensor_detach(const T *t, T **out) { return guard([&] { *out = wrap(t->detach()); }); }

// Elementwise and reductions.
PL_API int pl_add(const T *a, const T *b, T **out) { return guard([&] { *out = wrap(at::add(*a, *b)); }); }
PL_API int pl_sub(const T *a, const T *b, T **out) { return guard([&] { *out = wrap(at::sub(*a, *b)); }); }
PL_API int pl_mul(const T *a, const T *b, T **out) { return guard([&] { *out = wrap(at::mul(*a, *b)); }); }
PL_API int pl_matmul(const T *a, const T *b, T **out) { return guard([&] { *out = wrap(at::matmul(*a, *b)); }); }
PL_API int pl_reshape(const T *a, const int64_t *shape, int ndim, T **out) {
  return guard([&] { *out = wrap(at::reshape(*a, dims(shape, ndim))); });
}

// nn functional.
PL_API int pl_conv2d(const T *x, const T *w, const T *b, int sh, int sw, int ph, int pw, int dh, int dw, int groups, T **out) {
  return guard([&] {
    c10::optional<at::Tensor> bias; if (b) bias = *b;
    int64_t s[2] = {sh, sw}, p[2] = {ph, pw}, d[2] = {dh, dw};
    *out = wrap(at::conv2d(*x, *w, bias, s, p, d, groups));
  });
}

// Copies `nbytes` from `data` into an existing contiguous tensor (loading weights; bypasses autograd).
PL_API int pl_tensor_copy_from(T *t, const void *data, int64_t nbytes) {
  return guard([&] {
    if (!t->is_contiguous()) throw std::invalid_argument("destination tensor is not contiguous");
    int64_t need = t->numel() * t->element_size();
    if (need != nbytes) throw std::invalid_argument("source holds " + std::to_string(nbytes) + " bytes, tensor needs " + std::to_string(need));
    std::memcpy(t->data_ptr(), data, need);
  });
}
PL_API int pl_add_scalar_(T *t, double s) {
  return guard([&] {
    c10::NoGradGuard ng;
    if (at::isIntegralType(t->scalar_type(), false)) t->add_(static_cast<int64_t>(s)); else t->add_(s);
  });
}
PL_API int pl_batch_norm(const T *x, const T *w, const T *b, T *mean, T *var, int training, double momentum, double eps, T **out) {
  return guard([&] {
    c10::optional<at::Tensor> ow, ob, om, ov;
    if (w) ow = *w;
    if (b) ob = *b;
    if (mean) om = *mean;
    if (var) ov = *var;
    if (training != 0 && sync_batch_norm_enabled()) { *out = wrap(sync_batch_norm(*x, w, b, mean, var, momentum, eps)); return; }
    *out = wrap(at::batch_norm(*x, ow, ob, om, ov, training != 0, momentum, eps, false));
  });
}
PL_API int pl_layer_norm(const T *x, const int64_t *shape, int ndim, const T *w, const T *b, double eps, T **out) {
  return guard([&] {
    c10::optional<at::Tensor> ow, ob;
    if (w) ow = *w;
    if (b) ob = *b;
    *out = wrap(at::layer_norm(*x, dims(shape, ndim), ow, ob, eps));
  });
}
PL_API int pl_conv_transpose2d(const T *x, const T *w, const T *b, int stride, int pad, int outpad, int groups, int dilation, T **out) {
  return guard([&] {
    c10::optional<at::Tensor> bias; if (b) bias = *b;
    int64_t s[2] = {stride, stride}, p[2] = {pad, pad}, op[2] = {outpad, outpad}, d[2] = {dilation, dilation};
    *out = wrap(at::conv_transpose2d(*x, *w, bias, s, p, op, groups, d));
  });
}
PL_API int pl_max_pool2d(const T *x, int kernel, int stride, int pad, T **out) {
  return guard([&] {
    int64_t k[2] = {kernel, kernel}, s[2] = {stride, stride}, p[2] = {pad, pad}, d[2] = {1, 1};
    *out = wrap(at::max_pool2d(*x, k, s, p, d, false));
  });
}
PL_API int pl_softmax(const T *x, int dim, T **out) { return guard([&] { *out = wrap(at::softmax(*x, dim)); }); }

// Optimiser steps, in place and outside autograd (torch.optim semantics, weight decay added to the gradient).
PL_API int pl_sgd_step(T *p, const T *grad, T *buf, double lr, double momentum, double weight_decay, int nesterov, int first) {
  return guard([&] {
    c10::NoGradGuard ng;
    auto g = weight_decay != 0 ? grad->add(*p, weight_decay) : *grad;
    if (momentum != 0) {
      if (first) buf->copy_(g); else buf->mul_(momentum).add_(g);
      g = nesterov ? g.add(*buf, momentum) : *buf;
    }
    p->add_(g, -lr);
  });
}
PL_API int pl_adam_step(T *p, const T *grad, T *m, T *v, int64_t step, double lr, double beta1, double beta2, double eps, double weight_decay) {
  return guard([&] {
    c10::NoGradGuard ng;
    auto g = weight_decay != 0 ? grad->add(*p, weight_decay) : *grad;
    m->mul_(beta1).add_(g, 1 - beta1);
    v->mul_(beta2).addcmul_(g, g, 1 - beta2);
    double bc1 = 1 - std::pow(beta1, static_cast<double>(step));
    double bc2 = 1 - std::pow(beta2, static_cast<double>(step));
    auto denom = (v->sqrt() / std::sqrt(bc2)).add_(eps);
    p->addcdiv_(*m, denom, -lr / bc1);
  });
}
PL_API int pl_rmsprop_step(T *p, const T *grad, T *sq, double lr, double alpha, double eps, double weight_decay) {
  return guard([&] {
    c10::NoGradGuard ng;
    auto g = weight_decay != 0 ? grad->add(*p, weight_decay) : *grad;
    sq->mul_(alpha).addcmul_(g, g, 1 - alpha);
    p->addcdiv_(g, sq->sqrt().add_(eps), -lr);
  });
}
PL_API int pl_zeros_like(const T *t, T **out) { return guard([&] { *out = wrap(at::zeros_like(*t)); }); }
