"""Export the package from the notebooks: `nbdev_export`, then nbdev's `__all__` lines rewrapped to 120 columns.

nbdev wraps `__all__` at 120 characters before prefixing `__all__ = `, so its first line can reach 130; ruff checks the
package at 120 (ruff.toml). Run `python tools/export.py` (or `nbdev_export` and then this with `--wrap-only`)."""
import re
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ALL = re.compile(r"^__all__ = \[.*?\]\n", re.S | re.M)


def wrap_all(path: Path) -> bool:
    "Rewrap the `__all__` assignment of module `path` to 120 columns; whether the file changed."
    src = path.read_text()
    m = ALL.search(src)
    if not m: return False
    names = ' '.join(m.group(0)[len('__all__ = '):].split())
    lines = textwrap.wrap(names, 120, initial_indent='__all__ = ', subsequent_indent=' ' * 11, break_long_words=False)
    new = src[:m.start()] + '\n'.join(lines) + '\n' + src[m.end():]
    if new != src: path.write_text(new)
    return new != src


def main(root: Path = ROOT):
    if '--wrap-only' not in sys.argv:
        subprocess.run([str(Path(sys.executable).parent/'nbdev_export')], cwd=root, check=True)
    for p in sorted((root/'dataset_distillation').rglob('*.py')): wrap_all(p)


if __name__ == '__main__': main(Path(sys.argv[1]) if len(sys.argv) > 1 and not sys.argv[1].startswith('-') else ROOT)
