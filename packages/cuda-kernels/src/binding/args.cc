#include "args.h"

#include <cmath>
#include <exception>
#include <string>

namespace fedkern::binding {
namespace {

std::string typeName(const Napi::Value& v) {
  if (v.IsNull()) return "null";
  if (v.IsUndefined()) return "undefined";
  if (v.IsTypedArray()) {
    switch (v.As<Napi::TypedArray>().TypedArrayType()) {
      case napi_float32_array: return "Float32Array";
      case napi_float64_array: return "Float64Array";
      case napi_int32_array: return "Int32Array";
      case napi_uint8_array: return "Uint8Array";
      default: return "another TypedArray";
    }
  }
  if (v.IsArray()) return "Array";
  if (v.IsString()) return "string";
  if (v.IsNumber()) return "number";
  if (v.IsBoolean()) return "boolean";
  if (v.IsObject()) return "object";
  return "unknown";
}

[[noreturn]] void typeError(Napi::Env env, ArgRef ref, const char* expected, const Napi::Value& got) {
  throw Napi::TypeError::New(env, "Expected " + std::string(expected) + " for argument " + std::to_string(ref.index) + " of " +
                                      ref.label() + " but received " + typeName(got));
}

bool isTypedArrayOf(const Napi::Value& v, napi_typedarray_type type) {
  return v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == type;
}

}  // namespace

void requireArgCount(const Napi::CallbackInfo& info, const char* fn, size_t count, const char* signature) {
  if (info.Length() < count)
    throw Napi::TypeError::New(info.Env(), std::string(fn) + " expects " + std::to_string(count) + " arguments " + signature +
                                               " but received " + std::to_string(info.Length()));
}

Napi::Float32Array float32Arg(const Napi::CallbackInfo& info, ArgRef ref) {
  const Napi::Value v = info[ref.index];
  if (!isTypedArrayOf(v, napi_float32_array)) typeError(info.Env(), ref, "Float32Array", v);
  return v.As<Napi::Float32Array>();
}

const float* optionalFloat32Arg(const Napi::CallbackInfo& info, ArgRef ref, size_t expectedLength) {
  const Napi::Value v = info[ref.index];
  if (v.IsNull() || v.IsUndefined()) return nullptr;
  if (!isTypedArrayOf(v, napi_float32_array)) typeError(info.Env(), ref, "Float32Array or null", v);
  auto a = v.As<Napi::Float32Array>();
  requireLength(info.Env(), ref, a.ElementLength(), expectedLength, "");
  return a.Data();
}

Napi::Int32Array int32Arg(const Napi::CallbackInfo& info, ArgRef ref) {
  const Napi::Value v = info[ref.index];
  if (!isTypedArrayOf(v, napi_int32_array)) typeError(info.Env(), ref, "Int32Array", v);
  return v.As<Napi::Int32Array>();
}

const uint8_t* optionalUint8Arg(const Napi::CallbackInfo& info, ArgRef ref, size_t expectedLength) {
  const Napi::Value v = info[ref.index];
  if (v.IsNull() || v.IsUndefined()) return nullptr;
  if (!isTypedArrayOf(v, napi_uint8_array)) typeError(info.Env(), ref, "Uint8Array or null", v);
  auto a = v.As<Napi::Uint8Array>();
  requireLength(info.Env(), ref, a.ElementLength(), expectedLength, "");
  return a.Data();
}

int32_t sizeArg(const Napi::CallbackInfo& info, ArgRef ref) {
  const Napi::Value v = info[ref.index];
  if (!v.IsNumber()) typeError(info.Env(), ref, "a non-negative integer", v);
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= 2147483647.0 && std::floor(d) == d))
    throw Napi::RangeError::New(info.Env(), "Expected a non-negative int32 for " + ref.label() + " but received " + std::to_string(d));
  return static_cast<int32_t>(d);
}

double numberArg(const Napi::CallbackInfo& info, ArgRef ref) {
  const Napi::Value v = info[ref.index];
  if (!v.IsNumber()) typeError(info.Env(), ref, "a finite number", v);
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d))
    throw Napi::RangeError::New(info.Env(), "Expected a finite number for " + ref.label() + " but received " + std::to_string(d));
  return d;
}

bool useCudaArg(const Napi::CallbackInfo& info, ArgRef ref) {
  const Napi::Value v = info[ref.index];
  if (v.IsString()) {
    const std::string s = v.As<Napi::String>().Utf8Value();
    if (s == "cpu") return false;
    if (s == "cuda") return true;
  }
  typeError(info.Env(), ref, "'cpu' or 'cuda'", v);
}

void requireLength(Napi::Env env, ArgRef ref, size_t actual, size_t expected, const char* shape) {
  if (actual != expected)
    throw Napi::RangeError::New(env, "Expected " + std::to_string(expected) + " elements" +
                                         (shape[0] ? std::string(" ") + shape : std::string()) + " in " + ref.label() + " but received " +
                                         std::to_string(actual));
}

CsrView csrArg(const Napi::CallbackInfo& info, ArgRef ref) {
  Napi::Env env = info.Env();
  const Napi::Value v = info[ref.index];
  if (!v.IsObject() || v.IsTypedArray()) typeError(env, ref, "a CSR object {rows, cols, rowPtr, colIdx, values}", v);
  const Napi::Object o = v.As<Napi::Object>();
  auto field = [&](const char* name, napi_typedarray_type type, const char* typeLabel) {
    const Napi::Value f = o.Get(name);
    if (!isTypedArrayOf(f, type))
      throw Napi::TypeError::New(
          env, "Expected " + std::string(typeLabel) + " for " + ref.label() + "." + name + " but received " + typeName(f));
    return f;
  };
  auto dim = [&](const char* name) {
    const Napi::Value f = o.Get(name);
    const double d = f.IsNumber() ? f.As<Napi::Number>().DoubleValue() : -1;
    if (!(d >= 0 && d <= 2147483647.0 && std::floor(d) == d))
      throw Napi::TypeError::New(env, "Expected a non-negative int32 for " + ref.label() + "." + name + " but received " + typeName(f));
    return static_cast<int32_t>(d);
  };
  CsrView s;
  s.rows = dim("rows");
  s.cols = dim("cols");
  auto rowPtr = field("rowPtr", napi_int32_array, "Int32Array").As<Napi::Int32Array>();
  auto colIdx = field("colIdx", napi_int32_array, "Int32Array").As<Napi::Int32Array>();
  auto values = field("values", napi_float32_array, "Float32Array").As<Napi::Float32Array>();
  requireLength(env, ref, rowPtr.ElementLength(), static_cast<size_t>(s.rows) + 1, "(rows + 1) in rowPtr");
  s.rowPtr = rowPtr.Data();
  s.colIdx = colIdx.Data();
  s.values = values.Data();
  if (s.rowPtr[0] != 0) throw Napi::RangeError::New(env, ref.label() + ".rowPtr[0] must be 0");
  for (int32_t r = 0; r < s.rows; ++r)
    if (s.rowPtr[r + 1] < s.rowPtr[r])
      throw Napi::RangeError::New(env, ref.label() + ".rowPtr must not decrease (row " + std::to_string(r) + ")");
  const size_t nnz = static_cast<size_t>(s.nnz());
  requireLength(env, ref, colIdx.ElementLength(), nnz, "(rowPtr[rows]) in colIdx");
  requireLength(env, ref, values.ElementLength(), nnz, "(rowPtr[rows]) in values");
  for (size_t j = 0; j < nnz; ++j)
    if (s.colIdx[j] < 0 || s.colIdx[j] >= s.cols)
      throw Napi::RangeError::New(
          env, ref.label() + ".colIdx[" + std::to_string(j) + "] = " + std::to_string(s.colIdx[j]) + " is outside [0, cols)");
  return s;
}

void runKernel(Napi::Env env, const char* fn, const std::function<void()>& kernel) {
  try {
    kernel();
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, std::string(fn) + ": " + e.what());
  }
}

}  // namespace fedkern::binding
