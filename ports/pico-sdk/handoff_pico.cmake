# handoff's libraries for the Pico SDK, defined the SDK's way: INTERFACE libraries whose sources
# compile into each program that links them, with that program's flags. pico_sdk_init() includes
# this file (handoff_import.cmake puts it in PICO_SDK_POST_LIST_FILES) once the SDK's own
# libraries exist.
#   handoff_pico         the core and this port; on the W boards the LED through the CYW43
#                        (pico_cyw43_arch_none: the chip started, no network)
#   handoff_pico_notify  W boards only: the same with notifications over Wi-Fi (notify.h, lwIP in
#                        the SDK's background context); the program defines WIFI_SSID,
#                        WIFI_PASSWORD, NOTIFY_URL and NOTIFY_DEVICE (strings)
if(TARGET handoff_pico_base)
  return()
endif()
include(${CMAKE_CURRENT_LIST_DIR}/../../cmake/sources.cmake)
set(_hf_port ${CMAKE_CURRENT_LIST_DIR})

add_library(handoff_pico_base INTERFACE)
target_sources(handoff_pico_base INTERFACE ${HF_CORE_SOURCES} ${_hf_port}/port_pico.c
               ${_hf_port}/line_ring.c)
target_include_directories(handoff_pico_base INTERFACE ${_hf_port}/../../include ${_hf_port})
target_link_libraries(handoff_pico_base INTERFACE pico_stdlib hardware_gpio hardware_irq
                      hardware_sync hardware_timer)

add_library(handoff_pico INTERFACE)
target_link_libraries(handoff_pico INTERFACE handoff_pico_base)
target_compile_definitions(handoff_pico INTERFACE HF_CFG_NOTIFY=0)
if(PICO_CYW43_SUPPORTED)
  target_link_libraries(handoff_pico INTERFACE pico_cyw43_arch_none)

  add_library(handoff_pico_notify INTERFACE)
  target_sources(handoff_pico_notify INTERFACE ${_hf_port}/net_lwip.c)
  target_link_libraries(handoff_pico_notify INTERFACE handoff_pico_base
                        pico_cyw43_arch_lwip_threadsafe_background pico_rand)
  target_compile_definitions(handoff_pico_notify INTERFACE HF_PICO_WIFI=1 HF_CFG_NOTIFY=1)
endif()
