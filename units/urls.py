from django.urls import path

from .views import agreements, appointments, dashboard, desk, hours, lab, member, member_file, public

app_name = "units"

urlpatterns = [
    path("units/", public.unit_index, name="list"),
    path("units/<slug:code>/", public.unit_detail, name="detail"),
    # Front desk
    path("desk/", desk.desk_home, name="desk"),
    path("desk/queue/", desk.desk_queue, name="desk_queue"),
    path("desk/search/", desk.desk_search, name="desk_search"),
    path("desk/visits/receive/", desk.visit_receive, name="visit_receive"),
    path("desk/visits/<int:pk>/", desk.visit_detail, name="visit"),
    path("desk/visits/<int:pk>/<str:action>/", desk.visit_action, name="visit_action"),
    path("desk/book/", appointments.booking_panel, name="booking_panel"),
    path("desk/book/confirm/", appointments.booking_create, name="booking_create"),
    path("desk/appointments/", appointments.appointment_list, name="appointments"),
    path("desk/appointments/<int:pk>/", appointments.appointment_detail, name="appointment"),
    path("desk/appointments/<int:pk>/<str:action>/", appointments.appointment_action, name="appointment_action"),
    path("desk/day-sheet/", appointments.appointment_day_sheet, name="day_sheet"),
    path("desk/lab-orders/", lab.lab_order_list, name="lab_orders"),
    path("desk/lab-orders/new/", lab.lab_order_new, name="lab_order_new"),
    path("desk/lab-orders/<int:pk>/", lab.lab_order_detail, name="lab_order"),
    path("desk/lab-orders/<int:pk>/advance/", lab.lab_order_advance, name="lab_order_advance"),
    path("desk/members/<int:pk>/", member_file.member_file, name="member_file"),
    path("desk/members/<int:pk>/data/", member_file.member_data_update, name="member_data_update"),
    path("desk/members/<int:pk>/attestation/", member_file.member_attestation, name="member_attestation"),
    path("desk/changes/", member_file.change_requests, name="change_requests"),
    path("desk/changes/<int:pk>/decide/", member_file.change_decide, name="change_decide"),
    path("desk/agreements/", agreements.agreement_list, name="agreements"),
    path("desk/agreements/new/", agreements.agreement_new, name="agreement_new"),
    path("desk/agreements/<int:pk>/", agreements.agreement_detail, name="agreement"),
    path("desk/agreements/documents/<int:pk>/", agreements.agreement_document, name="agreement_document"),
    path("desk/dashboard/", dashboard.dashboard, name="dashboard"),
    path("desk/staff/", dashboard.unit_staff, name="staff"),
    path("desk/hours/", hours.opening_hours_edit, name="opening_hours"),
    path("desk/dashboard.csv", dashboard.dashboard_csv, name="dashboard_csv"),
    # Member space
    path("me/appointments/", member.my_appointments, name="my_appointments"),
    path("me/appointments/book/", member.my_booking, name="my_booking"),
    path("me/appointments/<int:pk>/cancel/", member.my_appointment_cancel, name="my_appointment_cancel"),
    path("me/appointments/<int:pk>/reschedule/", member.my_appointment_reschedule, name="my_appointment_reschedule"),
    path("me/lab-orders/", member.my_lab_orders, name="my_lab_orders"),
]
