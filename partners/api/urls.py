from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(use_regex_path=False)
router.register("providers", views.ProviderViewSet, basename="provider")
router.register("conventions", views.ConventionViewSet, basename="convention")
router.register("provider/agreements", views.MyAgreementViewSet, basename="provider-agreement")
router.register("provider/invoices", views.MyInvoiceViewSet, basename="provider-invoice")

urlpatterns = [
    path("provider/coverage-check/", views.CoverageCheckView.as_view(), name="provider-coverage-check"),
    *router.urls,
]
