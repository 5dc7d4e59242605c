#include "hetsim/model/job.hpp"

namespace hetsim {

const char* job_class_name(JobClass c) {
  switch (c) {
    case JobClass::Pretrain: return "pretrain";
    case JobClass::Finetune: return "finetune";
    case JobClass::Eval: return "eval";
    case JobClass::Inference: return "inference";
    case JobClass::Debug: return "debug";
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
