"""URLs of the task pages, mounted under ``tasks/`` (see :mod:`openrem.web.views.tasks`)."""

from django.urls import path

from openrem.web.views import tasks, tasks_health

urlpatterns = [
    path("", tasks.tasks_page, name="tasks"),
    path("json/", tasks.tasks_json, name="tasks_json"),
    path("<int:pk>/terminate/", tasks.task_terminate, name="tasks_terminate"),
    path("settings/", tasks.task_settings, name="tasks_settings"),
    path("requeue/", tasks_health.task_requeue, name="tasks_requeue"),
]
