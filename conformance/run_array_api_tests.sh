#!/usr/bin/env bash
# Run the official data-apis/array-api-tests suite against arraygrad, with our xfail list.
#
#   ARRAY_API_TESTS_DIR=/path/to/array-api-tests conformance/run_array_api_tests.sh [pytest args]
#
# Environment (all optional but the first):
#   ARRAY_API_TESTS_DIR      a checkout of data-apis/array-api-tests with its `array-api`
#                            submodule (git clone --recurse-submodules ...)
#   ARRAY_API_TESTS_VERSION  the standard's version to test (default 2025.12)
#   MAX_EXAMPLES             Hypothesis examples per test (default 20)
#   WORKERS                  pytest-xdist workers when it is installed (default auto; 0 = off)
#   PYTHON                   the interpreter (default: the repo's .venv, else python3)
#   REPORT                   where to write the JSON report (default: a temporary file)
# Extra arguments go to pytest, e.g. array_api_tests/test_linalg.py or -k "test_sum".
# linalg and fft are tested (the suite tests every extension the namespace has).
# The exit status is pytest's.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
die() { echo "run_array_api_tests.sh: $*" >&2; exit 2; }

: "${ARRAY_API_TESTS_DIR:?set ARRAY_API_TESTS_DIR to a checkout of data-apis/array-api-tests}"
suite="$(cd "$ARRAY_API_TESTS_DIR" && pwd)"
[[ -d "$suite/array_api_tests" ]] || die "$suite is not an array-api-tests checkout"
version="${ARRAY_API_TESTS_VERSION:-2025.12}"
stubs="$suite/array-api/src/array_api_stubs/_${version//./_}"
[[ -f "$stubs/__init__.py" ]] ||
    die "no spec stubs at $stubs; run 'git submodule update --init' in $suite"

if [[ -z "${PYTHON:-}" ]]; then
    if [[ -x "$root/.venv/bin/python" ]]; then PYTHON="$root/.venv/bin/python"; else PYTHON=python3; fi
fi

# Our xfail list: "<test id>  # <reason>" per line. The suite reads whole lines as ids, so the
# reasons are cut off into a temporary copy; an entry without a reason is refused.
xfails_src="$here/array-api-tests-xfails.txt"
bad="$(grep -nvE '^[[:space:]]*(#.*)?$' "$xfails_src" | grep -vE '[^[:space:]][[:space:]]+#[[:space:]]*[^[:space:]]' || true)"
[[ -z "$bad" ]] || die "entries without a '# reason' in $xfails_src:"$'\n'"$bad"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
sed -E -e 's/[[:space:]]+#.*$//' -e '/^[[:space:]]*(#.*)?$/d' "$xfails_src" >"$tmp/xfails.txt"
report="${REPORT:-$tmp/report.json}"

args=(
    -p no:cacheprovider
    --max-examples "${MAX_EXAMPLES:-20}"
    --disable-deadline
    --xfails-file "$tmp/xfails.txt"
    -q -rfE --tb=line
)
workers="${WORKERS:-auto}"
if [[ "$workers" != 0 ]] && "$PYTHON" -c "import xdist" 2>/dev/null; then
    args+=(-n "$workers")
fi
if "$PYTHON" -c "import pytest_jsonreport" 2>/dev/null; then
    args+=(--json-report --json-report-omit collectors keywords log --json-report-file "$report")
fi
[[ $# -gt 0 ]] || set -- array_api_tests/

export ARRAY_API_TESTS_MODULE=arraygrad
export ARRAY_API_TESTS_VERSION="$version"
export PYTHONPATH="$root/src${PYTHONPATH:+:$PYTHONPATH}"

echo "array-api-tests $(git -C "$suite" rev-parse --short HEAD 2>/dev/null || echo '?') on arraygrad," \
    "standard $version, max-examples ${MAX_EXAMPLES:-20}, $(wc -l <"$tmp/xfails.txt") xfail entries"
status=0
(cd "$suite" && "$PYTHON" -m pytest "${args[@]}" "$@") || status=$?

# The pass/fail figures per test module (pytest's own summary line is above).
if [[ -f "$report" ]]; then
    "$PYTHON" - "$report" <<'EOF'
import collections, json, sys

tests = json.load(open(sys.argv[1]))["tests"]
rows = collections.defaultdict(collections.Counter)
for t in tests:
    rows[t["nodeid"].split("::")[0].rpartition("/")[2]][t["outcome"]] += 1
cols = ["passed", "failed", "error", "xfailed", "xpassed", "skipped"]
print(f"\n{'module':44}" + "".join(f"{c:>9}" for c in cols))
for name in sorted(rows):
    print(f"{name:44}" + "".join(f"{rows[name][c]:>9}" for c in cols))
total = sum(rows.values(), collections.Counter())
print(f"{'total':44}" + "".join(f"{total[c]:>9}" for c in cols))
EOF
fi
exit "$status"
