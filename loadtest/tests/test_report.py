"""The report's server-side times come from gunicorn's access log, in the run's window only."""

from datetime import datetime

from loadtest.report import knee, server_times

LOG = """\
127.0.0.1 [30/Nov/2026:16:00:00 +0000] "GET /jobs/ HTTP/1.1" 200 18000 900ms cache=miss
127.0.0.1 [30/Nov/2026:16:00:05 +0000] "GET /jobs/ HTTP/1.1" 200 18000 2ms cache=hit
127.0.0.1 [30/Nov/2026:16:00:06 +0000] "GET /jobs/ HTTP/1.1" 200 18000 4ms cache=hit
127.0.0.1 [30/Nov/2026:16:00:07 +0000] "GET /jobs/ HTTP/1.1" 200 20000 30ms cache=-
127.0.0.1 [30/Nov/2026:16:00:08 +0000] "GET /jobs/0b7f6a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b/?b=2&a=1 HTTP/1.1" 200 5000 20ms cache=-
127.0.0.1 [30/Nov/2026:16:00:09 +0000] "POST /api/v1/jobs/ HTTP/1.1" 201 900 40ms cache=-
not an access log line
127.0.0.1 [30/Nov/2026:16:09:00 +0000] "GET /jobs/ HTTP/1.1" 200 18000 5000ms cache=miss
"""


def test_server_times_per_endpoint_in_the_run_window(tmp_path):
    log = tmp_path / "gunicorn.log"
    log.write_text(LOG)
    rows = server_times(log, datetime.fromisoformat("2026-11-30T16:00:01+00:00"),
                       datetime.fromisoformat("2026-11-30T16:05:00+00:00"))
    by_name = {row["name"]: row for row in rows}
    assert set(by_name) == {"GET /jobs/", "GET /jobs/<id>/?a,b", "POST /api/v1/jobs/"}
    board = by_name["GET /jobs/"]
    assert board["count"] == 3 and board["p50"] == 4 and board["p99"] == 30
    assert board["hits"] == 1.0  # both anonymous requests in the window were hits; signed-in ones are not cacheable
    assert by_name["POST /api/v1/jobs/"]["hits"] is None
    assert abs(sum(row["share"] for row in rows) - 1) < 1e-9 and rows[0]["name"] == "POST /api/v1/jobs/"


def test_server_times_carry_each_endpoints_cpu_when_the_log_has_it(tmp_path):
    log = tmp_path / "gunicorn.log"
    log.write_text(
        '127.0.0.1 [30/Nov/2026:16:00:02 +0000] "GET /jobs/ HTTP/1.1" 200 18000 40ms cache=miss timing=cpu;dur=12.5\n'
        '127.0.0.1 [30/Nov/2026:16:00:03 +0000] "GET /jobs/ HTTP/1.1" 200 18000 3ms cache=hit timing=cpu;dur=1.5\n'
        '127.0.0.1 [30/Nov/2026:16:00:04 +0000] "GET /dashboard/ HTTP/1.1" 200 9000 90ms cache=- timing=cpu;dur=6.0\n'
        '127.0.0.1 [30/Nov/2026:16:00:05 +0000] "GET /healthz HTTP/1.1" 200 2 1ms cache=- timing=-\n')
    rows = {row["name"]: row for row in server_times(log, datetime.fromisoformat("2026-11-30T16:00:00+00:00"),
                                                      datetime.fromisoformat("2026-11-30T16:05:00+00:00"))}
    assert rows["GET /jobs/"]["cpu_p50"] == 7.0 and rows["GET /dashboard/"]["cpu_p50"] == 6.0
    assert rows["GET /jobs/"]["cpu_share"] == 14 / 20 and rows["GET /dashboard/"]["cpu_share"] == 6 / 20
    assert rows["GET /healthz"]["cpu_p50"] is None and rows["GET /healthz"]["cpu_share"] == 0


def test_the_knee_is_the_last_good_user_count_before_a_sustained_failure():
    def row(users, p99, fails=0):
        return {"Name": "Aggregated", "User Count": users, "Requests/s": 10, "Failures/s": fails, "99%": p99}

    history = [row(100, 200), row(200, 900), row(300, 300), *[row(400 + i, 800) for i in range(5)], row(900, 100)]
    assert knee(history) == 300


def test_steady_state_leaves_out_the_warm_up(tmp_path):
    from loadtest.report import steady_state

    started = datetime.fromisoformat("2026-11-30T16:00:00+00:00")
    begin = started.timestamp()
    slow_start = [f"{begin + i * 0.1:.3f},5000.0" for i in range(100)]  # first 10 s: 5 s answers
    steady = [f"{begin + 120 + i * 0.5:.3f},{ms:.1f}" for i, ms in enumerate([40.0] * 98 + [300.0, 900.0])]
    timings = tmp_path / "requests.csv"
    timings.write_text("start,response_ms\n" + "\n".join(slow_start + steady) + "\n")

    found = steady_state(timings, started, warmup_seconds=120)

    assert found["count"] == 100 and found["p50"] == 40.0 and found["p99"] == 900.0
    assert abs(found["rps"] - 100 / 49.5) < 0.01
    assert steady_state(timings, started, warmup_seconds=3600) is None
    assert steady_state(tmp_path / "missing.csv", started) is None
