"""Line protocol shared by the training peers (stno_numpy.py, stno_torch.py).

bench/train.ts writes one command per line on stdin and reads one JSON object per line:
  verify  -> {"epochLoss", "lossAfter"}  one epoch from the initial parameters, then reset
  epoch   -> {"seconds", "cpu"}          one timed training epoch (wall and process CPU seconds)
  infer   -> {"seconds", "cpu", "correct"}  one timed inference pass over the inference set
  version -> {"version"}
  quit    -> ends the loop
"""
import json
import sys
import time


def serve(net, version, loss_after):
    """Answers the commands above for `net` (methods reset, epoch, infer); `loss_after(net)` is the
    mean training loss after the verify epoch."""
    for line in sys.stdin:
        cmd = line.strip()
        if cmd == "verify":
            net.reset()
            el = net.epoch()
            out = {"epochLoss": el, "lossAfter": loss_after(net)}
            net.reset()
        elif cmd == "epoch":
            c0, t0 = time.process_time(), time.perf_counter()
            net.epoch()
            out = {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0}
        elif cmd == "infer":
            c0, t0 = time.process_time(), time.perf_counter()
            correct = net.infer()
            out = {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0, "correct": correct}
        elif cmd == "version":
            out = {"version": version}
        elif cmd == "quit":
            break
        else:
            out = {"error": "unknown command " + cmd}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()
