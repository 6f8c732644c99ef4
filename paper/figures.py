#!/usr/bin/env python
"""Figures for finished runs: `python paper/figures.py [results/RUN ...]` (default: every run in results/).

For each run folder holding `distilled.safetensors` (and `history.json`), writes small PNGs beside
them: the distilled images with their top-3 labels (paper Figures 1/5/7/8) and the label matrix
(Table 1), or for text the embedding heatmaps with decoded sentences (Figures 9/10); and the
learning curve; with no arguments also the accuracy-vs-size figure (Figure 6) of the size sweep. Text runs rebuild their encoder from the dataset (deterministic) to decode.
"""
import json, sys
from pathlib import Path
import torch
from dataset_distillation.distilled import load_distilled
from dataset_distillation.viz import plots

ROOT = Path(__file__).resolve().parents[1]

def figures(run: Path):
    dset = load_distilled(run/'distilled.safetensors')
    rec = json.loads((run/'results.json').read_text()) if (run/'results.json').exists() else {}
    if (run/'history.json').exists():
        plots.save_figure(plots.plot_history(json.loads((run/'history.json').read_text())), run/'learning_curve.png')
    if dset.data.dim() == 5:   # images (S, N, C, H, W)
        plots.save_figure(plots.show_images(dset, max_steps=3), run/'distilled_images.png')
        plots.save_figure(plots.show_labels(dset), run/'labels.png')
    else:                      # text (S, N, maxlen, dim)
        from dataset_distillation.data import load
        from dataset_distillation.config import TextOptions
        from dataset_distillation.task import make_task
        t = rec.get('text', {})  # records made before the tokeniser option used the word tokeniser
        opts = TextOptions(t.get('maxlen', dset.data.shape[-2]), t.get('max_vocab', 5000), t.get('glove_dim', 50), t.get('tokenizer', 'words'))
        task = make_task(load(dset.meta['dataset']), opts)
        enc = task.extra['encoder']
        plots.save_figure(plots.show_text(dset, enc, n=min(6, dset.n_distilled)), run/'distilled_text.png')
        (run/'decoded.md').write_text(plots.decoded_markdown(dset, enc, max_words=dset.data.shape[-2]) + '\n')
    print('figures for', run.relative_to(ROOT) if run.is_relative_to(ROOT) else run)

def size_figure(root: Path = ROOT/'results'):
    "Figure 6 (accuracy against the number of distilled images) from the finished size-sweep runs, with d_90."
    from report import collect, size_sweep  # paper/ is on the path when run as a script
    sweep = size_sweep(collect(root))
    if not sweep['sizes']: return
    fig = plots.plot_accuracy_vs_size(sweep['sizes'], sweep['accs'], full_acc=sweep['original_accuracy'],
                                      threshold=sweep['A'] / 100 * sweep['original_accuracy'])
    (root/'figures').mkdir(exist_ok=True)
    plots.save_figure(fig, root/'figures'/'accuracy_vs_size.png')
    (root/'size_sweep.json').write_text(json.dumps(sweep, indent=1))
    print('accuracy vs size:', dict(zip(sweep['sizes'], sweep['accs'])), 'd_90 =', sweep['d_A'])

if __name__ == '__main__':
    torch.set_num_threads(1)
    runs = [Path(a).resolve() for a in sys.argv[1:]] or sorted(p.parent for p in (ROOT/'results').glob('*/distilled.safetensors'))
    for r in runs: figures(r)
    if len(sys.argv) == 1: size_figure()
