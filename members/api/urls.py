from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(use_regex_path=False)
router.register("members", views.MemberViewSet, basename="member")
router.register("me/change-requests", views.MyChangeRequestViewSet, basename="my-change-request")
router.register("change-requests", views.ChangeRequestViewSet, basename="change-request")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    *router.urls,
]
