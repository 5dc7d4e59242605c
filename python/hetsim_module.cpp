// The `hetsim` Python module (pybind11, built for /usr/bin/python3): load a scenario, override
// values, run it with a policy and seed, and get the summary as a dict and the jobs as NumPy
// arrays, without writing files. The same code path as `hetsim run` (same parse, policy registry,
// build and summary), so the same scenario, policy and seed give the same numbers.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "hetsim/app/app_util.hpp"
#include "hetsim/app/run_metrics.hpp"
#include "hetsim/metrics/job_columns.hpp"
#include "hetsim/metrics/report.hpp"
#include "hetsim/policy/registry.hpp"
#include "hetsim/run/simulation.hpp"
#include "hetsim/scenario/build.hpp"
#include "hetsim/scenario/parse.hpp"
#include "policy_api.hpp"

namespace py = pybind11;

namespace hetsim {
namespace {

// One finished run, everything copied out of the simulation so it can be freed.
struct RunOutput {
  std::string summary_json;
  std::vector<std::pair<std::string, double>> metrics;  // run_metrics(), as `hetsim compare`/`sweep` report them
  // The jobs.csv columns (sim/metrics/job_columns.hpp), in its order: each filled as its type says.
  struct Column {
    const JobColumn* column;
    std::vector<int64_t> integers;   // Type::Integer
    std::vector<double> numbers;     // Type::Number (NaN where the CSV cell is empty)
    std::vector<std::string> texts;  // Type::Text
    std::vector<uint8_t> present;    // Type::Text: 0 where the CSV cell is empty
  };
  std::vector<Column> jobs;
};

// A parsed scenario with the policy it runs; ValueError (file:line:col messages) when either is bad.
struct Prepared {
  ScenarioSpec spec;
  std::unique_ptr<Policy> policy;
};

// A scenario as run() and check() take it: a file's path, or the scenario itself as YAML text or
// a dict (read from the working directory: `base:` and the chip catalog are found from there).
struct ScenarioSource {
  std::string text;  // a path, or (inline) the YAML
  bool is_inline = false;
  // How errors name it.
  std::string name() const { return is_inline ? "<scenario>" : text; }
};

ScenarioSource scenario_source(const py::object& o) {
  if (py::isinstance<py::dict>(o)) {
    // JSON is YAML: the dict's text reads back as the same mapping.
    return {py::module_::import("json").attr("dumps")(o).cast<std::string>(), true};
  }
  if (py::isinstance<py::str>(o)) {
    const std::string s = o.cast<std::string>();
    return {s, s.find('\n') != std::string::npos};
  }
  if (py::hasattr(o, "__fspath__")) return {py::str(o.attr("__fspath__")()).cast<std::string>(), false};
  throw py::type_error("scenario: a path, YAML text (with a newline) or a dict, not " +
                       py::str(py::type::of(o).attr("__name__")).cast<std::string>());
}

// run()'s and check()'s policy: None (the scenario's), "NAME[:k=v,...]" (py:MODULE:CLASS included)
// or a hetsim.Policy object.
struct PolicyArg {
  std::optional<std::string> text;
  py::object object;
};

PolicyArg policy_arg_of(const py::object& o) {
  if (o.is_none()) return {};
  if (py::isinstance<py::str>(o)) return {o.cast<std::string>(), py::object()};
  return {std::nullopt, o};
}

Prepared prepare(const ScenarioSource& source, const PolicyArg& policy,
                 const std::map<std::string, std::string>& sets) {
  const std::optional<std::string>& policy_arg = policy.text;
  const std::string scenario = source.name();
  std::vector<std::pair<std::string, std::string>> overrides(sets.begin(), sets.end());
  ParseResult parsed = source.is_inline ? parse_scenario_string(source.text, scenario, ".", overrides)
                                        : parse_scenario_file(source.text, overrides);
  if (!parsed.ok()) {
    std::string msg;
    for (const auto& d : parsed.errors) msg += (msg.empty() ? "" : "\n") + d.format();
    throw py::value_error(msg);
  }
  Prepared p{std::move(parsed.spec), nullptr};
  ScenarioSpec& spec = p.spec;
  if (spec.has_sharing_replay || spec.has_mixed_training)
    throw py::value_error(scenario + ": hetsim.run takes cluster simulations, not trace-replay or planning scenarios");
  if (policy_arg) {
    std::string error;
    spec.policy.params.clear();
    if (!parse_policy_arg(*policy_arg, spec.policy.name, spec.policy.params, error)) throw py::value_error(error);
  }
  if (policy.object) {
    p.policy = wrap_python_policy(policy.object);
    return p;
  }
  try {
    p.policy = builtin_policy_registry().create(spec.policy.name, spec.policy.params);
  } catch (const std::invalid_argument& e) {
    throw py::value_error(e.what());
  }
  return p;
}

RunOutput simulate(const ScenarioSource& source, const PolicyArg& policy_arg, const std::optional<uint64_t>& seed_arg,
                   const std::map<std::string, std::string>& sets) {
  const std::string scenario = source.name();
  Prepared prepared = prepare(source, policy_arg, sets);
  const ScenarioSpec& spec = prepared.spec;
  Policy* policy = prepared.policy.get();
  const uint64_t seed = seed_arg.value_or(spec.seed);

  RunOutput out;
  {
    py::gil_scoped_release release;  // other Python threads run while this one simulates
    SimulationModel model;
    try {
      model = build_scenario(spec, seed);
    } catch (const std::invalid_argument& e) {
      py::gil_scoped_acquire again;
      throw py::value_error(scenario + ": " + e.what());
    }
    MetricsCollector metrics(model.cluster, model.chips, model.jobs);
    Simulation sim(model, *policy, metrics);
    const RunResult res = sim.run();
    const RunInfo info = run_info(spec.name, seed, policy->name(), "cpu", model, sim, res);
    const ReportInputs in{&info, &model.cluster, &model.chips, &model.jobs, &model.tenants, &metrics, &model.vouchers};
    const Billing bill = bill_run(in);
    const nlohmann::ordered_json summary = summary_json(in, bill);
    out.summary_json = summary.dump();
    for (const RunMetric& m : run_metrics()) out.metrics.emplace_back(m.name, m.get(summary));
    for (const JobColumn& c : job_columns()) out.jobs.push_back({&c, {}, {}, {}, {}});
    for_each_job_row(in, bill, [&](const JobRowView& view) {
      for (RunOutput::Column& col : out.jobs) {
        const JobCell cell = col.column->cell(view);
        switch (col.column->type) {
          case JobColumn::Type::Integer:
            col.integers.push_back(cell.integer);
            break;
          case JobColumn::Type::Number:
            col.numbers.push_back(cell.number());
            break;
          case JobColumn::Type::Text:
            col.texts.emplace_back(cell.kind == JobCell::Kind::Text ? cell.text : std::string_view());
            col.present.push_back(cell.kind == JobCell::Kind::Text ? 1 : 0);
            break;
        }
      }
    });
  }
  return out;
}

template <typename T>
py::array_t<T> array(const std::vector<T>& v) {
  return py::array_t<T>(static_cast<py::ssize_t>(v.size()), v.data());
}

py::dict run(const py::object& scenario, const py::object& policy, const std::optional<uint64_t>& seed,
             const std::map<std::string, std::string>& set) {
  const RunOutput o = simulate(scenario_source(scenario), policy_arg_of(policy), seed, set);
  py::dict jobs;
  const py::float_ nan(std::nan(""));
  for (const RunOutput::Column& col : o.jobs) {
    switch (col.column->type) {
      case JobColumn::Type::Integer:
        jobs[col.column->name] = array(col.integers);
        break;
      case JobColumn::Type::Number:
        jobs[col.column->name] = array(col.numbers);
        break;
      case JobColumn::Type::Text: {
        py::list l(col.texts.size());
        for (std::size_t i = 0; i < col.texts.size(); ++i) {
          if (col.present[i])
            l[i] = py::str(col.texts[i]);
          else
            l[i] = nan;
        }
        jobs[col.column->name] = l;
        break;
      }
    }
  }
  py::dict result;
  result["summary"] = py::module_::import("json").attr("loads")(o.summary_json);
  py::dict metrics;
  for (const auto& [name, value] : o.metrics) metrics[py::str(name)] = value;
  result["metrics"] = metrics;
  result["jobs"] = jobs;
  return result;
}

}  // namespace
}  // namespace hetsim

PYBIND11_MODULE(hetsim, m) {
  m.doc() = "hetsim: discrete-event simulation of GPU-cluster scheduling (docs/workflow.md)";
  hetsim::bind_policy_api(m);
  hetsim::install_python_policy_source(false);
  m.def("run", &hetsim::run, py::arg("scenario"), py::arg("policy") = py::none(), py::arg("seed") = py::none(),
        py::arg("set") = std::map<std::string, std::string>{},
        R"doc(Run a scenario file and return {"summary": dict, "metrics": dict, "jobs": dict of arrays}.

scenario: path of a cluster-simulation scenario (YAML), or the scenario itself: YAML text (any
          str with a newline) or a dict, read from the working directory (a relative `base:`
          and the chip catalog are found from there; errors name it <scenario>).
policy:   "NAME" or "NAME:key=value,..." as `hetsim run --policy` (default: the scenario's),
          "py:MODULE:CLASS[:key=value,...]", or a hetsim.Policy object (docs/writing-a-policy.md;
          give each run a fresh one: it keeps its state).
seed:     the workload seed (default: the scenario's).
set:      {"dotted.key": "value"} overrides, as `hetsim run --set` (values read as YAML).

summary is summary.json as a dict; metrics the headline numbers of `hetsim compare` and
`hetsim sweep` (metric_names(), NaN where a run has none); jobs the columns of jobs.csv
(job_column_names(), `hetsim list outputs`), one entry per job in job-id order: whole-number
columns as int64 arrays, other numbers as float64 arrays and text as lists, NaN where jobs.csv's
cell is empty (pandas.DataFrame(r["jobs"]) equals pandas.read_csv of jobs.csv but for the
decimals jobs.csv rounds to). Scenario and policy errors raise ValueError with the
file:line:col messages of `hetsim validate`; an exception a Python policy raises ends the run
with hetsim.PolicyError (its traceback in the message), a decision the simulator refuses with
hetsim.PolicyViolation. The GIL is released while simulating (a Python policy takes it for each
scheduling pass).)doc");
  m.def(
      "check",
      [](const py::object& scenario, const py::object& policy, const std::map<std::string, std::string>& set) {
        (void)hetsim::prepare(hetsim::scenario_source(scenario), hetsim::policy_arg_of(policy), set);
      },
      py::arg("scenario"), py::arg("policy") = py::none(), py::arg("set") = std::map<std::string, std::string>{},
      "Check a scenario, its overrides and a policy as run() would, without simulating: ValueError when bad.");
  m.def(
      "parse_seeds",
      [](const std::string& text) {
        std::vector<uint64_t> seeds;
        std::string error;
        if (!hetsim::parse_seed_list(text, seeds, error)) throw py::value_error(error);
        return seeds;
      },
      py::arg("text"), "Seeds as `--seeds` reads them: \"1-5\", \"1,4,9\" or both; ValueError when malformed.");
  m.def(
      "metric_names",
      [] {
        std::vector<std::string> names;
        for (const hetsim::RunMetric& rm : hetsim::run_metrics()) names.emplace_back(rm.name);
        return names;
      },
      "Names of the metrics in run()['metrics'], the columns of compare.csv and results.csv, in order.");
  m.def(
      "job_column_names",
      [] {
        std::vector<std::string> names;
        for (const hetsim::JobColumn& c : hetsim::job_columns()) names.emplace_back(c.name);
        return names;
      },
      "Names of the columns in run()['jobs'], those of jobs.csv, in order.");
}
