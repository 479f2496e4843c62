// Argument helpers for the native backend's tensor kernels: shapes and axis lists given as JS arrays of integers,
// typed arrays checked against a shape, and operation names. Errors name the function and argument (args.h style).
#pragma once

#include <napi.h>

#include <string>
#include <utility>
#include <vector>

#include "../native/broadcast.h"
#include "args.h"

namespace fedkern::binding {

/// An array of non-negative integers (a tensor shape).
native::Shape shapeArg(const Napi::CallbackInfo& info, ArgRef ref);
/// An array of distinct integers in [0, rank).
std::vector<int> axesArg(const Napi::CallbackInfo& info, ArgRef ref, size_t rank);
/// A string naming one of `names`; returns its value. Throws TypeError listing the accepted names.
template <typename E>
E opArg(const Napi::CallbackInfo& info, ArgRef ref, const std::vector<std::pair<const char*, E>>& names) {
  const Napi::Value v = info[ref.index];
  std::string list;
  if (v.IsString()) {
    const std::string s = v.As<Napi::String>().Utf8Value();
    for (const auto& [name, value] : names)
      if (s == name) return value;
  }
  for (const auto& entry : names) list += (list.empty() ? "" : ", ") + std::string(entry.first);
  throw Napi::TypeError::New(info.Env(), "Expected one of " + list + " for " + ref.label());
}
/// Uint8Array (bool tensor values).
Napi::Uint8Array uint8Arg(const Napi::CallbackInfo& info, ArgRef ref);
/// Throws RangeError unless `length` equals the element count of `shape`.
void requireShapeLength(Napi::Env env, ArgRef ref, size_t length, const native::Shape& shape);

}  // namespace fedkern::binding
