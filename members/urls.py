from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views
from .password_reset import ThrottledPasswordResetView

T = "members/"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name=T + "login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("activate/", views.activate, name="activate"),
    path("password-reset/", ThrottledPasswordResetView.as_view(
        template_name=T + "password_reset_form.html", email_template_name=T + "password_reset_email.txt",
        subject_template_name=T + "password_reset_subject.txt"), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(
        template_name=T + "password_reset_done.html"), name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name=T + "password_reset_confirm.html", success_url=reverse_lazy("password_reset_complete")),
        name="password_reset_confirm"),
    path("password-reset/done/", auth_views.PasswordResetCompleteView.as_view(
        template_name=T + "password_reset_complete.html"), name="password_reset_complete"),
    path("language/", views.language_set, name="language_set"),
    path("me/", views.dashboard, name="dashboard"),
    path("me/profile/", views.profile, name="profile"),
    path("me/changes/", views.change_requests, name="change_requests"),
    path("me/changes/<int:pk>/", views.change_request_detail, name="change_request_detail"),
    path("me/attestations/new/", views.attestation_new, name="attestation_new"),
    path("me/attestations/<str:code>.pdf", views.attestation_pdf, name="attestation_pdf"),
    path("verify/<str:code>/", views.attestation_verify, name="attestation_verify"),
]
