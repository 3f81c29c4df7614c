"""The benchmark's own parts: the floor URL, the query counter and the reading of wrk's output."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench import run
from bench import settings as bench_settings
from bench.middleware import QUERY_HEADER
from bench.run import against_anchor, combine, latency, parse_args
from members.models import Member

pytestmark = pytest.mark.django_db

# wrk 4.1's report, as bench/run.py reads it.
WRK_OUTPUT = """Running 2s test @ http://127.0.0.1:8765/bench/ok
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     7.21ms   10.02ms  78.21ms   91.24%
    Req/Sec     1.04k   102.31     1.20k    70.00%
  Latency Distribution
     50%    3.80ms
     75%    5.12ms
     90%   18.40ms
     99%    1.20s
  2078 requests in 2.00s, 512.16KB read
Requests/sec:   1039.00
Transfer/sec:    256.08KB
"""


@pytest.fixture
def bench_site(settings):
    """The site as bench/settings.py configures it for gunicorn."""
    settings.ROOT_URLCONF = bench_settings.ROOT_URLCONF
    settings.MIDDLEWARE = ["bench.middleware.count_queries", *settings.MIDDLEWARE]
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": bench_settings.TEMPLATES[0]["DIRS"]}]


def test_the_floor_url_answers_ok_without_a_query(client, bench_site):
    response = client.get("/bench/ok")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert response[QUERY_HEADER] == "0"


def test_the_query_header_counts_every_query_of_a_request(client, bench_site, make_member):
    member = make_member(name="Ionescu Robotică SRL")

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/ro/members/{member.slug}/")

    assert response.status_code == 200
    assert int(response[QUERY_HEADER]) == len(queries) > 0


def test_the_straightforward_anchor_page_lists_a_page_of_members_with_both_facets(
    client, bench_site, make_member
):
    make_member(name="Ionescu Robotică SRL", category=Member.Category.ENTERPRISE)
    make_member(name="Institutul Fictiv", category=Member.Category.RD)

    response = client.get("/bench/straightforward/", {"category": Member.Category.ENTERPRISE})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ionescu Robotică SRL" in page
    assert "Institutul Fictiv" not in page
    # Each facet counted with the other filter: the research entity still counts under its category.
    assert [
        count for code, _label, count in response.context["categories"] if code == Member.Category.RD
    ] == [1]


def test_wrk_latency_percentiles_are_read_in_milliseconds():
    assert latency(WRK_OUTPUT, "50%") == pytest.approx(3.8)
    assert latency(WRK_OUTPUT, "99%") == pytest.approx(1200)


def test_quick_mode_measures_two_small_sizes_briefly():
    args = parse_args(["--quick"])

    assert args.sizes == [144, 2000]
    assert args.seconds == 2
    assert args.rounds == 1
    assert args.database_url == "postgres://postgres@127.0.0.1:5432/mechatrec_bench"


def test_sizes_below_the_demo_data_are_refused(capsys):
    with pytest.raises(SystemExit):
        parse_args(["--sizes", "100"])
    assert "sizes start at 144" in capsys.readouterr().err


def measured_slice(requests, cpu_seconds, p50, p99, seconds=4):
    return {"requests": requests, "cpu": cpu_seconds, "p50": p50, "p99": p99, "seconds": seconds,
            "errors": 0, "memory_growth": 0.0}  # fmt: skip


def test_a_url_measured_in_rounds_adds_its_requests_and_cpu_up_over_the_rounds():
    warmed = {"status": 200, "queries": "6", "memory_growth": 1.5}
    slices = [measured_slice(400, 4.0, 20.0, 60.0), measured_slice(200, 3.0, 40.0, 90.0),
              measured_slice(300, 3.0, 30.0, 70.0)]  # fmt: skip

    result = combine(warmed, slices)

    assert result["requests"] == 900
    assert result["rps"] == pytest.approx(900 / 12)
    assert result["cpu_ms"] == pytest.approx(1000 * 10.0 / 900)  # not the mean of the rounds' 10, 15, 10
    assert result["cpu_ms_by_round"] == pytest.approx([10.0, 15.0, 10.0])
    assert result["p50"] == 30.0  # the median round's
    assert result["p99"] == 90.0  # the worst round's: an upper bound
    assert result["memory_growth"] == 1.5


def test_a_url_that_failed_its_probe_keeps_its_status_and_has_no_figures():
    assert combine({"status": 404, "queries": "–", "memory_growth": 0.0}, []) == {
        "status": 404, "queries": "–", "memory_growth": 0.0,
    }  # fmt: skip


def test_the_cpu_ratio_to_the_anchor_shows_its_spread_over_rounds_taken_side_by_side():
    anchor = {"cpu_ms": 30.0, "cpu_ms_by_round": [25.0, 35.0]}
    page = {"cpu_ms": 12.0, "cpu_ms_by_round": [10.0, 14.0]}  # 0.40 of the anchor in both rounds

    assert against_anchor(page, anchor) == "0.40 (0.40–0.40)"
    assert against_anchor({"cpu_ms": 15.0}, anchor) == "0.50"  # measured in one piece: no spread
    assert against_anchor(page, {}) == "–"


def test_a_second_run_on_the_same_day_is_written_beside_the_first(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "RESULTS", tmp_path)

    first = run.result_path(144, quick=False)
    first.write_text("first run")
    second = run.result_path(144, quick=False)

    assert second != first
    assert second.name.endswith("-144-2.md")
    assert run.result_path(144, quick=True).name.endswith("-144-quick.md")
