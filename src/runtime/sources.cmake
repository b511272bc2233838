list(APPEND AHTTP_SOURCES
  runtime/error.cpp
  runtime/semaphore.cpp
  runtime/signals.cpp
  runtime/sleep.cpp
  runtime/task_group.cpp
  runtime/to_thread.cpp
)
