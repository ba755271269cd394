from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(use_regex_path=False)
router.register("me/files", views.MyClaimFileViewSet, basename="my-file")
router.register("me/prior-agreements", views.MyPriorAgreementViewSet, basename="my-prior-agreement")
router.register("files", views.ClaimFileViewSet, basename="file")
router.register("prior-agreements", views.PriorAgreementViewSet, basename="prior-agreement")
router.register("payment-batches", views.PaymentBatchViewSet, basename="payment-batch")
router.register("acts", views.ActViewSet, basename="act")
router.register("tariff-versions", views.ActVersionViewSet, basename="tariff-version")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("category-rates", views.CategoryRateViewSet, basename="category-rate")

urlpatterns = [
    path("me/estimate/", views.MyEstimateView.as_view(), name="my-estimate"),
    path("estimate/", views.EstimateView.as_view(), name="estimate"),
    *router.urls,
]
