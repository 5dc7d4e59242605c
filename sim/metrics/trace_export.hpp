#pragma once
// The schedule as Chrome / Perfetto trace-event JSON (`hetsim run --trace-out FILE`), for a
// timeline view of small scenarios in ui.perfetto.dev or chrome://tracing.
//
// Each node that ever ran a job is a process ("site / provider / chip / node N"), each of its cards
// a thread, each job one complete ("X") slice per card it held, named "job ID (class)", with the
// tenant, gang size, chip and mixed efficiency in args. Times are integer microseconds of
// simulated time; jobs still running at the end are cut there. Deterministic: events in job-id
// order, then node and card order. Needs MetricsCollector::enable_trace() before the run.
#include <cstdint>
#include <string>

#include "hetsim/metrics/report.hpp"

namespace hetsim {

// Slices the trace would hold (cards held by started jobs): callers refuse huge traces first.
uint64_t trace_slice_count(const ReportInputs& in);

std::string trace_json(const ReportInputs& in);

}  // namespace hetsim
