from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("me/notices/", views.notice_list, name="list"),
    path("me/notices/read/", views.notice_read, name="read"),
    path("me/notices/delivery/", views.delivery_choice, name="delivery"),
]
