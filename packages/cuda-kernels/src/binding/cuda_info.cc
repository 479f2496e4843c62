#include "../matrix/matrix.h"
#include "bindings.h"

namespace fedkern::binding {

/// cudaInfo(): {compiled, available, devices, deviceNames, error}. Never throws.
Napi::Value CudaInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const fedkern::CudaInfo ci = fedkern::cudaInfo();
  Napi::Object o = Napi::Object::New(env);
  o.Set("compiled", ci.compiled);
  o.Set("available", ci.available);
  o.Set("devices", ci.devices);
  Napi::Array names = Napi::Array::New(env, ci.deviceNames.size());
  for (size_t i = 0; i < ci.deviceNames.size(); ++i) names.Set(static_cast<uint32_t>(i), ci.deviceNames[i]);
  o.Set("deviceNames", names);
  o.Set("error", ci.error.empty() ? env.Null() : Napi::String::New(env, ci.error));
  return o;
}

}  // namespace fedkern::binding
