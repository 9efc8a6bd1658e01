from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from core.links import absolute_reverse, absolute_url

from . import services

# Two of allauth's emails link to its sign-up and reset pages, built from the request's Host;
# ours come from SITE_URL (core.links) like every other email. (In the reset email itself,
# `password_reset_url` is the keyed link: get_reset_password_from_key_url below.)
_PAGE_LINKS = {"signup_url": "account_signup", "password_reset_url": "account_reset_password"}  # nosec B105 (URL names, not secrets)
_MAILS_WITH_PAGE_LINKS = {"account/email/unknown_account", "account/email/account_already_exists"}


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        user = request.user
        if user.is_authenticated and not user.profile_complete:
            return reverse("accounts:onboarding")
        return super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        return reverse("accounts:onboarding")

    def get_email_confirmation_url(self, request, emailconfirmation):
        return absolute_reverse("account_confirm_email", key=emailconfirmation.key)

    def get_reset_password_from_key_url(self, key):
        # allauth's own URL pattern takes "<uidb36>-<key>"; `key` is that opaque pair.
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return absolute_url(path.replace("UID-KEY", quote(key)))

    def set_password(self, user, password):
        # allauth's one path for a password change, set and reset (web and headless).
        services.user_password_set(user=user, raw_password=password, request=self.request)

    def send_mail(self, template_prefix, email, context):
        if template_prefix in _MAILS_WITH_PAGE_LINKS:
            context = {**context, **{name: absolute_reverse(view) for name, view in _PAGE_LINKS.items() if name in context}}
        return super().send_mail(template_prefix, email, context)
