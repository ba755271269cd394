from django.urls import path

from . import views_security

app_name = "security"

urlpatterns = [
    path("security/", views_security.overview, name="overview"),
    path("security/enrol/", views_security.enrol, name="enrol"),
    path("security/verify/", views_security.verify, name="verify"),
    path("security/disable/", views_security.disable, name="disable"),
]
