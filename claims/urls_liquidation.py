"""Liquidator pages (review queue, prior agreements, payment batches), included from claims/urls.py."""

from django.urls import path

from .views import agreements, bank_file, payments, review

urlpatterns = [
    path("review/", review.review_list, name="review_list"),
    path("review/<int:pk>/", review.review_detail, name="review_detail"),
    path("review/<int:pk>/approve/", review.review_approve_view, name="review_approve"),
    path("review/<int:pk>/adjust/", review.review_adjust_view, name="review_adjust"),
    path("review/agreements/", agreements.agreement_list, name="agreement_list"),
    path("review/agreements/<int:pk>/decide/", agreements.agreement_decide, name="agreement_decide"),
    path("review/payments/", review.payment_list, name="payment_list"),
    path("review/payments/new/", payments.payment_create, name="payment_create"),
    path("review/payments/<int:pk>/", payments.payment_detail, name="payment_detail"),
    path("review/payments/<int:pk>/confirm/check/", payments.payment_confirm_step, name="payment_confirm_step"),
    path("review/payments/<int:pk>/export.csv", review.payment_export, name="payment_export"),
    path("review/payments/<int:pk>/pain001.xml", bank_file.payment_export_pain001, name="payment_export_pain001"),
    path("review/payments/<int:pk>/confirm/", review.payment_confirm, name="payment_confirm"),
]
