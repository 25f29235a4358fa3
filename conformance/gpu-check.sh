#!/usr/bin/env bash
# GPU check of arraygrad: the GPU's name, the test suite on the CuPy backend, and W3 (a small
# MLP's forward and backward) with arraygrad on CuPy against torch on CUDA.
#
#   bash conformance/gpu-check.sh            # from the repository root; needs no network
#
# Writes a short report to $OUT/gpu-report.md when OUT is set, else ./gpu-report.md. Each step
# has its own time limit so the whole check ends within about 5 minutes. Without a GPU or
# without CuPy it says so, writes the report with what it could not run, and exits 1.
set -u
cd "$(dirname "$0")/.." || exit 2
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] && [ -z "${PYTHON:-}" ] && PY=.venv/bin/python
export PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}"
REPORT="${OUT:-.}/gpu-report.md"
COMMIT=${COMMIT:-$( (git rev-parse --short HEAD 2>/dev/null) || echo unknown)}
DATE=$(date -u +%Y-%m-%d)
status=0

gpu=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1)
if [ -z "$gpu" ]; then
    gpu=$("$PY" -c 'import cupy; p = cupy.cuda.runtime.getDeviceProperties(0); print(p["name"].decode())' 2>/dev/null)
fi
# arraygrad needs array_api_compat and the suite array_api_strict, ndindex and a recent
# Hypothesis (not in every GPU image, which may have no network): wheels put in ./.whl (see
# docs/gpu.md) are installed offline into /tmp/site and come first on the path.
if ls .whl/*.whl >/dev/null 2>&1; then
    "$PY" -m pip install -q --no-index --no-deps --no-compile --upgrade --target /tmp/site .whl/*.whl \
        && export PYTHONPATH="$PWD/src:/tmp/site${PYTHONPATH#"$PWD/src"}"
fi
LOGDIR="${OUT:-.}"
XDIST=""
"$PY" -c 'import xdist' 2>/dev/null && XDIST="-n 12"
TIMEOUT=""
"$PY" -c 'import pytest_timeout' 2>/dev/null && TIMEOUT="--timeout 120"
cupy_ok=$("$PY" -c 'import cupy; print(cupy.__version__ if cupy.cuda.runtime.getDeviceCount() > 0 else "")' 2>/dev/null)
echo "GPU: ${gpu:-none found}"
echo "CuPy: ${cupy_ok:-not usable}"

suite="not run"
w3="not run"
if [ -z "$gpu" ]; then
    echo "gpu-check: no NVIDIA GPU found (nvidia-smi and CuPy see none); nothing to check here." >&2
    status=1
elif [ -z "$cupy_ok" ]; then
    echo "gpu-check: CuPy is not installed or sees no GPU; install the CuPy wheel for this CUDA." >&2
    status=1
elif ! "$PY" -c 'import arraygrad' 2>/dev/null; then
    echo "gpu-check: arraygrad does not import (array_api_compat missing? see docs/gpu.md)." >&2
    suite="not run: arraygrad does not import"; status=1
else
    echo "== test suite on the CuPy backend (limit 270 s)"
    log="$LOGDIR/suite.log"
    # Every test that runs on the backend fixture's "cupy" device, and the GPU-only tests.
    ARRAYGRAD_BACKENDS=cupy timeout 270 "$PY" -m pytest tests -k "cupy or gpu" -q --tb=short \
        -p no:cacheprovider -p no:benchmark $XDIST $TIMEOUT --junitxml="$LOGDIR/junit.xml" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    summary=$(grep -E '(passed|failed|error).* in [0-9.]+s' "$log" | tail -1 | tr -d '=' | xargs)
    if [ "$rc" = 124 ]; then
        suite="timed out after 270 s (${summary:-no summary})"; status=1
    elif [ "$rc" != 0 ]; then
        suite="FAILED (rc $rc): ${summary:-no summary}"; status=1
    else
        suite="passed: $summary"
    fi
    echo "== W3 on cuda:0, arraygrad on CuPy against torch on CUDA (limit 90 s)"
    w3=$(timeout 60 "$PY" benchmarks/bench_autograd.py --only W3 --device cuda:0 2>&1 | tail -1)
    [ -n "$w3" ] || w3="no output"
    echo "$w3"
    w3big=$(timeout 30 "$PY" benchmarks/bench_autograd.py --only W3 --device cuda:0 --n 8192 --quick 2>&1 | tail -1)
    echo "$w3big"
fi

ratio=$(echo "$w3" | grep -oE 'arraygrad/torch-[a-z]+ [0-9.e+-]+' | awk '{print $2}')
{
    echo "# arraygrad GPU check"
    echo
    echo "| GPU | date | commit | suite result | W3 ratio (arraygrad/torch) |"
    echo "|---|---|---|---|---|"
    echo "| ${gpu:-none} | $DATE | $COMMIT | $suite | ${ratio:-n/a} |"
    echo
    echo "- CuPy: ${cupy_ok:-not usable}"
    echo "- W3 (n=2048): $w3"
    echo "- W3 (n=8192): ${w3big:-not run}"
    echo "- versions: $("$PY" -c 'import numpy, cupy, hypothesis; print("numpy", numpy.__version__, "cupy", cupy.__version__, "hypothesis", hypothesis.__version__)' 2>&1)"
    [ -f "$LOGDIR/suite.log" ] && { echo; echo "Failures:"; echo; grep -E '^(FAILED|ERROR) ' "$LOGDIR/suite.log" | head -100; }
} >"$REPORT"
echo "report: $REPORT"
exit $status
