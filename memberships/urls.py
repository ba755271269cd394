from django.urls import path

from . import views

app_name = "memberships"

urlpatterns = [
    path("join/", views.apply, name="apply"),
    path("desk/memberships/", views.desk_list, name="desk_list"),
    path("desk/memberships/new/", views.desk_apply, name="desk_apply"),
    path("desk/memberships/requests/new/", views.desk_member_request, name="desk_member_request"),
    path("desk/memberships/<int:pk>/", views.desk_detail, name="desk_detail"),
    path("desk/memberships/<int:pk>/decide/", views.desk_decide, name="desk_decide"),
    path("desk/memberships/<int:pk>/letter.pdf", views.desk_letter, name="desk_letter"),
    path("me/memberships/", views.member_requests, name="member_requests"),
    path("me/memberships/<int:pk>/", views.member_request, name="member_request"),
]
