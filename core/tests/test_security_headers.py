import pytest


@pytest.mark.django_db
def test_pages_send_strict_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_no_inline_scripts_in_rendered_pages(client):
    """CSP blocks inline scripts, so none may be relied on: every <script> has a src."""
    import re

    for url in ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/api/docs/"]:
        html = client.get(url).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, (url, tag)


def test_password_hasher_is_argon2_in_base_settings():
    from fairtrade.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
