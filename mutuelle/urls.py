from django.contrib import admin
from django.urls import include, path

from . import metrics, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("mutuelle.api")),
    path("fhir/r4/", include("fhir_r4.urls")),
    path("", include("members.urls")),
    path("", include("members.urls_account")),
    path("", include("members.urls_security")),
    path("", include("claims.urls")),
    path("", include("units.urls")),
    path("", include("notices.urls")),
    path("", include("provident.urls")),
    path("", include("memberships.urls")),
    path("", include("partners.urls")),
]

# Django's own refusals (a body too large, too many fields...) answer in the input policy's format.
handler400 = "mutuelle.input_policy.bad_request"
