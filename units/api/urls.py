from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(use_regex_path=False)
router.register("units", views.UnitViewSet, basename="unit")
router.register("free-slots", views.FreeSlotViewSet, basename="free-slot")
router.register("slots", views.SlotViewSet, basename="slot")
router.register("appointments", views.AppointmentViewSet, basename="appointment")
router.register("me/appointments", views.MyAppointmentViewSet, basename="my-appointment")
router.register("visits", views.VisitViewSet, basename="visit")
router.register("lab-orders", views.LabOrderViewSet, basename="lab-order")

urlpatterns = router.urls
