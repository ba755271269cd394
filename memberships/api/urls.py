from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(use_regex_path=False)
router.register("me/membership-requests", views.MyMembershipRequestViewSet, basename="my-membership-request")
router.register("membership-applications", views.MembershipApplicationViewSet, basename="membership-application")

urlpatterns = router.urls
