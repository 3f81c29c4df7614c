"""What crawlers are told."""


def test_robots_txt_allows_the_pages_and_asks_crawlers_to_skip_the_exports(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /ro/members/export.csv" in lines
    assert "Disallow: /ro/members/" not in lines
