#pragma once
// The per-job outputs as one table: each column's name, unit, meaning and how its cell is read
// from a job, its record and its bill. jobs.csv writes the columns in this order, the Python
// module's `jobs` arrays are these columns, and docs/scenario-format.md's jobs.csv table is
// `hetsim list columns` (a test compares them). A new per-job output is one row here, plus the
// JobRecord field and the hook that fills it.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hetsim/core/sim_time.hpp"
#include "hetsim/metrics/billing.hpp"
#include "hetsim/metrics/collector.hpp"
#include "hetsim/model/chip_catalog.hpp"
#include "hetsim/model/cluster.hpp"
#include "hetsim/model/job.hpp"
#include "hetsim/model/tenant.hpp"

namespace hetsim {

// One cell: empty, an integer, a real printed with `digits` decimals, a time (seconds with six
// decimals, exact microseconds), or text (valid until the next cell of the same row is read).
struct JobCell {
  enum class Kind : uint8_t { Empty, Integer, Real, Time, Text };
  Kind kind = Kind::Empty;
  int digits = 0;
  int64_t integer = 0;
  double real = 0;
  SimTime time;
  std::string_view text;

  static JobCell none() { return {}; }
  static JobCell of_integer(int64_t v) { return {Kind::Integer, 0, v, 0, {}, {}}; }
  static JobCell of_real(double v, int digits) { return {Kind::Real, digits, 0, v, {}, {}}; }
  static JobCell of_time(SimTime t) { return {Kind::Time, 0, 0, 0, t, {}}; }
  static JobCell of_text(std::string_view s) { return {Kind::Text, 0, 0, 0, {}, s}; }
  // The cell as a number: NaN when empty or text; times in seconds.
  double number() const;
};

// What a column reads: one job of a finished run. `scratch` holds text a cell builds (the chip
// label); the row's flags are derived once per job, here.
struct JobRowView {
  JobRowView(const Job& j, const JobRecord& r, const Cluster& c, const ChipCatalog& ch, const std::vector<Tenant>& t,
             const Billing& b, std::string& s)
      : job(j),
        record(r),
        cluster(c),
        chips(ch),
        tenants(t),
        bill(b),
        started(has_started(r)),
        ended(has_ended(r)),
        done(r.outcome == JobOutcome::Completed),
        scratch(s) {}
  const Job& job;
  const JobRecord& record;
  const Cluster& cluster;
  const ChipCatalog& chips;
  const std::vector<Tenant>& tenants;
  const Billing& bill;
  bool started;  // has_started(record)
  bool ended;    // has_ended(record)
  bool done;     // completed
  std::string& scratch;
};

// Appends the names of the chip types of `chip_mask` (bit = chip id), in catalog order, joined by
// '+': jobs.csv's `chip` cell and the trace export's label.
void append_chip_label(std::string& out, const ChipCatalog& chips, uint64_t chip_mask);

struct JobColumn {
  const char* name;
  // Integer: whole numbers, never empty (an int64 array in Python); Number: numbers, empty where
  // undefined (a float64 array, NaN there); Text: strings (a list, NaN where empty, as pandas
  // reads jobs.csv).
  enum class Type : uint8_t { Integer, Number, Text };
  Type type;
  const char* unit;     // "s", "card-s", "GB", "currency", "int", "string", "number"
  const char* meaning;  // one line for docs/scenario-format.md
  JobCell (*cell)(const JobRowView&);
};

// In jobs.csv order.
const std::vector<JobColumn>& job_columns();

// jobs.csv's header line, with its newline.
std::string job_columns_header();

// docs/scenario-format.md's jobs.csv table (markdown), from the table above.
std::string job_columns_markdown();

}  // namespace hetsim
