"""The benchmark's own parts: the floor URL, the query counter and the reading of wrk's output."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench import settings as bench_settings
from bench.middleware import QUERY_HEADER
from bench.run import latency, parse_args
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
    assert args.database_url == "postgres://postgres@127.0.0.1:5432/mechatrec_bench"


def test_sizes_below_the_demo_data_are_refused(capsys):
    with pytest.raises(SystemExit):
        parse_args(["--sizes", "100"])
    assert "sizes start at 144" in capsys.readouterr().err
