from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(use_regex_path=False)
router.register("me/provident-requests", views.MyProvidentRequestViewSet, basename="my-provident-request")
router.register("provident-requests", views.ProvidentRequestViewSet, basename="provident-request")

urlpatterns = router.urls
