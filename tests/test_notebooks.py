"""The default test suite: every notebook under nbs/ and under paper/ (the reproduction wing) runs as one test
(cells flagged with settings.ini's `tst_flags` skipped), plus the repository checks CI relies on."""
import configparser, filecmp, os, shutil, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
cfg = configparser.ConfigParser(delimiters=['=']); cfg.read(ROOT/'settings.ini')
cfg = cfg['DEFAULT']
NBS, LIB = ROOT/cfg['nbs_path'], ROOT/cfg['lib_path']
PAPER = ROOT/'paper'  # the reproduction wing: its notebooks run with paper/ as their folder, beside report.py
SKIP = cfg.get('tst_flags', '').split()
BIN = Path(sys.executable).parent

def _notebooks():
    "All notebooks nbdev would test: skip names and folders starting with `_` or `.`."
    for p in sorted(NBS.rglob('*.ipynb')):
        rel = p.relative_to(NBS)
        if any(part.startswith(('_', '.')) for part in rel.parts) or '.ipynb_checkpoints' in rel.parts: continue
        yield rel

def _paper_notebooks():
    "The reproduction wing's notebooks, named `paper/NAME.ipynb`."
    for p in sorted(PAPER.glob('*.ipynb')): yield f'paper/{p.name}'

def _path(nb: str) -> Path: return ROOT/nb if nb.startswith('paper/') else NBS/nb

RUN_NB = """
import sys, torch
from pathlib import Path
from nbdev.test import test_nb
ok, secs = test_nb(Path(sys.argv[1]), skip_flags=sys.argv[2].split())
print(f'{sys.argv[1]}: {secs:.1f}s')
sys.exit(0 if ok else 1)
"""

@pytest.mark.parametrize('nb', [str(p) for p in _notebooks()] + list(_paper_notebooks()))
def test_notebook(nb):
    "Execute one notebook top to bottom in a fresh interpreter."
    env = {**os.environ, 'MPLBACKEND': 'Agg', 'PYTHONHASHSEED': '0'}
    cwd = PAPER if nb.startswith('paper/') else NBS
    r = subprocess.run([sys.executable, '-c', RUN_NB, str(_path(nb)), ' '.join(SKIP)], cwd=cwd,
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0, f'{nb} failed:\n{r.stdout[-3000:]}\n{r.stderr[-6000:]}'

def _copy_tree(dst: Path) -> Path:
    "Copy the checkout (tracked and untracked-but-not-ignored files) into `dst`."
    try: files = subprocess.run(['git', 'ls-files', '-co', '--exclude-standard', '-z'], cwd=ROOT, check=True,
                                capture_output=True).stdout.decode().split('\0')
    except (OSError, subprocess.CalledProcessError): pytest.skip('git is needed to list the checkout')
    for f in filter(None, files):
        src = ROOT/f
        if src.is_file():
            (dst/f).parent.mkdir(parents=True, exist_ok=True); shutil.copy2(src, dst/f)
    return dst

def _diff(a: Path, b: Path, pattern: str) -> list:
    "Relative paths under `pattern` whose content differs between trees `a` and `b`, or exist in one only."
    fa = {p.relative_to(a) for p in a.glob(pattern) if p.is_file() and '__pycache__' not in p.parts}
    fb = {p.relative_to(b) for p in b.glob(pattern) if p.is_file() and '__pycache__' not in p.parts}
    return sorted(str(p) for p in fa ^ fb) + sorted(str(p) for p in fa & fb if not filecmp.cmp(a/p, b/p, shallow=False))

def test_export_leaves_package_unchanged(tmp_path):
    "`tools/export.py` (nbdev_export) must not change the committed package: it is generated from the notebooks."
    work = _copy_tree(tmp_path/'repo')
    subprocess.run([str(BIN/'python'), 'tools/export.py', str(work)], cwd=work, check=True, capture_output=True)
    changed = _diff(ROOT, work, f"{cfg['lib_path']}/**/*.py")
    assert not changed, f'run python tools/export.py and commit; it changes: {changed}'

def test_ruff_clean():
    "The exported package passes `ruff check` (ruff.toml: lines of 120 characters at most, pyflakes, import order)."
    r = subprocess.run([str(BIN/'ruff'), 'check', '--output-format', 'concise', cfg['lib_path']], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == 0, f'ruff finds, in the notebooks that export these lines:\n{r.stdout}{r.stderr}'

def test_clean_leaves_notebooks_unchanged(tmp_path):
    "`nbdev_clean` must not change any notebook, the reproduction wing's included: they are committed clean."
    work = _copy_tree(tmp_path/'repo')
    subprocess.run([str(BIN/'nbdev_clean')], cwd=work, check=True, capture_output=True)
    if (work/'paper').is_dir():  # outside nbs_path: cleaned by name
        subprocess.run([str(BIN/'nbdev_clean'), '--fname', 'paper'], cwd=work, check=True, capture_output=True)
    changed = _diff(ROOT, work, f"{cfg['nbs_path']}/**/*.ipynb") + _diff(ROOT, work, 'paper/*.ipynb')
    assert not changed, f'run nbdev_clean and commit; it changes: {changed}'

def test_readme_up_to_date():
    "README.md is generated from nbs/index.ipynb by tools/render.py."
    r = subprocess.run([sys.executable, str(ROOT/'tools'/'render.py'), 'readme', '--check'], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
