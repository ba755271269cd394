from django.urls import path

from . import views_account

urlpatterns = [
    path("start/", views_account.landing, name="landing"),
    path("account/", views_account.account, name="account"),
    path("account/password/", views_account.password_change, name="password_change"),
]
