from django.urls import path, re_path

from . import views

app_name = "fhir"

urlpatterns = [
    path("metadata", views.Metadata.as_view(), name="metadata"),
    path("CodeSystem/<str:name>", views.CodeSystemRead.as_view(), name="codesystem"),
    path("CoverageEligibilityRequest", views.Eligibility.as_view(), name="eligibility"),
    path("Claim", views.ClaimCreate.as_view(), name="claim"),
    path("ClaimResponse", views.ClaimResponseSearch.as_view(), name="claimresponse"),
    path("ExplanationOfBenefit", views.ExplanationOfBenefitSearch.as_view(), name="eob"),
    re_path(r"^(?P<rest>.*)$", views.NotFound.as_view(), name="not_found"),
]
