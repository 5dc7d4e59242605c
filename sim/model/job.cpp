#include "hetsim/model/job.hpp"

#include <cmath>

namespace hetsim {

double dense_attention_flops_per_token(double params, double seq_len, double flops_per_param_token) {
  if (!(params > 0) || !(seq_len > 0)) return 0;
  constexpr double kAspect = 128;  // h / L
  // params = 12 L h^2 = 12 h^3 / kAspect, so h = cbrt(kAspect params / 12) and L h = h^2 / kAspect.
  const double h = std::cbrt(kAspect * params / 12.0);
  const double layers_x_width = h * h / kAspect;
  return flops_per_param_token / 2.0 * 4.0 * layers_x_width * seq_len;
}

const char* job_class_name(JobClass c) {
  switch (c) {
    case JobClass::Pretrain:
      return "pretrain";
    case JobClass::Finetune:
      return "finetune";
    case JobClass::Eval:
      return "eval";
    case JobClass::Inference:
      return "inference";
    case JobClass::Debug:
      return "debug";
  }
  return "?";
}

bool parse_job_class(const std::string& s, JobClass& out) {
  for (int i = 0; i < kJobClassCount; ++i) {
    if (s == job_class_name(static_cast<JobClass>(i))) {
      out = static_cast<JobClass>(i);
      return true;
    }
  }
  return false;
}

}  // namespace hetsim
