from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(use_regex_path=False)
router.register("members", views.MemberViewSet, basename="member")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    *router.urls,
]
