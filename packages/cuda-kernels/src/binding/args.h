// Argument unpacking for the bindings: every helper checks presence and type first and throws a Napi::TypeError
// (or RangeError for sizes) naming the function, the argument, what was expected and what was received.
// The TypeScript wrapper validates the same things with friendlier messages; these checks keep direct callers of the
// .node file from reading or writing out of bounds.
#pragma once

#include <napi.h>

#include <cstdint>
#include <functional>
#include <string>

#include "../matrix/matrix.h"

namespace fedkern::binding {

/// Where an argument sits: "csrProjectForward(f)" in messages.
struct ArgRef {
  const char* fn;
  size_t index;
  const char* name;
  std::string label() const { return std::string(fn) + "(" + name + ")"; }
};

/// Throws TypeError unless info has at least `count` arguments.
void requireArgCount(const Napi::CallbackInfo& info, const char* fn, size_t count, const char* signature);

Napi::Float32Array float32Arg(const Napi::CallbackInfo& info, ArgRef ref);
/// Float32Array, or nullptr for null/undefined.
const float* optionalFloat32Arg(const Napi::CallbackInfo& info, ArgRef ref, size_t expectedLength);
Napi::Int32Array int32Arg(const Napi::CallbackInfo& info, ArgRef ref);
/// Uint8Array, or nullptr for null/undefined.
const uint8_t* optionalUint8Arg(const Napi::CallbackInfo& info, ArgRef ref, size_t expectedLength);
/// A non-negative integer that fits int32.
int32_t sizeArg(const Napi::CallbackInfo& info, ArgRef ref);
/// A finite number.
double numberArg(const Napi::CallbackInfo& info, ArgRef ref);
/// "cpu" → false, "cuda" → true.
bool useCudaArg(const Napi::CallbackInfo& info, ArgRef ref);

/// Throws RangeError unless a.ElementLength() == expected.
void requireLength(Napi::Env env, ArgRef ref, size_t actual, size_t expected, const char* shape);

/// Unpacks {rows, cols, rowPtr: Int32Array, colIdx: Int32Array, values: Float32Array} and checks the CSR structure
/// (rowPtr starts at 0 and never decreases, column indices in range). The view points into the JS arrays.
CsrView csrArg(const Napi::CallbackInfo& info, ArgRef ref);

/// Runs a kernel, turning C++ exceptions (CUDA failures, bad_alloc) into JS Errors instead of terminating Node.
void runKernel(Napi::Env env, const char* fn, const std::function<void()>& kernel);

}  // namespace fedkern::binding
