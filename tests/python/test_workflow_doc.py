#!/usr/bin/python3
"""docs/workflow.md runs as written: every command of its bash and python blocks, in order.

Run by CTest (python.workflow_doc) from the source root:
    test_workflow_doc.py BUILD_DIR MPI_ENABLED(ON|OFF)
`out/` in the commands is redirected to a temporary folder and `build/` to BUILD_DIR.
"""
import os
import re
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import yaml

BUILD = os.path.abspath(sys.argv.pop(1)) if len(sys.argv) > 1 else os.path.abspath("build")
MPI = (sys.argv.pop(1) if len(sys.argv) > 1 else "ON") == "ON"
DOC = Path("docs/workflow.md")


def blocks(text):
    """(language, body) of every fenced block, in order."""
    return [(m.group(1), m.group(2)) for m in re.finditer(r"^```(\w+)\n(.*?)^```", text, re.M | re.S)]


class WorkflowDocTest(unittest.TestCase):
    def test_every_command_runs(self):
        text = DOC.read_text()
        with tempfile.TemporaryDirectory() as tmp:
            def local(s):
                s = re.sub(r"(?<![\w/.-])out/", tmp + "/out/", s)
                return re.sub(r"(?<![\w/.-])build/", BUILD + "/", s)

            env = dict(os.environ, PYTHONPATH=BUILD + "/python",
                       # mpirun as root in containers, more ranks than cores on small machines
                       OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
                       OMPI_MCA_rmaps_base_oversubscribe="1")
            seen, ran = set(), 0
            for lang, body in blocks(text):
                if lang == "bash":
                    for line in body.splitlines():
                        if not line.strip() or line.lstrip().startswith("#"):
                            continue
                        if line.startswith("mpirun") and not MPI:
                            continue  # hetsim built without MPI refuses to run under a launcher
                        r = subprocess.run(local(line), shell=True, env=env, capture_output=True, text=True,
                                           timeout=600)
                        self.assertEqual(r.returncode, 0, f"{line}\n{r.stdout}\n{r.stderr}")
                        if line in seen and " sweep " in line:
                            # The doc says a rerun resumes and runs nothing.
                            self.assertIn("0 to run", r.stdout, line)
                        seen.add(line)
                        ran += 1
                elif lang == "python":
                    r = subprocess.run(["/usr/bin/python3", "-c", local(body)], env=env, capture_output=True,
                                       text=True, timeout=600)
                    self.assertEqual(r.returncode, 0, f"{body}\n{r.stdout}\n{r.stderr}")
                    ran += 1
                elif lang == "yaml":
                    # A sweep file shown on the page is the shipped one.
                    first = body.splitlines()[0]
                    m = re.match(r"# (sweeps/\S+\.yaml)", first)
                    self.assertIsNotNone(m, "a yaml block must start with '# sweeps/FILE.yaml'")
                    self.assertEqual(yaml.safe_load(body), yaml.safe_load(Path(m.group(1)).read_text()), m.group(1))
            self.assertGreaterEqual(ran, 12)
            # The outputs the page describes exist.
            for f in ("wf-run/report/index.html", "wf-compare/compare_summary.csv", "sweep-small/results.csv",
                      "wf-tune/study.db", "wf-tune/best.json", "wf-trace.json"):
                self.assertTrue(Path(tmp, "out", f).exists(), f)


if __name__ == "__main__":
    unittest.main()
