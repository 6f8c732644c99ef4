#!/usr/bin/env python
"""A torchrun smoke check: the process group on BACKEND answers a collective, then the library's distributed
entry point runs a short distillation on this launch (rank 0 checks its results.json).

    torchrun --standalone --nproc_per_node N tools/dist_smoke.py --backend nccl|gloo OUT_DIR [key=value ...]

`dataset_distillation.distributed` starts a process group only for more than one process, so on one GPU
the collective below is what exercises the backend; the distillation then runs on `cuda:LOCAL_RANK`.
"""
import argparse, json, os, sys, time
from pathlib import Path
import torch, torch.distributed as dist
from dataset_distillation import distributed

ap = argparse.ArgumentParser()
ap.add_argument('--backend', choices=distributed.BACKENDS, required=True)
ap.add_argument('out', type=Path)
ap.add_argument('params', nargs='*')
a = ap.parse_args()
rank, world, local = (int(os.environ.get(k, d)) for k, d in (('RANK', 0), ('WORLD_SIZE', 1), ('LOCAL_RANK', 0)))
dev = torch.device('cuda', local) if a.backend == 'nccl' else torch.device('cpu')
if dev.type == 'cuda': torch.cuda.set_device(dev)
t0 = time.perf_counter()
dist.init_process_group(a.backend, init_method='env://', rank=rank, world_size=world)
x = torch.full((4,), float(rank + 1), device=dev)
dist.all_reduce(x)
want = world * (world + 1) / 2
if not torch.allclose(x.cpu(), torch.full((4,), want)): sys.exit(f"rank {rank}: all_reduce gave {x.tolist()}, expected {want}")
dist.barrier()
print(f"rank {rank}/{world}: {dist.get_backend()} all_reduce on {dev} ok ({time.perf_counter() - t0:.1f} s)", flush=True)
rec = distributed.main(['--backend', a.backend, '--quiet', f'out_dir={a.out}', *a.params])
if dist.is_initialized(): dist.destroy_process_group()
if rank == 0:
    rec = json.loads((a.out/'results.json').read_text())
    print(f"distributed run: {rec['iterations']} outer steps on {world} process(es), device {rec['config']['device']}, "
          f"accuracy {100 * rec['distill_accuracy']['mean']:.2f}%, {rec.get('distributed')}", flush=True)
