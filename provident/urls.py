from django.urls import path

from . import views

app_name = "provident"

urlpatterns = [
    path("desk/provident/", views.desk_list, name="desk_list"),
    path("desk/provident/new/", views.desk_new, name="desk_new"),
    path("desk/provident/<int:pk>/", views.desk_detail, name="desk_detail"),
    path("desk/provident/<int:pk>/decision.pdf", views.desk_letter, name="desk_letter"),
    path("me/provident/", views.member_list, name="member_list"),
    path("me/provident/new/", views.member_new, name="member_new"),
    path("me/provident/<int:pk>/", views.member_detail, name="member_detail"),
    path("me/provident/<int:pk>/decision.pdf", views.member_letter, name="member_letter"),
    path("review/provident/", views.review_list, name="review_list"),
    path("review/provident/<int:pk>/", views.review_detail, name="review_detail"),
    path("provident/documents/<int:pk>/", views.document_download, name="document"),
    path("provident/verify/<str:token>/", views.verify, name="verify"),
]
