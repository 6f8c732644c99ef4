#!/usr/bin/env python
"""Does the code use any torch API that an older torch lacks? A static check against that torch's own sources.

    python tools/torch_api_check.py --old torch-2.11.0-....whl [--new PATH] [PATH ...]

--old is a wheel of the older torch (any platform: only its .py/.pyi files are read, nothing is installed or
imported); --new the torch the code runs on here (default: the installed one). PATHs default to the package,
tools/, tests/ and the notebooks' code cells. Reported, each with file and line:
  - a module imported from torch that the older torch does not have;
  - a name imported from torch, an attribute of a torch name (`torch.x`, `F.x`, `nn.x`, `dist.x`, ... whatever
    the file imported from torch) or a keyword argument of a call on one, whose identifier the older torch's
    sources never mention;
  - a method or attribute of any other object (a tensor's, say) that the newer torch's Tensor defines and the
    older torch's sources never mention.
A name the older torch mentions anywhere passes, so this finds added functions, modules, tensor methods and
keyword arguments, not changed behaviour under an old name: running on the older torch is what checks that.
Exit status 1 when anything is reported.
"""
import argparse, ast, json, re, sys, zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORD = re.compile(rb'[A-Za-z_][A-Za-z0-9_]*')

def torch_sources(path: Path):
    "(relative name, bytes) of every .py/.pyi file of torch in a wheel or an installed torch folder."
    if path.suffix == '.whl':
        with zipfile.ZipFile(path) as z:
            for n in z.namelist():
                if n.startswith('torch/') and n.endswith(('.py', '.pyi')): yield n, z.read(n)
    else:
        for f in path.rglob('*'):
            if f.suffix in ('.py', '.pyi') and f.is_file(): yield 'torch/' + str(f.relative_to(path)), f.read_bytes()

def index(path: Path) -> tuple:
    "The identifiers and the module names of a torch."
    words, mods = set(), set()
    for n, b in torch_sources(path):
        words.update(WORD.findall(b))
        m = n[:n.rindex('.')].replace('/', '.')
        mods.add(m[:-len('.__init__')] if m.endswith('.__init__') else m)
    return {w.decode() for w in words}, mods

def code_of(f: Path) -> list:
    "(first line, source) of a Python file, or of each code cell of a notebook (magics and shell lines dropped)."
    if f.suffix == '.py': return [(1, f.read_text(encoding='utf-8'))]
    out, line = [], 1
    for c in json.loads(f.read_text(encoding='utf-8'))['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'code':
            out.append((line, '\n'.join('' if l.lstrip().startswith(('%', '!')) else l for l in src.split('\n'))))
        line += src.count('\n') + 1
    return out

def root(n: ast.AST):
    "The leftmost name of an attribute chain or call (`torch` for `torch.nn.functional.relu(...)`), or None."
    while isinstance(n, (ast.Attribute, ast.Call, ast.Subscript)): n = n.func if isinstance(n, ast.Call) else n.value
    return n.id if isinstance(n, ast.Name) else None

def uses(tree: ast.AST) -> tuple:
    "The torch modules a piece of code imports, and (kind, name, line, on_torch) for every identifier it takes from outside."
    aliases, mods, used = set(), [], []
    for n in ast.walk(tree):
        if isinstance(n, ast.Import):
            for a in n.names:
                if a.name.split('.')[0] == 'torch': mods.append((a.name, n.lineno)); aliases.add(a.asname or 'torch')
        elif isinstance(n, ast.ImportFrom) and n.module and n.module.split('.')[0] == 'torch':
            mods.append((n.module, n.lineno))
            for a in n.names:
                if a.name != '*': used.append(('import', a.name, n.lineno, True)); aliases.add(a.asname or a.name)
    for n in ast.walk(tree):
        if isinstance(n, ast.Attribute): used.append(('attribute', n.attr, n.lineno, root(n.value) in aliases))
        elif isinstance(n, ast.Call):
            on = root(n.func) in aliases
            used += [('keyword', k.arg, n.lineno, on) for k in n.keywords if k.arg]
    return mods, used

def tensor_members(path: Path) -> set:
    "Names defined in the Tensor classes of a torch (the stubs of its C base class and torch/_tensor.py)."
    out = set()
    for n, b in torch_sources(path):
        if n in ('torch/_C/__init__.pyi', 'torch/_tensor.py'):
            for c in ast.walk(ast.parse(b)):
                if isinstance(c, ast.ClassDef) and c.name in ('TensorBase', 'Tensor', '_TensorBase'):
                    out |= {d.name for d in c.body if isinstance(d, (ast.FunctionDef, ast.AsyncFunctionDef))}
                    out |= {t.id for d in c.body if isinstance(d, (ast.Assign, ast.AnnAssign))
                            for t in (d.targets if isinstance(d, ast.Assign) else [d.target]) if isinstance(t, ast.Name)}
    return out

def main(a):
    import torch
    new = a.new or Path(torch.__file__).parent
    old_words, old_mods = index(a.old)
    new_tensor = tensor_members(new) - old_words
    print(f"older torch ({a.old.name}): {len(old_words):,} identifiers, {len(old_mods):,} modules; "
          f"Tensor members of the newer ({new}) that the older never mentions: {sorted(new_tensor) or 'none'}")
    paths = a.paths or [ROOT/'dataset_distillation', ROOT/'tools', ROOT/'tests', ROOT/'nbs']
    files = sorted({f for p in map(Path, paths) for f in ([p] if p.is_file() else [*p.rglob('*.py'), *p.rglob('*.ipynb')])
                    if '.ipynb_checkpoints' not in f.parts})
    hits, n_code, n_torch = set(), 0, 0
    for f in files:
        for first, src in code_of(f):
            try: tree = ast.parse(src)
            except SyntaxError as e: print(f"{f}: not parsed ({e})"); continue
            n_code += 1
            mods, used = uses(tree)
            rel = f.relative_to(ROOT) if f.is_relative_to(ROOT) else f
            for m, line in mods:
                if m not in old_mods: hits.add(f"{rel}:{first + line - 1}: module {m} is not in the older torch")
            for kind, name, line, on_torch in used:
                n_torch += on_torch
                if on_torch and name not in old_words:
                    hits.add(f"{rel}:{first + line - 1}: {kind} {name!r} of torch: the older torch never mentions it")
                elif not on_torch and kind == 'attribute' and name in new_tensor:
                    hits.add(f"{rel}:{first + line - 1}: attribute {name!r}: a Tensor member the older torch lacks")
    print(f"checked {len(files)} files ({n_code} modules / notebook cells), {n_torch} uses of torch names")
    for h in sorted(hits): print(h)
    print('nothing newer than the older torch found' if not hits else f"{len(hits)} use(s) to review")
    return 1 if hits else 0

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--old', type=Path, required=True, help='wheel of the older torch')
    ap.add_argument('--new', type=Path, default=None, help='installed torch folder or wheel (default: the installed torch)')
    ap.add_argument('paths', nargs='*')
    sys.exit(main(ap.parse_args()))
