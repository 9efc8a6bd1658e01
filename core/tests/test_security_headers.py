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

    assert base.PASSWORD_HASHERS[0] == "accounts.hashers.SingleLaneArgon2PasswordHasher"


def _both(view, request_factory, path="/"):
    """The header from django-csp's own middleware and from ours, for the same view."""
    from csp.middleware import CSPMiddleware

    from core.middleware import StaticPolicyCSPMiddleware

    return [dict(middleware(view)(request_factory.get(path)).items()) for middleware in (CSPMiddleware, StaticPolicyCSPMiddleware)]


def test_the_policy_built_once_is_the_one_django_csp_builds(rf, settings):
    from django.http import HttpResponse

    def page(request):
        return HttpResponse("<p>hi</p>")

    stock, ours = _both(page, rf)
    assert ours["Content-Security-Policy"] == stock["Content-Security-Policy"] and "script-src 'self'" in ours["Content-Security-Policy"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'"], "img-src": ["https:"]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'none'"]}, "EXCLUDE_URL_PREFIXES": ["/api/"]}
    stock, ours = _both(page, rf)
    assert ours == stock and "img-src https:" in ours["Content-Security-Policy"]
    assert ours["Content-Security-Policy-Report-Only"] == "default-src 'none'"
    stock, ours = _both(page, rf, "/api/v1/jobs/")
    assert ours == stock and "Content-Security-Policy-Report-Only" not in ours


def test_a_nonce_or_a_views_override_still_reaches_the_header(rf, settings):
    from csp.constants import NONCE, SELF
    from csp.decorators import csp_update
    from django.http import HttpResponse

    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": [SELF], "script-src": [SELF, NONCE]}}
    from core.middleware import StaticPolicyCSPMiddleware

    request = rf.get("/")
    response = StaticPolicyCSPMiddleware(lambda request: HttpResponse(f"<script nonce='{request.csp_nonce}'>"))(request)
    assert f"'nonce-{request._csp_nonce}'" in response["Content-Security-Policy"]
    stock, ours = _both(csp_update({"img-src": "cdn.example.com"})(lambda request: HttpResponse()), rf)
    assert ours == stock and "cdn.example.com" in ours["Content-Security-Policy"]
    plain = StaticPolicyCSPMiddleware(lambda request: HttpResponse())(rf.get("/"))["Content-Security-Policy"]
    assert "nonce-" not in plain and "cdn.example.com" not in plain
