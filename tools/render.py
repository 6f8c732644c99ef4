#!/usr/bin/env python
"""Render the notebooks without Quarto, honouring nbdev's cell directives.

    python tools/render.py readme [--check]   # nbs/index.ipynb -> README.md
    python tools/render.py docs [--out DIR]   # every notebook -> DIR/*.html + DIR/index.html
    python tools/render.py execute NB [NB ...] # run notebooks in place, keeping their outputs (figures as png)

Directives: `hide`, `include: false`, `default_exp`, `exporti` drop a cell; `echo: false` drops its
code; `output: false` drops its outputs; `hide_line` drops a line; other `#|` lines are stripped. `execute` skips
`eval: false` cells. Local images resolve against the notebook's folder, then the repository root (README paths).
"""
import argparse, configparser, copy, html, json, re, sys
from pathlib import Path
import nbformat
from nbdev.process import NBProcessor

ROOT = Path(__file__).resolve().parents[1]
_DROP = {'hide', 'default_exp', 'exporti'}

def _keep(cell) -> bool:
    "Apply the directives to one processed cell; False means drop it."
    d = getattr(cell, 'directives_', None) or {}
    if d.keys() & _DROP or d.get('include:', [''])[0].lower() == 'false': return False
    if cell.cell_type != 'code': return True
    if d.get('echo:', [''])[0].lower() == 'false': cell.source = ''
    if d.get('output:', [''])[0].lower() == 'false': cell.outputs = []
    cell.source = '\n'.join(l for l in cell.source.splitlines() if not re.search(r'#\|\s*hide_line\s*$', l)).strip()
    for o in cell.get('outputs', []):   # drop ANSI colour codes from tracebacks and logs
        if 'text' in o: o['text'] = re.sub(r'\x1b\[[0-9;]*m', '', ''.join(o['text']) if isinstance(o['text'], list) else o['text'])
    if not cell.source:  # no code to show (echo: false): templates then skip the input block
        cell.setdefault('metadata', {})['transient'] = {'remove_source': True}
    return bool(cell.source or cell.get('outputs'))

def processed(path: Path):
    "The notebook at `path` with directives applied, as an nbformat node."
    nb = NBProcessor(path, procs=[], process=True).nb
    cells = []
    for c in nb.cells:
        c = copy.deepcopy(c)
        if not _keep(c): continue
        c = {k: v for k, v in dict(c).items() if not k.endswith('_')}
        c.setdefault('metadata', {})
        if c['cell_type'] == 'code': c.setdefault('outputs', []); c.setdefault('execution_count', None)
        cells.append(c)
    meta = {**dict(nb.get('metadata', {})), 'language_info': {'name': 'python'}}
    raw = {'nbformat': 4, 'nbformat_minor': 5, 'metadata': meta, 'cells': cells}
    return nbformat.reads(json.dumps(raw), as_version=4)   # rejoins multi-line strings

def readme_text() -> str:
    "README.md's text: index.ipynb as markdown, images inlined as files under assets/readme/."
    from nbconvert import MarkdownExporter
    cfg = configparser.ConfigParser(delimiters=['=']); cfg.read(ROOT/'settings.ini')
    nb = processed(ROOT/cfg['DEFAULT']['nbs_path']/cfg['DEFAULT'].get('readme_nb', 'index.ipynb'))
    body, res = MarkdownExporter().from_notebook_node(nb, resources={'output_files_dir': 'assets/readme'})
    for name, data in res.get('outputs', {}).items():
        (ROOT/name).parent.mkdir(parents=True, exist_ok=True); (ROOT/name).write_bytes(data)
    header = '<!-- Generated from nbs/index.ipynb by `python tools/render.py readme`: do not edit. -->\n\n'
    return header + re.sub(r'\n{3,}', '\n\n', body).strip() + '\n'

def readme(check: bool = False) -> int:
    text, path = readme_text(), ROOT/'README.md'
    if check:
        if path.exists() and path.read_text() == text: print('README.md is up to date'); return 0
        print('README.md is out of date with nbs/index.ipynb: run `python tools/render.py readme` and commit'); return 1
    path.write_text(text); print(f'wrote {path.relative_to(ROOT)}'); return 0

CSS = """body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;line-height:1.5;color:#222}
nav{background:#f4f4f8;padding:.6em 1em;border-radius:6px;margin-bottom:1.5em;display:flex;flex-wrap:wrap;gap:.2em 1em}
nav a.current{font-weight:bold;color:#222;text-decoration:none}
pre{background:#f6f8fa;padding:.8em;overflow-x:auto;border-radius:6px;font-size:13px;line-height:1.35}
.jp-OutputArea-output pre,.output pre{background:#fff;border-left:3px solid #ddd}
.prompt,.jp-InputPrompt,.jp-OutputPrompt{display:none}.jp-Cell{margin-bottom:.8em}
.anchor-link{visibility:hidden;margin-left:.3em;text-decoration:none}h1:hover .anchor-link,h2:hover .anchor-link,h3:hover .anchor-link{visibility:visible}
img{max-width:100%}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px}"""

def _pygments_css() -> str:
    "Syntax-highlighting rules for the code cells (nbconvert marks them up with pygments classes)."
    from pygments.formatters import HtmlFormatter
    return HtmlFormatter(style='default').get_style_defs('.highlight') + '.highlight{background:#f6f8fa}'

def _link(href: str, page: Path, pages: dict) -> str | None:
    "The generated page a notebook link points to, tried relative to its notebook and to the repository root."
    path, _, frag = href.partition('#')
    for base in (page.parent, ROOT):
        if (t := (base/path).resolve()) in pages: return pages[t] + '.html' + (f'#{frag}' if frag else '')
    return None

def _fix_links(body: str, page: Path, pages: dict) -> str:
    "Point notebook links at the generated pages and inline local images as data URIs."
    import base64, mimetypes
    def href(m):
        new = _link(m[1], page, pages)
        if new is None: print(f'warning: {page.name}: link {m[1]!r} is not a notebook that was rendered')
        return f'href="{new or m[1]}"'
    def src(m):
        f = next((b/m[1] for b in (page.parent, ROOT) if (b/m[1]).is_file()), page.parent/m[1]).resolve()
        if not f.is_file(): print(f'warning: {page.name}: image {m[1]!r} not found'); return m[0]
        return f'src="data:{mimetypes.guess_type(f.name)[0]};base64,{base64.b64encode(f.read_bytes()).decode()}"'
    body = re.sub(r'href="(?![a-z]+:|#)([^"]+\.ipynb(?:#[^"]*)?)"', href, body)
    return re.sub(r'src="(?![a-z]+:)([^"]+)"', src, body)

def docs(out: Path) -> int:
    "Every notebook -> `out`/<name>.html (basic template), with a shared nav bar; index.html is the home page."
    from nbconvert import HTMLExporter
    cfg = configparser.ConfigParser(delimiters=['=']); cfg.read(ROOT/'settings.ini')
    nbs = ROOT/cfg['DEFAULT']['nbs_path']
    pages = [p for p in sorted(nbs.rglob('*.ipynb')) if not any(s.startswith(('_', '.')) for s in p.relative_to(nbs).parts)]
    name = lambda p: 'index' if p.name == 'index.ipynb' else str(p.relative_to(nbs).with_suffix('')).replace('/', '__')
    names = {p.resolve(): name(p) for p in pages}
    out.mkdir(parents=True, exist_ok=True)
    exp, css = HTMLExporter(template_name='basic'), CSS + _pygments_css()
    for p in pages:
        nav = '<nav>' + '\n'.join(f'<a href="{name(q)}.html"{" class=current" if q == p else ""}>{html.escape(name(q))}</a>'
                                   for q in pages) + '</nav>'
        body, _ = exp.from_notebook_node(processed(p))
        title = html.escape(name(p))
        (out/f'{name(p)}.html').write_text(f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>'
                                           f'<style>{css}</style></head><body>{nav}{_fix_links(body, p, names)}</body></html>')
    print(f'wrote {len(pages)} pages to {out}'); return 0

def _no_eval(cell) -> bool:
    "True for a code cell marked `#| eval: false`: `execute` skips it, as nbdev's tests do."
    return cell.cell_type == 'code' and bool(re.search(r'^#\|\s*eval:\s*false\s*$', cell.source, re.M))

def execute(paths: list[str]) -> int:
    "Run each notebook top to bottom in its own folder and save it with its outputs, then `nbdev_clean` it."
    import os
    from execnb.shell import CaptureShell
    from nbdev.clean import nbdev_clean
    if bad := [n for n in paths if not n.endswith('.ipynb') or not Path(n).is_file()]:  # before any runs
        print(f"error: not a notebook file: {', '.join(bad)}"); return 2
    for name in paths:
        src = Path(name).resolve()
        here = os.getcwd(); os.chdir(src.parent)
        try: CaptureShell(path=src.parent, mpl_format='png').execute(src, src, exc_stop=True, preproc=_no_eval)  # png: half the bytes of the retina default
        except Exception as e: print(f'error: {name} stopped at a failing cell ({type(e).__name__}: {e}); the file is unchanged'); return 1
        finally: os.chdir(here)
        nbdev_clean(fname=str(src))
        print(f'executed {name}')
    return 0

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('what', choices=['readme', 'docs', 'execute']); ap.add_argument('notebooks', nargs='*')
    ap.add_argument('--check', action='store_true'); ap.add_argument('--out', default=str(ROOT/'docs_html'))
    a = ap.parse_args()
    if a.what == 'execute' and not a.notebooks: ap.error('execute needs the notebooks to run, e.g. nbs/index.ipynb')
    sys.exit(readme(a.check) if a.what == 'readme' else docs(Path(a.out)) if a.what == 'docs' else execute(a.notebooks))
