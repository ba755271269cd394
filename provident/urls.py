from django.urls import path

from . import views

app_name = "provident"

urlpatterns = [
    path("desk/provident/", views.desk_list, name="desk_list"),
    path("desk/provident/new/", views.desk_new, name="desk_new"),
    path("desk/provident/<int:pk>/", views.desk_detail, name="desk_detail"),
    path("me/provident/", views.member_list, name="member_list"),
    path("me/provident/new/", views.member_new, name="member_new"),
    path("me/provident/<int:pk>/", views.member_detail, name="member_detail"),
    path("review/provident/", views.review_list, name="review_list"),
    path("review/provident/<int:pk>/", views.review_detail, name="review_detail"),
    path("provident/documents/<int:pk>/", views.document_download, name="document"),
]
