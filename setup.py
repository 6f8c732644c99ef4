"""Packaging for dataset_distillation: every piece of metadata is read from settings.ini."""
from configparser import ConfigParser
from pathlib import Path
import setuptools
from setuptools.command.build_py import build_py

assert setuptools.__version__ >= '36.2'
cfg = ConfigParser(delimiters=['='])
cfg.read('settings.ini', encoding='utf-8')
cfg = cfg['DEFAULT']

expected = ('version description keywords author author_email license status min_python '
            'audience language lib_name user git_url').split()
missing = [o for o in expected if o not in cfg]
if missing: raise ValueError(f"settings.ini is missing: {missing}")

licenses = {'apache2': ('Apache Software License 2.0', 'OSI Approved :: Apache Software License')}
statuses = ['1 - Planning', '2 - Pre-Alpha', '3 - Alpha', '4 - Beta', '5 - Production/Stable', '6 - Mature', '7 - Inactive']
py_versions = '3.9 3.10 3.11 3.12 3.13'.split()

lic = licenses.get(cfg['license'].lower(), (cfg['license'], None))
min_python = cfg['min_python']
requirements = cfg.get('requirements', '').split()
dev_requirements = cfg.get('dev_requirements', '').split()
run_requirements = cfg.get('run_requirements', '').split()
console_scripts = cfg.get('console_scripts', '').split()
long_description = open('README.md', encoding='utf-8').read()

# Package data kept in one place: git holds the experiment notebook only as nbs/experiments/distill.ipynb
# (the sdist includes it through MANIFEST.in); building the package copies it into the wheel, where
# `dataset-distillation run` finds it. An editable install reads it from the checkout instead.
NOTEBOOKS = {'nbs/experiments/distill.ipynb': 'experiments/distill.ipynb'}

class BuildWithNotebooks(build_py):
    "build_py that also copies the experiment notebook(s) into the built package."
    def run(self):
        super().run()
        if getattr(self, 'editable_mode', False): return
        for src, dst in NOTEBOOKS.items():
            if not Path(src).is_file(): raise FileNotFoundError(f"{src} is missing: the package needs the experiment notebook")
            out = Path(self.build_lib)/cfg['lib_path']/dst
            self.mkpath(str(out.parent)); self.copy_file(src, str(out))

setuptools.setup(
    name=cfg['lib_name'].replace('_', '-'),
    license=lic[0],
    classifiers=['Development Status :: ' + statuses[int(cfg['status'])],
                 'Intended Audience :: ' + cfg['audience'].title(),
                 'Natural Language :: ' + cfg['language'].title()]
        + ['Programming Language :: Python :: ' + o for o in py_versions[py_versions.index(min_python):]]
        + (['License :: ' + lic[1]] if lic[1] else []),
    url=cfg['git_url'],
    packages=setuptools.find_packages(include=[cfg['lib_name'], cfg['lib_name'] + '.*']),
    include_package_data=True,
    install_requires=requirements,   # torch lives here (runtime), never in a build-system requirement
    extras_require={'dev': dev_requirements, 'run': run_requirements},  # run: the console command's papermill
    dependency_links=cfg.get('dep_links', '').split(),
    python_requires='>=' + min_python,
    long_description=long_description,
    long_description_content_type='text/markdown',
    zip_safe=False,
    cmdclass={'build_py': BuildWithNotebooks},
    entry_points={'console_scripts': console_scripts, 'nbdev': [f"{cfg['lib_path']}={cfg['lib_path']}._modidx:d"]},
    author=cfg['author'], author_email=cfg['author_email'], description=cfg['description'],
    keywords=cfg['keywords'].split(), version=cfg['version'],
)
