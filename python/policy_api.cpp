#include "policy_api.hpp"

#include <pybind11/embed.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "hetsim/policy/registry.hpp"
#include "hetsim/policy/view/view_policy.hpp"

namespace py = pybind11;

namespace hetsim {
namespace {

// The Python half of the API: small classes whose behaviour is plain Python (attribute access on
// columns, the base class users subclass, decision records).
const char* const kPythonSide = R"PY(
class Columns(dict):
    """Named NumPy columns of equal length: view.waiting.id or view.waiting["id"];
    pandas.DataFrame(view.waiting) makes a table of them."""
    __slots__ = ()
    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"no column {name!r}; the columns are {', '.join(self)}") from None

class Policy:
    """Base class of a scheduling policy written in Python (docs/writing-a-policy.md).

    Subclass it and write schedule(view). Constructor keyword arguments are the policy's
    parameters (py:module:Class:key=value). Class attributes: preemptive (may call view.preempt
    and sees the running jobs' executed_s and remaining_fraction), placement and gang_placement
    (how view.start puts a job on nodes; the names `hetsim list policies` shows for fifo)."""
    preemptive = False
    placement = "first-fit"
    gang_placement = "pool"

    def schedule(self, view):
        """Decide for one scheduling pass: call view.start(...) and friends, or return a list of
        hetsim.Start / hetsim.Preempt / hetsim.WakeAt, applied in order when it returns."""
        raise NotImplementedError(f"{type(self).__name__}.schedule(view) is not written")

    def counters(self):
        """Figures about the policy's own work, asked once after the run and written to
        summary.json's policy_stats in this order: a dict of name -> int (a count) or float.
        Deterministic figures only (no wall time). The default reports none."""
        return {}

class Start:
    """Start `job`: anywhere its request allows (chip None), on chip type `chip` (an id in
    view.chips) and `cards` cards, or on explicit `nodes` (a list of (node, cards))."""
    __slots__ = ("job", "chip", "cards", "nodes")
    def __init__(self, job, chip=None, cards=None, nodes=None):
        self.job, self.chip, self.cards, self.nodes = job, chip, cards, nodes
    def __repr__(self):
        return f"Start(job={self.job}, chip={self.chip}, cards={self.cards}, nodes={self.nodes})"

class Preempt:
    """Stop running job `job` (preemptive policies only)."""
    __slots__ = ("job",)
    def __init__(self, job):
        self.job = job
    def __repr__(self):
        return f"Preempt(job={self.job})"

class WakeAt:
    """Ask for a scheduling pass at `t` seconds even if nothing happens then."""
    __slots__ = ("t",)
    def __init__(self, t):
        self.t = t
    def __repr__(self):
        return f"WakeAt(t={self.t})"
)PY";

py::module_ hetsim_module() { return py::module_::import("hetsim"); }

// "Type: message" and the traceback, as Python prints an uncaught exception.
std::string format_python_error(py::error_already_set& e) {
  try {
    py::object lines = py::module_::import("traceback").attr("format_exception")(e.type(), e.value(), e.trace());
    std::string out;
    for (py::handle l : lines) out += l.cast<std::string>();
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  } catch (...) {
    return e.what();
  }
}

// A copy, read-only: one array may be handed out more than once in a pass (the caches below), and
// an in-place sort of it would misalign the rest of its group.
py::array read_only(py::array a) {
  // As pybind11 itself makes arrays read-only (a fresh array owning its copy): no Python call.
  py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return a;
}

template <class T>
py::array column(const std::vector<T>& v) {
  return read_only(py::array_t<T>(static_cast<py::ssize_t>(v.size()), v.data()));
}
// 0/1 bytes read as NumPy's bool (one byte, 0 or 1): copied without a conversion pass.
py::array flags(const std::vector<uint8_t>& v) {
  return read_only(py::array(py::dtype("bool"), {static_cast<py::ssize_t>(v.size())}, {}, v.data()));
}

// The module's classes a pass uses, looked up once per policy rather than at every pass.
struct ApiTypes {
  py::object columns, start, preempt, wake_at;
  static ApiTypes load() {
    const py::module_ m = hetsim_module();
    return {m.attr("Columns"), m.attr("Start"), m.attr("Preempt"), m.attr("WakeAt")};
  }
};

// A scheduling pass as Python sees it. Valid only during the schedule() call it is handed to: the
// arrays are copies, but the actions reach the pass's SchedulingView.
class PyView {
 public:
  PyView(SchedulingView* v, const ApiTypes& types) : v_(v), types_(types) {}
  void close() { v_ = nullptr; }

  SchedulingView& view() const {
    if (v_ == nullptr) throw std::runtime_error("this view belongs to a scheduling pass that has ended");
    return *v_;
  }
  double now() const { return view().now_s(); }
  py::object waiting() {
    if (!waiting_) {
      const WaitingColumns& w = view().waiting();
      waiting_ = columns({{"id", column(w.id)},
                          {"cards", column(w.cards)},
                          {"min_cards", column(w.min_cards)},
                          {"max_cards", column(w.max_cards)},
                          {"arrival_s", column(w.arrival_s)},
                          {"estimate_s", column(w.estimate_s)},
                          {"priority", column(w.priority)},
                          {"tenant", column(w.tenant)},
                          {"allowed_chips", column(w.allowed_chips)},
                          {"mem_per_card_gb", column(w.mem_per_card_gb)},
                          {"may_mix_chips", flags(w.may_mix_chips)},
                          {"held", flags(w.held)}});
    }
    return *waiting_;
  }
  py::object running() {
    if (!running_ || running_at_ != changes()) {
      const RunningColumns& r = view().running();
      running_ = columns({{"id", column(r.id)},
                          {"cards", column(r.cards)},
                          {"chip", column(r.chip)},
                          {"site", column(r.site)},
                          {"tenant", column(r.tenant)},
                          {"priority", column(r.priority)},
                          {"arrival_s", column(r.arrival_s)},
                          {"estimated_end_s", column(r.estimated_end_s)}});
      if (view().preemptive()) {  // a capability: absent, not empty, for the others
        (*running_)[py::str("executed_s")] = column(r.executed_s);
        (*running_)[py::str("remaining_fraction")] = column(r.remaining_fraction);
      }
      running_at_ = changes();
    }
    return *running_;
  }
  py::object free() {
    if (!free_ || free_at_ != changes()) {
      const FreeColumns& f = view().free();
      free_ = columns({{"by_chip", column(f.by_chip)}, {"by_site", column(f.by_site)}, {"by_pool", column(f.by_pool)}});
      free_at_ = changes();
    }
    return *free_;
  }
  py::object nodes() {
    if (!nodes_ || nodes_at_ != changes()) {
      const Cluster& c = view().cluster();
      std::vector<PoolId> pool(c.node_count());
      std::vector<uint8_t> free_cards(c.free_cards_array().begin(), c.free_cards_array().end());
      std::vector<uint8_t> cards(c.total_cards_array().begin(), c.total_cards_array().end());
      for (NodeId n = 0; n < c.node_count(); ++n) pool[n] = c.node_pool(n);
      nodes_ = columns({{"pool", column(pool)}, {"cards", column(cards)}, {"free_cards", column(free_cards)}});
      nodes_at_ = changes();
    }
    return *nodes_;
  }
  py::object pools() {
    if (!pools_) {
      const PoolColumns& p = view().pools();
      pools_ = columns({{"chip", column(p.chip)},
                        {"site", column(p.site)},
                        {"provider", column(p.provider)},
                        {"cards", column(p.cards)},
                        {"price_per_card_hour", column(p.price_per_card_hour)}});
    }
    return *pools_;
  }
  // Tenant limits: a capability of the scenario; None where it sets none.
  py::object tenants() {
    if (!tenants_ || tenants_at_ != changes()) {
      const TenantColumns& t = view().tenants();
      if (t.size() == 0) {
        tenants_ = py::none();
        room_ = py::none();
      } else {
        std::vector<TenantId> id(t.size());
        for (TenantId i = 0; i < id.size(); ++i) id[i] = i;
        tenants_ =
            columns({{"id", column(id)}, {"quota_room", column(t.quota_room)}, {"budget_left", column(t.budget_left)}});
        const auto rows = static_cast<py::ssize_t>(t.size());
        const auto cols = static_cast<py::ssize_t>(t.pools);
        room_ = read_only(py::array_t<int64_t>({rows, cols}, t.room_by_pool.data()));
      }
      tenants_at_ = changes();
    }
    return *tenants_;
  }
  py::object tenant_room_by_pool() {
    tenants();
    return *room_;
  }
  std::vector<std::string> chips() const {
    std::vector<std::string> out;
    for (ChipId c = 0; c < view().chip_count(); ++c) out.push_back(view().chip_name(c));
    return out;
  }
  std::vector<std::string> sites() const {
    std::vector<std::string> out;
    for (SiteId s = 0; s < view().cluster().site_count(); ++s) out.push_back(view().site_name(s));
    return out;
  }
  StartResult start(JobId job, std::optional<ChipId> chip, std::optional<uint32_t> cards) {
    if (!chip) {
      if (cards) throw py::value_error("view.start: cards= needs chip= (a declarative start names the chip type)");
      return view().start(job);
    }
    if (cards && *cards == 0) throw py::value_error("view.start: cards= is a gang size, at least 1");
    return view().start_on(job, *chip, cards.value_or(0));
  }
  StartResult start_on_nodes(JobId job, const std::vector<std::pair<NodeId, uint32_t>>& nodes) {
    std::vector<NodeId> ids;
    std::vector<uint32_t> cards;
    for (const auto& [n, c] : nodes) ids.push_back(n), cards.push_back(c);
    return view().start_on_nodes(job, ids, cards);
  }
  void preempt(JobId job) { view().preempt(job); }
  void wake_at(double t) {
    if (!(t >= 0) || t > SimTime::kMaxSeconds) throw py::value_error("view.wake_at: a time in seconds, >= 0");
    view().wake_at(SimTime::from_seconds(t));
  }
  double estimated_runtime_s(JobId job, ChipId chip) const { return view().estimated_runtime_s(job, chip); }
  py::object waiting_runtime_s() {
    if (!waiting_runtime_) {
      const std::vector<double>& m = view().waiting_runtime_s();
      const auto rows = static_cast<py::ssize_t>(view().waiting().size());
      const auto cols = static_cast<py::ssize_t>(view().chip_count());
      waiting_runtime_ = read_only(py::array_t<double>({rows, cols}, m.data()));
    }
    return *waiting_runtime_;
  }
  double steps_per_s(JobId job, ChipId chip, uint32_t cards) const { return view().steps_per_s(job, chip, cards); }

 private:
  std::size_t changes() const { return view().started().size() + view().preempted().size(); }
  py::object columns(std::initializer_list<std::pair<const char*, py::object>> cols) const {
    py::object c = types_.columns();
    for (const auto& [name, arr] : cols) c[py::str(name)] = arr;
    return c;
  }

  SchedulingView* v_;
  ApiTypes types_;  // a copy: a view Python keeps may outlive its policy
  std::optional<py::object> waiting_, running_, pools_, waiting_runtime_, nodes_, free_, tenants_, room_;
  std::size_t running_at_ = 0, nodes_at_ = 0, free_at_ = 0, tenants_at_ = 0;
};

// A field of a returned decision as C++ wants it; TypeError naming the decision and the field.
template <class T>
T field(py::handle decision, const char* name) {
  const py::object value = decision.attr(name);
  try {
    if (py::isinstance<py::bool_>(value)) throw py::cast_error();  // True is not job 1
    return value.cast<T>();
  } catch (const py::cast_error&) {
    throw py::type_error(py::repr(decision).cast<std::string>() + ": " + name + "=" +
                         py::repr(value).cast<std::string>() + " is not " +
                         (std::is_floating_point_v<T> ? "a number" : "whole numbers >= 0"));
  }
}

// Applies what schedule() returned: None, or decisions in order (a list, tuple or generator: an
// ordered sequence; a set or dict has no order that is the policy's).
void apply_decisions(const py::object& result, const ApiTypes& types, PyView& v) {
  if (result.is_none()) return;
  if (!py::isinstance<py::iterable>(result) || py::isinstance<py::str>(result) || py::isinstance<py::dict>(result) ||
      py::isinstance<py::set>(result) || py::isinstance<py::frozenset>(result)) {
    throw py::type_error("schedule() returned a " + py::str(py::type::of(result).attr("__name__")).cast<std::string>() +
                         "; it returns None or a list of hetsim.Start / hetsim.Preempt / hetsim.WakeAt");
  }
  for (py::handle d : result) {
    if (py::isinstance(d, types.start)) {
      const JobId job = field<JobId>(d, "job");
      if (!d.attr("nodes").is_none()) {
        (void)v.start_on_nodes(job, field<std::vector<std::pair<NodeId, uint32_t>>>(d, "nodes"));
      } else {
        const bool chip = !d.attr("chip").is_none(), cards = !d.attr("cards").is_none();
        (void)v.start(job, chip ? std::optional(field<ChipId>(d, "chip")) : std::nullopt,
                      cards ? std::optional(field<uint32_t>(d, "cards")) : std::nullopt);
      }
    } else if (py::isinstance(d, types.preempt)) {
      v.preempt(field<JobId>(d, "job"));
    } else if (py::isinstance(d, types.wake_at)) {
      v.wake_at(field<double>(d, "t"));
    } else {
      throw py::type_error("schedule() returned " + py::repr(d).cast<std::string>() +
                           " among its decisions; each is a hetsim.Start, hetsim.Preempt or hetsim.WakeAt");
    }
  }
}

ViewPlacement placement_of(const py::object& obj, const std::string& name) {
  ViewPlacement p;
  const std::string score = py::str(obj.attr("placement")).cast<std::string>();
  const std::string gangs = py::str(obj.attr("gang_placement")).cast<std::string>();
  if (!parse_placement(score, p.score)) {
    std::string valid;
    for (const std::string& n : placement_names()) valid += (valid.empty() ? "" : ", ") + n;
    throw std::invalid_argument("policy '" + name + "': placement '" + score + "' (valid: " + valid + ")");
  }
  if (!parse_gang_placement(gangs, p.gangs))
    throw std::invalid_argument("policy '" + name + "': gang_placement '" + gangs + "' (valid: pool, topology)");
  return p;
}

class PythonPolicy final : public ViewPolicy {
 public:
  PythonPolicy(py::object obj, std::string name, ViewPlacement placement, bool preemptive)
      : ViewPolicy(placement), obj_(std::move(obj)), name_(std::move(name)), preemptive_(preemptive) {}
  ~PythonPolicy() override {
    py::gil_scoped_acquire gil;
    obj_ = py::object();
    types_.reset();
  }
  std::string name() const override { return name_; }
  bool preemptive() const override { return preemptive_; }
  std::vector<NamedCounter> counters() const override {
    py::gil_scoped_acquire gil;
    const auto refuse = [&](const std::string& why) {
      return PythonPolicyError("policy '" + name_ + "': counters() " + why);
    };
    const auto shown = [](const py::handle& v) {
      return py::repr(v).cast<std::string>() + " (" +
             py::str(py::type::of(v).attr("__qualname__")).cast<std::string>() + ")";
    };
    std::vector<NamedCounter> out;
    try {
      const py::object result = obj_.attr("counters")();
      if (!py::isinstance<py::dict>(result))
        throw refuse("must return a dict of name -> int or float, not " + shown(result));
      // NumPy's scalars (view columns are arrays) count: numbers.Integral for counts, numbers.Real
      // for the rest; bool is Integral in Python but a flag, not a figure (NumPy's bool_ is
      // neither, so it falls to the refusal below).
      const py::module_ numbers = py::module_::import("numbers");
      const py::object integral = numbers.attr("Integral"), real = numbers.attr("Real");
      const py::object index = py::module_::import("operator").attr("index");
      const py::int_ limit(9007199254740992LL);  // 2^53: beyond it a double drops digits
      // A copy of the items: values whose conversion runs Python code cannot reshape the walk.
      const py::list items(result.attr("items")());
      for (const py::handle item : items) {
        const py::tuple kv = item.cast<py::tuple>();
        const py::object key = kv[0], value = kv[1];
        if (!py::isinstance<py::str>(key)) throw refuse("names are strings, not " + shown(key));
        std::string name;
        try {
          name = key.cast<std::string>();
        } catch (const py::cast_error&) {
          throw refuse("a name that is not valid text: " + py::repr(key).cast<std::string>());
        }
        const bool flag = py::isinstance<py::bool_>(value);
        if (!flag && py::isinstance(value, integral)) {
          const py::object whole = index(value);
          if (whole.attr("__gt__")(limit).cast<bool>() || whole.attr("__lt__")(-limit).cast<bool>())
            throw refuse("'" + name + "' is beyond 2^53 in size");
          out.push_back({name, static_cast<double>(whole.cast<long long>()), true});
        } else if (!flag && py::isinstance(value, real)) {
          const double v = py::float_(value).cast<double>();
          if (!std::isfinite(v)) throw refuse("'" + name + "' is not finite");
          out.push_back({name, v, false});
        } else {
          throw refuse("'" + name + "' is " + shown(value) + ", not an int or a float");
        }
      }
    } catch (py::error_already_set& e) {
      if (e.matches(PyExc_KeyboardInterrupt)) throw;  // the user stopping the run, as in schedule()
      throw PythonPolicyError("policy '" + name_ + "': counters() raised:\n" + format_python_error(e));
    } catch (const py::cast_error& e) {  // a name that is not valid text, say
      throw refuse(std::string("returned a value that cannot be read: ") + e.what());
    }
    return out;
  }

 protected:
  void decide(SchedulingView& view) override {
    py::gil_scoped_acquire gil;
    if (!types_) types_ = ApiTypes::load();
    auto v = std::make_shared<PyView>(&view, *types_);
    // However the pass ends, a view the policy kept must not reach the pass's freed state.
    struct Closer {
      PyView& v;
      ~Closer() { v.close(); }
    } closer{*v};
    try {
      const py::object result = obj_.attr("schedule")(py::cast(v));
      apply_decisions(result, *types_, *v);
    } catch (py::error_already_set& e) {
      if (e.matches(PyExc_KeyboardInterrupt)) throw;  // the user stopping the run, not the policy failing
      throw PythonPolicyError("policy '" + name_ + "' raised at t=" + std::to_string(view.now_s()) + " s:\n" +
                              format_python_error(e));
    } catch (const py::builtin_exception& e) {  // what it returned is not a list of decisions
      throw PythonPolicyError("policy '" + name_ + "' at t=" + std::to_string(view.now_s()) + " s: " + e.what());
    } catch (const PolicyViolation& e) {  // a returned decision the simulator refuses
      throw PythonPolicyError("policy '" + name_ + "' at t=" + std::to_string(view.now_s()) +
                              " s, a decision it returned: " + e.what());
    }
  }

 private:
  py::object obj_;
  std::optional<ApiTypes> types_;
  std::string name_;
  bool preemptive_;
};

std::unique_ptr<Policy> wrap(py::object obj, const std::string& name) {
  const py::object base = hetsim_module().attr("Policy");
  const std::string type_name = py::str(py::type::of(obj).attr("__name__")).cast<std::string>();
  if (py::isinstance<py::type>(obj) && PyObject_IsSubclass(obj.ptr(), base.ptr()) == 1) {
    const std::string cls = py::str(obj.attr("__name__")).cast<std::string>();
    throw std::invalid_argument("policy '" + name + "': " + cls + " is a class: pass an instance, " + cls + "()");
  }
  if (!py::isinstance(obj, base))
    throw std::invalid_argument("policy '" + name + "': " + type_name +
                                " is not a subclass of hetsim.Policy (subclass it and write schedule(view))");
  const ViewPlacement placement = placement_of(obj, name);
  const py::object preemptive = obj.attr("preemptive");
  if (!py::isinstance<py::bool_>(preemptive))
    throw std::invalid_argument("policy '" + name + "': preemptive is True or False, not " +
                                py::repr(preemptive).cast<std::string>());
  return std::make_unique<PythonPolicy>(std::move(obj), name, placement, preemptive.cast<bool>());
}

// true/false (YAML's spellings), else what Python's int() reads, else float(), else the text.
py::object param_value(const std::string& text) {
  if (text == "true" || text == "True" || text == "TRUE") return py::bool_(true);
  if (text == "false" || text == "False" || text == "FALSE") return py::bool_(false);
  const py::object builtins = py::module_::import("builtins");
  for (const char* type : {"int", "float"}) {
    try {
      return builtins.attr(type)(text);
    } catch (py::error_already_set&) {
    }
  }
  return py::str(text);
}

// The module of py:MODULE:CLASS: a module name imported as `import` would, or a .py file (path
// from the working directory) loaded once per process.
py::object load_module(const std::string& module) {
  const bool is_file = module.size() > 3 && module.compare(module.size() - 3, 3, ".py") == 0;
  if (!is_file) {
    // Found as `import MODULE` finds it, the working directory included (a script's sys.path
    // starts at the script's directory instead): last, so it shadows nothing.
    const py::object sys_path = py::module_::import("sys").attr("path");
    const py::object cwd = py::module_::import("os").attr("getcwd")();
    if (!sys_path.contains(py::str("")) && !sys_path.contains(cwd)) sys_path.attr("append")(cwd);
    return py::module_::import("importlib").attr("import_module")(module);
  }
  // One load per file even when runs on several threads ask at once (exec_module may release the
  // GIL): wait for the lock without the GIL, so the thread holding it can take the GIL back.
  static std::mutex* loading = new std::mutex();  // never freed, as the modules (kept past exit)
  static std::map<std::string, py::object>* loaded = new std::map<std::string, py::object>();
  std::unique_lock<std::mutex> lock(*loading, std::defer_lock);
  {
    py::gil_scoped_release unlocked;
    lock.lock();
  }
  const py::object os_path = py::module_::import("os.path");
  const std::string abs = os_path.attr("abspath")(module).cast<std::string>();
  if (auto it = loaded->find(abs); it != loaded->end()) return it->second;
  if (!os_path.attr("isfile")(abs).cast<bool>()) throw std::invalid_argument("no such file: " + module);
  const py::object util = py::module_::import("importlib.util");
  const std::string name = "hetsim_policy_file_" + std::to_string(loaded->size());
  const py::object spec = util.attr("spec_from_file_location")(name, abs);
  py::object mod = util.attr("module_from_spec")(spec);
  py::module_::import("sys").attr("modules")[py::str(name)] = mod;
  spec.attr("loader").attr("exec_module")(mod);
  loaded->emplace(abs, mod);
  return mod;
}

// Builds py:MODULE:CLASS with its parameters; std::invalid_argument (with the traceback of what
// Python raised) when the module, the class or the parameters are bad.
std::unique_ptr<Policy> make_named(const std::string& name, const std::map<std::string, std::string>& params) {
  std::string module, cls_name;
  if (!split_python_policy_name(name, module, cls_name))
    throw std::invalid_argument("policy '" + name + "': a Python policy is py:MODULE:CLASS");
  std::string label = name;
  for (auto it = params.begin(); it != params.end(); ++it)
    label += (it == params.begin() ? ":" : ",") + it->first + "=" + it->second;
  py::gil_scoped_acquire gil;
  try {
    const py::object mod = load_module(module);
    if (!py::hasattr(mod, cls_name.c_str()))
      throw std::invalid_argument("policy '" + name + "': module '" + module + "' has no '" + cls_name + "'");
    py::dict kwargs;
    for (const auto& [k, v] : params) kwargs[py::str(k)] = param_value(v);
    return wrap(mod.attr(cls_name.c_str())(**kwargs), label);  // its class attributes are read here too
  } catch (py::error_already_set& e) {
    throw std::invalid_argument("policy '" + label + "' could not be made:\n" + format_python_error(e));
  } catch (const py::cast_error& e) {
    throw std::invalid_argument("policy '" + label + "' could not be made: " + e.what());
  }
}

void start_embedded_interpreter() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (Py_IsInitialized()) return;
    // UTF-8 for the policy's prints and files whatever the locale (an embedded interpreter does
    // not coerce the C locale as the python3 command does).
    PyPreConfig pre;
    PyPreConfig_InitPythonConfig(&pre);
    pre.utf8_mode = 1;
    if (PyStatus st = Py_PreInitialize(&pre); PyStatus_Exception(st)) Py_ExitStatusException(st);
    // No signal handlers: Ctrl-C stops the binary as it stops any other run.
    py::initialize_interpreter(false, 0, nullptr, false);
    // The working directory first on the path, as `python -m` puts it: py:my_policy:Class finds
    // ./my_policy.py.
    py::module_::import("sys").attr("path").attr("insert")(0, "");
    // The interpreter is never finalized (policies may outlive main's scope): write out what the
    // policies printed, which Python buffers when stdout is a file or a pipe.
    std::atexit([] {
      const PyGILState_STATE gil = PyGILState_Ensure();
      PyRun_SimpleString("import sys\nfor f in (sys.stdout, sys.stderr):\n    f.flush()\n");
      PyGILState_Release(gil);
    });
    PyEval_SaveThread();  // runs on other threads (compare, sweep) take the GIL per call
  });
}

}  // namespace

void bind_policy_api(py::module_& m) {
  py::exec(kPythonSide, m.attr("__dict__"));
  // Leaked on purpose: pybind11's register_exception keeps them in statics that are released at
  // exit without the GIL (the binary never finalizes its interpreter). Translators are tried
  // newest first: the subclass after its base.
  auto* violation = new py::exception<PolicyViolation>(m, "PolicyViolation", PyExc_RuntimeError);
  violation->doc() = "A decision the simulator refuses (a start on cards that are not free, ...): a bug in the policy.";
  auto* error = new py::exception<PythonPolicyError>(m, "PolicyError", violation->ptr());
  error->doc() = "A Python policy raised during a run; the message holds its traceback.";
  py::register_exception_translator([](std::exception_ptr p) {
    if (!p) return;
    try {
      std::rethrow_exception(p);
    } catch (const PolicyViolation& e) {
      const py::module_ mod = hetsim_module();
      const char* type = dynamic_cast<const PythonPolicyError*>(&e) != nullptr ? "PolicyError" : "PolicyViolation";
      PyErr_SetString(mod.attr(type).ptr(), e.what());
    }
  });

  py::enum_<StartResult>(m, "StartResult", "What view.start did; true only when the job started.")
      .value("STARTED", StartResult::Started)
      .value("NO_FIT", StartResult::NoFit, "the cards are not free in one placement now: the job waits")
      .value("HELD", StartResult::Held, "its tenant's quota, budget or others' guarantees leave no room: it waits")
      .def("__bool__", [](StartResult r) { return r == StartResult::Started; });

  py::class_<PyView, std::shared_ptr<PyView>>(m, "View",
                                              "One scheduling pass (docs/writing-a-policy.md, \"A policy in Python\").")
      .def_property_readonly("now", &PyView::now, "simulated time, seconds")
      .def_property_readonly("waiting", &PyView::waiting, "waiting jobs in arrival order (Columns)")
      .def_property_readonly("running", &PyView::running, "running jobs by id (Columns), as of the last action")
      .def_property_readonly("free", &PyView::free, "free cards by_chip, by_site, by_pool, as of the last action")
      .def_property_readonly("nodes", &PyView::nodes,
                             "nodes by id: pool, cards, free_cards (whole cards), as of the last action")
      .def_property_readonly("pools", &PyView::pools, "pools: chip, site, provider, cards, price_per_card_hour")
      .def_property_readonly("tenants", &PyView::tenants,
                             "tenant limits by tenant id (Columns: id, quota_room: room under the overall quota, "
                             "budget_left), as of the last action; None in a scenario without quotas, budgets or "
                             "guarantees")
      .def_property_readonly("tenant_room_by_pool", &PyView::tenant_room_by_pool,
                             "whole cards of each pool (column) each tenant (row) may take now: free, not reserved "
                             "for others' guarantees, within its quotas; an int64 array, or None as tenants")
      .def_property_readonly("chips", &PyView::chips, "chip type names by chip id")
      .def_property_readonly("sites", &PyView::sites, "site names by site id")
      .def("start", &PyView::start, py::arg("job"), py::arg("chip") = py::none(), py::arg("cards") = py::none(),
           "Start a waiting job now: anywhere its request allows, or on chip type `chip` (and `cards` cards, "
           "for an elastic job). Returns a StartResult.")
      .def("start_on_nodes", &PyView::start_on_nodes, py::arg("job"), py::arg("nodes"),
           "Start a waiting job on explicit nodes: a list of (node, cards). Returns a StartResult (HELD when "
           "its tenant's quota or others' reserved cards forbid those cards).")
      .def("preempt", &PyView::preempt, py::arg("job"), "Stop a running job (preemptive policies only).")
      .def("wake_at", &PyView::wake_at, py::arg("t"), "Ask for a pass at t seconds, later than now.")
      .def_property_readonly("waiting_runtime_s", &PyView::waiting_runtime_s,
                             "estimated_runtime_s of every waiting job (row, as in waiting) on every chip "
                             "(column): a float64 array, inf where the job may not use the chip")
      .def("estimated_runtime_s", &PyView::estimated_runtime_s, py::arg("job"), py::arg("chip"),
           "The job's estimated runtime on its gang of `chip` cards (from the submitter's estimate).")
      .def("steps_per_s", &PyView::steps_per_s, py::arg("job"), py::arg("chip"), py::arg("cards") = 0,
           "The job's steps per second on `chip` (0: may not use it).");
}

void install_python_policy_source(bool embedded) {
  PythonPolicySource source;
  source.make = [embedded](const std::string& name, const std::map<std::string, std::string>& params) {
    if (embedded) start_embedded_interpreter();
    return make_named(name, params);
  };
  // Checking is making one: a class's parameters are its constructor's, known only to Python.
  source.check = [make = source.make](const std::string& name, const std::map<std::string, std::string>& params) {
    try {
      (void)make(name, params);
    } catch (const std::invalid_argument& e) {
      return std::vector<ParamProblem>{ParamProblem{"", e.what()}};
    }
    return std::vector<ParamProblem>{};
  };
  install_python_policies(std::move(source));
}

std::unique_ptr<Policy> wrap_python_policy(const py::object& obj) {
  const py::object type = py::type::of(obj);
  const std::string name =
      "py:" + type.attr("__module__").cast<std::string>() + ":" + type.attr("__qualname__").cast<std::string>();
  try {
    return wrap(obj, name);
  } catch (const std::invalid_argument& e) {
    throw py::type_error(e.what());
  }
}

}  // namespace hetsim
