#!/usr/bin/python3
"""Executes notebooks on the real .NET Interactive kernel (.net-csharp) through nbclient.

    scripts/run-notebooks.py notebooks/*.ipynb                  run; stop at the first failing cell, naming it
    scripts/run-notebooks.py --write notebooks/*.ipynb          also write the outputs into the notebooks
    scripts/run-notebooks.py --output-dir DIR notebooks/*.ipynb also write the executed copies into DIR

The notebooks load the library as packages (#r "nuget: Probabilistic.X, VERSION"); scripts/pack.sh must have written
them to artifacts/packages, which is given to the kernel's package restore as RestoreAdditionalProjectSources (.NET
Interactive's #i takes only an absolute path, which a committed notebook cannot hold). scripts/setup.sh installs the
kernel and Jupyter's Debian packages. Exit status: 0 when every cell of every notebook ran, 1 when a cell failed (the
message names the notebook, the cell's number and id, and the error), 2 for a usage error.
"""
import argparse
import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

KERNEL = ".net-csharp"
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def failure(path, nb):
    """The first cell with an error output, as one readable message (None when none failed)."""
    for index, cell in enumerate(nb.cells):
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if not errors:
            continue
        streams = "".join(o.get("text", "") for o in cell["outputs"] if o.get("output_type") == "stream")
        error = errors[0]
        return (f"{os.path.relpath(path, REPO)}: cell {index + 1} (id {cell.get('id', '?')}) failed: "
                f"{error.get('ename', '')}: {error.get('evalue', '')}\n{streams}"
                f"--- cell source ---\n{cell.source}")
    return None


def tidy(nb):
    """Drops the per-run timing metadata nbclient adds, so rewritten notebooks differ only where outputs do."""
    for cell in nb.cells:
        cell.get("metadata", {}).pop("execution", None)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="+")
    parser.add_argument("--write", action="store_true", help="write the outputs into the notebooks")
    parser.add_argument("--output-dir", help="write the executed notebooks into this folder")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell (default 600)")
    args = parser.parse_args()

    feed = os.path.join(REPO, "artifacts", "packages")
    if not os.path.isdir(feed):
        print(f"run-notebooks: {feed} does not exist; run scripts/pack.sh first", file=sys.stderr)
        return 2
    os.environ["RestoreAdditionalProjectSources"] = feed

    for path in args.notebooks:
        path = os.path.abspath(path)
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, kernel_name=KERNEL, timeout=args.timeout, allow_errors=True,
                                resources={"metadata": {"path": os.path.dirname(path)}})
        try:
            client.execute()
        except CellExecutionError as e:  # only raised for errors outside cells when allow_errors is on
            print(f"{os.path.relpath(path, REPO)}: {e}", file=sys.stderr)
            return 1
        tidy(nb)
        if args.output_dir:
            os.makedirs(args.output_dir, exist_ok=True)
            nbformat.write(nb, os.path.join(args.output_dir, os.path.basename(path)))
        message = failure(path, nb)
        if message:
            print(message, file=sys.stderr)
            return 1
        if args.write:
            nbformat.write(nb, path)
        print(f"run-notebooks: {os.path.relpath(path, REPO)}: {sum(c.cell_type == 'code' for c in nb.cells)} code cells ran")
    return 0


if __name__ == "__main__":
    sys.exit(main())
