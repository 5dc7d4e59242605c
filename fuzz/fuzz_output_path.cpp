// Fuzzes the output-path rule and the atomic writer (sim/metrics/atomic_file.hpp) on a small
// filesystem built from the input in a fresh scratch folder (/tmp/hetsim-fuzz-XXXXXX, removed after
// each input). Input layout:
//   bytes 0..5  one per entry (a, b, sub, sub/a, sub/b, a 250-character name): bits 0-2 the kind
//               (absent, regular file, link to another entry, dangling link, link to itself,
//               directory, FIFO, link to another entry by absolute path), bits 3-5 that entry
//   byte 6      how to write: write_file_atomically, AtomicFileWriter in pieces, or one destroyed
//               without commit()
//   then        the path to test, one component a byte (an entry's name, "..", ".", "", an absent
//               name, a 300-character name, ...) up to a 0xff byte; ".." never climbs out of the
//               scratch folder, and no link points at it or above
//   the rest    the content to write (at most 256 bytes)
// Checked, aborting on a violation: output_path_problem and resolve_output_path agree; a refused
// path throws OutputPathError only, and writing it throws OutputPathError and changes nothing; an
// accepted path that is not a stream (no FIFO is ever opened) either is written (reading the path
// back gives the content, only the resolved target changed, a link stays the same link) or throws
// std::runtime_error and changes nothing; no NAME.tmp.PID.N is left behind.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "hetsim/metrics/atomic_file.hpp"

namespace {

namespace fs = std::filesystem;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

const std::string kLong(250, 'L');  // a valid name, but NAME.tmp.PID.N is over NAME_MAX
const std::vector<std::string> kEntries = {"a", "b", "sub", "sub/a", "sub/b", kLong};

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every entry under `root` (not following links): type, and a link's target or a file's bytes.
std::map<std::string, std::string> snapshot(const std::string& root) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const std::string path = it->path().string();
    const std::string rel = path.substr(root.size() + 1);
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) continue;
    if (S_ISLNK(st.st_mode)) {
      out[rel] = "l" + fs::read_symlink(it->path(), ec).string();
    } else if (S_ISREG(st.st_mode)) {
      out[rel] = "f" + read_all(path);
    } else if (S_ISDIR(st.st_mode)) {
      out[rel] = "d";
    } else {
      out[rel] = "o";
    }
  }
  return out;
}

bool has_temporary(const std::map<std::string, std::string>& snap) {
  for (const auto& [rel, what] : snap) {
    if (rel.find(".tmp.") != std::string::npos) return true;
  }
  return false;
}

// The entry a link at `from` may point to for `to`: a link in sub/ points within sub/, so that
// LINK/.. is never above the folder LINK's own path names (the ".." guard of build_path).
std::string link_target(const std::string& from, const std::string& to) {
  if (from.rfind("sub/", 0) != 0 || to.rfind("sub/", 0) == 0) return to;
  return to.size() % 2 == 1 ? "sub/a" : "sub/b";
}

// Where entry `to` is, written from the folder of entry `from`.
std::string relative_target(const std::string& from, const std::string& to) {
  const bool from_sub = from.rfind("sub/", 0) == 0;
  const bool to_sub = to.rfind("sub/", 0) == 0;
  if (from_sub && to_sub) return from == "sub/b" ? "../" + to : to.substr(4);
  if (from_sub == to_sub) return to;
  return from_sub ? "../" + to : to;
}

void build(const std::string& root, const std::array<uint8_t, 6>& kinds) {
  for (std::size_t i = 0; i < kEntries.size(); ++i) {
    const std::string& name = kEntries[i];
    const std::string path = root + "/" + name;
    const std::string other = link_target(name, kEntries[(kinds[i] >> 3) % kEntries.size()]);
    switch (kinds[i] & 7) {
      case 0:
        break;
      case 1:
        std::ofstream(path, std::ios::binary) << "old " << name;
        break;
      case 2:
        (void)::symlink(relative_target(name, other).c_str(), path.c_str());
        break;
      case 3:
        (void)::symlink("missing", path.c_str());
        break;
      case 4:
        (void)::symlink(relative_target(name, name).c_str(), path.c_str());
        break;
      case 5:
        (void)::mkdir(path.c_str(), 0700);
        break;
      case 6:
        (void)::mkfifo(path.c_str(), 0600);
        break;
      case 7:
        (void)::symlink((root + "/" + other).c_str(), path.c_str());
        break;
    }
  }
}

// The path to test from one byte per component, up to a 0xff byte (consumed).
std::string build_path(const std::string& root, const uint8_t*& p, const uint8_t* end) {
  static const std::vector<std::string> kComponents = {
      "a", "b", "sub", kLong, "..", ".", "", "c", std::string(300, 'V'), "sub", "a", ".."};
  std::string path = root;
  int depth = 0;
  for (int n = 0; p < end && *p != 0xff; ++p) {
    if (++n > 40) continue;
    const std::string& c = kComponents[*p % kComponents.size()];
    if (c == "..") {
      if (depth == 0) continue;
      --depth;
    } else if (!c.empty() && c != ".") {
      ++depth;
    }
    path += "/" + c;
  }
  if (p < end) ++p;
  return path;
}

void write(const std::string& path, const std::string& content, uint8_t mode) {
  if (mode % 3 == 0) {
    hetsim::write_file_atomically(path, content);
    return;
  }
  hetsim::AtomicFileWriter w(path);
  for (std::size_t at = 0; at < content.size(); at += 7) w.write(std::string_view(content).substr(at, 7));
  if (mode % 3 == 1) w.commit();
}

void test(const std::string& root, const uint8_t* data, std::size_t size) {
  const uint8_t* p = data;
  const uint8_t* end = data + size;
  std::array<uint8_t, 6> kinds{};
  for (std::size_t i = 0; i < kinds.size() && p < end; ++i) kinds[i] = *p++;
  const uint8_t mode = p < end ? *p++ : 0;
  build(root, kinds);
  const std::string path = build_path(root, p, end);
  const std::string content(reinterpret_cast<const char*>(p),
                            static_cast<std::size_t>(std::min<std::ptrdiff_t>(end - p, 256)));

  const std::string problem = hetsim::output_path_problem(path);
  bool refused = false;
  hetsim::OutputTarget target;
  try {
    target = hetsim::resolve_output_path(path);
  } catch (const hetsim::OutputPathError& e) {
    refused = true;
    check(!problem.empty() && problem == e.what());
  } catch (...) {
    __builtin_trap();  // never another exception
  }
  check(refused == !problem.empty());

  const auto before = snapshot(root);
  check(!has_temporary(before));
  if (refused) {
    try {
      write(path, content, mode);
      __builtin_trap();  // a refused path was written
    } catch (const hetsim::OutputPathError&) {
    } catch (...) {
      __builtin_trap();
    }
    check(snapshot(root) == before);
    return;
  }
  if (target.stream) return;  // a FIFO: opening it for writing would block
  // The harness's own guard: links and ".." never lead out of the scratch folder.
  std::error_code ec;
  const fs::path where = fs::weakly_canonical(target.path, ec);
  if (!ec) check(where.string().rfind(fs::canonical(root).string() + "/", 0) == 0);
  struct stat link_before {};
  const bool was_link = ::lstat(path.c_str(), &link_before) == 0 && S_ISLNK(link_before.st_mode);
  bool written = false;
  try {
    write(path, content, mode);
    written = mode % 3 != 2;
  } catch (const hetsim::OutputPathError&) {
    __builtin_trap();  // accepted a moment ago, nothing changed since
  } catch (const std::runtime_error&) {
    // The write itself failed (a missing folder, a name too long for its temporary).
  } catch (...) {
    __builtin_trap();
  }
  const auto after = snapshot(root);
  check(!has_temporary(after));
  if (!written) {
    check(after == before);
    return;
  }
  check(read_all(path) == content);
  struct stat link_after {};
  if (was_link) check(::lstat(path.c_str(), &link_after) == 0 && S_ISLNK(link_after.st_mode));
  // Only the resolved target changed, into a regular file with the content.
  const fs::path resolved = fs::canonical(target.path, ec);
  check(!ec);
  for (const auto& [rel, what] : after) {
    const auto it = before.find(rel);
    if (it != before.end() && it->second == what) continue;
    check(what == "f" + content && fs::canonical(root + "/" + rel, ec) == resolved);
  }
  for (const auto& [rel, what] : before) check(after.count(rel) == 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  char tmpl[] = "/tmp/hetsim-fuzz-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return 0;
  const std::string root = tmpl;
  test(root, data, size);
  std::error_code ec;
  fs::remove_all(root, ec);
  return 0;
}
