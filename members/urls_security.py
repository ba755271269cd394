from django.urls import path

from apitokens import views as token_views

from . import views_security

app_name = "security"

urlpatterns = [
    path("security/", views_security.overview, name="overview"),
    path("security/enrol/", views_security.enrol, name="enrol"),
    path("security/verify/", views_security.verify, name="verify"),
    path("security/disable/", views_security.disable, name="disable"),
    path("security/tokens/", token_views.token_list, name="tokens"),
    path("security/tokens/<str:key>/revoke/", token_views.token_revoke_view, name="token_revoke"),
]
