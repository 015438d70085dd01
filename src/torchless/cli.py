"""The ``torchless`` command: run unchanged PyTorch code (a script or a notebook) on torchless.

``torchless run FILE.py|FILE.ipynb [ARGS...]`` makes ``import torch`` (and every ``torch.*``
submodule, and ``torchvision``) resolve to torchless, then runs the file as ``__main__``.

A notebook's code cells run in order in one namespace, and the command prints a transcript
laid out as a rendered notebook: each code cell as ``In [N]:`` and its source, then its
outputs (printed text as it is written, then the value of a final expression statement,
as Jupyter shows it), each markdown cell as its text; pieces are separated by a blank line.
N is the cell's saved execution count, or its position among the code cells when it has
none.  The cells run in the notebook's folder, as in Jupyter.  IPython magics and shell
lines are skipped.  On an error the traceback goes to stderr with the cell's number, and the
command exits with status 1.
"""
from __future__ import annotations

import os
import sys

ALIASES = (("torch", "torchless"), ("torchvision", "torchless.vision"))

USAGE = """usage: torchless run [--numpy-seed N] [--real-torch] FILE.py|FILE.ipynb [ARGS...]

Run PyTorch code unchanged on torchless: `import torch` and `import torchvision` (and their
submodules) resolve to torchless.

options:
  --numpy-seed N   call numpy.random.seed(N) before running (also TORCHLESS_NUMPY_SEED=N)
  --real-torch     do not alias torch (run with the real PyTorch; for comparisons)
  -h, --help       show this help
"""


# ---------------------------------------------------------------- import aliases
class _AliasLoader:
    """Loads ``torch.X`` as the already importable module ``torchless.X`` (one module object
    under both names, so classes are not duplicated)."""

    def __init__(self, target):
        self.target = target

    def create_module(self, spec):
        import importlib
        return importlib.import_module(self.target)

    def exec_module(self, module):
        pass


class AliasFinder:
    """A meta-path finder mapping ``torch`` → ``torchless`` and ``torchvision`` →
    ``torchless.vision``, submodules included; a missing submodule is not found."""

    def find_spec(self, fullname, path=None, target=None):
        for alias, real in ALIASES:
            if fullname == alias or fullname.startswith(alias + "."):
                name = real + fullname[len(alias):]
                import importlib.util
                try:
                    if importlib.util.find_spec(name) is None:
                        return None
                except ModuleNotFoundError:
                    return None
                return importlib.util.spec_from_loader(fullname, _AliasLoader(name))
        return None


def install_aliases():
    """Make ``import torch`` / ``import torchvision`` give torchless from now on."""
    for f in sys.meta_path:
        if isinstance(f, AliasFinder):
            return
    for alias, _ in ALIASES:
        for name in [m for m in sys.modules if m == alias or m.startswith(alias + ".")]:
            del sys.modules[name]
    sys.meta_path.insert(0, AliasFinder())


# ---------------------------------------------------------------- notebooks
class _Transcript:
    """Writes the pieces of the transcript with one blank line between them; printed text
    (a cell's stream output) opens a piece on its first write."""

    def __init__(self, out):
        self.out = out
        self.started = False
        self.in_stream = False

    def piece(self, text):
        self.in_stream = False
        self._sep()
        self.out.write(text)
        self.out.flush()

    def _sep(self):
        if self.started:
            self.out.write("\n\n")
        self.started = True

    def stream(self, text):
        if text:
            if not self.in_stream:
                self._sep()
                self.in_stream = True
            self.out.write(text)


class _Stdout:
    """sys.stdout while a cell runs: text goes to the transcript, attributes to the stream."""

    def __init__(self, transcript, real):
        self._t = transcript
        self._real = real

    def write(self, text):
        self._t.stream(text)
        return len(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        self._real.flush()

    def __getattr__(self, name):
        return getattr(self._real, name)


def _cell_source(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


_RUN_BODY_MAGICS = ("%%time", "%%timeit", "%%capture", "%%prun")


def _python_of(source):
    """The cell's Python: magics, shell escapes and help lines become ``pass`` (keeping line
    numbers); a cell magic other than timing/capture skips the whole cell."""
    lines = source.split("\n")
    first = lines[0].strip() if lines else ""
    if first.startswith("%%"):
        if not first.startswith(_RUN_BODY_MAGICS):
            return None
        lines[0] = ""
    out = []
    for line in lines:
        s = line.lstrip()
        if s.startswith(("%", "!")) or (s.endswith("?") and not s.startswith("#")):
            out.append(line[:len(line) - len(s)] + "pass")
        else:
            out.append(line)
    return "\n".join(out)


def _quiet(source):
    """Jupyter hides the value of a cell whose last code line ends with ';'."""
    for line in reversed(source.split("\n")):
        s = line.strip()
        if s and not s.startswith("#"):
            if "#" in s:
                s = s.split("#", 1)[0].rstrip()
            return s.endswith(";")
    return False


def _display_text(value):
    """The text shown for a cell's value: its repr (Jupyter's text/plain for tensors, arrays,
    sizes and numbers; IPython wraps long built-in containers, which we do not)."""
    return repr(value)


def _run_cell(code, filename, ns):
    """Run a cell; return (has_value, value) for a final expression statement."""
    import ast
    tree = ast.parse(code, filename, "exec")
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    exec(compile(tree, filename, "exec"), ns)
    if last is None:
        return False, None
    return True, eval(compile(last, filename, "eval"), ns)


def run_notebook(path, transcript_out=None):
    """Run a notebook's code cells in one __main__ namespace, printing the transcript."""
    import json
    import linecache
    import types
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    out = transcript_out or sys.stdout
    t = _Transcript(out)
    main = types.ModuleType("__main__")

    def display(*objs, **kwargs):
        """IPython's display(): each object as an output of its own."""
        for o in objs:
            t.piece(_display_text(o))

    main.__dict__["display"] = display
    saved_main, saved_stdout = sys.modules.get("__main__"), sys.stdout
    sys.modules["__main__"] = main
    count = 0
    try:
        for index, cell in enumerate(nb.get("cells", []), 1):
            kind = cell.get("cell_type")
            source = _cell_source(cell)
            if kind != "code":
                t.piece(source)
                continue
            code = _python_of(source)
            if not source.strip():
                continue
            count += 1
            n = cell.get("execution_count")
            n = n if isinstance(n, int) and not isinstance(n, bool) else count
            t.piece(f"In [{n}]:\n{source}")
            if code is None:
                continue
            filename = f"<cell {index} (In [{n}])>"
            linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
            sys.stdout = _Stdout(t, saved_stdout)
            try:
                has, value = _run_cell(code, filename, main.__dict__)
                if has and value is not None and not _quiet(source):
                    t.piece(_display_text(value))
            except SystemExit:
                raise
            except BaseException as e:
                sys.stdout = saved_stdout
                out.write("\n")
                out.flush()
                _report(e, f"Error in cell {index} (In [{n}])", skip=2)
                return 1
            finally:
                sys.stdout = saved_stdout
    finally:
        out.flush()
        if saved_main is not None:
            sys.modules["__main__"] = saved_main
    if t.started and _isatty(out):
        out.write("\n")      # a terminal's prompt on its own line; piped output stays exact
        out.flush()
    return 0


def _isatty(stream):
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _report(exc, title, skip):
    """Print exc's traceback to stderr without the runner's own frames."""
    import traceback
    tb = exc.__traceback__
    for _ in range(skip):
        if tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
    sys.stderr.write(title + "\n")
    traceback.print_exception(type(exc), exc, tb, file=sys.stderr)
    sys.stderr.flush()


# ---------------------------------------------------------------- scripts
def run_script(path, args):
    """Run a Python file as __main__ (sys.argv is the file and its arguments)."""
    import runpy
    sys.argv = [path] + list(args)
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit:
        raise
    except BaseException as e:
        tb = e.__traceback__
        # drop runpy's frames: show the traceback from the script's first line on
        while tb is not None and tb.tb_frame.f_code.co_filename != os.path.abspath(path) \
                and tb.tb_frame.f_code.co_filename != path:
            tb = tb.tb_next
        import traceback
        traceback.print_exception(type(e), e, tb or e.__traceback__, file=sys.stderr)
        return 1
    return 0


# ---------------------------------------------------------------- main
def main(argv=None):
    """Entry point of the ``torchless`` command."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        sys.stdout.write(USAGE)
        return 0 if argv else 2
    if argv[0] == "--version":
        from . import __version__
        sys.stdout.write(f"torchless (PyTorch API {__version__})\n")
        return 0
    if argv[0] != "run":
        sys.stderr.write(f"torchless: unknown command '{argv[0]}'\n\n{USAGE}")
        return 2
    seed = os.environ.get("TORCHLESS_NUMPY_SEED")
    real = False
    rest = argv[1:]
    while rest and rest[0].startswith("-"):
        opt = rest.pop(0)
        if opt in ("-h", "--help"):
            sys.stdout.write(USAGE)
            return 0
        if opt == "--real-torch":
            real = True
        elif opt == "--numpy-seed" or opt.startswith("--numpy-seed="):
            if "=" in opt:
                seed = opt.split("=", 1)[1]
            elif rest:
                seed = rest.pop(0)
            else:
                seed = None
            if seed is None or not seed.isdigit():
                sys.stderr.write("torchless: --numpy-seed needs a non-negative integer\n")
                return 2
        elif opt == "--":
            break
        else:
            sys.stderr.write(f"torchless: unknown option '{opt}'\n\n{USAGE}")
            return 2
    if not rest:
        sys.stderr.write(f"torchless: run needs a file\n\n{USAGE}")
        return 2
    path, args = rest[0], rest[1:]
    if not os.path.isfile(path):
        sys.stderr.write(f"torchless: can't open file '{path}': No such file or directory\n")
        return 2
    if not real:
        install_aliases()
    if seed is not None:
        import numpy
        numpy.random.seed(int(seed))
    if path.endswith(".ipynb"):
        # like a Jupyter kernel: run in the notebook's folder, with that folder importable
        path = os.path.abspath(path)
        folder = os.path.dirname(path)
        sys.argv = [path] + args
        sys.path.insert(0, folder)
        cwd = os.getcwd()
        os.chdir(folder)
        try:
            return run_notebook(path)
        finally:
            os.chdir(cwd)
    return run_script(path, args)


if __name__ == "__main__":
    sys.exit(main())
