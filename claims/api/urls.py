from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views, views_office

router = SimpleRouter(use_regex_path=False)
router.register("me/files", views.MyClaimFileViewSet, basename="my-file")
router.register("me/prior-agreements", views_office.MyPriorAgreementViewSet, basename="my-prior-agreement")
router.register("files", views.ClaimFileViewSet, basename="file")
router.register("prior-agreements", views_office.PriorAgreementViewSet, basename="prior-agreement")
router.register("payment-batches", views_office.PaymentBatchViewSet, basename="payment-batch")
router.register("acts", views_office.ActViewSet, basename="act")
router.register("tariff-versions", views_office.ActVersionViewSet, basename="tariff-version")
router.register("categories", views_office.CategoryViewSet, basename="category")
router.register("category-rates", views_office.CategoryRateViewSet, basename="category-rate")

urlpatterns = [
    path("me/estimate/", views.MyEstimateView.as_view(), name="my-estimate"),
    path("estimate/", views.EstimateView.as_view(), name="estimate"),
    *router.urls,
]
