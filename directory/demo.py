"""Demo profile metrics for `make run` (seed_demo, last): `make run` has no beat, so the
figures the 15-minute task keeps are computed once here. Idempotent (an upsert)."""

from . import stats


def seed(stdout=None) -> dict:
    written = stats.refresh(stats.everyone())
    if stdout:
        stdout.write(f"Profile metrics computed for {written} contractor{'s' if written != 1 else ''}.")
    return {"contractors": written}
