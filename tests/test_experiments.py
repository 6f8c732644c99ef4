"""Smoke runs of the experiment notebook: `nbs/experiments/distill.ipynb` run through papermill with its
default `smoke` preset on every dataset that works offline, on your own `csv:`/`npz:` files, and on CIFAR-10
and IMDB in their official formats (tiny generated archives passed with `data_dir`). SST-5 runs on the real
treebank when the data layer finds it, else on the small synthetic treebank shipped in `nbs/fixtures/sst5`.
A dataset whose source cannot be had here (the data layer raises FileNotFoundError) is skipped with its reason."""
import io, json, math, pickle, tarfile, time
from pathlib import Path
import numpy as np
import pytest

pm = pytest.importorskip('papermill')
ROOT = Path(__file__).resolve().parents[1]
NB = ROOT/'nbs'/'experiments'/'distill.ipynb'
FIXTURES = ROOT/'nbs'/'fixtures'
KEYS = {'dataset', 'model', 'labels', 'init', 'n_distilled', 'steps', 'epochs', 'iterations', 'distill_accuracy',
        'original_accuracy', 'ratio', 'baselines', 'seconds', 'config', 'version'}
FIGURES = ('learning_curve.png', 'distilled.png')
OFFLINE = ['mnist', 'fashion_mnist', 'digits', 'iris', 'trec6', 'trec50', 'sst5', 'polarity']

@pytest.fixture(autouse=True)
def _kernel_env(monkeypatch):
    "The kernel papermill starts inherits this environment: one thread each, no display."
    for k in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS'): monkeypatch.setenv(k, '1')
    monkeypatch.setenv('MPLBACKEND', 'Agg')

def run(tmp_path: Path, dataset: str, **params) -> dict:
    "Execute the experiment notebook on `dataset`; return its results.json after checking the outputs."
    out = tmp_path/'run'
    t0 = time.perf_counter()
    try: pm.execute_notebook(str(NB), str(tmp_path/'distill.out.ipynb'), parameters=dict(dataset=dataset, out_dir=str(out), **params),
                             cwd=str(NB.parent), kernel_name='python3', progress_bar=False)
    except pm.PapermillExecutionError as e:
        if e.ename == 'FileNotFoundError': pytest.skip(f'{dataset}: its data cannot be had here: {e.evalue}')
        raise
    print(f'{dataset}: {time.perf_counter() - t0:.1f}s')
    rec = json.loads((out/'results.json').read_text())
    assert KEYS <= set(rec), f'results.json lacks {sorted(KEYS - set(rec))}'
    assert set(rec['distill_accuracy']) >= {'mean', 'std', 'n'}
    acc = rec['distill_accuracy']['mean']
    assert isinstance(acc, float) and math.isfinite(acc) and 0 <= acc <= 1, acc
    assert rec['dataset'] == dataset and rec['iterations'] == rec['config']['iterations'] > 0
    for f in FIGURES: assert (out/f).read_bytes()[:8] == b'\x89PNG\r\n\x1a\n', f'{f} is missing or not a PNG'
    return rec

def sst5_source() -> dict:
    "Parameters for SST-5: none when the data layer finds the real trees, else the shipped synthetic treebank."
    from dataset_distillation.data import load
    try: load('sst5'); return {}
    except FileNotFoundError as e:
        print(f'sst5: real trees not found, running on nbs/fixtures/sst5 ({e})')
        return dict(data_dir=str(FIXTURES/'sst5'), data_opts={'verify': False})

@pytest.mark.parametrize('dataset', OFFLINE)
def test_offline_dataset(tmp_path, dataset):
    "Each dataset available offline distils end to end with the smoke preset."
    rec = run(tmp_path, dataset, **(sst5_source() if dataset == 'sst5' else {}))
    assert rec['preset'] == 'smoke' and rec['labels'] == 'soft'

def test_recipe_by_name(tmp_path):
    "A paper row runs by name through papermill: the recipe sets dataset, model and schedule (here cut to 4 steps)."
    rec = run(tmp_path, 'trec6', recipe='trec6_fixed_6', iterations=4, eval_every=0, original=False)
    assert (rec['recipe'], rec['model'], rec['paper']) == ('trec6_fixed_6', 'bilstm', 87.4)
    c = rec['config']
    assert (c['epochs'], c['distill_lr'], c['lr'], c['batch_size'], c['decay_every']) == (2, 1.5, 0.1, 1024, 150)
    assert rec['text']['max_vocab'] is None and rec['text']['tokenizer'] == 'auto' and rec['text']['maxlen'] == 30
    assert (tmp_path/'run'/'decoded.md').read_text().count('|') > 6  # the distilled sentences, decoded

def test_comparisons(tmp_path):
    "`original` and `baselines` add the full-data accuracy, r_M and the six baselines of the same size."
    rec = run(tmp_path, 'iris', baselines=True, original=True)
    assert 0 < rec['original_accuracy'] <= 1
    assert math.isclose(rec['ratio'], 100 * rec['distill_accuracy']['mean'] / rec['original_accuracy'], rel_tol=1e-6)
    names = {'random_real', 'optimised_real', 'kmeans', 'average_real', 'knn_random', 'knn_kmeans'}
    for key in ('baselines', 'baselines_learned_lrs'):
        assert set(rec[key]) == names and all(0 <= v['mean'] <= 1 for v in rec[key].values()), rec[key]
    assert rec['baselines_config']['fixed_lr'] > 0

def test_own_csv(tmp_path):
    "A CSV of sentences with a label column (60 rows, 3 classes)."
    words = {'sport': 'game team match goal player', 'food': 'bread cheese soup apple dinner', 'music': 'song guitar band piano concert'}
    rng, rows = np.random.default_rng(0), ['text,label']
    for i in range(60):
        c = list(words)[i % 3]
        rows.append(' '.join(rng.choice(words[c].split(), 6)) + f',{c}')
    (tmp_path/'topics.csv').write_text('\n'.join(rows) + '\n')
    rec = run(tmp_path, 'csv:topics.csv', data_dir=str(tmp_path))
    assert rec['n_distilled'] == 3 and rec['model'] == 'textconvnet'

def test_own_npz(tmp_path):
    "An .npz of 8x8 grey images with integer labels (3 classes: bright top, middle or bottom rows)."
    rng = np.random.default_rng(0)
    y = np.arange(90) % 3
    x = rng.integers(0, 60, (90, 8, 8)).astype(np.uint8)
    for i, c in enumerate(y): x[i, 3 * c:3 * c + 2] += 180
    np.savez(tmp_path/'bars.npz', x=x, y=y)
    rec = run(tmp_path, f'npz:{tmp_path}/bars.npz')
    assert rec['n_distilled'] == 3 and rec['model'] == 'mlp'

# CIFAR-10 and IMDB have no offline mirror: their tests build tiny archives in the official formats.
def _add(t: tarfile.TarFile, name: str, data: bytes):
    info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))

def make_cifar(path: Path, n: int = 10) -> Path:
    "cifar-10-python.tar.gz as published (pickled dict batches under cifar-10-batches-py/), `n` images per batch."
    rng, dump = np.random.default_rng(0), lambda d: pickle.dumps(d, protocol=2)
    names = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, 'w:gz') as t:
        for b in [f'data_batch_{i}' for i in range(1, 6)] + ['test_batch']:
            d = {b'batch_label': b.encode(), b'labels': [j % 10 for j in range(n)],
                 b'data': rng.integers(0, 256, (n, 3072), dtype=np.uint8), b'filenames': [b'x.png'] * n}
            _add(t, f'cifar-10-batches-py/{b}', dump(d))
        _add(t, 'cifar-10-batches-py/batches.meta', dump({b'label_names': [c.encode() for c in names],
                                                         b'num_cases_per_batch': n, b'num_vis': 3072}))
        _add(t, 'cifar-10-batches-py/readme.html', b'<html></html>')
    return path

def make_aclimdb(path: Path, n: int = 6) -> Path:
    "aclImdb_v1.tar.gz as published (aclImdb/{train,test}/{pos,neg}/ID_STARS.txt plus the files the loader skips)."
    rng = np.random.default_rng(0)
    vocab = {'neg': 'awful boring dull bad worst<br /><br />', 'pos': 'great wonderful superb good best<br /><br />'}
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, 'w:gz') as t:
        for split in ('train', 'test'):
            for c, stars in (('neg', 2), ('pos', 9)):
                for i in range(n):
                    _add(t, f'aclImdb/{split}/{c}/{i}_{stars}.txt', ('this film was ' + ' '.join(rng.choice(vocab[c].split(' '), 12))).encode())
            _add(t, f'aclImdb/{split}/urls_pos.txt', b'http://x'); _add(t, f'aclImdb/{split}/labeledBow.feat', b'0 0:1')
        _add(t, 'aclImdb/train/unsup/0_0.txt', b'unlabelled'); _add(t, 'aclImdb/imdb.vocab', b'the')
    return path


@pytest.fixture
def fixture_cache(tmp_path, monkeypatch):
    "A throw-away data cache that still sees the cached GloVe vectors and mirror archives."
    from dataset_distillation.data import cache_root
    real, cache = cache_root(), tmp_path/'cache'
    cache.mkdir()
    for d in ('glove', 'archives'):
        if (real/d).is_dir(): (cache/d).symlink_to(real/d, target_is_directory=True)
    monkeypatch.setenv('DATASET_DISTILLATION_CACHE', str(cache))

# The generated archives are in the official formats but cannot carry the published checksums,
# so the loaders are told (data_opts) that these are deliberate custom copies.
def test_cifar10_official_format(tmp_path, fixture_cache):
    "CIFAR-10 from a cifar-10-python.tar.gz in `data_dir` (10 classes, 50 train / 10 test images)."
    tgz = make_cifar(tmp_path/'cifar'/'cifar-10-python.tar.gz')
    rec = run(tmp_path, 'cifar10', data_dir=str(tgz.parent), data_opts={'verify': False})
    assert rec['model'] == 'alexcifarnet' and rec['n_distilled'] == 10

def test_imdb_official_format(tmp_path, fixture_cache):
    "IMDB from an aclImdb_v1.tar.gz in `data_dir` (12 train / 12 test reviews)."
    tgz = make_aclimdb(tmp_path/'imdb'/'aclImdb_v1.tar.gz')
    rec = run(tmp_path, 'imdb', data_dir=str(tgz.parent), data_opts={'verify': False})
    assert rec['model'] == 'textconvnet' and rec['n_distilled'] == 2 and rec['text']['maxlen'] == 400

def test_cli_run(tmp_path, monkeypatch, capsys):
    "`dataset-distillation run -p dataset iris -o OUT` runs the packaged notebook into OUT, executed notebook included."
    from dataset_distillation.cli import main
    monkeypatch.chdir(tmp_path)
    assert main(['run', '-p', 'dataset', 'iris', '-p', 'seed', '1', '-o', 'out', '--no-progress']) == 0
    rec = json.loads((tmp_path/'out'/'results.json').read_text())
    assert rec['dataset'] == 'iris' and rec['config']['seed'] == 1 and (tmp_path/'out'/'distill.ipynb').is_file()
    out = capsys.readouterr().out  # the run's summary (`experiment.run_summary`), then where its files are
    assert 'iris / mlp / soft labels / fixed init' in out and 'distillation accuracy' in out
    assert f"results in {tmp_path/'out'}" in out
    assert main(['run', '-p', 'dataset', 'iris', '-p', 'steps', '0', '-o', 'bad', '--no-progress']) == 2  # refused by the resolver
    assert 'steps=0: must be an integer >= 1' in capsys.readouterr().err and not (tmp_path/'bad').exists()
    assert main(['run', '-p', 'dataset', 'iris', '-p', 'classes', '[0, 7]', '-o', 'bad', '--no-progress']) == 1  # only the data says
    assert 'the experiment notebook stopped with ValueError: classes=[0, 7]' in capsys.readouterr().err

@pytest.mark.parametrize('params,message', [
    (dict(dataset='nope'), "dataset='nope': unknown; choose one of"),
    (dict(dataset='mnist', steps='3'), "steps='3' is a str; it must be a int"),
])
def test_bad_parameters_fail_fast(tmp_path, params, message):
    "A wrong parameter stops the notebook in the validation cell, with the message, before any data is read."
    t0 = time.perf_counter()
    with pytest.raises(pm.PapermillExecutionError) as e:
        pm.execute_notebook(str(NB), str(tmp_path/'bad.ipynb'), parameters=dict(out_dir=str(tmp_path/'run'), **params),
                            cwd=str(NB.parent), kernel_name='python3', progress_bar=False)
    assert message in str(e.value), str(e.value)[-2000:]
    assert e.value.exec_count <= 3  # parameters, injected parameters, validation
    assert not (tmp_path/'run').exists()
    print(f'{params}: failed in {time.perf_counter() - t0:.1f}s')
