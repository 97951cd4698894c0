"""Side-by-side render timings: origo CLI (cold) against WeasyPrint and the `typst` Python package.

Usage: python run.py ORIGO_BINARY [cold_runs=10] [warm_n=30]
The Python baselines lay out the same one-page certificate (cert.html / cert.typ, data in
cert.json); origo renders form_e.json (a one-page Form E). Warm origo numbers come from the
criterion bench `cargo bench -p origo --features render --bench render`. Prints JSON."""
import json, os, pathlib, statistics, subprocess, sys, tempfile, time

HERE = pathlib.Path(__file__).parent
PY = sys.executable
origo = sys.argv[1]
cold_runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
warm_n = int(sys.argv[3]) if len(sys.argv) > 3 else 30
tmp = tempfile.mkdtemp()


def wall(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, cwd=HERE, check=True, capture_output=True)
    return time.perf_counter() - t


def cold(cmd):
    wall(cmd)  # warm the page cache
    xs = sorted(wall(cmd) for _ in range(cold_runs))
    return {"median_s": statistics.median(xs), "min_s": xs[0], "max_s": xs[-1]}


res = {"cold": {}, "warm": {}}
res["cold"]["origo render (CLI, 1 doc)"] = cold([origo, "render", "form_e.json", "-o", os.path.join(tmp, "o.pdf")])
for r in ["weasy", "typst"]:
    res["cold"][f"render_{r}.py (1 doc)"] = cold([PY, f"render_{r}.py", os.path.join(tmp, f"{r}.pdf")])
for r in ["weasy", "typst", "typst_fresh"]:
    out = subprocess.run([PY, "warm.py", r, str(warm_n)], cwd=HERE, check=True, capture_output=True, text=True).stdout
    res["warm"][r] = json.loads(out)
print(json.dumps(res, indent=1))
