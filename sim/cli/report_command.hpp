#pragma once
// `hetsim report DIR [--out REPORT_DIR]`: figures (PNG, SVG) and one self-contained HTML page from
// the outputs of `hetsim run`, `compare` or `sweep`. The plotting is matplotlib's, in
// python/report.py; this command finds that script next to the binary's source tree and runs it
// with Debian's /usr/bin/python3 (the interpreter that has matplotlib and pandas).
#include <string>

namespace hetsim {

int cmd_report(const std::string& dir, const std::string& out);

}  // namespace hetsim
