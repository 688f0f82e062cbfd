"""``openrem run_huey``: the task consumer (huey's command, with OpenREM's consumer; docs/tasks.md)."""

from __future__ import annotations

import logging
import os
from typing import Any

from django.conf import settings
from django.utils.module_loading import autodiscover_modules
from huey.consumer_options import ConsumerConfig
from huey.contrib.djhuey.management.commands.run_huey import Command as HueyCommand

from openrem.jobs.consumer import OpenREMConsumer

DEFAULT_SHUTDOWN_TIMEOUT = 30.0


class Command(HueyCommand):  # type: ignore[misc]
    help = ("Run the task consumer. SIGTERM or SIGINT stop it gracefully: running tasks finish within the "
            "shutdown timeout (-t, HUEY_SHUTDOWN_TIMEOUT, default 30 s), unfinished ones are queued again.")

    def handle(self, *args: Any, **options: Any) -> None:
        from huey.contrib.djhuey import HUEY

        consumer_options: dict[str, Any] = dict(settings.HUEY.get("consumer", {}))
        consumer_options.setdefault(
            "shutdown_timeout", float(os.environ.get("HUEY_SHUTDOWN_TIMEOUT") or DEFAULT_SHUTDOWN_TIMEOUT))
        for key, value in options.items():
            if value is not None and key in ConsumerConfig._fields:
                consumer_options[key] = value
        if not options.get("disable_autoload"):
            autodiscover_modules("tasks")
        # task locks (declared when the task modules load) left by a consumer that was killed are released
        consumer_options["flush_locks"] = True
        config = ConsumerConfig(**consumer_options)
        config.validate()
        logger = logging.getLogger("huey")
        if not logger.handlers:
            config.setup_logger(logger)
        values = dict(config.values)
        values.pop("graceful_signal", None)
        OpenREMConsumer(HUEY, **values).run()
