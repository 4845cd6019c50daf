from django.urls import path

from pathways.courses import views

app_name = "courses"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("courses/", views.catalogue, name="catalogue"),
    path("courses/<int:course_id>/", views.course_overview, name="course"),
    path("courses/<int:course_id>/enrol/", views.course_enrol, name="enrol"),
    path("courses/<int:course_id>/leave/", views.course_withdraw, name="withdraw"),
    path("lessons/<int:lesson_id>/", views.lesson_detail, name="lesson"),
    path("lessons/<int:lesson_id>/done/", views.lesson_mark_done, name="lesson_done"),
    path("lessons/<int:lesson_id>/quiz/<str:block_id>/", views.quiz_submit, name="quiz"),
    path(
        "lessons/<int:lesson_id>/reflection/<str:block_id>/",
        views.reflection_save,
        name="reflection",
    ),
    path(
        "lessons/<int:lesson_id>/activity/<str:block_id>/",
        views.activity_request,
        name="activity",
    ),
    path("reflections/", views.my_reflections, name="reflections"),
    path("sign-offs/", views.signoff_list, name="signoffs"),
    path("sign-offs/<int:signoff_id>/", views.signoff_confirm, name="signoff_confirm"),
    path("sign-offs/<int:signoff_id>/not-yet/", views.signoff_return, name="signoff_return"),
]
