# The portable core: never includes a port's or the OS's headers. Shared by every build.
set(HF_CORE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/../src/http.c
  ${CMAKE_CURRENT_LIST_DIR}/../src/input.c
  ${CMAKE_CURRENT_LIST_DIR}/../src/isr.c
  ${CMAKE_CURRENT_LIST_DIR}/../src/loop.c
  ${CMAKE_CURRENT_LIST_DIR}/../src/mqtt.c
  ${CMAKE_CURRENT_LIST_DIR}/../src/notify.c
  ${CMAKE_CURRENT_LIST_DIR}/../src/notify_mqtt.c
  ${CMAKE_CURRENT_LIST_DIR}/../src/output.c
  ${CMAKE_CURRENT_LIST_DIR}/../src/print.c)
