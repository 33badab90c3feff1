"""What a visitor sees: the home page, the admin login page and its static files (DEBUG off)."""

import re

import pytest


def test_home_page(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"<h1>Django on Docker</h1>" in response.content


def test_home_page_refuses_an_unlisted_host(client):
    assert client.get("/", HTTP_HOST="unlisted.example").status_code == 400


@pytest.mark.django_db
def test_admin_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_admin_login_page_is_styled_by_hashed_static_files_served_by_whitenoise(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert b"Django administration" in response.content
    css = re.search(rb'href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"', response.content)
    assert css, "the login page links the manifest's hashed base.css"
    static = client.get(css.group(1).decode())
    assert static.status_code == 200
    assert static["Content-Type"].startswith("text/css")
    assert "immutable" in static["Cache-Control"]
