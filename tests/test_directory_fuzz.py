"""Thousands of generated query strings thrown at the directory and both exports: never a 5xx."""

from urllib.parse import quote_from_bytes

import pytest
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from members.models import Member

PARAMETERS = [
    "q", "category", "competence", "locality", "county", "size", "subcontracting", "partners", "sort", "page",
]  # fmt: skip
KNOWN_VALUES = [
    "rd", "enterprise", "public-authority", "catalyzer", "mems", "industrial-robotics", "voluntari",
    "sectorul-1", "ilfov", "bucuresti", "micro", "large", "1", "0", "name", "newest", "oldest-founded",
    "2", "-1", "99999999999999999999", "abc", "", "<script>alert(1)</script>", "\x00", "ş ţ ș ț",
    "' OR 1=1 --", "%", "_", "\\", "name_key", "-name",
]  # fmt: skip

values = st.one_of(
    st.sampled_from(KNOWN_VALUES),
    st.text(max_size=40),
    st.text(min_size=1000, max_size=3000, alphabet=st.characters(codec="utf-8")),
    st.integers().map(str),
).map(lambda text: text.encode("utf-8", "surrogatepass"))
raw_bytes = st.binary(max_size=30)  # invalid UTF-8 in names and values
names = st.one_of(st.sampled_from(PARAMETERS), st.text(max_size=10)).map(str.encode)
pairs = st.tuples(names, st.one_of(values, raw_bytes))
repeated = st.tuples(st.sampled_from(PARAMETERS), st.sampled_from(KNOWN_VALUES), st.integers(1, 1000))


def query_string(pair_list, repeat):
    name, value, times = repeat
    pair_list = [*pair_list, *[(name.encode(), value.encode())] * times]
    return "&".join(f"{quote_from_bytes(k)}={quote_from_bytes(v)}" for k, v in pair_list)


@pytest.fixture
def sixty_members(make_member, competences, localities):
    for i in range(60):
        make_member(
            category=Member.Category.values[i % 4],
            competences=competences[i % 9 : i % 9 + 3],
            locality=localities[i % len(localities)] if i % 5 else None,
            size=Member.Size.values[i % 4],
            offers_subcontracting=i % 2 == 0,
            seeks_partners=i % 3 == 0,
            founded=1990 + i % 30,
        )


@settings(
    max_examples=2100,
    deadline=None,
    # The 60 members are made once for the whole run, on purpose.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    target=st.sampled_from(["members:directory", "members:export_csv", "members:export_json"]),
    pair_list=st.lists(pairs, max_size=8),
    repeat=st.one_of(st.just(("q", "", 0)), repeated),
)
def test_no_generated_query_string_gets_a_server_error(client, sixty_members, target, pair_list, repeat):
    with translation.override("en"):
        url = reverse(target)
    response = client.get(url, QUERY_STRING=query_string(pair_list, repeat))
    if response.streaming:
        b"".join(response.streaming_content)  # errors while streaming count too
    assert response.status_code < 500
