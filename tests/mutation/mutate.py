"""A mutation pass over one module: every comparison, operator, term, constant, bound end (upper/lower/mid),
min/max, abs and guard mutated in turn, each run against the given test files in a git worktree of HEAD.

Usage (from the repository root; outside the default test run)::

    python tests/mutation/mutate.py lcnsym/dynamics/certificate.py --tests tests/test_certificate.py --lines 100-200
    python tests/mutation/mutate.py lcnsym/dynamics/certificate.py --tests x --list      # the mutants, not run
    python tests/mutation/mutate.py proofs/prop_2_1.py --tests tests/test_section2_checks.py --select prop_2_1

Each result (killed, survived, timeout; the failing test) is appended to ``--out``/<module>.jsonl, so a run resumes where
it stopped.  A survivor is either equivalent (a heuristic: a starting guess a certified test then decides) or a blind
spot of the tests: write the test that fails with it.  The worktrees are ``--prefix``<i> (``git worktree prune`` after).
"""
import argparse
import ast
import copy
import json
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PY = sys.executable

CMP_SWAP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
            ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In}
BIN_SWAP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.Pow: ast.Mult,
            ast.FloorDiv: ast.Div, ast.Mod: ast.FloorDiv}
METHOD_SWAP = {"upper": "lower", "lower": "upper", "mid": "upper"}
NAME_SWAP = {"min": "max", "max": "min", "any": "all", "all": "any"}


def docstring_nodes(tree):
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                out.add(id(first.value))
    return out


def skip_ids(tree):
    """Nodes not to mutate inside: docstrings, f-strings (messages and evidence texts) and ``__all__``."""
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)):
            for sub in ast.walk(node):
                skip.add(id(sub))
    return skip | docstring_nodes(tree)


def sites(tree):
    """Every (node, kind, payload) mutation site in source order."""
    skip = skip_ids(tree)
    out = []
    for node in ast.walk(tree):
        if id(node) in skip or not hasattr(node, "lineno"):
            continue
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                if type(op) in CMP_SWAP:
                    out.append((node, "cmp", i))
        elif isinstance(node, ast.BinOp):
            if type(node.op) in BIN_SWAP:
                out.append((node, "bin", None))
            if isinstance(node.op, (ast.Add, ast.Sub)):
                out.append((node, "keep_left", None))
                if isinstance(node.op, ast.Add):
                    out.append((node, "keep_right", None))
        elif isinstance(node, ast.BoolOp):
            out.append((node, "boolop", None))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub)):
            out.append((node, "unary", None))
        elif isinstance(node, ast.Constant) and type(node.value) is int and not isinstance(node.value, bool):
            out.append((node, "int+1", None))
            if node.value != 0:
                out.append((node, "int-1", None))
        elif isinstance(node, ast.Constant) and type(node.value) is bool:
            out.append((node, "bool", None))
        elif isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Attribute) and f.attr in METHOD_SWAP:
                out.append((node, "method", None))
            if isinstance(f, ast.Name) and f.id in NAME_SWAP:
                out.append((node, "name", None))
            if isinstance(f, ast.Name) and f.id == "abs" and len(node.args) == 1:
                out.append((node, "drop_abs", None))
        elif isinstance(node, ast.If):
            out.append((node, "if_false", None))
    out.sort(key=lambda s: (s[0].lineno, s[0].col_offset, s[1]))
    return out


def apply(tree, k):
    """A deep copy of ``tree`` with site ``k`` mutated; returns (tree, description)."""
    tree = copy.deepcopy(tree)
    node, kind, payload = sites(tree)[k]
    before = ast.unparse(node) if kind != "if_false" else "if " + ast.unparse(node.test)
    replacement = None
    if kind == "cmp":
        node.ops[payload] = CMP_SWAP[type(node.ops[payload])]()
    elif kind == "bin":
        node.op = BIN_SWAP[type(node.op)]()
    elif kind == "keep_left":
        replacement = node.left
    elif kind == "keep_right":
        replacement = node.right
    elif kind == "boolop":
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif kind == "unary":
        replacement = node.operand
    elif kind == "int+1":
        node.value += 1
    elif kind == "int-1":
        node.value -= 1
    elif kind == "bool":
        node.value = not node.value
    elif kind == "method":
        node.func.attr = METHOD_SWAP[node.func.attr]
    elif kind == "name":
        node.func.id = NAME_SWAP[node.func.id]
    elif kind == "drop_abs":
        replacement = node.args[0]
    elif kind == "if_false":
        node.test = ast.Constant(False)
    if replacement is not None:
        for parent in ast.walk(tree):
            for field, value in ast.iter_fields(parent):
                if value is node:
                    setattr(parent, field, replacement)
                elif isinstance(value, list):
                    for i, v in enumerate(value):
                        if v is node:
                            value[i] = replacement
        after = ast.unparse(replacement)
    else:
        after = ast.unparse(node) if kind != "if_false" else "if False"
    ast.fix_missing_locations(tree)
    return tree, f"line {node.lineno} [{kind}]: {before[:160]}  ->  {after[:160]}"


PREFIX = "/tmp/mutw"


def setup_worktree(i):
    path = f"{PREFIX}{i}"
    head = subprocess.check_output(["git", "-C", REPO, "rev-parse", "HEAD"], text=True).strip()
    if not os.path.exists(path):
        subprocess.check_call(["git", "-C", REPO, "worktree", "add", "-f", "--detach", path, head],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        subprocess.check_call(["git", "-C", path, "checkout", "-q", "--detach", "-f", head])
        subprocess.check_call(["git", "-C", path, "checkout", "-q", "--", "."])
    for name in ("proofs", "cli"):
        link = f"{path}/lcnsym/{name}"
        if not os.path.islink(link):
            os.symlink(f"../{name}", link)
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("module")
    ap.add_argument("--tests", nargs="+", required=True)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--lines", default=None)
    ap.add_argument("--timeout", type=int, default=180)
    ap.add_argument("--out", default="mutation-results")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--indices", default=None)
    ap.add_argument("--prefix", default="/tmp/mutw")
    ap.add_argument("--select", default=None, help="a pytest -k expression narrowing the tests")
    args = ap.parse_args()
    global PREFIX
    PREFIX = args.prefix
    source = open(os.path.join(REPO, args.module)).read()
    tree = ast.parse(source)
    all_sites = sites(tree)
    lo, hi = (map(int, args.lines.split("-")) if args.lines else (0, 10 ** 9))
    todo = [k for k, s in enumerate(all_sites) if lo <= s[0].lineno <= hi]
    if args.indices:
        todo = [int(x) for x in args.indices.split(",")]
    if args.list:
        for k in todo:
            print(k, apply(tree, k)[1])
        return
    os.makedirs(args.out, exist_ok=True)
    tag = args.module.replace("/", "_").replace(".py", "")
    outfile = os.path.join(args.out, tag + ".jsonl")
    done = set()
    if os.path.exists(outfile):
        for line in open(outfile):
            done.add(json.loads(line)["k"])
    todo = [k for k in todo if k not in done]
    print(f"{len(all_sites)} sites, {len(todo)} to run", flush=True)
    trees = [setup_worktree(i) for i in range(args.workers)]
    free = list(range(args.workers))
    lock = threading.Lock()

    def run(k):
        with lock:
            w = free.pop()
        path = trees[w]
        try:
            mutated, desc = apply(tree, k)
            with open(os.path.join(path, args.module), "w") as fh:
                fh.write(ast.unparse(mutated))
            env = dict(os.environ, PYTHONPATH=path, LCNSYM_CACHE="off", LCNSYM_BUILD_DIR=f"{PREFIX}{w}-build")
            t0 = time.time()
            try:
                p = subprocess.run([PY, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *args.tests, *(["-k", args.select] if args.select else [])],
                                   cwd=path, env=env, capture_output=True, text=True, timeout=args.timeout)
                status = "survived" if p.returncode == 0 else "killed"
                tail = p.stdout.strip().splitlines()[-3:] if p.stdout else []
                failed = [l for l in p.stdout.splitlines() if l.startswith("FAILED") or l.startswith("ERROR")][:2]
            except subprocess.TimeoutExpired:
                status, tail, failed = "timeout", [], []
            rec = {"k": k, "desc": desc, "status": status, "secs": round(time.time() - t0, 1), "failed": failed,
                   "tail": tail}
            with open(os.path.join(path, args.module), "w") as fh:
                fh.write(source)
            with lock:
                with open(outfile, "a") as fh:
                    fh.write(json.dumps(rec) + "\n")
                print(f"{k} {status} {rec['secs']}s {desc}", flush=True)
        finally:
            with lock:
                free.append(w)

    with ThreadPoolExecutor(args.workers) as ex:
        list(ex.map(run, todo))


if __name__ == "__main__":
    main()
