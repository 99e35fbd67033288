"""Sign-in, sign-out and password reset for requesters: Django's own auth views with portal templates."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.models import User
from django.urls import path, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext_lazy

from casedesk.portal.language import user_language


class EmailLoginForm(AuthenticationForm):
    """Portal users are named by their e-mail address (invite.invite); matched without regard to case."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy(
            "Please enter a correct e-mail address and password. Note that the password is case-sensitive."
        ),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = gettext_lazy("E-mail")

    def clean_username(self) -> str:
        return str(self.cleaned_data.get("username", "")).strip().lower()


class PortalPasswordResetForm(PasswordResetForm):
    """Also reaches an invited contact who never chose a password (Django skips unusable passwords)."""

    def get_users(self, email: str) -> Iterator[User]:
        users = User.objects.filter(email__iexact=email, is_active=True)
        for user in users:
            if user.has_usable_password() or hasattr(user, "contact"):
                yield user

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """In the contact's own language; else the language of the page the reset was asked on."""
        language = user_language(context.get("user")) or translation.get_language()
        with translation.override(language):
            super().send_mail(
                subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name
            )


urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="portal/login.html", authentication_form=EmailLoginForm, next_page="portal:home"
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(next_page="portal:login"), name="logout"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="portal/password_reset_form.html",
            email_template_name="portal/email/password_reset.txt",
            subject_template_name="portal/email/password_reset_subject.txt",
            form_class=PortalPasswordResetForm,
            success_url=reverse_lazy("portal:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="portal/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="portal/password_reset_confirm.html",
            success_url=reverse_lazy("portal:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="portal/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
