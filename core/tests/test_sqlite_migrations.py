"""`make run` uses the embedded SQLite database: every migration must apply there too (a
PostgreSQL-only index once broke the first `make run` while CI, on PostgreSQL, stayed green)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_migration_applies_on_sqlite(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "DJANGO_SETTINGS_MODULE": "fairtrade.settings.local"}
    result = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"],  # nosec B603 (our own manage.py)
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "db.sqlite3").stat().st_size > 0
