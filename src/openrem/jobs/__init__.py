"""Background work: huey tasks with a task record table for the task pages.

huey runs on Redis in production (REDIS_HOST / REDIS_PORT set), on a SQLite file as the embedded
default, and immediately (in-process) when HUEY_IMMEDIATE=1 (unit tests).
"""
